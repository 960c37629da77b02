"""What the TOML config may hold: each key's type, range or allowed values.

Checked at load, before any value reaches the scheduler or the parser: a bad value
is one message naming the key and what is allowed (the caller adds the file and
line), an unknown key a warning. Pure: the TOML is already parsed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from srs_dl.core.notes.settings import CLOZE_STYLES

#: The longest interval a config may ask for: a century, so that no due date a
#: review computes can pass 9999-12-31.
MAX_INTERVAL_DAYS = 36525

Check = Callable[[Any], str | None]


def _integer(low: int, high: int) -> Check:
    def check(v: Any) -> str | None:
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            return f"an integer from {low} to {high:,}"
        return None

    return check


def _number(low: float, high: float) -> Check:
    def check(v: Any) -> str | None:
        ok = isinstance(v, int | float) and not isinstance(v, bool)
        if not ok or not math.isfinite(v) or not low <= v <= high:
            return f"a number from {low:g} to {high:,g}"
        return None

    return check


def _boolean(v: Any) -> str | None:
    return None if isinstance(v, bool) else "true or false"


def _choice(*allowed: str) -> Check:
    def check(v: Any) -> str | None:
        if v not in allowed:
            return "one of " + ", ".join(f'"{a}"' for a in allowed)
        return None

    return check


def _separator(*, empty: bool = False) -> Check:
    def check(v: Any) -> str | None:
        what = "a marker on a line of its own" if empty else "a separator"
        allowed = f"{what}: text without line breaks" + ("" if empty else ", not empty or blank")
        if not isinstance(v, str) or "\n" in v or "\r" in v:
            return allowed
        if v != v.strip() and v.strip():
            return allowed + ", without spaces around it"
        if not empty and not v.strip():
            return allowed
        return None

    return check


def _strings(*, choices: tuple[str, ...] = (), one_allowed: bool = True) -> Check:
    def check(v: Any) -> str | None:
        items = [v] if one_allowed and isinstance(v, str) else v
        if choices:
            allowed = "a list of " + ", ".join(f'"{c}"' for c in choices)
        else:
            allowed = "a list of non-empty strings"
        if not isinstance(items, list):
            return allowed
        for item in items:
            if not isinstance(item, str) or not item.strip() or "\n" in item:
                return allowed
            if choices and item not in choices:
                return allowed
        return None

    return check


def _text(v: Any) -> str | None:
    return None if isinstance(v, str) and v.strip() and "\n" not in v else "a non-empty string"


def _headings(v: Any) -> str | None:
    allowed = 'a table of "heading" = ["kind", ...]'
    if not isinstance(v, dict):
        return allowed
    check = _strings()
    return allowed if any(check(kinds) for kinds in v.values()) else None


SCHEMA: dict[str, dict[str, Check]] = {
    "": {"editor": _text},
    "import": {
        "inline_sep": _separator(),
        "inline_reversed_sep": _separator(),
        "multiline_sep": _separator(),
        "multiline_reversed_sep": _separator(),
        "end_marker": _separator(empty=True),
        "cloze_patterns": _strings(one_allowed=False),
        # The CLI's --cloze: pattern styles by name.
        "cloze": _strings(choices=tuple(CLOZE_STYLES)),
        "flashcard_tags": _strings(),
        "review_tags": _strings(),
        "ignore_folders": _strings(),
        "all_notes": _boolean,
        "folders_as_decks": _boolean,
        "comment_on_same_line": _boolean,
        "callout_comments": _boolean,
        "dataview_fields": _boolean,
    },
    "scheduling": {
        "base_ease": _integer(130, 1000),
        "easy_bonus": _number(1.0, 10.0),
        "lapse_multiplier": _number(0.01, 0.99),
        "max_interval": _number(1, MAX_INTERVAL_DAYS),
        "load_balance": _boolean,
        "honour_overdue": _boolean,
        "ease_floor": _integer(100, 1000),
        "max_link_factor": _number(0.0, 1.0),
        "algorithm": _choice("sm2", "fsrs"),
        "desired_retention": _number(0.01, 1.0),
    },
    "review": {
        "new_per_day": _integer(0, 1_000_000),
        "reviews_per_day": _integer(0, 1_000_000),
        "writeback": _choice("immediate", "sync"),
        "bury_new_siblings": _boolean,
        "bury_review_siblings": _boolean,
    },
    "drills": {"headings": _headings},
}

_SEPARATORS = ("inline_sep", "inline_reversed_sep", "multiline_sep", "multiline_reversed_sep")


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One bad or unknown key; `section` "" is the top level."""

    section: str
    key: str
    message: str
    is_error: bool = True


def _where(section: str, key: str) -> str:
    return f"[{section}] {key}" if section else key


def _shown(value: Any) -> str:
    """The value as TOML spells it (near enough), cut short."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def check_config(data: Mapping[str, Any]) -> list[ConfigProblem]:
    """Every problem of a parsed config, in the file's order of sections."""
    problems: list[ConfigProblem] = []
    for key, value in data.items():
        if key in SCHEMA and key and not isinstance(value, dict):
            problems.append(ConfigProblem("", key, f"[{key}] must be a table"))
        elif key not in SCHEMA and key not in SCHEMA[""]:
            problems.append(ConfigProblem("", key, f"unknown key {key!r}; ignored", is_error=False))
    for section, checks in SCHEMA.items():
        values = data if not section else data.get(section, {})
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if section == "" and (key in SCHEMA or key not in checks):
                continue
            check = checks.get(key)
            if check is None:
                known = ", ".join(checks)
                problems.append(
                    ConfigProblem(
                        section,
                        key,
                        f"[{section}] has an unknown key {key!r} (known: {known}); ignored",
                        is_error=False,
                    )
                )
                continue
            allowed = check(value)
            if allowed is not None:
                problems.append(
                    ConfigProblem(
                        section,
                        key,
                        f"{_where(section, key)} = {_shown(value)}: must be {allowed}",
                    )
                )
    problems.extend(_separator_clashes(data.get("import")))
    return problems


def _separator_clashes(values: Any) -> list[ConfigProblem]:
    """Two separators alike would make every card of one kind a card of the other."""
    if not isinstance(values, dict):
        return []
    defaults = {
        "inline_sep": "::",
        "inline_reversed_sep": ":::",
        "multiline_sep": "?",
        "multiline_reversed_sep": "??",
    }
    seps = {k: values.get(k, defaults[k]) for k in _SEPARATORS}
    if not all(isinstance(v, str) for v in seps.values()):
        return []
    out = []
    for a, b in (
        ("inline_sep", "inline_reversed_sep"),
        ("multiline_sep", "multiline_reversed_sep"),
    ):
        if seps[a] == seps[b] and (a in values or b in values):
            key = b if b in values else a
            out.append(
                ConfigProblem(
                    "import", key, f"[import] {a} and {b} are both {_shown(seps[a])}: must differ"
                )
            )
    return out
