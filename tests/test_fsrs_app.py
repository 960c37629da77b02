"""FSRS in the app: the stats (retrievability, stability, true against desired
retention; CLI and the Stats screen) and the browser's `algo:` filter."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from review_support import add_card
from tui_support import run_async, wait_for

from srs_dl.cli import main
from srs_dl.config import Config
from srs_dl.core.notes.fsrs_group import parse_fsrs_group
from srs_dl.core.scheduling import fsrs
from srs_dl.core.scheduling.fsrs_stats import fsrs_stats
from srs_dl.core.search.index import CardIndex
from srs_dl.store.browse import iter_rows
from srs_dl.store.db import connect, transaction

TODAY = dt.date(2025, 2, 20)
NOW = "2025-02-20T09:00:00+00:00"
ISSUE = "fsrs,2025-02-22T08:00:00.000Z,3,3.2,5.1,2,3,0,0,2025-02-19T08:00:00.000Z"
LONG = "fsrs,2025-06-01T08:00:00.000Z,100,120.5,4,2,6,1,0,2025-02-20T08:00:00.000Z"


def test_core_buckets_and_true_retention() -> None:
    now = dt.datetime.fromisoformat(NOW)
    cards = [parse_fsrs_group(ISSUE), parse_fsrs_group(LONG), fsrs.new_card(now)]
    reviews = [(fsrs.State.REVIEW, 3), (fsrs.State.REVIEW, 1), (fsrs.State.LEARNING, 1)]
    s = fsrs_stats(cards, reviews, now, fsrs.DEFAULT_PARAMETERS)
    assert (s.cards, s.reviewed) == (3, 2)
    r = {b.label: b.count for b in s.retrievability}
    # One day after the last review at stability 3.2 (ts-fsrs's retrievability 0.9652...)
    # and the same day at 120.5 (1.0).
    assert r["95-100%"] == 2 and sum(r.values()) == 2
    assert {b.label: b.count for b in s.stability} == {
        "<1d": 0,
        "1-7d": 1,
        "7-30d": 0,
        "30-90d": 0,
        "90d-1y": 1,
        ">1y": 0,
    }
    assert (s.reviews, s.recalled, s.true_retention, s.desired_retention) == (2, 1, 0.5, 0.9)


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "deck.db"
    monkeypatch.setenv("SRS_DL_DB", str(db))
    monkeypatch.setenv("SRS_DL_TODAY", TODAY.isoformat())
    monkeypatch.setenv("SRS_DL_NOW", NOW)
    monkeypatch.setenv("SRS_DL_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text(
        "[scheduling]\ndesired_retention = 0.85\n", encoding="utf-8"
    )
    conn = connect(db)
    a = add_card(conn, due=dt.date(2025, 2, 22), interval=3, ease=263, front="issue")
    b = add_card(conn, due=dt.date(2025, 6, 1), interval=100, ease=250, front="long")
    add_card(conn, due=dt.date(2025, 2, 21), interval=4, ease=250, front="sm2 card")
    add_card(conn, front="new card")
    with transaction(conn):
        conn.execute("UPDATE cards SET raw_group = ? WHERE id = ?", (ISSUE, a))
        conn.execute("UPDATE cards SET raw_group = ? WHERE id = ?", (LONG, b))
    conn.close()
    return db


def test_stats_json_has_fsrs_only_for_a_deck_with_fsrs_cards(
    deck: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    assert main(["grade", "again", "1"]) == 0  # the issue's card, in review: a lapse
    capsys.readouterr()
    assert main(["stats", "--json"]) == 0
    f = json.loads(capsys.readouterr().out)["fsrs"]
    assert (f["cards"], f["reviewed"], f["reviews"], f["recalled"]) == (2, 2, 1, 0)
    assert f["true_retention"] == 0.0 and f["desired_retention"] == 0.85
    assert sum(f["retrievability"].values()) == 2
    assert main(["stats"]) == 0
    assert "fsrs: 2 cards (2 reviewed)" in capsys.readouterr().out
    monkeypatch.setenv("SRS_DL_DB", str(tmp_path / "plain.db"))
    conn = connect(tmp_path / "plain.db")
    add_card(conn, due=TODAY, front="x")
    conn.close()
    assert main(["stats", "--json"]) == 0
    assert "fsrs" not in json.loads(capsys.readouterr().out)


def test_browse_filters_by_algorithm(deck: Path) -> None:
    conn = connect(deck)
    rows = [r for batch in iter_rows(conn) for r in batch]
    conn.close()
    assert {r.front: r.algo for r in rows} == {
        "issue": "fsrs",
        "long": "fsrs",
        "sm2 card": "sm2",
        "new card": "",
    }
    index = CardIndex(rows, TODAY)
    assert {r.front for r in index.search("algo:fsrs")} == {"issue", "long"}
    assert {r.front for r in index.search("algo:sm2")} == {"sm2 card"}
    assert {r.front for r in index.search("-algo:fsrs")} == {"sm2 card", "new card"}


@run_async
async def test_stats_screen_shows_the_fsrs_panel(deck: Path) -> None:
    from test_stats_tui import text_of

    from srs_dl.tui.app import make_app
    from srs_dl.tui.screens.stats import StatsScreen

    app = make_app(deck, TODAY, Config(desired_retention=0.85), mode="stats", rescan=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, StatsScreen) and app.screen.stats is not None,
            what="the statistics",
        )
        screen = app.screen
        assert screen.query_one("#stats-fsrs").display
        summary = text_of(screen.query_one("#stats-fsrs-summary"))
        assert "FSRS cards" in summary and "85%" in summary
