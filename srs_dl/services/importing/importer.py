"""Importing notes: walk, read what changed, parse it in worker processes, merge it
into the deck. Shared by `srs-dl import`, the TUI's import dialog and rescans.

Incremental: a note whose size, mtime and settings are unchanged is not read;
one whose bytes hash to what srs-dl last read is not parsed. An unchanged
re-import is one directory walk and one indexed query per folder. Each chunk of
parsed notes is stored in a transaction of its own (apply.Writer), so a
crash or a cancel loses no chunk halfway and no lock is held while parsing.
A file that cannot be read changes nothing stored for its note.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from srs_dl.config import Config
from srs_dl.core.notes.settings import (
    USED,
    ParseSettings,
    from_plugin_data,
    resolve,
    unusable_separators,
)
from srs_dl.services.importing import drill_deck
from srs_dl.services.importing.apply import Batch, Writer
from srs_dl.services.importing.summary import ImportSummary
from srs_dl.services.importing.worker import Task, WorkerSetup, parse_chunks
from srs_dl.store import folders as folders_store
from srs_dl.store import import_chunks as chunks
from srs_dl.store.db import transaction
from srs_dl.store.notes import KnownNote, known_notes
from srs_dl.vault.plugin_data import read_plugin_data
from srs_dl.vault.walk import FoundNote, IgnoreRules, find_vault_root, is_note_name, walk_notes

#: Bump when the parser reads the same text differently: every note is parsed again.
PARSE_VERSION = "2"
#: A first import of at least this many files loads the deck in bulk (see Writer).
BULK_MIN_FILES = 2000

Progress = Callable[[int, int], None]


@dataclass
class _Unit:
    """One folder (or file) to walk, with the folder row whose flags it uses."""

    folder_id: int
    folder_path: str
    root: str
    is_file: bool
    flags: dict[str, Any]
    #: The folder's symlinks are followed (given now, or remembered from its import).
    follow: bool = False
    settings: ParseSettings | None = None
    skey: str = ""
    base: str = ""
    found: list[FoundNote] = field(default_factory=list)
    known: dict[str, KnownNote] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)
    vaults: list[str] = field(default_factory=list)


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def plugin_layer(vault: str | None, warnings: list[str]) -> dict[str, Any]:
    """The partial settings of a vault's plugin data.json (with srs-dl's own
    `dataview_fields` key, which the bundled deck uses)."""
    if vault is None:
        return {}
    found = read_plugin_data(vault)
    if found.problem is not None:
        warnings.append(found.problem)
    data, path = found.data, found.path
    if data is None:
        return {}
    inner = data.get("settings")
    settings = inner if isinstance(inner, dict) else data
    layer = from_plugin_data(settings)
    for key, value in unusable_separators(settings):
        warnings.append(f"{path}: {key} {value!r} is not a separator (empty or blank); {USED}")
    for source in (data, settings):
        if isinstance(source.get("dataview_fields"), bool):
            layer["dataview_fields"] = source["dataview_fields"]
    return layer


def settings_key(settings: ParseSettings, drill_table: Mapping[str, Sequence[str]]) -> str:
    read = settings.to_dict()
    # Where a new comment goes changes no card read: notes need no re-reading for it.
    read.pop("callout_comments", None)
    blob = json.dumps(
        [PARSE_VERSION, read, sorted((k, list(v)) for k, v in drill_table.items())],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha1(blob.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def resolve_settings(
    config: Config, flags: Mapping[str, Any], start: str, folder_path: str, warnings: list[str]
) -> tuple[ParseSettings, str, str]:
    """How the notes in the folder `start` are read: the folder's remembered flags, the
    config, then the plugin settings of their vault (the nearest folder at or above
    `start` holding `.obsidian/`). Returns (settings, their key as notes.settings_hash
    holds it, the vault's root that folder decks are relative to)."""
    vault = find_vault_root(start)
    settings = resolve(flags, config.parse, plugin_layer(vault, warnings))
    key = settings_key(settings, drill_deck.heading_table(config.drill_headings))
    fallback = folder_path if os.path.isdir(folder_path) else os.path.dirname(folder_path)
    return settings, key, vault or fallback


def note_settings(
    config: Config, folder_path: str, flags: Mapping[str, Any], note_path: str
) -> tuple[ParseSettings, str, str]:
    """(settings, key, folder deck) exactly as an import of the folder row
    (`folder_path`, remembered `flags`) reads the note at `note_path`: write-back
    parses a note again with these before rewriting it."""
    folder = os.path.dirname(note_path)
    settings, key, base = resolve_settings(config, flags, folder, folder_path, [])
    rel = "" if folder == base else os.path.relpath(folder, base)
    deck = "" if rel.startswith("..") else rel.replace(os.sep, "/")
    return settings, key, deck


class _Run:
    def __init__(
        self,
        conn: sqlite3.Connection,
        config: Config,
        today: dt.date,
        *,
        dry_run: bool,
        follow_symlinks: bool,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> None:
        self.conn = conn
        self.config = config
        self.today = today
        self.dry_run = dry_run
        self.follow = follow_symlinks
        self.progress = progress
        self.cancel = cancel
        self.summary = ImportSummary(dry_run=dry_run)
        self.drill_table = drill_deck.heading_table(config.drill_headings)

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    # --- planning -------------------------------------------------------------------------

    def units_for_paths(
        self, paths: Sequence[str], flags: dict[str, Any], writeback: bool
    ) -> list[_Unit]:
        rows = folders_store.list_folders(self.conn)
        units: list[_Unit] = []
        for given in paths:
            path = os.path.realpath(os.path.expanduser(str(given)))
            if not os.path.exists(path):
                self.summary.missing.append(str(given))
                self.summary.warnings.append(f"{given}: no such file or folder")
                continue
            is_file = not os.path.isdir(path)
            if is_file and not is_note_name(os.path.basename(path)):
                self.summary.warnings.append(f"{given}: not a Markdown note (*.md); skipped")
                self.summary.files_failed += 1
                continue
            own = folders_store.covering(rows, path)
            if own is not None and own.path != path and not flags:
                # Part of a remembered folder: read with that folder's flags.
                follow = self.follow or own.follow_symlinks
                units.append(_Unit(own.id, own.path, path, is_file, own.flags, follow))
                continue
            if own is not None and own.path == path:
                use = flags or own.flags
                follow = self.follow or own.follow_symlinks
                # A folder never written into (the bundled deck) stays so.
                keep = own.writeback and bool(writeback)
                if use != own.flags or keep != own.writeback or follow != own.follow_symlinks:
                    fid = self._save_folder(path, use, keep, follow)
                else:
                    fid = own.id
            else:
                use = flags
                follow = self.follow
                fid = self._save_folder(path, use, writeback, follow)
            units.append(_Unit(fid, path, path, is_file, dict(use), follow))
            rows = folders_store.list_folders(self.conn)
        self.all_folders = rows
        return units

    def units_for_folders(self) -> list[_Unit]:
        rows = folders_store.list_folders(self.conn)
        self.all_folders = rows
        units = []
        for row in rows:
            if not os.path.exists(row.path):
                self.summary.warnings.append(
                    f"{row.path}: imported before, now missing; its cards are kept as they were"
                )
                continue
            units.append(
                _Unit(
                    row.id,
                    row.path,
                    row.path,
                    not os.path.isdir(row.path),
                    dict(row.flags),
                    row.follow_symlinks,
                )
            )
        return units

    def _save_folder(
        self, path: str, flags: dict[str, Any], writeback: bool, follow: bool = False
    ) -> int:
        with nullcontext() if self.dry_run else transaction(self.conn):
            return folders_store.save_folder(
                self.conn,
                path,
                flags,
                writeback=writeback,
                imported_at=None,
                follow_symlinks=follow,
            )

    def resolve_unit(self, unit: _Unit) -> None:
        start = unit.root if not unit.is_file else os.path.dirname(unit.root)
        unit.settings, unit.skey, unit.base = resolve_settings(
            self.config, unit.flags, start, unit.folder_path, self.summary.warnings
        )

    def walk(self, unit: _Unit) -> None:
        if unit.is_file:
            try:
                st = os.stat(unit.root)
            except OSError as exc:
                self.summary.warnings.append(f"{unit.root}: cannot read ({exc.strerror})")
                unit.unreadable.append(unit.root)
                return
            rel = os.path.relpath(os.path.dirname(unit.root), unit.base).replace(os.sep, "/")
            unit.found = [
                FoundNote(unit.root, st.st_size, st.st_mtime_ns, "" if rel.startswith(".") else rel)
            ]
        else:
            assert unit.settings is not None
            skip = folders_store.nested(self.all_folders, unit.root)
            result = walk_notes(
                unit.root,
                base=unit.base,
                ignore=IgnoreRules.compile(unit.settings.ignore_folders),
                skip=skip,
                follow_symlinks=unit.follow,
                cancelled=self.cancelled,
            )
            unit.found = result.notes
            unit.unreadable = result.unreadable_dirs + skip
            unit.vaults = result.vaults
            self.summary.warnings.extend(result.problems)
        known = known_notes(self.conn, unit.root)
        inner = folders_store.nested(self.all_folders, unit.root) + unit.vaults
        if inner:
            known = {p: k for p, k in known.items() if not any(_under(p, d) for d in inner)}
        unit.known = known

    # --- running --------------------------------------------------------------------------

    def run(self, units: list[_Unit]) -> ImportSummary:
        s = self.summary
        todo = list(units)
        units = []
        while todo:
            unit = todo.pop(0)
            self.resolve_unit(unit)
            self.walk(unit)
            units.append(unit)
            # Vaults inside: walked with their own settings, under the same folder row.
            todo[:0] = [
                _Unit(unit.folder_id, unit.folder_path, v, False, unit.flags, unit.follow)
                for v in unit.vaults
            ]
        if self.cancelled():
            s.cancelled = True
            return s
        batch = Batch(self.summary, self.today.isoformat(), _now())
        tasks: list[Task] = []
        sizes: list[int] = []
        seen: set[str] = set()
        settings: dict[str, ParseSettings] = {}
        for unit in units:
            assert unit.settings is not None
            settings[unit.skey] = unit.settings
            if not unit.settings.dataview_fields:
                batch.dataview_counted.add(unit.skey)
            for f in unit.found:
                if f.path in seen:
                    continue
                seen.add(f.path)
                s.files_scanned += 1
                k = unit.known.get(f.path)
                if k is not None and not k.deleted and k.settings_hash == unit.skey:
                    if (
                        k.size == f.size
                        and k.mtime_ns == f.mtime_ns
                        and k.folder_id == unit.folder_id
                    ):
                        s.files_skipped += 1
                        s.cards_unchanged += k.card_count
                        continue
                    known_hash = k.hash  # same bytes need no parse
                else:
                    known_hash = None
                batch.context[len(tasks)] = (unit.folder_id, unit.skey, k)
                tasks.append((len(tasks), f.path, f.folder, known_hash, unit.skey))
                sizes.append(f.size)
        for unit in units:
            for path, k in unit.known.items():
                if (
                    not k.deleted
                    and path not in seen
                    and not any(_under(path, d) for d in unit.unreadable)
                ):
                    batch.vanished[k.id] = k
        if not tasks and not batch.vanished:
            return s  # nothing changed: nothing written
        setup = WorkerSetup(settings, self.drill_table, drill_deck.heading_kinds())  # type: ignore[arg-type]
        bulk = len(tasks) >= BULK_MIN_FILES and not chunks.has_cards(self.conn)
        with Writer(self.conn, dry_run=self.dry_run, bulk=bool(bulk)) as writer:
            done = 0
            for metas, blob in parse_chunks(tasks, sizes, setup):
                done += len(metas)
                if self.progress is not None:
                    self.progress(done, len(tasks))  # read and parsed, not stored yet
                if self.cancelled():
                    s.cancelled = True
                    break
                writer.apply(batch, metas, blob)
            if not s.cancelled:
                if writer.bulk:
                    # The drill catalog (NumPy) loads on the core the workers left,
                    # while SQLite builds the indexes (it lets go of the GIL).
                    threading.Thread(target=drill_deck.prepare, daemon=True).start()
                writer.finish(batch)
        return s


# --- the API the shells call -----------------------------------------------------------------


def import_paths(
    conn: sqlite3.Connection,
    paths: Sequence[str | os.PathLike[str]],
    *,
    flags: dict[str, Any],
    config: Config,
    today: dt.date,
    writeback: bool = True,
    dry_run: bool = False,
    follow_symlinks: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportSummary:
    """Import files or folders; each folder is remembered with `flags` (ParseSettings
    fields given by the user). Without flags, a remembered folder keeps its own."""
    run = _Run(
        conn,
        config,
        today,
        dry_run=dry_run,
        follow_symlinks=follow_symlinks,
        progress=progress,
        cancel=cancel,
    )
    with chunks.chunk_schema(conn), chunks.rolled_back(conn) if dry_run else nullcontext():
        units = run.units_for_paths(
            [os.fspath(p) for p in paths],
            {k: v for k, v in flags.items() if v is not None},
            writeback,
        )
        return run.run(units)


def rescan(
    conn: sqlite3.Connection,
    config: Config,
    today: dt.date,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportSummary:
    """Every remembered folder, with its remembered flags, incrementally."""
    run = _Run(
        conn, config, today, dry_run=False, follow_symlinks=False, progress=progress, cancel=cancel
    )
    with chunks.chunk_schema(conn):
        return run.run(run.units_for_folders())


def ensure_bundled(
    conn: sqlite3.Connection, config: Config, today: dt.date
) -> ImportSummary | None:
    """Import the bundled deck (never written back) into a deck that has no notes yet."""
    from srs_dl.config import bundled_decks_path

    path = os.path.realpath(bundled_decks_path())
    if folders_store.get_folder(conn, path) is not None:
        return None
    if chunks.has_note_cards(conn):
        return None
    return import_paths(conn, [path], flags={}, config=config, today=today, writeback=False)
