"""Sibling burying (issue 21, item 5): once a card is answered, the other cards of its
question (a reversed card's other side, a cloze's other deletion) wait until tomorrow,
in the app's session and in the queue the CLI builds; configurable for new and review
cards as Anki's "bury new / review siblings"; undo brings them back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from review_support import TODAY, cli_env, config

from srs_dl.cli import main
from srs_dl.config import Config, ReviewSettings
from srs_dl.core.scheduling.queue import QueueItem
from srs_dl.core.scheduling.siblings import SiblingRule, bury_siblings
from srs_dl.services import review as rv
from srs_dl.services.importing.importer import import_paths
from srs_dl.store.db import connect

NOTE = """#flashcards

Adam:::Adaptive Moment Estimation

Momentum's beta is usually ==0.9== and RMSprop's ==0.999==

Unrelated::card
"""


def _deck(tmp_path: Path, cfg: Config) -> Path:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "n.md").write_text(NOTE, encoding="utf-8")
    db = tmp_path / "deck.db"
    conn = connect(db)
    import_paths(conn, [vault], flags={}, config=cfg, today=TODAY)
    conn.close()
    return db


def _fronts(conn, ids) -> list[str]:  # noqa: ANN001
    return [conn.execute("SELECT front FROM cards WHERE id = ?", (i,)).fetchone()[0] for i in ids]


def _siblings_of(conn, card_id: int) -> list[int]:  # noqa: ANN001
    note, qhash = conn.execute(
        "SELECT note_id, qhash FROM cards WHERE id = ?", (card_id,)
    ).fetchone()
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM cards WHERE note_id = ? AND qhash = ? AND id != ?",
            (note, qhash, card_id),
        )
    ]


def test_core_buries_the_other_cards_of_an_answered_question():
    queue = (QueueItem(1, True), QueueItem(2, True), QueueItem(3, False), QueueItem(4, False))
    keys = {1: "a", 2: "a", 3: "b", 4: "b"}
    kept, out = bury_siblings(queue, keys, {"a": [1], "b": [3]}, SiblingRule())
    # the answered cards stay (a failed one comes back); their siblings go
    assert kept == (QueueItem(1, True), QueueItem(3, False))
    assert out == (QueueItem(2, True), QueueItem(4, False))
    kept, _ = bury_siblings(queue, keys, {"a": [1], "b": [3]}, SiblingRule(bury_new=False))
    assert QueueItem(2, True) in kept and QueueItem(4, False) not in kept
    assert bury_siblings(queue, keys, {"a": [1]}, SiblingRule(False, False))[0] == queue


def test_the_session_buries_a_reversed_cards_other_side_and_undo_brings_it_back(tmp_path):
    cfg = config()
    conn = connect(_deck(tmp_path, cfg))
    session = rv.ReviewSession(conn, cfg, TODAY, deck="flashcards")
    first = session.next_card()
    assert first is not None
    siblings = _siblings_of(conn, first.id)
    assert siblings, "the first card has a sibling"
    left = session.counts()[0]
    session.grade(first.id, "again")
    queued = [c.id for c in session.queue()]
    assert not set(siblings) & set(queued)
    assert first.id in queued  # Again: the card itself comes back
    assert session.counts()[0] == left - len(siblings)
    # undo: the siblings are back, right after the card
    session.undo()
    assert [c.id for c in session.queue()][: 1 + len(siblings)] == [first.id, *siblings]
    conn.close()


def test_a_new_queue_leaves_out_the_siblings_of_cards_answered_today(tmp_path, monkeypatch, capsys):
    db = _deck(tmp_path, Config(review=ReviewSettings(writeback="sync")))
    assert cli_env(tmp_path, monkeypatch) == db
    assert main(["due", "--json"]) == 0
    due = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    conn = connect(db)
    first = due[0]
    siblings = _siblings_of(conn, first)
    assert set(siblings) <= set(due)
    assert main(["grade", "good", str(first)]) == 0
    capsys.readouterr()
    assert main(["due", "--json"]) == 0
    after = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    assert not set(siblings) & set(after) and first not in after
    assert _fronts(conn, after)  # the other questions are still due
    # Tomorrow the siblings are due again.
    assert main(["due", "--json", "--today", (TODAY + dt.timedelta(days=1)).isoformat()]) == 0
    tomorrow = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    assert set(siblings) <= set(tomorrow)
    # Undone: back today.
    assert main(["undo"]) == 0
    capsys.readouterr()
    assert main(["due", "--json"]) == 0
    again = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    assert set(siblings) <= set(again)
    conn.close()


@pytest.mark.parametrize("bury", [True, False])
def test_the_config_turns_burying_of_new_siblings_off(tmp_path, bury):
    cfg = Config(review=ReviewSettings(writeback="sync", bury_new_siblings=bury))
    conn = connect(_deck(tmp_path, cfg))
    session = rv.ReviewSession(conn, cfg, TODAY, deck="flashcards")
    first = session.next_card()
    assert first is not None and first.state == "new"
    siblings = _siblings_of(conn, first.id)
    session.grade(first.id, "good")
    queued = {c.id for c in session.queue()}
    assert (not set(siblings) & queued) is bury
    conn.close()


def test_a_non_boolean_setting_is_refused(tmp_path):
    from srs_dl.config import ConfigError, load_config

    path = tmp_path / "c.toml"
    path.write_text('[review]\nbury_new_siblings = "yes"\n', encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=r"c.toml:2: \[review\] bury_new_siblings = \"yes\": must be true or false",
    ):
        load_config(str(path))
