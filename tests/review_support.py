"""Building small decks row by row for the review, sync and note-review tests
(real SQLite files in tmp_path, written through the store's own schema)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from srs_dl.config import Config, ReviewSettings
from srs_dl.store.db import connect, transaction

TODAY = dt.date(2025, 3, 10)


def day(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def open_db(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "deck.db")


def config(*, new: int = 20, reviews: int = 200, writeback: str = "sync") -> Config:
    return Config(
        review=ReviewSettings(new_per_day=new, reviews_per_day=reviews, writeback=writeback)
    )


def add_card(
    conn: sqlite3.Connection,
    *,
    deck: str = "d",
    due: dt.date | None = None,
    interval: float | None = None,
    ease: int | None = None,
    state: str | None = None,
    note_id: int | None = None,
    kind: str = "inline",
    sibling: int = 0,
    qhash: str | None = None,
    front: str = "front",
    line: int = 1,
    drill_kind: str | None = None,
) -> int:
    if state is None:
        state = "new" if due is None else "review"
    if due is not None and interval is None:
        interval, ease = 3.0, 250
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO cards (note_id, deck, kind, sibling, qhash, front, back, line, end_line,"
            " due, interval, ease, state, drill_kind) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?,"
            " ?, ?)",
            (
                note_id,
                deck,
                kind,
                sibling,
                qhash or f"q{front}{line}",
                front,
                line,
                line,
                due.isoformat() if due else None,
                interval,
                ease,
                state,
                drill_kind,
            ),
        )
    return int(cur.lastrowid or 0)


def card_state(conn: sqlite3.Connection, card_id: int) -> tuple[object, ...]:
    return conn.execute(
        "SELECT due, interval, ease, state, buried_until, reps, lapses, raw_group FROM cards"
        " WHERE id = ?",
        (card_id,),
    ).fetchone()


def build_realworld_vaults(shared: Path, dest: Path) -> dict[str, Path]:
    """The real-world corpus laid out as the vaults it came from (SOURCES.md), each with
    its repository's committed plugin settings as the vault's data.json.

    Returns corpus file name -> its copy. The corpus is read from ../shared, never
    copied into the project.
    """
    import json
    import re

    corpus = shared / "corpus" / "realworld"
    settings = json.loads((corpus / "plugin-settings.json").read_text(encoding="utf-8"))
    row = re.compile(r"^\| (\d\d) \| (\S+\.md) \| ([^|]+?) \| `([^`]+)` \|")
    out: dict[str, Path] = {}
    for line in (corpus / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        m = row.match(line)
        if not m:
            continue
        name, repo, rel = m.group(2), m.group(3).strip(), m.group(4)
        vault = dest / repo.replace("/", "__")
        target = vault / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((corpus / name).read_bytes())
        out[name] = target
        data = settings.get(repo)
        plugin = vault / ".obsidian" / "plugins" / "obsidian-spaced-repetition" / "data.json"
        if data is not None and not plugin.exists():
            plugin.parent.mkdir(parents=True, exist_ok=True)
            plugin.write_text(
                json.dumps({k: v for k, v in data.items() if k != "path"}), encoding="utf-8"
            )
    return out


def without_sr_comments(data: bytes) -> bytes:
    """A note's bytes with every scheduling comment taken out, and the lines that held
    only one: what must never change."""
    import re

    data = re.sub(rb"\r?\n[ \t]*<!--SR:[^\n]*?-->[ \t]*\Z", b"", data)
    data = re.sub(rb"(?m)^[ \t]*<!--SR:[^\n]*?-->[ \t]*(?:\r?\n|\Z)", b"", data)
    return re.sub(rb"[ \t]*<!--SR:[^\n]*?-->", b"", data)


def cli_env(tmp_path: Path, monkeypatch: object, config_text: str = "") -> Path:
    """`srs-dl` commands run by cli.main on a deck in tmp_path as of TODAY, with a config
    file of `config_text`; returns the deck's path."""
    path = tmp_path / "deck.db"
    config_file = tmp_path / "config.toml"
    config_file.write_text(config_text, encoding="utf-8")
    for name, value in (
        ("SRS_DL_DB", str(path)),
        ("SRS_DL_TODAY", TODAY.isoformat()),
        ("SRS_DL_CONFIG", str(config_file)),
    ):
        monkeypatch.setenv(name, value)  # type: ignore[attr-defined]
    return path
