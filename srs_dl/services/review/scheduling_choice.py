"""Which algorithm schedules a card, and with what FSRS settings.

For the cards of one note, the first that says wins: the flags its folder was
imported with (`srs-dl import --algorithm fsrs --desired-retention 0.85`), the
config's `[scheduling] algorithm` / `desired_retention`, the vault's own plugin
settings (`algorithm`, `fsrsDesiredRetention` in its data.json, read afresh as
the import reads them: it is a file the user edits), then SM-2 and 0.9 (the
plugin's defaults). The FSRS weights are the deck's own once `srs-dl fsrs
optimize` has stored some, else ts-fsrs's defaults.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from srs_dl.config import Config
from srs_dl.core.notes.settings import scheduling_from_plugin_data
from srs_dl.core.scheduling.card import ALGORITHMS, Algorithm, ReviewContext
from srs_dl.core.scheduling.fsrs import DEFAULT_WEIGHTS, FsrsParameters
from srs_dl.store import fsrs_weights
from srs_dl.vault.walk import find_vault_root

PLUGIN_DATA = os.path.join(".obsidian", "plugins", "obsidian-spaced-repetition", "data.json")


@dataclass(frozen=True, slots=True)
class SchedulingChoice:
    algorithm: Algorithm
    fsrs: FsrsParameters


@lru_cache(maxsize=64)
def _vault_layer(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, Any], ...]:
    del mtime_ns, size  # the cache key: a changed file is read again
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read().decode("utf-8"))
    except (OSError, ValueError):
        return ()  # the import already warned about an unreadable data.json
    return tuple(scheduling_from_plugin_data(data).items()) if isinstance(data, dict) else ()


def vault_layer(folder: str) -> dict[str, Any]:
    """The scheduling settings of the vault holding `folder` (empty: none found)."""
    root = find_vault_root(folder)
    if root is None:
        return {}
    path = os.path.join(root, PLUGIN_DATA)
    try:
        st = os.stat(path)
    except OSError:
        return {}
    return dict(_vault_layer(path, st.st_mtime_ns, st.st_size))


def _note_layers(
    conn: sqlite3.Connection, note_id: int | None
) -> tuple[dict[str, Any], str | None]:
    """(the folder's import flags, the note's folder on disk) for a note."""
    if note_id is None:
        return {}, None
    row = conn.execute(
        "SELECT n.path, f.settings FROM notes AS n LEFT JOIN folders AS f ON f.id = n.folder_id"
        " WHERE n.id = ?",
        (note_id,),
    ).fetchone()
    if row is None:
        return {}, None
    flags: dict[str, Any] = {}
    try:
        data = json.loads(row[1]) if row[1] else {}
        if isinstance(data, dict) and isinstance(data.get("flags"), dict):
            flags = data["flags"]
    except ValueError:
        pass
    return flags, os.path.dirname(str(row[0]))


def choose(
    flags: dict[str, Any], config: Config, vault: dict[str, Any], weights: tuple[float, ...]
) -> SchedulingChoice:
    """The layers merged, first wins (flags, config, vault)."""
    algorithm: Any = "sm2"
    retention = 0.9
    layers: tuple[dict[str, Any], ...] = (
        vault,
        {"algorithm": config.algorithm, "desired_retention": config.desired_retention},
        flags,
    )
    for layer in layers:
        if layer.get("algorithm") in ALGORITHMS:
            algorithm = layer["algorithm"]
        value = layer.get("desired_retention")
        if isinstance(value, int | float) and not isinstance(value, bool):
            retention = float(value)
    params = FsrsParameters(
        desired_retention=retention,
        maximum_interval=config.scheduler.max_interval,
        weights=weights,
    )
    return SchedulingChoice(algorithm, params)


def for_note(conn: sqlite3.Connection, config: Config, note_id: int | None) -> SchedulingChoice:
    """How the cards of one note are scheduled."""
    flags, folder = _note_layers(conn, note_id)
    vault = vault_layer(folder) if folder is not None else {}
    return choose(flags, config, vault, fsrs_weights.load(conn) or DEFAULT_WEIGHTS)


def review_context(choice: SchedulingChoice, config: Config, **kwargs: Any) -> ReviewContext:
    return ReviewContext(
        sm2=config.scheduler, new_card_algorithm=choice.algorithm, fsrs=choice.fsrs, **kwargs
    )
