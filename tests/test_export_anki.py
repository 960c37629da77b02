"""`srs-dl export anki`: the package opened with the `anki` package from PyPI (the
test extra installs it; these tests skip where it is absent). Every card lands in
its deck with its schedule and its reviews, and importing a second export into the
same collection updates notes instead of adding copies."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from export_support import EXPORT_DAY, export_deck, review_counts

from srs_dl.cli import main

anki_collection = pytest.importorskip("anki.collection")


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return export_deck(tmp_path, monkeypatch)


def _collection(tmp_path: Path):
    folder = tmp_path / "anki"
    folder.mkdir(exist_ok=True)
    return anki_collection.Collection(str(folder / "collection.anki2"))


def _import(col, package: Path):
    req = anki_collection.ImportAnkiPackageRequest(
        package_path=str(package),
        options=anki_collection.ImportAnkiPackageOptions(with_scheduling=True),
    )
    return col.import_anki_package(req).log


def _expected(db: Path) -> tuple[Counter, Counter]:
    """Per Anki deck: the schedule every card should have, and its review count."""
    conn = sqlite3.connect(db)
    counts = review_counts(conn)
    cards: Counter = Counter()
    reviews: Counter = Counter()
    for cid, deck, due, interval, ease, state, buried_until, reps, lapses in conn.execute(
        "SELECT id, deck, due, interval, ease, state, buried_until, reps, lapses FROM cards"
        " WHERE state != 'deleted'"
    ):
        name = deck.replace("/", "::")
        buried = state == "buried" and buried_until > EXPORT_DAY.isoformat()
        queue = -1 if state == "suspended" else -3 if buried else None
        if due is None:
            cards[(name, 0, 0 if queue is None else queue, None, 0, 0)] += 1
        else:
            days = (dt.date.fromisoformat(due) - EXPORT_DAY).days
            factor = 2500 if ease is None else ease * 10
            ivl = max(1, round(interval))
            cards[(name, 2, 2 if queue is None else queue, days, ivl, factor, reps, lapses)] += 1
        reviews[(name, counts.get(cid, 0))] += 1
    return cards, reviews


def _found(col) -> tuple[Counter, Counter]:
    today = col.sched.today
    cards: Counter = Counter()
    reviews: Counter = Counter()
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        name = col.decks.name(card.did)
        if card.type == 0:
            cards[(name, 0, card.queue, None, 0, 0)] += 1
        else:
            cards[
                (
                    name,
                    card.type,
                    card.queue,
                    card.due - today,
                    card.ivl,
                    card.factor,
                    card.reps,
                    card.lapses,
                )
            ] += 1
        n = col.db.scalar("SELECT count(*) FROM revlog WHERE cid = ?", cid)
        reviews[(name, n)] += 1
    return cards, reviews


def test_every_card_its_deck_schedule_and_reviews_reach_anki(deck, tmp_path):
    package = tmp_path / "deck.apkg"
    assert main(["--db", str(deck), "export", "anki", str(package), "--with-history"]) == 0
    with zipfile.ZipFile(package) as z:
        assert sorted(z.namelist()) == ["collection.anki2", "media"]
    col = _collection(tmp_path)
    try:
        log = _import(col, package)
        assert len(log.new) == col.note_count() > 0
        want_cards, want_reviews = _expected(deck)
        got_cards, got_reviews = _found(col)
        assert got_cards == want_cards
        assert got_reviews == want_reviews
        revlog = col.db.all("SELECT ease, type FROM revlog ORDER BY id")
        # good (1), again + hard (2), easy (3), the reset (manual), the drill's good
        assert [e for e, _ in revlog] == [3, 1, 2, 4, 0, 3]
        assert sum(want_reviews[k] * k[1] for k in want_reviews) == len(revlog)
    finally:
        col.close()


def test_a_second_export_updates_the_notes_anki_has_instead_of_adding_copies(deck, tmp_path):
    from srs_dl.services.interchange.anki_package import write_package
    from srs_dl.store.db import connect

    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    conn = connect(deck)
    with first.open("wb") as fh:
        write_package(conn, fh, today=EXPORT_DAY, with_history=True)
    conn.execute("UPDATE cards SET back = 'an edited answer' WHERE id = 1")
    with second.open("wb") as fh:
        # Anki takes a note it has only from a newer one: a later export is newer.
        write_package(conn, fh, today=EXPORT_DAY, with_history=True, now=time.time() + 60)
    conn.close()
    col = _collection(tmp_path)
    try:
        _import(col, first)
        notes, cards = col.note_count(), col.card_count()
        revlog = col.db.scalar("SELECT count(*) FROM revlog")
        log = _import(col, second)
        assert (col.note_count(), col.card_count()) == (notes, cards)
        assert col.db.scalar("SELECT count(*) FROM revlog") == revlog
        assert len(log.new) == 0 and len(log.updated) >= 1
        edited = [col.get_note(nid) for nid in col.find_notes('"Back:an edited answer"')]
        assert len(edited) == 1
    finally:
        col.close()


def test_markdown_math_and_the_source_reach_the_fields(deck, tmp_path):
    package = tmp_path / "deck.apkg"
    assert main(["--db", str(deck), "export", "anki", str(package), "--deck", "drills"]) == 0
    col = _collection(tmp_path)
    try:
        _import(col, package)
        notes = [col.get_note(n) for n in col.find_notes("")]
        assert {col.decks.name(col.get_card(n.card_ids()[0]).did) for n in notes} == {"drills"}
        about = [n["About"] for n in notes]
        assert all(a.startswith("One sample of the generated drill") for a in about)
    finally:
        col.close()
    # A second export shows the same numbers (the sample's seed is fixed by the card).
    again = tmp_path / "again.apkg"
    assert main(["--db", str(deck), "export", "anki", str(again), "--deck", "drills"]) == 0

    def fields(path: Path) -> list[str]:
        with zipfile.ZipFile(path) as z:
            z.extract("collection.anki2", tmp_path / path.stem)
        db = sqlite3.connect(tmp_path / path.stem / "collection.anki2")
        return [r[0] for r in db.execute("SELECT flds FROM notes ORDER BY guid")]

    assert fields(package) == fields(again)
