"""How notes are read: separators, cloze patterns, tags, decks.

Precedence (shared/specs/cli.md): command-line flags, then the config file,
then the vault's own plugin settings (data.json), then the plugin's defaults.
Each layer is a partial mapping of field name to value; `resolve` merges them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: The plugin's cloze pattern strings for its three built-in styles.
CLOZE_STYLES: dict[str, str] = {
    "highlight": "==[123;;]answer[;;hint]==",
    "bold": "**[123;;]answer[;;hint]**",
    "curly": "{{[123;;]answer[;;hint]}}",
}


@dataclass(frozen=True, slots=True)
class ParseSettings:
    inline_sep: str = "::"
    inline_reversed_sep: str = ":::"
    multiline_sep: str = "?"
    multiline_reversed_sep: str = "??"
    #: An empty string means no end marker: the answer ends at a blank line.
    end_marker: str = ""
    #: Cloze patterns in the plugin's own notation (see CLOZE_STYLES).
    cloze_patterns: tuple[str, ...] = (CLOZE_STYLES["highlight"],)
    flashcard_tags: tuple[str, ...] = ("#flashcards",)
    all_notes: bool = False
    folders_as_decks: bool = False
    comment_on_same_line: bool = False
    review_tags: tuple[str, ...] = ("#review",)
    ignore_folders: tuple[str, ...] = ()
    #: Read `key:: value` lines whose key is a lowercase word as Dataview fields, not cards.
    dataview_fields: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


_TUPLE_FIELDS = {f.name for f in dataclasses.fields(ParseSettings) if "tuple" in str(f.type)}
_FIELDS = {f.name for f in dataclasses.fields(ParseSettings)}


def resolve(*layers: Mapping[str, Any]) -> ParseSettings:
    """Merge partial settings, the first layer winning; unknown keys are ignored."""
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        for key, value in layer.items():
            if key in _FIELDS and value is not None:
                if key in _TUPLE_FIELDS:
                    value = (value,) if isinstance(value, str) else tuple(value)
                merged[key] = value
    return ParseSettings(**merged)


def from_plugin_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The partial settings a vault's plugin `data.json` gives (pure: the dict is already loaded).

    Accepts the whole file (`{"settings": {...}, "buryList": ...}`) or its
    `settings` object. As the plugin v1.15 does on load: `clozePatterns` wins;
    a file without it (older versions) gets its patterns from the booleans
    convertHighlightsToClozes / convertBoldTextToClozes /
    convertCurlyBracketsToClozes, a missing boolean counting as off. A file
    with neither leaves the default patterns.
    """
    inner = data.get("settings")
    if isinstance(inner, Mapping):
        data = inner
    out: dict[str, Any] = {}
    simple = {
        "singleLineCardSeparator": "inline_sep",
        "singleLineReversedCardSeparator": "inline_reversed_sep",
        "multilineCardSeparator": "multiline_sep",
        "multilineReversedCardSeparator": "multiline_reversed_sep",
        "multilineCardEndMarker": "end_marker",
    }
    for key, name in simple.items():
        if isinstance(data.get(key), str):
            out[name] = data[key]
    for key, name in (
        ("convertFoldersToDecks", "folders_as_decks"),
        ("cardCommentOnSameLine", "comment_on_same_line"),
    ):
        if isinstance(data.get(key), bool):
            out[name] = data[key]
    lists = {
        "flashcardTags": "flashcard_tags",
        "tagsToReview": "review_tags",
        "noteFoldersToIgnore": "ignore_folders",
    }
    for key, name in lists.items():
        value = data.get(key)
        if isinstance(value, list):
            out[name] = tuple(str(v).strip() for v in value if str(v).strip())
        elif isinstance(value, str):
            # Some versions store these as one comma- or space-separated string.
            out[name] = tuple(v for v in value.replace(",", " ").split() if v)
    patterns = data.get("clozePatterns")
    if isinstance(patterns, list):
        out["cloze_patterns"] = tuple(str(p) for p in patterns if str(p).strip())
    elif isinstance(patterns, str):
        out["cloze_patterns"] = tuple(p for p in patterns.splitlines() if p.strip())
    else:
        flags = (
            ("convertHighlightsToClozes", "highlight"),
            ("convertBoldTextToClozes", "bold"),
            ("convertCurlyBracketsToClozes", "curly"),
        )
        if any(key in data for key, _ in flags):
            out["cloze_patterns"] = tuple(
                CLOZE_STYLES[style] for key, style in flags if data.get(key) is True
            )
    return out
