"""Importing notes: walk, read what changed, parse it in worker processes, merge it
into the deck. Shared by `srs-dl import`, the TUI's import dialog and rescans.

Incremental: a note whose size, mtime and settings are unchanged is not read;
one whose bytes hash to what srs-dl last read is not parsed. An unchanged
re-import is one directory walk and one indexed query per folder. Writes go in
batches, each one transaction, so a crash or a cancel loses no batch halfway.
A file that cannot be read changes nothing stored for its note.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from srs_dl.config import Config
from srs_dl.core.notes.settings import ParseSettings, from_plugin_data, resolve
from srs_dl.services import drill_deck
from srs_dl.services.import_apply import Batch, apply_batch, finish
from srs_dl.services.import_worker import WorkerSetup
from srs_dl.store import folders as folders_store
from srs_dl.store.notes import KnownNote, known_notes
from srs_dl.vault.walk import FoundNote, IgnoreRules, find_vault_root, is_note_name, walk_notes

#: Bump when the parser reads the same text differently: every note is parsed again.
PARSE_VERSION = "1"
PLUGIN_DATA = os.path.join(".obsidian", "plugins", "obsidian-spaced-repetition", "data.json")
#: Below this much changed text, parsing in this process beats starting workers.
POOL_MIN_BYTES = 1_500_000
CHUNK_BYTES = 256 * 1024
BATCH_FILES = 2500
#: A first import of at least this many files loads the deck in bulk (see _Writer).
BULK_MIN_FILES = 2000

Progress = Callable[[int, int], None]


@dataclass
class ImportSummary:
    files_scanned: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    notes_changed: int = 0
    notes_deleted: int = 0
    cards_new: int = 0
    cards_changed: int = 0
    cards_unchanged: int = 0
    cards_deleted: int = 0
    schedules_from_notes: int = 0
    warnings: list[str] = field(default_factory=list)
    #: `key:: value` cards that look like Dataview fields, in folders where
    #: the `dataview_fields` setting is off.
    dataview_like_cards: int = 0
    dry_run: bool = False
    cancelled: bool = False
    #: Paths given that do not exist (the CLI exits 1 for them).
    missing: list[str] = field(default_factory=list)

    def line(self) -> str:
        head = "dry run, nothing stored: " if self.dry_run else ""
        tail = "; cancelled" if self.cancelled else ""
        n = len(self.warnings)
        return (
            f"{head}{self.files_scanned} files scanned, {self.files_skipped} unchanged,"
            f" {self.files_failed} failed; cards: {self.cards_new} new,"
            f" {self.cards_changed} changed, {self.cards_unchanged} unchanged,"
            f" {self.cards_deleted} deleted; {self.schedules_from_notes} schedules"
            f" from notes; {n} warning{'' if n == 1 else 's'}{tail}"
        )

    def hints(self) -> list[str]:
        if not self.dataview_like_cards:
            return []
        n = self.dataview_like_cards
        return [
            f"{n} card{'s' if n != 1 else ''} from `key:: value` lines that look like Dataview"
            " fields; to read them as fields, not cards, pass --dataview-fields or set"
            " dataview_fields = true under [import] in the config"
        ]

    @property
    def changed(self) -> bool:
        return bool(self.notes_changed or self.notes_deleted or self.cards_new
                    or self.cards_changed or self.cards_deleted)


@dataclass
class _Unit:
    """One folder (or file) to walk, with the folder row whose flags it uses."""

    folder_id: int
    folder_path: str
    root: str
    is_file: bool
    flags: dict[str, Any]
    settings: ParseSettings | None = None
    skey: str = ""
    base: str = ""
    found: list[FoundNote] = field(default_factory=list)
    known: dict[str, KnownNote] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def plugin_layer(vault: str | None, warnings: list[str]) -> dict[str, Any]:
    """The partial settings of a vault's plugin data.json (with srs-dl's own
    `dataview_fields` key, which the bundled deck uses)."""
    if vault is None:
        return {}
    path = os.path.join(vault, PLUGIN_DATA)
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read().decode("utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as exc:
        warnings.append(f"{path}:{exc.lineno}: invalid JSON ({exc.msg}); the plugin's"
                        " settings there are not used")
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        warnings.append(f"{path}: cannot read the plugin settings ({exc}); not used")
        return {}
    if not isinstance(data, dict):
        return {}
    inner = data.get("settings")
    settings = inner if isinstance(inner, dict) else data
    layer = from_plugin_data(settings)
    for source in (data, settings):
        if isinstance(source.get("dataview_fields"), bool):
            layer["dataview_fields"] = source["dataview_fields"]
    return layer


def settings_key(settings: ParseSettings, drill_table: Mapping[str, Sequence[str]]) -> str:
    blob = json.dumps([PARSE_VERSION, settings.to_dict(),
                       sorted((k, list(v)) for k, v in drill_table.items())],
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(blob.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


class _Run:
    def __init__(self, conn: sqlite3.Connection, config: Config, today: dt.date, *,
                 dry_run: bool, follow_symlinks: bool, progress: Progress | None,
                 cancel: threading.Event | None) -> None:
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

    def units_for_paths(self, paths: Sequence[str], flags: dict[str, Any],
                        writeback: bool) -> list[_Unit]:
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
                units.append(_Unit(own.id, own.path, path, is_file, own.flags))
                continue
            if own is not None and own.path == path:
                use = flags or own.flags
                # A folder never written into (the bundled deck) stays so.
                keep = own.writeback and bool(writeback)
                if use != own.flags or keep != own.writeback:
                    fid = self._save_folder(path, use, keep)
                else:
                    fid = own.id
            else:
                use = flags
                fid = self._save_folder(path, use, writeback)
            units.append(_Unit(fid, path, path, is_file, dict(use)))
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
                    f"{row.path}: imported before, now missing; its cards are kept as they were")
                continue
            units.append(_Unit(row.id, row.path, row.path, not os.path.isdir(row.path),
                               dict(row.flags)))
        return units

    def _save_folder(self, path: str, flags: dict[str, Any], writeback: bool) -> int:
        if self.dry_run:
            return folders_store.save_folder(self.conn, path, flags, writeback=writeback,
                                             imported_at=None)
        with _tx(self.conn):
            return folders_store.save_folder(self.conn, path, flags, writeback=writeback,
                                             imported_at=None)

    def resolve_unit(self, unit: _Unit) -> None:
        start = unit.folder_path if not unit.is_file else os.path.dirname(unit.folder_path)
        vault = find_vault_root(start)
        layer = plugin_layer(vault, self.summary.warnings)
        unit.settings = resolve(unit.flags, self.config.parse, layer)
        unit.skey = settings_key(unit.settings, self.drill_table)
        unit.base = vault or start

    def walk(self, unit: _Unit) -> None:
        if unit.is_file:
            try:
                st = os.stat(unit.root)
            except OSError as exc:
                self.summary.warnings.append(f"{unit.root}: cannot read ({exc.strerror})")
                unit.unreadable.append(unit.root)
                return
            rel = os.path.relpath(os.path.dirname(unit.root), unit.base).replace(os.sep, "/")
            unit.found = [FoundNote(unit.root, st.st_size, st.st_mtime_ns,
                                    "" if rel.startswith(".") else rel)]
        else:
            assert unit.settings is not None
            skip = folders_store.nested(self.all_folders, unit.root)
            result = walk_notes(unit.root, base=unit.base,
                                ignore=IgnoreRules.compile(unit.settings.ignore_folders),
                                skip=skip, follow_symlinks=self.follow,
                                cancelled=self.cancelled)
            unit.found = result.notes
            unit.unreadable = result.unreadable_dirs + skip
            self.summary.warnings.extend(result.problems)
        known = known_notes(self.conn, unit.root)
        inner = folders_store.nested(self.all_folders, unit.root)
        if inner:
            known = {p: k for p, k in known.items() if not any(_under(p, d) for d in inner)}
        unit.known = known

    # --- running --------------------------------------------------------------------------

    def run(self, units: list[_Unit]) -> ImportSummary:
        s = self.summary
        for unit in units:
            self.resolve_unit(unit)
            self.walk(unit)
        if self.cancelled():
            s.cancelled = True
            return s
        batch = Batch(self.summary, self.today.isoformat(), _now())
        tasks: list[tuple[str, str, str | None, str]] = []
        sizes: list[int] = []
        seen: set[str] = set()
        settings: dict[str, ParseSettings] = {}
        for unit in units:
            assert unit.settings is not None
            settings[unit.skey] = unit.settings
            if not unit.settings.dataview_fields:
                batch.dataview_counted.add(unit.skey)
            found_paths = set()
            for f in unit.found:
                if f.path in seen:
                    continue
                seen.add(f.path)
                found_paths.add(f.path)
                s.files_scanned += 1
                k = unit.known.get(f.path)
                live = k is not None and not k.deleted
                if (live and k.size == f.size and k.mtime_ns == f.mtime_ns  # type: ignore[union-attr]
                        and k.settings_hash == unit.skey and k.folder_id == unit.folder_id):  # type: ignore[union-attr]
                    s.files_skipped += 1
                    s.cards_unchanged += k.card_count  # type: ignore[union-attr]
                    continue
                same_settings = live and k.settings_hash == unit.skey  # type: ignore[union-attr]
                tasks.append((f.path, f.folder, k.hash if same_settings else None,  # type: ignore[union-attr]
                              unit.skey))
                sizes.append(f.size)
                batch.context[f.path] = (unit.folder_id, unit.skey, k)
            for path, k in unit.known.items():
                if not k.deleted and path not in found_paths and not any(
                        _under(path, d) for d in unit.unreadable):
                    batch.vanished[k.id] = k
        if not tasks and not batch.vanished:
            return s  # nothing changed: nothing written
        setup = WorkerSetup(settings, self.drill_table, drill_deck.heading_kinds())  # type: ignore[arg-type]
        bulk = len(tasks) >= BULK_MIN_FILES and not self.conn.execute(
            "SELECT 1 FROM cards LIMIT 1").fetchone()
        with _Writer(self.conn, self.dry_run, bool(bulk)) as writer:
            done = 0
            for results in _results(tasks, sizes, setup):
                writer.apply(batch, results)
                done += len(results)
                if self.progress is not None:
                    self.progress(done, len(tasks))
                if self.cancelled():
                    s.cancelled = True
                    break
            if not s.cancelled:
                writer.flush(batch)
                writer.finish(batch)
            elif not writer.bulk:
                writer.flush(batch)
        return s


def _results(tasks: list[tuple[str, str, str | None, str]], sizes: list[int],
             setup: WorkerSetup) -> Iterator[list[tuple[Any, ...]]]:
    """Parsed results, chunk by chunk in task order (a pool for big imports)."""
    from srs_dl.services import import_worker

    chunks: list[list[tuple[str, str, str | None, str]]] = []
    current: list[tuple[str, str, str | None, str]] = []
    acc = 0
    for task, size in zip(tasks, sizes, strict=True):
        current.append(task)
        acc += size
        if acc >= CHUNK_BYTES:
            chunks.append(current)
            current, acc = [], 0
    if current:
        chunks.append(current)
    total = sum(sizes)
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                  else (os.cpu_count() or 1), len(chunks))
    if total < POOL_MIN_BYTES or workers < 2:
        import_worker.init_worker(setup)
        for chunk in chunks:
            yield import_worker.run_chunk(chunk)
        return
    import multiprocessing

    # fork is cheap and inherits the imported parser; with other threads
    # running (the TUI) a fork could copy a held lock, so start clean workers.
    method = "fork" if (threading.active_count() == 1
                        and "fork" in multiprocessing.get_all_start_methods()) else "forkserver"
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(workers, initializer=import_worker.init_worker, initargs=(setup,)) as pool:
        yield from pool.imap(import_worker.run_chunk, chunks)


class _tx:
    """BEGIN IMMEDIATE .. COMMIT (store.db.transaction, as a plain context manager)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")


class _Writer:
    """One transaction per batch; a dry run is one transaction rolled back at the end.

    Bulk mode (a first import into an empty deck): one transaction, the card
    table's indexes dropped first and built again at the end, which is several
    times faster than updating them row by row."""

    def __init__(self, conn: sqlite3.Connection, dry_run: bool, bulk: bool) -> None:
        self.conn = conn
        self.dry_run = dry_run
        self.bulk = bulk and not dry_run
        self.pending: list[tuple[Any, ...]] = []
        self.indexes: list[str] = []

    def __enter__(self) -> _Writer:
        if self.bulk:
            self.conn.execute("BEGIN IMMEDIATE")
            if self.conn.execute("SELECT 1 FROM cards LIMIT 1").fetchone() is not None:
                self.bulk = False  # another process imported meanwhile
                self.conn.execute("COMMIT")
                return self
            rows = self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                " AND tbl_name = 'cards' AND sql IS NOT NULL").fetchall()
            for name, sql in rows:
                self.conn.execute(f'DROP INDEX "{name}"')
                self.indexes.append(sql)
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if (self.dry_run or self.bulk) and self.conn.in_transaction:
            # Bulk mode commits in finish(); reaching here in a transaction means a failure
            # or a cancel, and its rollback puts the indexes back too.
            self.conn.execute("ROLLBACK")

    def _run(self, fn: Callable[[], None]) -> None:
        if self.dry_run or self.bulk:
            fn()
            return
        with _tx(self.conn):
            fn()

    def apply(self, batch: Batch, results: list[tuple[Any, ...]]) -> None:
        self.pending.extend(results)
        if len(self.pending) >= BATCH_FILES:
            self.flush(batch)

    def flush(self, batch: Batch) -> None:
        if self.pending:
            results, self.pending = self.pending, []
            self._run(lambda: apply_batch(self.conn, batch, results))

    def finish(self, batch: Batch) -> None:
        self._run(lambda: finish(self.conn, batch))
        if self.bulk:
            for sql in self.indexes:
                self.conn.execute(sql)
            self.conn.execute("COMMIT")


def _begin_dry_run(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")


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
    run = _Run(conn, config, today, dry_run=dry_run, follow_symlinks=follow_symlinks,
               progress=progress, cancel=cancel)
    if dry_run:
        _begin_dry_run(conn)
    try:
        units = run.units_for_paths([os.fspath(p) for p in paths],
                                    {k: v for k, v in flags.items() if v is not None},
                                    writeback)
        return run.run(units)
    finally:
        if dry_run and conn.in_transaction:
            conn.execute("ROLLBACK")


def rescan(conn: sqlite3.Connection, config: Config, today: dt.date, *,
           progress: Progress | None = None,
           cancel: threading.Event | None = None) -> ImportSummary:
    """Every remembered folder, with its remembered flags, incrementally."""
    run = _Run(conn, config, today, dry_run=False, follow_symlinks=False, progress=progress,
               cancel=cancel)
    return run.run(run.units_for_folders())


def ensure_bundled(conn: sqlite3.Connection, config: Config,
                   today: dt.date) -> ImportSummary | None:
    """Import the bundled deck (never written back) into a deck that has no notes yet."""
    from srs_dl.config import bundled_decks_path

    path = os.path.realpath(bundled_decks_path())
    if folders_store.get_folder(conn, path) is not None:
        return None
    if conn.execute("SELECT 1 FROM cards WHERE note_id IS NOT NULL LIMIT 1").fetchone():
        return None
    return import_paths(conn, [path], flags={}, config=config, today=today, writeback=False)
