"""The deck's own FSRS weights (fitted by `srs-dl fsrs optimize`), in the meta table.

Stored as JSON under `fsrs_weights`, with what they were fitted on under
`fsrs_fit` (reviews used, log loss before and after, when), so `srs-dl fsrs show`
can say where they came from.
"""

from __future__ import annotations

import json
import math
import sqlite3
from typing import Any

_WEIGHTS = "fsrs_weights"
_FIT = "fsrs_fit"


def load(conn: sqlite3.Connection) -> tuple[float, ...] | None:
    """The stored weights, or None (none stored, or not 21 finite numbers)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_WEIGHTS,)).fetchone()
    if row is None:
        return None
    try:
        values = json.loads(row[0])
    except ValueError:
        return None
    if (
        not isinstance(values, list)
        or len(values) != 21
        or not all(isinstance(v, int | float) and math.isfinite(v) for v in values)
    ):
        return None
    return tuple(float(v) for v in values)


def fit_info(conn: sqlite3.Connection) -> dict[str, Any] | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_FIT,)).fetchone()
    if row is None:
        return None
    try:
        info = json.loads(row[0])
    except ValueError:
        return None
    return info if isinstance(info, dict) else None


def save(conn: sqlite3.Connection, weights: tuple[float, ...], info: dict[str, Any]) -> None:
    """Store weights and their fit (the caller owns the transaction)."""
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (_WEIGHTS, json.dumps(list(weights)), _FIT, json.dumps(info, sort_keys=True)),
    )


def clear(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM meta WHERE key IN (?, ?)", (_WEIGHTS, _FIT))
