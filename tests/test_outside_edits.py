"""Issue 10, edits from outside: a note edited, deleted or renamed (in Obsidian, in an
editor) between import and sync. Sync never overwrites it, keeps the review, says
which notes need a rescan, and writes them after the rescan.

`srs-dl sync` rescans the imported folders first, so an edit the rescan can see is
read before anything is written: the user's text is kept and the comment added. An
edit it cannot see (one made after the rescan, or one that keeps the note's size and
modification time) must be caught by the hash check: the note is named, left as the
user left it, and written by a later import + sync. Both paths are tested: through the
CLI, and through the service with the rescan left out (an edit "after the rescan").
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

TODAY = "2026-03-01"
SR = re.compile(r"<!--SR:[^>]*-->")
NOTE = (
    "#flashcards/edits\n"
    "\n"
    "What is momentum's beta?::the decay of the velocity average\n"
    "\n"
    "Adam combines\n"
    "?\n"
    "momentum and RMSprop  \n"
    "\n"
    "Bias correction divides by::1 - beta^t\n"
)


def srs(args: list[str], db: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SRS_DL_DB=str(db), SRS_DL_TODAY=TODAY, SRS_DL_CONFIG=str(config))
    env.pop("SRS_DL_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "srs_dl", *args],
        capture_output=True,  # noqa: S603
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def ok(args: list[str], db: Path, config: Path) -> subprocess.CompletedProcess[str]:
    done = srs(args, db, config)
    assert done.returncode == 0, f"srs-dl {' '.join(args)}: {done.stderr}"
    assert "Traceback" not in done.stderr
    return done


def without_comments(text: str) -> str:
    """The note minus scheduling comments and the lines that held only one."""
    lines = text.splitlines(keepends=True)
    kept = [ln for ln in lines if not SR.fullmatch(ln.strip())]
    return SR.sub("", "".join(kept))


class Deck:
    """A one-note vault, imported, with two cards reviewed and not yet written back."""

    def __init__(self, tmp_path: Path, writeback: str = "sync") -> None:
        self.vault = tmp_path / "vault"
        self.vault.mkdir()
        self.note = self.vault / "optim.md"
        self.note.write_bytes(NOTE.encode())
        self.db = tmp_path / "deck.db"
        self.config = tmp_path / "config.toml"
        self.config.write_text(f'[review]\nwriteback = "{writeback}"\n', encoding="utf-8")
        ok(["import", str(self.vault)], self.db, self.config)
        self.cards = self.listing()
        assert len(self.cards) == 3
        self.ids = sorted(self.cards)[:2]
        self.grade = srs(["grade", "good", *map(str, self.ids), "--json"], self.db, self.config)
        assert self.grade.returncode == 0, self.grade.stderr
        self.graded = {c["id"]: c for c in map(json.loads, self.grade.stdout.splitlines())}
        #: How many reviews each graded card has had.
        self.reviews = dict.fromkeys(self.graded, 1)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return srs(list(args), self.db, self.config)

    def listing(self, *extra: str) -> dict[int, dict[str, object]]:
        out = ok(["cards", "--json", *extra], self.db, self.config).stdout
        return {c["id"]: c for c in map(json.loads, out.splitlines()) if c["file"]}

    def db_value(self, sql: str, *args: object) -> object:
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(sql, args).fetchone()[0]
        finally:
            conn.close()

    def assert_reviews_kept(self) -> None:
        cards = self.listing("--all")
        for cid, want in self.graded.items():
            card = cards[cid]
            assert (card["due"], card["interval"], card["ease"]) == (
                want["due"],
                want["interval"],
                want["ease"],
            ), card
            assert (
                self.db_value(
                    "SELECT count(*) FROM log WHERE card_id = ? AND action = 'review'", cid
                )
                == self.reviews[cid]
            )
        assert self.db_value("SELECT count(*) FROM log WHERE source = 'note'") == 0

    def assert_note_holds_reviews(self, path: Path) -> None:
        """The comments in `path` hold the graded schedules, under the right cards."""
        from srs_dl.core.notes.grammar import parse_note
        from srs_dl.core.notes.settings import ParseSettings

        parsed = parse_note(path.read_bytes().decode("utf-8"), ParseSettings())
        fronts = {c["front"]: cid for cid, c in self.listing().items()}
        seen = set()
        for q in parsed.questions:
            for card in q.cards:
                cid = fronts[card.front]
                if cid in self.graded:
                    assert card.schedule is not None, f"{card.front}: no comment written"
                    assert card.schedule.due.isoformat() == self.graded[cid]["due"]
                    seen.add(cid)
        assert seen == set(self.graded)


def _edit_same_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    """An edit an incremental scan cannot see: same length, modification time put back."""
    assert len(old) == len(new)
    st = path.stat()
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


# --- through the CLI ------------------------------------------------------------------------


def test_edited_note_keeps_the_edit_and_gets_the_comments(tmp_path: Path) -> None:
    deck = Deck(tmp_path)
    edited = NOTE.replace("Adam combines", "Adam (Kingma & Ba) combines") + "\nA new paragraph.\n"
    deck.note.write_bytes(edited.encode())
    done = deck.run("sync")
    assert done.returncode == 0, done.stderr
    assert f"wrote {deck.note}" in done.stdout
    text = deck.note.read_text(encoding="utf-8")
    assert without_comments(text) == edited
    deck.assert_reviews_kept()
    deck.assert_note_holds_reviews(deck.note)


def test_edit_the_scan_cannot_see_is_named_kept_and_written_after_a_rescan(tmp_path: Path) -> None:
    deck = Deck(tmp_path)
    _edit_same_size_and_mtime(deck.note, b"momentum and RMSprop", b"Momentum and RMSprop")
    users = deck.note.read_bytes()
    done = deck.run("sync")
    assert deck.note.read_bytes() == users, "sync overwrote a note changed on disk"
    assert f"changed on disk, not written (rescan it, then sync): {deck.note}" in done.stdout
    assert "Traceback" not in done.stderr
    deck.assert_reviews_kept()
    assert deck.db_value("SELECT count(*) FROM cards WHERE dirty = 1") == 2
    # "rescan it": a later import reads it; the next sync writes it.
    ok(["import", str(deck.vault)], deck.db, deck.config)
    again = ok(["sync"], deck.db, deck.config)
    assert f"wrote {deck.note}" in again.stdout, again.stdout
    assert without_comments(deck.note.read_text(encoding="utf-8")) == users.decode()
    deck.assert_reviews_kept()
    deck.assert_note_holds_reviews(deck.note)
    assert deck.db_value("SELECT count(*) FROM cards WHERE dirty = 1") == 0


def test_deleted_note_is_not_recreated_and_its_reviews_stay_in_the_log(tmp_path: Path) -> None:
    deck = Deck(tmp_path)
    deck.note.unlink()
    done = deck.run("sync")
    assert done.returncode == 0, done.stderr
    assert not deck.note.exists(), "sync wrote a note the user deleted"
    assert list(deck.vault.iterdir()) == []
    cards = deck.listing("--all")
    assert {c["state"] for c in cards.values()} == {"deleted"}
    history = ok(["history", str(deck.ids[0]), "--json"], deck.db, deck.config).stdout
    assert "review" in [json.loads(line)["action"] for line in history.splitlines()]
    # The note comes back (undo in Obsidian, a restore from the trash): so do its cards
    # and their reviews, and the next sync writes them.
    deck.note.write_bytes(NOTE.encode())
    ok(["import", str(deck.vault)], deck.db, deck.config)
    ok(["sync"], deck.db, deck.config)
    deck.assert_reviews_kept()
    deck.assert_note_holds_reviews(deck.note)


@pytest.mark.parametrize("also_edited", [False, True], ids=["renamed", "renamed-and-edited"])
def test_renamed_note_is_written_under_its_new_name(tmp_path: Path, also_edited: bool) -> None:
    deck = Deck(tmp_path)
    (deck.vault / "sub").mkdir()
    moved = deck.vault / "sub" / "Optimisers.md"
    deck.note.rename(moved)
    if also_edited:
        with moved.open("ab") as fh:
            fh.write(b"\nEdited after the move.\n")
    users = moved.read_bytes()
    done = deck.run("sync")
    assert done.returncode == 0, done.stderr
    assert not deck.note.exists(), "sync wrote the note's old path"
    assert f"wrote {moved}" in done.stdout, done.stdout
    assert without_comments(moved.read_text(encoding="utf-8")) == users.decode()
    cards = deck.listing()
    assert sorted(cards) == sorted(deck.cards), "the renamed note's cards got new ids"
    assert {c["file"] for c in cards.values()} == {str(moved)}
    deck.assert_reviews_kept()
    deck.assert_note_holds_reviews(moved)


def test_grade_with_immediate_writeback_after_an_edit(tmp_path: Path) -> None:
    deck = Deck(tmp_path, writeback="immediate")  # graded and written at once
    deck.assert_note_holds_reviews(deck.note)
    edited = deck.note.read_bytes() + b"\nAn edit made in Obsidian.\n"
    deck.note.write_bytes(edited)
    two = sorted(deck.cards)[1:]  # both in the changed note: it is named once
    done = deck.run("grade", "easy", *map(str, two), "--json")
    assert done.returncode == 0, done.stderr
    assert deck.note.read_bytes() == edited, "a grade overwrote a note changed on disk"
    problems = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(problems) == 1 and str(deck.note) in problems[0], done.stderr
    assert "rescan" in problems[0] and problems[0].count("review is kept") == 1, problems[0]
    for line in done.stdout.splitlines():
        graded = json.loads(line)
        deck.graded[graded["id"]] = graded
        deck.reviews[graded["id"]] = deck.reviews.get(graded["id"], 0) + 1
    ok(["sync"], deck.db, deck.config)
    assert without_comments(deck.note.read_text(encoding="utf-8")) == without_comments(
        edited.decode()
    )
    deck.assert_reviews_kept()
    deck.assert_note_holds_reviews(deck.note)


# --- through the service, the edit made after the rescan ----------------------------------


def _sync_without_rescan(deck: Deck) -> object:
    from srs_dl.config import load_config
    from srs_dl.services.writeback.sync import sync
    from srs_dl.store.db import connect

    conn = connect(deck.db)
    try:
        return sync(conn, load_config(str(deck.config)), dt.date.fromisoformat(TODAY), rescan=False)
    finally:
        conn.close()


@pytest.mark.parametrize("change", ["edited", "deleted", "renamed"])
def test_change_after_the_rescan_is_reported_not_overwritten(tmp_path: Path, change: str) -> None:
    deck = Deck(tmp_path)
    moved = deck.vault / "renamed.md"
    if change == "edited":
        deck.note.write_bytes(NOTE.replace("1 - beta^t", "1 - β^t").encode())
    elif change == "deleted":
        deck.note.unlink()
    else:
        deck.note.rename(moved)
    before = {p.name: p.read_bytes() for p in deck.vault.iterdir()}
    report = _sync_without_rescan(deck)
    assert {p.name: p.read_bytes() for p in deck.vault.iterdir()} == before
    assert report.changed_on_disk == [str(deck.note)]  # type: ignore[attr-defined]
    assert report.written == []  # type: ignore[attr-defined]
    deck.assert_reviews_kept()
    assert deck.db_value("SELECT count(*) FROM cards WHERE dirty = 1") == 2
    # The CLI's sync rescans first, then writes.
    done = deck.run("sync")
    assert done.returncode == 0, done.stderr
    deck.assert_reviews_kept()
    if change == "deleted":
        assert not deck.note.exists()
        return
    target = moved if change == "renamed" else deck.note
    assert f"wrote {target}" in done.stdout, done.stdout
    assert without_comments(target.read_text(encoding="utf-8")) == before[target.name].decode()
    deck.assert_note_holds_reviews(target)


def test_card_lines_follow_the_comments_srs_dl_writes(tmp_path: Path) -> None:
    """A comment written on a new line pushes the cards below it down: `cards --json`
    must give their lines in the note as it now is (cli.md: `line`, the 1-based first
    line of the card in the note), not as it was when imported; the editor jumps there."""
    deck = Deck(tmp_path, writeback="immediate")  # two cards graded, comments written
    from srs_dl.core.notes.grammar import parse_note
    from srs_dl.core.notes.settings import ParseSettings

    parsed = parse_note(deck.note.read_text(encoding="utf-8"), ParseSettings())
    where = {card.front: q.first_line for q in parsed.questions for card in q.cards}
    listed = {c["front"]: c["line"] for c in deck.listing().values()}
    assert listed == where
