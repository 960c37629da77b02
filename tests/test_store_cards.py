"""Deck filters: a deck includes its sub-decks, never a deck that merely shares a prefix."""

from __future__ import annotations

from pathlib import Path

from srs_dl.store.cards import iter_cards
from srs_dl.store.db import connect


def test_deck_filter_takes_sub_decks_only(tmp_path: Path) -> None:
    conn = connect(tmp_path / "deck.db")
    decks = ["a", "a/b", "a/b/c", "ab", "a0", "a-b", "b", "a.b"]
    conn.executemany(
        "INSERT INTO cards (deck, kind, qhash, front, back) VALUES (?, 'inline', 'h', ?, '')",
        [(d, d) for d in decks],
    )
    assert sorted(c.deck for c in iter_cards(conn, deck="a")) == ["a", "a/b", "a/b/c"]
    assert sorted(c.deck for c in iter_cards(conn, deck="#a/b/")) == ["a/b", "a/b/c"]
    assert [c.deck for c in iter_cards(conn, deck="a/b/c")] == ["a/b/c"]
    assert len(list(iter_cards(conn))) == len(decks)
    plan = " ".join(
        str(r)
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM cards WHERE (deck = ? OR (deck >= ? AND deck < ?))",
            ["a", "a/", "a0"],
        )
    )
    assert "cards_deck_counts" in plan
