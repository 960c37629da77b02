"""Cards and log entries as the rows of `srs-dl export csv|log`, and back.

One shape for every file: the CSV columns are the JSONL keys, in the same order.
Numbers are written so they read back equal (3.0 -> "3", 2.5 -> "2.5"), snapshots
as canonical JSON (sorted keys), absent values as "" (CSV) or null (JSONL), so an
export, an import-log and a second export give the same bytes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

#: Columns of `srs-dl export csv` (README: "Export and interchange").
CARD_FIELDS = (
    "id",
    "deck",
    "kind",
    "sibling",
    "front",
    "back",
    "file",
    "line",
    "due",
    "interval",
    "ease",
    "state",
    "buried_until",
    "reps",
    "lapses",
    "group",
    "note_group",
    "tags",
    "qhash",
)

#: Columns of `srs-dl export log`: the entry, the card it is about (as it is now),
#: the schedule before and after flattened for spreadsheets, then the full snapshots.
LOG_FIELDS = (
    "id",
    "at",
    "day",
    "action",
    "response",
    "source",
    "undoes",
    "card_id",
    "deck",
    "kind",
    "sibling",
    "front",
    "back",
    "file",
    "line",
    "qhash",
    "due_before",
    "interval_before",
    "ease_before",
    "state_before",
    "due_after",
    "interval_after",
    "ease_after",
    "state_after",
    "before",
    "after",
    "detail",
)

_SCHEDULE_KEYS = ("due", "interval", "ease", "state")
CARD_STATES = ("new", "review", "suspended", "buried", "deleted")


class RowError(ValueError):
    """A row that is not what srs-dl exports; the message names the field."""


@dataclass(frozen=True, slots=True)
class CardRecord:
    id: int
    deck: str
    kind: str
    sibling: int
    front: str
    back: str
    file: str | None
    line: int | None
    due: str | None
    interval: float | None
    ease: int | None
    state: str
    buried_until: str | None
    reps: int
    lapses: int
    #: The `<!--SR:-->` group srs-dl writes for the card (an FSRS one verbatim).
    group: str | None
    #: The group the note held when srs-dl last read or wrote it: another one while
    #: a review is not yet written back.
    note_group: str | None
    tags: tuple[str, ...]
    qhash: str


@dataclass(frozen=True, slots=True)
class LogRecord:
    id: int
    at: str
    day: str
    action: str
    response: str | None
    source: str
    undoes: int | None
    #: The card the entry is about; None for a whole-note review (file is the note's).
    card: CardRecord | None
    file: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    detail: dict[str, Any] | None


def card_identity(
    id: int,
    *,
    deck: str,
    kind: str,
    sibling: int,
    front: str,
    back: str,
    file: str | None,
    line: int | None,
    qhash: str,
) -> CardRecord:
    """A card as a log row names it: what it is, not its schedule (a log row's
    snapshots hold that)."""
    return CardRecord(
        id,
        deck,
        kind,
        sibling,
        front,
        back,
        file,
        line,
        None,
        None,
        None,
        "new",
        None,
        0,
        0,
        None,
        None,
        (),
        qhash,
    )


def number_text(value: float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def json_text(value: Mapping[str, Any] | None) -> str:
    if value is None:
        return ""
    return json.dumps(dict(value), ensure_ascii=False, sort_keys=True)


def _card_values(c: CardRecord) -> dict[str, Any]:
    return {
        "id": c.id,
        "deck": c.deck,
        "kind": c.kind,
        "sibling": c.sibling,
        "front": c.front,
        "back": c.back,
        "file": c.file,
        "line": c.line,
        "due": c.due,
        "interval": c.interval,
        "ease": c.ease,
        "state": c.state,
        "buried_until": c.buried_until,
        "reps": c.reps,
        "lapses": c.lapses,
        "group": c.group,
        "note_group": c.note_group,
        "tags": " ".join(c.tags),
        "qhash": c.qhash,
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return number_text(value)
    return str(value)


def card_row(c: CardRecord) -> list[str]:
    """The CSV row of a card, in CARD_FIELDS order."""
    values = _card_values(c)
    return [_text(values[k]) for k in CARD_FIELDS]


def _interval(value: Any) -> float | None:
    return None if value is None else float(value)


def _log_values(r: LogRecord) -> dict[str, Any]:
    c = r.card
    values: dict[str, Any] = {
        "id": r.id,
        "at": r.at,
        "day": r.day,
        "action": r.action,
        "response": r.response,
        "source": r.source,
        "undoes": r.undoes,
        "card_id": c.id if c else None,
        "deck": c.deck if c else None,
        "kind": c.kind if c else None,
        "sibling": c.sibling if c else None,
        "front": c.front if c else None,
        "back": c.back if c else None,
        "file": c.file if c else r.file,
        "line": c.line if c else None,
        "qhash": c.qhash if c else None,
    }
    for when, snap in (("before", r.before), ("after", r.after)):
        for key in _SCHEDULE_KEYS:
            value = snap.get(key) if snap else None
            values[f"{key}_{when}"] = _interval(value) if key == "interval" else value
    return values


def log_row(r: LogRecord) -> list[str]:
    """The CSV row of a log entry, in LOG_FIELDS order."""
    values = _log_values(r)
    row = [_text(values[k]) for k in LOG_FIELDS[:-3]]
    return row + [json_text(r.before), json_text(r.after), json_text(r.detail)]


def log_json(r: LogRecord) -> dict[str, Any]:
    """The JSONL object of a log entry: LOG_FIELDS keys, snapshots as objects."""
    values = _log_values(r)
    out = {k: values[k] for k in LOG_FIELDS[:-3]}
    for k in ("interval_before", "interval_after"):
        if out[k] is not None and float(out[k]).is_integer():
            out[k] = int(out[k])
    out.update(before=r.before, after=r.after, detail=r.detail)
    return out


# --- reading rows back (import-log) ---


def _get(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key)
    return None if value == "" else value


def _int(row: Mapping[str, Any], key: str, *, required: bool = False) -> int | None:
    value = _get(row, key)
    if value is None:
        if required:
            raise RowError(f"{key}: missing")
        return None
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise RowError(f"{key}: {value!r} is not a whole number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RowError(f"{key}: {value!r} is not a whole number") from None


def _float(row: Mapping[str, Any], key: str) -> float | None:
    value = _get(row, key)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RowError(f"{key}: {value!r} is not a number") from None
    if not math.isfinite(number) or number < 0:
        raise RowError(f"{key}: {value!r} is not a number of days")
    return number


def _str(row: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = _get(row, key)
    if value is None:
        if required:
            raise RowError(f"{key}: missing")
        return None
    if not isinstance(value, str):
        raise RowError(f"{key}: {value!r} is not text")
    return value


def _date(row: Mapping[str, Any], key: str) -> str | None:
    import datetime as dt  # dates are only checked here; they stay text

    value = _str(row, key)
    if value is not None:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise RowError(f"{key}: {value!r} is not a YYYY-MM-DD date") from None
    return value


def decode_object(value: Any) -> dict[str, Any]:
    """`value` as a JSON object, decoding it first when it is text (a JSONL line, a CSV
    cell); RowError says why it is none: `not JSON (...)`, `not a JSON object`."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise RowError(f"not JSON ({exc.msg})") from None
    if not isinstance(value, dict):
        raise RowError("not a JSON object")
    return value


def _snapshot(row: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    value = _get(row, key)
    if value is None:
        return None
    try:
        return decode_object(value)
    except RowError as exc:
        raise RowError(f"{key}: {exc}") from None


def _check_snapshot(key: str, snap: dict[str, Any] | None) -> dict[str, Any] | None:
    """A snapshot import-log can store: its schedule keys hold what a card's columns take."""
    if snap is None:
        return None
    for name in ("due", "buried_until"):
        _date({name: snap.get(name)}, name)
    for name in ("interval",):
        value = snap.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise RowError(f"{key}: {name} {value!r} is not a number")
    for name in ("ease", "reps", "lapses"):
        value = snap.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise RowError(f"{key}: {name} {value!r} is not a whole number")
    state = snap.get("state")
    if state is not None and state not in CARD_STATES:
        raise RowError(f"{key}: state {state!r} is not one of {', '.join(CARD_STATES)}")
    return snap


def _identity_from_row(row: Mapping[str, Any], id_key: str) -> CardRecord:
    cid = _int(row, id_key, required=True)
    assert cid is not None
    return card_identity(
        cid,
        deck=_str(row, "deck", required=True) or "",
        kind=_str(row, "kind", required=True) or "",
        sibling=_int(row, "sibling") or 0,
        front=_str(row, "front") or "",
        back=_str(row, "back") or "",
        file=_str(row, "file"),
        line=_int(row, "line"),
        qhash=_str(row, "qhash", required=True) or "",
    )


def card_from_row(row: Mapping[str, Any]) -> CardRecord:
    """A card from a row of the cards export."""
    state = _str(row, "state") or "new"
    if state not in CARD_STATES:
        raise RowError(f"state: {state!r} is not one of {', '.join(CARD_STATES)}")
    return replace(
        _identity_from_row(row, "id"),
        due=_date(row, "due"),
        interval=_float(row, "interval"),
        ease=_int(row, "ease"),
        state=state,
        buried_until=_date(row, "buried_until"),
        reps=_int(row, "reps") or 0,
        lapses=_int(row, "lapses") or 0,
        group=_str(row, "group"),
        note_group=_str(row, "note_group"),
        tags=tuple((_str(row, "tags") or "").split()),
    )


def log_from_row(row: Mapping[str, Any]) -> LogRecord:
    """A log entry from a log CSV row or JSONL object (the flattened columns are ignored:
    the snapshots hold them)."""
    lid = _int(row, "id", required=True)
    at = _str(row, "at", required=True)
    day = _date(row, "day")
    if day is None:
        raise RowError("day: missing")
    action = _str(row, "action", required=True)
    source = _str(row, "source", required=True)
    assert lid is not None and at is not None and action is not None and source is not None
    card = _identity_from_row(row, "card_id") if _get(row, "card_id") is not None else None
    file = _str(row, "file")
    if card is None and file is None:
        raise RowError("card_id and file: neither given")
    return LogRecord(
        id=lid,
        at=at,
        day=day,
        action=action,
        response=_str(row, "response"),
        source=source,
        undoes=_int(row, "undoes"),
        card=card,
        file=file,
        before=_check_snapshot("before", _snapshot(row, "before")),
        after=_check_snapshot("after", _snapshot(row, "after")),
        detail=_snapshot(row, "detail"),
    )


def header_problem(found: Sequence[str], wanted: Sequence[str]) -> str | None:
    """Why a file's header is not the export's, or None."""
    missing = [k for k in wanted if k not in found]
    if missing:
        return f"not an srs-dl export (no column {', '.join(missing[:3])})"
    return None
