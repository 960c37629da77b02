"""The deck's schema, as an ordered list of migrations.

`PRAGMA user_version` holds the number of migrations applied, so a database
written by a newer srs-dl (a higher number) is refused instead of damaged.
Migrations only ever append; a shipped migration is never edited.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def _v1(conn: sqlite3.Connection) -> None:
    conn.executescript(
        """
        -- Folders (and single files) the user imported, with the settings they were
        -- imported with, so a plain re-import or a rescan reads them the same way.
        CREATE TABLE folders (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            settings TEXT NOT NULL,          -- JSON: the flags and config layer given at import
            writeback INTEGER NOT NULL DEFAULT 1,  -- 0 for the bundled deck: never written into
            imported_at TEXT
        );
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            folder_id INTEGER REFERENCES folders(id) ON DELETE SET NULL,
            path TEXT NOT NULL UNIQUE,       -- absolute
            size INTEGER,
            mtime_ns INTEGER,
            hash TEXT,                       -- sha1 of the bytes last read or written
            settings_hash TEXT,              -- the parse settings it was read with
            deleted INTEGER NOT NULL DEFAULT 0,
            -- hash of the bytes srs-dl is about to rename into place: after a crash
            -- between rename and commit, a file with this hash is srs-dl's own write
            pending_hash TEXT,
            -- whole-note review (#review notes)
            is_review INTEGER NOT NULL DEFAULT 0,
            review_due TEXT,
            review_interval REAL,
            review_ease INTEGER,
            review_dirty INTEGER NOT NULL DEFAULT 0,   -- reviewed here, not yet written back
            review_sched_note TEXT,          -- the schedule last read from / written to the note
            deck TEXT,
            links TEXT,                      -- JSON list of wikilink targets
            -- cards found in the note at its last parse (not deleted): the summary of an
            -- unchanged re-import counts them without touching the cards table
            card_count INTEGER NOT NULL DEFAULT 0,
            drill_kinds TEXT                 -- JSON [[deck, kind], ...] its headings add
        );
        CREATE TABLE cards (
            id INTEGER PRIMARY KEY,
            note_id INTEGER REFERENCES notes(id) ON DELETE SET NULL,  -- NULL for drill cards
            deck TEXT NOT NULL,
            kind TEXT NOT NULL,
            sibling INTEGER NOT NULL DEFAULT 0,
            qhash TEXT NOT NULL,             -- hash of the question's source text (identity)
            front TEXT NOT NULL,
            back TEXT NOT NULL,
            line INTEGER,
            end_line INTEGER,
            due TEXT,                        -- YYYY-MM-DD, NULL for a new card
            interval REAL,
            ease INTEGER,
            state TEXT NOT NULL DEFAULT 'new'
                CHECK (state IN ('new', 'review', 'suspended', 'buried', 'deleted')),
            buried_until TEXT,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            -- the schedule srs-dl last read from or wrote into the note ("due,interval,ease"):
            -- a different one in the note means the card was reviewed in Obsidian
            note_sched TEXT,
            dirty INTEGER NOT NULL DEFAULT 0,    -- reviewed here, comment not yet written
            raw_group TEXT,                  -- a group kept verbatim (FSRS)
            drill_kind TEXT                  -- for kind = 'drill'
        );
        CREATE INDEX cards_note ON cards(note_id);
        -- a new question may be a deleted card come back (or moved): looked up by its hash
        CREATE INDEX cards_deleted_qhash ON cards(qhash) WHERE state = 'deleted';
        -- covers the deck list's counts (store/decks.py) and deck filters
        CREATE INDEX cards_deck_counts ON cards(deck, state, due, buried_until);
        CREATE INDEX cards_dirty ON cards(dirty) WHERE dirty = 1;
        -- The review queue (store/reviews.py) walks it in due order per state; the
        -- statistics (services/stats.py) group every card by these columns, which it
        -- covers, sparing the cards' text (100,000 cards: 250 ms -> 75 ms).
        CREATE INDEX cards_stats ON cards(state, due, interval, ease, buried_until);
        -- Append-only: every review, undo, bury, suspend, unsuspend, delete and
        -- schedule change read from a note, with the state before and after.
        CREATE TABLE log (
            id INTEGER PRIMARY KEY,
            card_id INTEGER REFERENCES cards(id),
            note_id INTEGER REFERENCES notes(id),
            at TEXT NOT NULL,                -- wall-clock time, ISO 8601
            day TEXT NOT NULL,               -- the date the action was taken as of (--today)
            action TEXT NOT NULL,
            response TEXT,
            source TEXT NOT NULL,            -- 'srs-dl', 'note', 'import'
            before TEXT,                     -- JSON snapshot of the scheduling fields
            after TEXT,
            undoes INTEGER REFERENCES log(id),
            detail TEXT                      -- JSON: drill inputs and answer, messages
        );
        CREATE INDEX log_card ON log(card_id);
        CREATE INDEX log_day ON log(day);
        -- Statistics (H8, services/stats.py): grouping a million reviews by day, answer
        -- and the interval before the review reads this index in order instead of
        -- parsing every row's JSON (1.2 s -> 0.4 s). The expression must stay identical
        -- to the one in services/stats.py for SQLite to use it.
        CREATE INDEX log_stats ON log(action, day, response, json_extract(before, '$.interval'));
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        """
    )


def _v2(conn: sqlite3.Connection) -> None:
    # The note's own tags (frontmatter and body, as the parser reads them): the
    # browser finds a note's cards by them. NULL until the note is parsed again
    # (PARSE_VERSION 2 makes the next import re-read every note).
    conn.execute("ALTER TABLE notes ADD COLUMN tags TEXT")  # JSON list, e.g. ["#math"]


def _v3(conn: sqlite3.Connection) -> None:
    # The application id marks the file as a deck (see db.APPLICATION_ID); written
    # in a migration so an older deck gets it once, with the write lock held.
    conn.execute("PRAGMA application_id = 1397904196")


MIGRATIONS: list[Migration] = [_v1, _v2, _v3]
SCHEMA_VERSION = len(MIGRATIONS)
