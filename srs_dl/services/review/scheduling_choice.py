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

import os
import sqlite3
from dataclasses import dataclass
from typing import Any

from srs_dl.config import Config
from srs_dl.core.notes.settings import scheduling_from_plugin_data
from srs_dl.core.scheduling.card import ALGORITHMS, Algorithm, ReviewContext
from srs_dl.core.scheduling.fsrs import DEFAULT_WEIGHTS, FsrsParameters
from srs_dl.store import folders, fsrs_weights
from srs_dl.vault.plugin_data import read_plugin_data_cached
from srs_dl.vault.walk import find_vault_root


@dataclass(frozen=True, slots=True)
class SchedulingChoice:
    algorithm: Algorithm
    fsrs: FsrsParameters


def vault_layer(folder: str) -> dict[str, Any]:
    """The scheduling settings of the vault holding `folder` (empty: none found)."""
    root = find_vault_root(folder)
    if root is None:
        return {}
    # An unusable data.json gives the plugin's defaults: the import already warned.
    data = read_plugin_data_cached(root).data
    return scheduling_from_plugin_data(data) if data is not None else {}


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
    found = folders.note_flags(conn, note_id) if note_id is not None else None
    flags, vault = ({}, {}) if found is None else (found[0], vault_layer(os.path.dirname(found[1])))
    return choose(flags, config, vault, fsrs_weights.load(conn) or DEFAULT_WEIGHTS)


def review_context(choice: SchedulingChoice, config: Config, **kwargs: Any) -> ReviewContext:
    return ReviewContext(
        sm2=config.scheduler, new_card_algorithm=choice.algorithm, fsrs=choice.fsrs, **kwargs
    )
