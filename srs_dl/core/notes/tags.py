"""Obsidian tags, headings and wikilinks in note lines, and decks from tags."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# A tag: `#` at the start of a line or after whitespace, then letters, digits,
# `_`, `-`, `/` or any non-ASCII symbol (emoji, CJK) but not punctuation;
# at least one character must be a non-digit.
_TAG_RE = re.compile(
    r"(?<!\S)#([^\s!-,.:-@\[-\^`{-~\u2000-\u206f\u3000-\u303f\uff01-\uff0f\uff1a-\uff20"
    r"\uff3b-\uff40\uff5b-\uff65]+)"
)
_CODE_SPAN_RE = re.compile(r"`+[^`]*`+")
_HEADING_RE = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_LINK_RE = re.compile(r"\[\[([^\[\]|#^\n]*)")
#: The plugin's "tag at the start of a question" (question-specific deck).
QUESTION_TAG_RE = re.compile(r"#[^\s#]+")


def tags_in_line(line: str) -> list[str]:
    """Tags of one line, with `#`, outside inline code."""
    if "`" in line:
        line = _CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), line)
    return ["#" + t for t in _TAG_RE.findall(line) if not t.replace("/", "").isdigit()]


def heading_in_line(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line, or None."""
    level = len(line) - len(line.lstrip("#"))
    if not 1 <= level <= 6:
        return None
    rest = line[level:]
    if rest and rest[0] != " " and rest[0] != "\t":
        return None  # a tag, not a heading
    if not rest.rstrip(" \t").endswith("#"):
        # No closing #s (the usual heading): the text is the rest, stripped, as
        # _HEADING_RE reads it. Not matching that regex halves the scan's heading time.
        return level, rest.strip()
    m = _HEADING_RE.match(line)
    if m is None:
        return None
    return len(m.group(1)), (m.group(2) or "").strip()


def links_in_line(line: str) -> list[str]:
    out: list[str] = []
    for target in _LINK_RE.findall(line):
        # A table cell escapes the alias pipe as `\|`.
        target = target.rstrip("\\").strip()
        if target:
            out.append(target)
    return out


def deck_of_tag(tag: str) -> str:
    """`#flashcards/a/b` -> `flashcards/a/b` (empty parts dropped, as the plugin does)."""
    deck = _DECKS.get(tag)
    if deck is None:
        deck = "/".join([part for part in tag.replace("#", "", 1).split("/") if part])
        if len(_DECKS) < 50_000:
            _DECKS[tag] = deck
    return deck


#: deck_of_tag's answers: the same few tags recur in every note.
_DECKS: dict[str, str] = {}


def normalize_tag(tag: str) -> str:
    tag = tag.strip()
    return tag if tag.startswith("#") else "#" + tag


def tag_matcher(wanted: Iterable[str]) -> Callable[[str], bool]:
    """Whether a tag is one of `wanted` or a sub-tag of one (`#flashcards/dl` under
    `#flashcards`), `wanted` fixed: a vault repeats a few tags in every note, so
    answers are remembered."""
    tags = [w for w in wanted if w]
    if not tags:
        return lambda tag: False
    rx = re.compile("(?:" + "|".join(re.escape(w) for w in tags) + ")(?:/|$)")
    match = rx.match
    known: dict[str, bool] = {}

    def matches(tag: str) -> bool:
        found = known.get(tag)
        if found is None:
            found = match(tag) is not None
            if len(known) < 50_000:
                known[tag] = found
        return found

    return matches
