"""`srs-dl fsrs optimize | show | reset` on a synthetic log drawn from known weights."""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

import pytest
from review_support import add_card

from srs_dl.cli import main
from srs_dl.core.scheduling import fsrs, fsrs_fit
from srs_dl.store.db import connect, transaction

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
_W = list(fsrs.DEFAULT_WEIGHTS)
_W[0:4] = [0.8, 2.5, 6.0, 20.0]  # first stabilities well above the defaults
_W[8], _W[20] = 1.4, 0.35
TRUE = fsrs.FsrsParameters(weights=tuple(_W))
RESPONSES = {1: "again", 2: "hard", 3: "good", 4: "easy"}


def _log(cards: int = 420, days: int = 260, seed: int = 5) -> list[fsrs_fit.Review]:
    return fsrs_fit.simulate(TRUE, random.Random(seed), cards=cards, days=days, start=START)


def test_simulated_log_is_large_and_reproducible() -> None:
    log = _log()
    assert len(log) >= 5000
    assert log == _log()
    assert {r.rating for r in log} == {1, 2, 3, 4}


def test_the_true_weights_predict_best() -> None:
    """The judge itself: on a log drawn from known weights, those weights have a lower
    held-out log loss than the defaults (else no fit could be judged by it)."""
    by_card = fsrs_fit.histories(_log())
    _, test = fsrs_fit.split(by_card, 0.2, random.Random(0))
    true, default = fsrs_fit.evaluate(test, TRUE), fsrs_fit.evaluate(test, fsrs.DEFAULT_PARAMETERS)
    assert true.reviews == default.reviews > 500
    assert true.log_loss < default.log_loss and true.rmse < default.rmse


def test_split_keeps_cards_whole() -> None:
    by_card = fsrs_fit.histories(_log(cards=50, days=60))
    fit, test = fsrs_fit.split(by_card, 0.2, random.Random(1))
    assert {r.card for r in fit}.isdisjoint({r.card for r in test})
    assert len(fit) + len(test) == sum(len(v) for v in by_card.values())
    assert len({r.card for r in test}) == 10


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "deck.db"
    monkeypatch.setenv("SRS_DL_DB", str(db))
    monkeypatch.setenv("SRS_DL_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    conn = connect(db)
    log = _log()
    ids = {k: add_card(conn, front=f"q{k}", line=k + 1) for k in sorted({r.card for r in log})}
    with transaction(conn):
        conn.executemany(
            "INSERT INTO log (card_id, at, day, action, response, source)"
            " VALUES (?, ?, ?, 'review', ?, 'srs-dl')",
            [
                (
                    ids[r.card],
                    r.at.isoformat(timespec="milliseconds"),
                    r.at.date().isoformat(),
                    RESPONSES[r.rating],
                )
                for r in log
            ],
        )
        # An undone review is no part of the history.
        conn.execute(
            "INSERT INTO log (card_id, at, day, action, response, source, undoes)"
            " VALUES (?, ?, ?, 'undo', NULL, 'srs-dl', 1)",
            (ids[log[0].card], START.isoformat(), START.date().isoformat()),
        )
    conn.close()
    return db


def test_optimize_recovers_weights_that_predict_held_out_reviews_better(deck: Path, capsys) -> None:
    pytest.importorskip("torch")
    assert main(["fsrs", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["source"] == "default"
    assert main(["fsrs", "optimize", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["reviews"] >= 5000 - 1
    assert report["predicted_reviews"] > 500
    assert report["log_loss_after"] <= report["log_loss_before"]
    assert report["rmse_after"] <= report["rmse_before"]
    assert report["stored"] is True
    # The fitted first stabilities move towards the true ones, away from the defaults.
    assert report["weights"][2] > fsrs.DEFAULT_WEIGHTS[2]
    assert main(["fsrs", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["source"] == "fitted" and shown["weights"] == report["weights"]
    assert shown["fit"]["log_loss_after"] == report["log_loss_after"]
    # FSRS reviews now schedule with them.
    from srs_dl.config import Config
    from srs_dl.services.review.scheduling_choice import for_note

    conn = connect(deck)
    assert for_note(conn, Config(), None).fsrs.weights == tuple(report["weights"])
    conn.close()
    assert main(["fsrs", "show"]) == 0
    assert "held-out log loss" in capsys.readouterr().out
    assert main(["fsrs", "reset"]) == 0
    capsys.readouterr()
    assert main(["fsrs", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["source"] == "default"


def test_without_torch_one_line_says_how_to_install(deck: Path, capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    assert main(["fsrs", "optimize"]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "pip install 'srs-dl[optimizer]'" in err and "torch" in err


def test_too_small_a_log_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    db = tmp_path / "small.db"
    monkeypatch.setenv("SRS_DL_DB", str(db))
    monkeypatch.setenv("SRS_DL_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    connect(db).close()
    assert main(["fsrs", "optimize"]) == 1
    err = capsys.readouterr().err.strip()
    assert "0 reviews in the log" in err and "\n" not in err
