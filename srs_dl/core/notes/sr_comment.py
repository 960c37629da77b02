"""Reading and writing the plugin's scheduling comments, `<!--SR:!2025-03-01,4,230!...-->`.

One `!`-separated group per sibling card. An SM-2 group is `date,interval,ease`;
the plugin (v1.15) reads the date as YYYY-MM-DD, DD-MM-YYYY or `ddd MMM DD YYYY`
and writes YYYY-MM-DD; 2000-01-01 marks a sibling never reviewed. A group in the
plugin's FSRS format (`fsrs,<due ISO>,<interval>,<stability>,<difficulty>,<state>,
<reps>,<lapses>,<learning steps>,<last review ISO or ->`) is kept verbatim in
`SRGroup.raw` and written back untouched.

Intervals keep their fraction here (the plugin writes e.g. `7.5` when load
balancing is off) so an untouched group round-trips byte for byte; note that the
plugin itself reads intervals and eases with `parseInt`, i.e. truncated.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

from srs_dl.core.notes.fast_init import new_group
from srs_dl.core.notes.fsrs_group import parse_fsrs_group
from srs_dl.core.notes.model import NEVER_REVIEWED, NoteSchedule, SRGroup

COMMENT_OPEN = "<!--SR:"
COMMENT_CLOSE = "-->"
#: A scheduling comment on one line; group 1 is its body (what parse_groups reads).
COMMENT_RE = re.compile(r"<!--SR:(.*?)-->")
_COMMENT_WS_RE = re.compile(r"[ \t]*<!--SR:.*?-->")

FSRS_PREFIX = "fsrs"

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_WEEKDAYS = frozenset(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_RE = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_LONG_RE = re.compile(r"([A-Za-z]{3})\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{4})")
_NUMBER_RE = re.compile(r"[+-]?\d+(?:\.\d+)?")
# The plugin's own format, read without the general path (most groups look like this).
_PLAIN_GROUP_RE = re.compile(r"(\d{4})-(\d\d)-(\d\d),(\d+),(\d+)")
_PLAIN_BODY_RE = re.compile(r"(?:!\d{4}-\d\d-\d\d,\d+,\d+)+")
_PLAIN_GROUPS_RE = re.compile(r"!(\d{4})-(\d\d)-(\d\d),(\d+),(\d+)")
#: Due dates by their digits: a vault's comments share few dates.
_DATES: dict[str, dt.date] = {}


def parse_date(text: str) -> dt.date:
    """A due date in one of the formats the plugin reads; ValueError otherwise."""
    s = text.strip()
    m = _ISO_RE.fullmatch(s)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _DMY_RE.fullmatch(s)
        if m:
            d, mo, y = int(m[1]), int(m[2]), int(m[3])
        else:
            m = _LONG_RE.fullmatch(s)
            if not m or m[1].lower() not in _WEEKDAYS or m[2].lower() not in _MONTHS:
                raise ValueError(
                    f"bad date {text.strip()!r} (expected YYYY-MM-DD, DD-MM-YYYY or 'ddd MMM DD YYYY')"
                )
            mo, d, y = _MONTHS[m[2].lower()], int(m[3]), int(m[4])
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"bad date {text.strip()!r} (no such day)") from None


def _number(text: str, what: str, segment: str) -> float:
    s = text.strip()
    if not _NUMBER_RE.fullmatch(s):
        raise ValueError(f"bad {what} {s!r} in scheduling group {segment!r}")
    return float(s)


def _parse_fsrs(segment: str) -> SRGroup:
    fields = segment.split(",")
    if len(fields) > 1 and fields[1].strip() == "-":
        # No due time: the plugin reads the card as never reviewed (parseFsrsTimestamp).
        return SRGroup(due=None, interval=0.0, ease=250, raw=segment)
    schedule = parse_fsrs_group(segment)
    return SRGroup(
        due=schedule.due_day, interval=schedule.interval, ease=schedule.ease, raw=segment
    )


def _plain_group(y: str, mo: str, d: str, ivl: str, ease: str) -> SRGroup | None:
    """A group in the plugin's own format; None when it needs the general path to
    name its problem (a date that does not exist, ease 0)."""
    if not ease.strip("0") or len(ease) > 6 or len(ivl) > 7:
        return None  # ease 0, or a number out of range: the general path says which
    key = y + mo + d
    due = _DATES.get(key)
    if due is None:
        try:
            due = dt.date(int(y), int(mo), int(d))
        except ValueError:
            return None
        if len(_DATES) < 20_000:
            _DATES[key] = due
    return new_group(due, float(ivl), int(ease))


#: Days from 0001-01-01 to 9999-12-31: no longer interval has a due date.
MAX_INTERVAL = 3_652_058
#: Far above any ease the plugin writes (250 by default); beyond it a number is damage.
MAX_EASE = 100_000


def _in_range(value: float, limit: int, what: str, text: str, segment: str) -> None:
    if value > limit:
        raise ValueError(
            f"{what} {text.strip()[:24]!r} is out of range (at most {limit:,})"
            f" in scheduling group {segment[:60]!r}"
        )


def parse_group(segment: str) -> SRGroup:
    """One group (without its leading `!`); ValueError with a clear message if malformed."""
    seg = segment.strip()
    m = _PLAIN_GROUP_RE.fullmatch(seg)
    if m is not None:
        group = _plain_group(*m.groups())
        if group is not None:
            return group
    if seg.startswith(FSRS_PREFIX + ","):
        return _parse_fsrs(seg)
    parts = seg.split(",")
    if len(parts) != 3:
        raise ValueError(
            f"scheduling group {seg!r} should be 'date,interval,ease' ({len(parts)} fields)"
        )
    due = parse_date(parts[0])
    interval = _number(parts[1], "interval", seg)
    if interval < 0:
        raise ValueError(f"negative interval {parts[1].strip()!r} in scheduling group {seg!r}")
    ease_value = _number(parts[2], "ease", seg)
    if ease_value <= 0:
        raise ValueError(f"ease {parts[2].strip()!r} must be above 0 in scheduling group {seg!r}")
    _in_range(interval, MAX_INTERVAL, "interval", parts[1], seg)
    _in_range(ease_value, MAX_EASE, "ease", parts[2], seg)
    # The plugin reads eases with parseInt: a fraction is dropped.
    return SRGroup(due=due, interval=interval, ease=int(ease_value))


def parse_groups(body: str) -> tuple[SRGroup, ...]:
    """The groups of a comment body (the text between `<!--SR:` and `-->`).

    Raises ValueError naming the bad part: bad date, negative interval, ease 0 or
    below, letters in a number, wrong field count, or no group at all.
    """
    if _PLAIN_BODY_RE.fullmatch(body):
        plain = []
        for fields in _PLAIN_GROUPS_RE.findall(body):
            group = _plain_group(*fields)
            if group is None:
                break
            plain.append(group)
        else:
            return tuple(plain)
    if body[:1] == "!" and "!" not in body[1:] and body[1:].strip():
        return (parse_group(body[1:]),)
    segments = [s for s in (p.strip() for p in body.split("!")) if s]
    if not segments:
        raise ValueError(f"scheduling comment {COMMENT_OPEN}{body}{COMMENT_CLOSE} has no group")
    return tuple(parse_group(s) for s in segments)


def format_interval(interval: float) -> str:
    """An interval as the plugin writes it (JavaScript number to string): `4`, `7.5`."""
    if not math.isfinite(interval):
        raise ValueError(f"interval {interval!r} is not a finite number")
    if interval == int(interval):
        return str(int(interval))
    return repr(float(interval))


def format_group(group: SRGroup) -> str:
    """One group without its leading `!`."""
    if group.raw is not None:
        return group.raw
    due = group.due if group.due is not None else NEVER_REVIEWED
    return _triple(due, group.interval, group.ease)


def note_schedule_text(schedule: NoteSchedule) -> str:
    """A whole note's schedule in the groups' layout, `due,interval,ease`: how the notes
    table remembers what the note's frontmatter holds (review_sched_note)."""
    return _triple(schedule.due, schedule.interval, schedule.ease)


def _triple(due: dt.date, interval: float, ease: int) -> str:
    return f"{due.isoformat()},{format_interval(interval)},{int(ease)}"


def format_comment(groups: Sequence[SRGroup]) -> str:
    """The whole comment exactly as the plugin writes it."""
    return COMMENT_OPEN + "".join("!" + format_group(g) for g in groups) + COMMENT_CLOSE


def comment_only(line: str) -> bool:
    """The line holds a scheduling comment and nothing else but whitespace."""
    m = COMMENT_RE.search(line)
    return m is not None and not line[: m.start()].strip() and not line[m.end() :].strip()


def unclosed_comment(line: str) -> tuple[int, int, tuple[SRGroup, ...]] | None:
    """A `<!--SR:` never closed on its line whose rest reads as groups (`Q::A
    <!--SR:!2023-09-02,4,270`): (start, end, groups); None otherwise. The plugin
    still reads such a schedule (its legacy `!date,interval,ease` extractor)."""
    k = line.rfind(COMMENT_OPEN)
    if k < 0 or COMMENT_CLOSE in line[k:]:
        return None
    body = line[k + len(COMMENT_OPEN) :].rstrip()
    try:
        groups = parse_groups(body)
    except ValueError:
        return None
    return k, k + len(COMMENT_OPEN) + len(body), groups


def without_comments(line: str) -> str:
    """The line without its scheduling comments (an unclosed one that reads as one
    too) and the spaces and tabs before them."""
    rest = _COMMENT_WS_RE.sub("", line)
    if COMMENT_OPEN in rest:
        unclosed = unclosed_comment(rest)
        if unclosed is not None:
            rest = rest[: unclosed[0]].rstrip(" \t")
    return rest


def card_schedule(group: SRGroup) -> SRGroup | None:
    """What a card's group says of its schedule: None for a sibling never reviewed
    (2000-01-01) or an FSRS group without a due date."""
    if group.is_new:
        return None
    if group.raw is not None and group.due is None:
        return None
    return group
