"""Small CLI mends (issue 21, item 15): a mistyped command gets a "did you mean"; a
review of a deck that does not exist names the command that lists the decks."""

from __future__ import annotations

import pytest

from srs_dl.cli import main


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["histroy", "1"], "unknown command 'histroy'; did you mean 'history'?"),
        (["--db", "x.db", "stat"], "unknown command 'stat'; did you mean 'stats'?"),
        (["frobnicate"], "unknown command 'frobnicate' (srs-dl --help lists them)"),
    ],
)
def test_a_mistyped_command_gets_a_suggestion(argv, said, capsys):
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1


def test_due_lists_the_reviews_first_then_the_new_cards(tmp_path, monkeypatch, capsys):
    from review_support import add_card, cli_env, day

    from srs_dl.store.db import connect

    conn = connect(cli_env(tmp_path, monkeypatch))
    old = add_card(conn, due=day(-5), front="old")
    new = add_card(conn, front="new")
    late = add_card(conn, due=day(0), front="today")
    conn.close()
    assert main(["due"]) == 0
    out, err = capsys.readouterr()
    ids = [int(line.split("\t")[0]) for line in out.splitlines()]
    assert ids == [old, late, new]  # not old, new, today as the session mixes them
    assert "\t5d overdue" not in out and f"{day(-5).isoformat()} (5d overdue)" in out
    assert "3 card(s) to review today: 2 due, 1 new" in err


def test_decks_lists_them_and_review_of_no_such_deck_points_there(tmp_path, monkeypatch, capsys):
    import json

    from review_support import add_card, cli_env, day

    from srs_dl.store.db import connect

    conn = connect(cli_env(tmp_path, monkeypatch))
    add_card(conn, deck="dl/adam", due=day(-1))
    add_card(conn, deck="dl/adam")
    add_card(conn, deck="dl/ema", due=day(3))
    conn.close()
    assert main(["decks"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["deck", "new", "due"]
    assert [line.split() for line in lines[1:]] == [["dl/adam", "1", "1"], ["dl/ema", "0", "0"]]
    assert main(["decks", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == {"deck": "dl/adam", "new": 1, "due": 1}
    assert main(["review", "nosuchdeck"]) == 1
    assert "no deck 'nosuchdeck' (srs-dl decks lists them)" in capsys.readouterr().err
