"""Folders (and single files) the user imported, each with the flags it was imported with.

`folders.settings` is JSON `{"flags": {...}}`: the ParseSettings fields given on
the command line (or by the TUI) for that folder, and `"follow_symlinks": true`
when it was imported so (its rescans follow them too, and write-back writes
through them). A later plain import of the
folder, or a rescan, reads it with the same flags; the config file and the
vault's plugin settings are read afresh each time (they are files the user edits).
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FolderRow:
    id: int
    path: str
    flags: dict[str, Any] = field(default_factory=dict)
    writeback: bool = True
    imported_at: str | None = None
    follow_symlinks: bool = False

    def contains(self, path: str) -> bool:
        """`path` is this folder, under it, or (for a file row) this file."""
        return path == self.path or path.startswith(self.path.rstrip(os.sep) + os.sep)


def _flags(settings: str | None) -> dict[str, Any]:
    try:
        data = json.loads(settings) if settings else {}
    except ValueError:
        data = {}
    flags = data.get("flags", {}) if isinstance(data, dict) else {}
    return dict(flags) if isinstance(flags, dict) else {}


def _row(row: tuple[Any, ...]) -> FolderRow:
    fid, path, settings, writeback, imported_at = row
    return FolderRow(
        int(fid),
        str(path),
        _flags(settings),
        bool(writeback),
        imported_at,
        follows_symlinks(settings),
    )


def follows_symlinks(settings: str | None) -> bool:
    """Whether a folder's settings JSON says it was imported following symlinks."""
    try:
        data = json.loads(settings) if settings else {}
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("follow_symlinks") is True


_SELECT = "SELECT id, path, settings, writeback, imported_at FROM folders"


def list_folders(conn: sqlite3.Connection) -> list[FolderRow]:
    return [_row(r) for r in conn.execute(_SELECT + " ORDER BY path")]


def get_folder(conn: sqlite3.Connection, path: str) -> FolderRow | None:
    row = conn.execute(_SELECT + " WHERE path = ?", (path,)).fetchone()
    return _row(row) if row else None


def note_flags(conn: sqlite3.Connection, note_id: int) -> tuple[dict[str, Any], str] | None:
    """(the flags the note's folder was imported with, the note's path); None: no such note."""
    row = conn.execute(
        "SELECT n.path, f.settings FROM notes AS n LEFT JOIN folders AS f ON f.id = n.folder_id"
        " WHERE n.id = ?",
        (note_id,),
    ).fetchone()
    return None if row is None else (_flags(row[1]), str(row[0]))


def settings_json(flags: dict[str, Any], follow_symlinks: bool = False) -> str:
    data: dict[str, Any] = {"flags": flags}
    if follow_symlinks:
        data["follow_symlinks"] = True
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def save_folder(
    conn: sqlite3.Connection,
    path: str,
    flags: dict[str, Any],
    *,
    writeback: bool,
    imported_at: str | None,
    follow_symlinks: bool = False,
) -> int:
    """Insert or update a folder row (the caller owns the transaction); its id."""
    conn.execute(
        "INSERT INTO folders (path, settings, writeback, imported_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(path) DO UPDATE SET settings = excluded.settings,"
        " writeback = excluded.writeback,"
        " imported_at = coalesce(excluded.imported_at, folders.imported_at)",
        (path, settings_json(flags, follow_symlinks), int(writeback), imported_at),
    )
    row = conn.execute("SELECT id FROM folders WHERE path = ?", (path,)).fetchone()
    return int(row[0])


def touch_folder(conn: sqlite3.Connection, folder_id: int, imported_at: str) -> None:
    conn.execute("UPDATE folders SET imported_at = ? WHERE id = ?", (imported_at, folder_id))


def covering(folders: list[FolderRow], path: str) -> FolderRow | None:
    """The most specific remembered folder that is `path` or holds it."""
    best: FolderRow | None = None
    for f in folders:
        if f.contains(path) and (best is None or len(f.path) > len(best.path)):
            best = f
    return best


def nested(folders: list[FolderRow], folder: FolderRow | str) -> list[str]:
    """Paths of remembered folders strictly inside `folder`: imported on their own."""
    root = folder.path if isinstance(folder, FolderRow) else folder
    prefix = root.rstrip(os.sep) + os.sep
    return [f.path for f in folders if f.path != root and f.path.startswith(prefix)]
