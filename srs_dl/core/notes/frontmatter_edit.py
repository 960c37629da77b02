"""Setting a reviewed note's `sr-due`, `sr-interval` and `sr-ease` frontmatter keys.

Only those three values change; every other byte stays (other keys, their order,
comments, line endings, trailing spaces). An existing value keeps its quoting
(`sr-due: "2025-06-13"` stays quoted) and anything after it on its line (a `#`
comment). Missing keys are added at the end of the frontmatter, bare, as the
plugin (Obsidian's `processFrontMatter`) writes them; a note without frontmatter
gets a block at the top, in the note's own line ending.

JSON frontmatter (Obsidian reads a block whose body starts with `{` as JSON) is
edited the same way, in place: existing values replaced, missing keys added
before the closing brace; the result is checked by parsing it, and a block that
is not a valid JSON object raises ValueError rather than being rewritten.
"""

from __future__ import annotations

import json
import re

from srs_dl.core.notes.frontmatter import frontmatter_end, key_line
from srs_dl.core.notes.model import NoteSchedule

KEYS = ("sr-due", "sr-interval", "sr-ease")

# A line that names a review key however it is spelled (quoted, another case, no
# space after the colon): the writer must not add that key a second time.
_SPELLS_KEY = re.compile(r"""^["']?(sr-due|sr-interval|sr-ease)["']?[ \t]*:""", re.IGNORECASE)


class FrontmatterEditError(ValueError):
    """The frontmatter cannot be edited safely; `line` is the note's 1-based line."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


_JSON_VALUE = r"""("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|null|true|false)"""


def format_number(x: float) -> str:
    """A number as JavaScript prints it (3, 3.3), as the plugin writes it."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _values(schedule: NoteSchedule) -> dict[str, str]:
    return {
        "sr-due": schedule.due.isoformat(),
        "sr-interval": format_number(schedule.interval),
        "sr-ease": format_number(schedule.ease),
    }


def _ending(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    return "\n" if line.endswith("\n") else ""


def _content(line: str) -> str:
    return line[: len(line) - len(_ending(line))]


def find_frontmatter(lines: list[str]) -> tuple[int, int] | None:
    """(index of the opening `---`, index of the closing one), or None: the block the
    reader (core.notes.frontmatter) reads, by its own rule."""
    end = frontmatter_end([_content(line) for line in lines])
    return (0, end - 1) if end else None


def set_review_keys(text: str, schedule: NoteSchedule) -> str:
    """`text` with its frontmatter's review keys set to `schedule`."""
    if text.startswith("\ufeff"):
        # A byte order mark stays the first character, before any new block.
        return "\ufeff" + set_review_keys(text[1:], schedule)
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    values = _values(schedule)
    block = find_frontmatter(lines)
    if block is None:
        ending = next((_ending(line) for line in lines if _ending(line)), "\n")
        head = "---" + ending + "".join(f"{k}: {values[k]}{ending}" for k in KEYS) + "---" + ending
        return head + text
    start, end = block
    body = lines[start + 1 : end]
    if "".join(body).strip().startswith("{"):
        new_body = _set_json("".join(body), values)
        return "".join(lines[: start + 1]) + new_body + "".join(lines[end:])
    found: dict[str, int] = {}
    for j, line in enumerate(body):
        content = _content(line)
        lineno = start + j + 2
        kl = key_line(content)
        if kl is None or kl.key not in KEYS:
            spelled = _SPELLS_KEY.match(content)
            if spelled:
                raise FrontmatterEditError(
                    lineno,
                    f"frontmatter line {content.strip()[:60]!r} is not the key"
                    f" {spelled[1].lower()} as YAML reads it; srs-dl will not add a second"
                    " one (write it `key: value`)",
                )
            continue
        key = kl.key
        # A key given twice (YAML that Obsidian refuses already) gets the value each time.
        found.setdefault(key, lineno)
        if kl.trailing:
            raise FrontmatterEditError(
                lineno, f"frontmatter key {key} holds a value srs-dl cannot rewrite"
            )
        old = content[kl.value_start : kl.value_end]
        head, tail = content[: kl.value_start], content[kl.value_end :]
        if not old:
            following = body[j + 1] if j + 1 < len(body) else ""
            if following[:1] in (" ", "\t") or following.startswith("-"):
                raise FrontmatterEditError(
                    lineno,
                    f"frontmatter key {key} holds a block value srs-dl cannot rewrite",
                )
        if not head.endswith((" ", "\t")):
            head += " "
        if kl.commented:
            # `key: # note`: the value goes before the comment, which stays.
            tail = " " + tail
        try:
            new = _quoted(old, values[key], key)
        except ValueError as exc:
            raise FrontmatterEditError(lineno, str(exc)) from None
        body[j] = head + new + tail + _ending(line)
    ending = _ending(lines[start]) or "\n"
    added = [f"{k}: {values[k]}{ending}" for k in KEYS if k not in found]
    return "".join(lines[: start + 1] + body + added + lines[end:])


def _quoted(old: str, new: str, key: str) -> str:
    if old.startswith('"'):
        return f'"{new}"'
    if old.startswith("'"):
        return f"'{new}'"
    if old[:1] in ("|", ">", "[", "{", "&", "*", "!"):
        raise ValueError(
            f"frontmatter key {key} holds {old!r}, not a plain value srs-dl can rewrite"
        )
    return new


def _set_json(body: str, values: dict[str, str]) -> str:
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"line {exc.lineno + 1}: JSON frontmatter is not valid JSON: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise ValueError("line 2: JSON frontmatter is not an object")
    new = body
    missing: list[str] = []
    for key in KEYS:
        pattern = re.compile(r'("' + re.escape(key) + r'"\s*:\s*)' + _JSON_VALUE)
        if key not in data:
            missing.append(key)
            continue
        m = pattern.search(new)
        if m is None:
            raise ValueError(
                f"line 2: JSON frontmatter key {key} holds a value srs-dl cannot rewrite"
            )
        old = m.group(2)
        as_string = old.startswith('"') or key == "sr-due"
        literal = json.dumps(values[key]) if as_string else values[key]
        new = new[: m.start(2)] + literal + new[m.end(2) :]
    if missing:
        close = new.rstrip().rfind("}")
        before = new[:close]
        kept = before.rstrip()
        sep = "" if kept.endswith("{") else ", "
        added = ", ".join(
            f'"{k}": {json.dumps(values[k]) if k == "sr-due" else values[k]}' for k in missing
        )
        new = kept + sep + added + before[len(kept) :] + new[close:]
    check = json.loads(new)
    for key in KEYS:
        want = values[key] if key == "sr-due" else float(values[key])
        got = check.get(key)
        if (got if key == "sr-due" else _as_float(got)) != want:
            # The regex met the key somewhere other than the top level.
            raise ValueError(f"line 2: could not set {key} in the JSON frontmatter")
    return new


def _as_float(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
