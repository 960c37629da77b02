"""core.search and services.browse: the query language, sorting, and the incremental
search (typing on narrows the last matches) always agreeing with a fresh one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_stats_service import TODAY, build_db

from srs_dl.core.search.index import COLUMNS, BrowseRow, CardIndex, card_tags
from srs_dl.core.search.query import Term, parse_query
from srs_dl.services.browse import load_index
from srs_dl.store.browse import changed_since, load_rows, log_mark
from srs_dl.store.db import connect


def row(
    cid: int,
    front: str,
    *,
    deck: str = "flashcards/dl",
    back: str = "",
    due: dt.date | None = None,
    interval: float | None = None,
    ease: int | None = None,
    lapses: int = 0,
    state: str = "review",
    kind: str = "inline",
) -> BrowseRow:
    return BrowseRow(
        cid, deck, due, interval, ease, lapses, state, front, back, kind, cid, "/v/n.md"
    )


ROWS = [
    row(
        1,
        "Adam combines momentum and RMSprop",
        deck="flashcards/dl/adam",
        due=dt.date(2025, 3, 12),
        interval=8,
        ease=250,
        lapses=1,
    ),
    row(
        2,
        "What is beta2 in Adam?",
        back="0.999 #exam",
        deck="flashcards/dl/adam",
        due=dt.date(2025, 3, 9),
        interval=3,
        ease=230,
    ),
    row(
        3,
        "Batch norm normalises",
        back="per mini-batch",
        deck="flashcards/dl/bn",
        state="suspended",
        due=dt.date(2025, 3, 1),
        interval=30,
        ease=270,
        lapses=4,
    ),
    row(4, "Momentum's beta", deck="flashcards/dl/tuning", state="new"),
    row(5, "Drill: Adam (2 steps, computed)", deck="drills", kind="drill", state="new"),
    row(
        6,
        "Learning rate decay",
        deck="Math/Decay",
        due=dt.date(2025, 3, 10),
        interval=1,
        ease=250,
        lapses=2,
    ),
]


def ids(rows) -> list[int]:  # noqa: ANN001
    return [r.id for r in rows]


def test_parse_query() -> None:
    assert parse_query('Adam "bias corr" -rms deck:dl/bn #Exam state:SUS is:due x:y') == (
        Term(None, "adam"),
        Term(None, "bias corr"),
        Term(None, "rms", negate=True),
        Term("deck", "dl/bn"),
        Term("tag", "exam"),
        Term("state", "sus"),
        Term("is", "due"),
        Term(None, "x:y"),
    )
    assert parse_query("   ") == ()
    assert parse_query('deck: "') == ()  # half-typed operators match everything


def test_words_fields_and_negation() -> None:
    index = CardIndex(ROWS, TODAY)
    assert ids(index.search("adam")) == [2, 1, 5]  # by due; no due last
    assert ids(index.search("ADAM -drill")) == [2, 1]
    assert ids(index.search('"adam combines"')) == [1]
    assert ids(index.search("deck:dl/adam")) == [2, 1]
    assert ids(index.search("#exam")) == [2]
    assert ids(index.search("tag:adam")) == [2, 1]  # a part of a nested tag
    assert ids(index.search("tag:flashcards/dl")) == [3, 2, 1, 4]
    assert ids(index.search("tag:math/decay")) == [6]  # tags match in any case
    assert ids(index.search("state:sus")) == [3]
    assert ids(index.search("kind:drill")) == [5]
    assert ids(index.search("is:due")) == [2, 6]  # suspended card 3 is not due
    assert ids(index.search("is:new")) == [4, 5]
    assert ids(index.search("nothing-like-this")) == []
    assert card_tags(ROWS[1]) == ("#flashcards/dl/adam", "#exam")


def test_sort_every_column_both_ways() -> None:
    index = CardIndex(ROWS, TODAY)
    assert ids(index.search("", sort="interval")) == [6, 2, 1, 3, 4, 5]
    # Descending: cards without a value stay last.
    assert ids(index.search("", sort="interval", descending=True)) == [3, 1, 2, 6, 4, 5]
    assert ids(index.search("adam", sort="due", descending=True)) == [1, 2, 5]
    assert ids(index.search("", sort="lapses", descending=True)) == [3, 6, 1, 5, 4, 2]
    assert ids(index.search("", sort="deck")) == [5, 1, 2, 3, 4, 6]
    assert ids(index.search("", sort="front"))[0] == 1
    assert ids(index.search("", sort="state")) == [4, 5, 1, 2, 6, 3]
    for column in COLUMNS:
        assert sorted(ids(index.search("", sort=column))) == [1, 2, 3, 4, 5, 6]


def test_update_replaces_rows_and_resorts() -> None:
    index = CardIndex(ROWS, TODAY)
    assert ids(index.search("", sort="ease")) == [2, 1, 6, 3, 4, 5]
    index.update(
        [
            row(
                2,
                "What is beta2 in Adam?",
                due=dt.date(2025, 3, 9),
                interval=3,
                ease=290,
                state="suspended",
            )
        ]
    )
    assert ids(index.search("", sort="ease")) == [1, 6, 3, 2, 4, 5]
    assert ids(index.search("state:susp")) == [3, 2]
    index.update([row(7, "A new card about adam", state="new")])
    assert 7 in ids(index.search("adam")) and len(index) == 7


words = st.sampled_from(
    [
        "a",
        "ad",
        "adam",
        "m",
        "mo",
        "beta",
        "#",
        "#ex",
        "-a",
        "-dr",
        "deck:",
        "deck:dl",
        "state:s",
        "is:due",
        "tag:a",
        '"adam c',
        "n",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=4), st.sampled_from(COLUMNS), st.booleans())
def test_typing_one_key_at_a_time_agrees_with_a_fresh_search(parts, sort, descending) -> None:
    """The incremental path (filtering the last matches) must never lose or add a card."""
    query = " ".join(parts)
    typed = CardIndex(ROWS, TODAY)
    for end in range(1, len(query) + 1):
        got = ids(typed.search(query[:end], sort=sort, descending=descending))
        fresh = ids(CardIndex(ROWS, TODAY).search(query[:end], sort=sort, descending=descending))
        assert got == fresh, query[:end]
    # And backspacing back to nothing.
    for end in range(len(query), -1, -1):
        got = ids(typed.search(query[:end], sort=sort, descending=descending))
        assert got == ids(
            CardIndex(ROWS, TODAY).search(query[:end], sort=sort, descending=descending)
        )


def test_load_from_a_real_database(tmp_path: Path) -> None:
    db = build_db(tmp_path / "deck.db")
    conn = connect(db)
    seen: list[tuple[int, int]] = []
    index = load_index(conn, TODAY, progress=lambda d, t: seen.append((d, t)))
    assert len(index) == 13 and seen[-1] == (13, 13)
    assert index.get(6).path == "/vault/dl.md" and index.get(6).line == 14
    assert index.get(12).path is None  # a drill card has no note
    assert ids(index.search("#exam")) == [6]
    assert ids(index.search("is:due")) == [8, 1, 2]  # card 8's burial ended today
    mark = index.log_mark
    assert mark == log_mark(conn)
    assert changed_since(conn, mark) == (mark, [])
    from srs_dl.config import Config
    from srs_dl.services.review import suspend

    suspend(conn, Config(), TODAY, 3)
    new_mark, changed = changed_since(conn, mark)
    assert new_mark > mark and changed == [3]
    index.update(load_rows(conn, changed))
    assert ids(index.search("state:suspended")) == [9, 3]
