"""A note's frontmatter: the `---` block on its first line, YAML or JSON.

Not a YAML parser: a small tolerant reader of what Obsidian users write (top-level
`key: value`, flow lists `[a, b]`, block lists `- a`, quotes, comments), enough
for tags, the whole-note schedule (`sr-due`, `sr-interval`, `sr-ease`) and the
list of keys. It never raises: odd input gives a ParseWarning instead.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from srs_dl.core.notes.model import NoteSchedule, ParseWarning
from srs_dl.core.notes.sr_comment import parse_date

# A top-level key: quoted, or plain without a colon; then the colon, which YAML reads
# as the key's end only before a space, a tab or the end of the line.
_KEY_HEAD_RE = re.compile(
    r"""^("[^"]*"|'[^']*'|[^\s:#'"\-][^:]*?|-[^\s:][^:]*?)[ \t]*:(?=[ \t]|$)"""
)
_COMMENT_AFTER_RE = re.compile(r"[ \t]#")
_ITEM_RE = re.compile(r"^[ \t]*-(?:[ \t]+(.*)|)$")
_TAG_SPLIT_RE = re.compile(r"[,\s]+")
_LEADING_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


@dataclass(frozen=True, slots=True)
class Frontmatter:
    #: Lines the block takes, both `---` included (0: the note has none).
    line_count: int = 0
    keys: tuple[str, ...] = ()
    #: Tags from `tags` (and the older `tag`), each with its leading `#`.
    tags: tuple[str, ...] = ()
    #: Scalar value of each key as text (a list gives its first item).
    values: Mapping[str, str] = field(default_factory=dict)
    #: 1-based line of each key.
    key_lines: Mapping[str, int] = field(default_factory=dict)
    warnings: tuple[ParseWarning, ...] = ()
    is_json: bool = False


@dataclass(frozen=True, slots=True)
class KeyLine:
    """A top-level `key: value` line as YAML reads it; the one grammar of the reader
    and of the writer (core.notes.frontmatter_edit), so the writer changes only a
    value the reader read."""

    key: str
    #: Columns of the value in the line (quotes included; empty for a null or block).
    value_start: int
    value_end: int
    #: The value as text: without quotes, without a trailing `# comment`.
    text: str
    #: The value is nothing but a comment (`key: #x`, which YAML reads as null).
    commented: bool = False
    #: Text after a closing quote that is not a comment (`"a" b`): no valid YAML.
    trailing: bool = False


def _quoted_end(rest: str) -> int:
    """Index just past the closing quote of the quoted scalar `rest` starts with (-1: none)."""
    quote = rest[0]
    i = 1
    while i < len(rest):
        ch = rest[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and rest[i + 1 : i + 2] == "'":
                i += 2  # '' is a quote inside a single-quoted scalar
                continue
            return i + 1
        i += 1
    return -1


def key_line(line: str) -> KeyLine | None:
    """The key and value of a top-level frontmatter line (terminator removed), or None
    when YAML would not read it as a key (indented, a list item, a comment, no
    `: ` after the key)."""
    m = _KEY_HEAD_RE.match(line)
    if m is None:
        return None
    key = _unquote(m.group(1))
    start = m.end()
    while start < len(line) and line[start] in " \t":
        start += 1
    rest = line[start:]
    if not rest:
        return KeyLine(key, start, start, "")
    if rest[0] == "#":
        return KeyLine(key, start, start, rest.rstrip(), commented=True)
    if rest[0] in "\"'":
        close = _quoted_end(rest)
        if close < 0:
            return KeyLine(key, start, len(line.rstrip()), rest[1:].rstrip(), trailing=True)
        after = rest[close:]
        trailing = bool(after.strip()) and not after.lstrip(" \t").startswith("#")
        trailing = trailing or bool(after) and after[0] not in " \t"
        return KeyLine(key, start, start + close, rest[1 : close - 1], trailing=trailing)
    cut = _COMMENT_AFTER_RE.search(rest)
    value = (rest[: cut.start()] if cut else rest).rstrip(" \t")
    return KeyLine(key, start, start + len(value), value)


def frontmatter_end(lines: Sequence[str]) -> int:
    """How many lines the frontmatter block takes (0 when there is none).

    As the plugin reads it: the first line is exactly `---`, and so is the closing one."""
    if not lines or lines[0].rstrip("\r") != "---":
        return 0
    for j in range(1, len(lines)):
        if lines[j].rstrip("\r") == "---":
            return j + 1
    # An unclosed block is no frontmatter (as in Obsidian and the plugin).
    return 0


def read_frontmatter(lines: Sequence[str]) -> Frontmatter:
    """The frontmatter of a note given as its lines (terminators removed)."""
    end = frontmatter_end(lines)
    if end == 0:
        return Frontmatter()
    try:
        body = lines[1 : end - 1]
        if "".join(body).lstrip().startswith("{"):
            return _read_json(body, end)
        return _read_yaml(body, end)
    except Exception as exc:  # the reader must never fail an import
        return Frontmatter(
            line_count=end,
            warnings=(ParseWarning(1, f"frontmatter could not be read ({exc}); ignored"),),
        )


def _unquote(value: str) -> str:
    v = value.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def _plain(value: str) -> tuple[str, bool]:
    """A YAML scalar without quotes or trailing comment; the flag says a `#` started it."""
    v = value.strip()
    if v[:1] in ("'", '"'):
        q = v[0]
        close = v.find(q, 1)
        return (v[1:close] if close > 0 else v[1:]), False
    if v.startswith("#"):
        return v, True
    cut = v.find(" #")
    return (v[:cut].rstrip() if cut >= 0 else v), False


def _flow_items(value: str) -> list[str]:
    inner = value.strip()[1:]
    if inner.endswith("]"):
        inner = inner[:-1]
    if '"' not in inner and "'" not in inner:
        return [i for i in (part.strip() for part in inner.split(",")) if i]
    items: list[str] = []
    buf: list[str] = []
    quote = ""
    for ch in inner:
        if quote:
            if ch == quote:
                quote = ""
            else:
                buf.append(ch)
        elif ch in "\"'":
            quote = ch
        elif ch == ",":
            items.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
    items.append("".join(buf).strip())
    return [i for i in items if i]


def _tags_from(raw: Any) -> list[str]:
    items: list[Any] = raw if isinstance(raw, list) else [raw]
    tags: list[str] = []
    for item in items:
        if item is None or isinstance(item, dict | list):
            continue
        for part in _TAG_SPLIT_RE.split(str(item)):
            part = part.strip().strip("\"'")
            if part and part != "#":
                tags.append(part if part.startswith("#") else "#" + part)
    return tags


def _add_tag(
    raw_tags: list[Any], warnings: list[ParseWarning], lineno: int, text: str, commented: bool
) -> None:
    """A `tags` value, inline or a list item; one YAML reads as a comment is still read
    as a tag (what the user meant), with a warning that Obsidian does not."""
    if commented:
        warnings.append(
            ParseWarning(
                lineno,
                f"YAML reads {text!r} as a comment (Obsidian ignores it); quote it: read as a tag",
            )
        )
    raw_tags.append(text)


def _read_yaml(body: Sequence[str], end: int) -> Frontmatter:
    keys: list[str] = []
    values: dict[str, str] = {}
    key_lines: dict[str, int] = {}
    raw_tags: list[Any] = []
    warnings: list[ParseWarning] = []
    current: str | None = None  # key whose block list may follow
    for offset, line in enumerate(body):
        lineno = offset + 2
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue  # a YAML comment line, wherever it is indented
        if line[:1] in (" ", "\t", "-"):
            item = _ITEM_RE.match(line)
            if item is not None and current is not None:
                text, commented = _plain(item.group(1) or "")
                if current in ("tags", "tag"):
                    _add_tag(raw_tags, warnings, lineno, text, commented)
                if current not in values and text and not commented:
                    values[current] = text
            continue
        kl = key_line(line)
        if kl is None:
            why = ""
            if re.match(r"""^["']?[^\s:#"'][^:]*["']?:[^\s]""", line):
                why = " (YAML needs a space after the colon)"
            warnings.append(
                ParseWarning(lineno, f"frontmatter line not understood: {stripped[:60]!r}{why}")
            )
            current = None
            continue
        key = kl.key
        raw_value = line[kl.value_start :].strip()
        if key not in key_lines:
            keys.append(key)
            key_lines[key] = lineno
        current = key
        if not raw_value:
            continue
        if raw_value.startswith("["):
            items = [_plain(i)[0] for i in _flow_items(raw_value)]
            if key in ("tags", "tag"):
                raw_tags.extend(items)
            if items:
                values[key] = items[0]
            continue
        text, commented = kl.text, kl.commented
        if key in ("tags", "tag"):
            _add_tag(raw_tags, warnings, lineno, text, commented)
        if not commented:
            values[key] = text
    return Frontmatter(
        line_count=end,
        keys=tuple(keys),
        tags=tuple(dict.fromkeys(_tags_from(raw_tags))),
        values=values,
        key_lines=key_lines,
        warnings=tuple(warnings),
    )


def _read_json(body: Sequence[str], end: int) -> Frontmatter:
    try:
        data = json.loads("\n".join(body))
    except ValueError as exc:
        return Frontmatter(
            line_count=end,
            warnings=(ParseWarning(2, f"JSON frontmatter is not valid JSON ({exc}); ignored"),),
            is_json=True,
        )
    if not isinstance(data, dict):
        return Frontmatter(
            line_count=end,
            warnings=(ParseWarning(2, "JSON frontmatter is not an object; ignored"),),
            is_json=True,
        )
    values: dict[str, str] = {}
    for key, value in data.items():
        v = value[0] if isinstance(value, list) and value else value
        if v is not None and not isinstance(v, dict | list):
            values[str(key)] = str(v).lower() if isinstance(v, bool) else str(v)
    raw: list[Any] = []
    for key in ("tags", "tag"):
        value = data.get(key)
        if value is not None:
            raw.extend(value if isinstance(value, list) else [value])
    return Frontmatter(
        line_count=end,
        keys=tuple(str(k) for k in data),
        tags=tuple(dict.fromkeys(_tags_from(raw))),
        values=values,
        key_lines={str(k): 2 for k in data},
        is_json=True,
    )


def _leading_float(text: str) -> float | None:
    # The plugin reads these with parseFloat, which takes a leading number.
    m = _LEADING_NUMBER_RE.match(text.strip())
    if m is None:
        return None
    value = float(m.group(0))
    return value if math.isfinite(value) else None


def note_schedule(fm: Frontmatter) -> tuple[NoteSchedule | None, tuple[ParseWarning, ...]]:
    """The whole-note schedule from `sr-due`, `sr-interval`, `sr-ease` (all three needed)."""
    names = ("sr-due", "sr-interval", "sr-ease")
    present = [n for n in names if fm.values.get(n, "").strip()]
    if not present:
        return None, ()
    first_line = min(fm.key_lines.get(n, 1) for n in present)
    if len(present) < 3:
        missing = ", ".join(n for n in names if n not in present)
        return None, (ParseWarning(first_line, f"note schedule incomplete: {missing} missing"),)
    problems: list[ParseWarning] = []
    due = None
    try:
        due = parse_date(fm.values["sr-due"])
    except ValueError as exc:
        problems.append(ParseWarning(fm.key_lines.get("sr-due", first_line), f"sr-due: {exc}"))
    interval = _leading_float(fm.values["sr-interval"])
    if interval is None or interval < 0:
        problems.append(
            ParseWarning(
                fm.key_lines.get("sr-interval", first_line),
                f"sr-interval {fm.values['sr-interval']!r} is not a number of days",
            )
        )
    ease = _leading_float(fm.values["sr-ease"])
    if ease is None or ease <= 0:
        problems.append(
            ParseWarning(
                fm.key_lines.get("sr-ease", first_line),
                f"sr-ease {fm.values['sr-ease']!r} is not a positive number",
            )
        )
    if problems or due is None or interval is None or ease is None:
        return None, tuple(problems)
    return NoteSchedule(due=due, interval=interval, ease=math.floor(ease + 0.5)), ()
