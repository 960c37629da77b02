"""srs_dl.services.stats and `srs-dl stats --json` on a real database file.

The database holds the hand-made log of test_stats_core, written through the
store's own log writer, plus what the service must leave out: undone reviews
(and their undo rows), resets, burials, schedules read from notes, reviews
after today. `build_db` is shared with the TUI tests.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from srs_dl.core.stats import Tally
from srs_dl.services.stats import Cancelled, compute
from srs_dl.store import log as logstore
from srs_dl.store.db import connect, transaction

D = dt.date
TODAY = D(2025, 3, 10)
PROJECT = Path(__file__).resolve().parent.parent

# id, deck, kind, front, back, line, due, interval, ease, state, buried_until, lapses, drill_kind
CARDS = [
    (
        1,
        "flashcards/dl/adam",
        "inline",
        "What does Adam's bias correction fix?",
        "The zero start of m and v",
        3,
        "2025-03-08",
        1,
        250,
        "review",
        None,
        2,
        None,
    ),
    (
        2,
        "flashcards/dl/adam",
        "inline",
        "Adam's default beta1",
        "0.9",
        5,
        "2025-03-10",
        3,
        230,
        "review",
        None,
        0,
        None,
    ),
    (
        3,
        "flashcards/dl/ewa",
        "inline",
        "EWA with beta 0.9 averages about how many days?",
        "10",
        7,
        "2025-03-12",
        8,
        250,
        "review",
        None,
        1,
        None,
    ),
    (
        4,
        "flashcards/dl/ewa",
        "multiline",
        "Why bias correction in EWA?",
        "v0 = 0",
        9,
        "2025-03-12",
        25,
        270,
        "review",
        None,
        0,
        None,
    ),
    (
        5,
        "flashcards/dl/bn",
        "inline",
        "Batch norm's gamma and beta are",
        "learned",
        12,
        "2025-04-08",
        60,
        290,
        "review",
        None,
        0,
        None,
    ),
    (
        6,
        "flashcards/dl/bn",
        "inline",
        "Batch norm at test time uses",
        "running mean and variance #exam",
        14,
        "2025-04-09",
        400,
        130,
        "review",
        None,
        5,
        None,
    ),
    (
        7,
        "flashcards/dl/decay",
        "inline",
        "1/t decay formula",
        "a0 / (1 + k t)",
        16,
        "2025-03-10",
        2,
        250,
        "buried",
        "2025-03-11",
        0,
        None,
    ),
    (
        8,
        "flashcards/dl/decay",
        "inline",
        "Exponential decay",
        "a0 * 0.95^t",
        18,
        "2025-03-05",
        14,
        210,
        "buried",
        "2025-03-10",
        3,
        None,
    ),
    (
        9,
        "flashcards/dl/tuning",
        "inline",
        "Sample the learning rate on a",
        "log scale",
        20,
        "2025-03-10",
        5,
        250,
        "suspended",
        None,
        0,
        None,
    ),
    (
        10,
        "flashcards/dl/tuning",
        "cloze",
        "Momentum's beta is usually [...]",
        "0.9",
        22,
        None,
        None,
        None,
        "new",
        None,
        0,
        None,
    ),
    (
        11,
        "flashcards/dl/tuning",
        "inline",
        "A card gone from its note",
        "gone",
        24,
        "2025-03-10",
        5,
        250,
        "deleted",
        None,
        0,
        None,
    ),
    (
        12,
        "drills",
        "drill",
        "Drill: Adam (2 steps, computed)",
        "",
        None,
        None,
        None,
        None,
        "new",
        None,
        0,
        "adam",
    ),
    (
        13,
        "drills",
        "drill",
        "Drill: EWA (3 steps, computed)",
        "",
        None,
        "2025-03-20",
        10,
        250,
        "review",
        None,
        0,
        "ema",
    ),
]

# card, day, action, response, interval before, detail, undone
LOG = [
    (1, "2024-03-10", "review", "good", None, None, False),
    (1, "2024-06-01", "review", "good", 3, None, False),
    (2, "2024-06-02", "review", "again", 5, None, False),
    (3, "2024-06-03", "review", "hard", 21, None, False),
    (4, "2024-06-04", "review", "easy", 30, None, False),
    (1, "2025-01-05", "review", "good", None, None, False),
    (2, "2025-01-05", "review", "again", 3, None, False),
    (3, "2025-01-20", "review", "easy", 30, None, False),
    (4, "2025-01-20", "review", "hard", 25, None, False),
    (5, "2025-02-01", "review", "good", 20.9, None, False),
    (6, "2025-02-01", "review", "good", 21, None, False),
    (1, "2025-03-08", "review", "good", 5, None, False),
    (2, "2025-03-08", "review", "good", 5, None, False),
    (3, "2025-03-09", "review", "again", 40, None, False),
    (4, "2025-03-10", "review", "easy", 10, None, False),
    (5, "2025-03-10", "review", "good", 8, None, True),  # undone
    (3, "2025-03-10", "reset", "reset", 8, None, False),  # not an answer
    (7, "2025-03-10", "bury", None, 2, None, False),
    (2, "2025-03-10", "schedule", None, 3, None, False),  # read from a note
    (1, "2025-03-11", "review", "good", 3, None, False),  # after today
    (13, "2025-03-09", "review", "good", None, {"kind": "ema", "correct": True}, False),
    # no "kind": the card's drill_kind is used
    (
        13,
        "2025-03-10",
        "review",
        "again",
        1,
        {"params": {}, "answer": "3", "correct": False},
        False,
    ),
    (12, "2025-03-10", "review", "good", None, {"kind": "adam", "correct": True}, False),
    (12, "2025-03-10", "review", "good", 1, {"kind": "adam", "correct": False}, True),
    (12, "2025-03-10", "review", "hard", 1, None, False),  # graded without an answer typed
]


def build_db(path: Path) -> Path:
    """A real database holding CARDS and LOG (written with the store's log writer)."""
    conn = connect(path)
    with transaction(conn):
        # writeback 0: a reset in the browser must not try to write /vault/dl.md
        conn.execute(
            "INSERT INTO folders (id, path, settings, writeback) VALUES (1, '/vault', '{}', 0)"
        )
        conn.execute("INSERT INTO notes (id, folder_id, path) VALUES (1, 1, '/vault/dl.md')")
        for (
            cid,
            deck,
            kind,
            front,
            back,
            line,
            due,
            ivl,
            ease,
            state,
            buried,
            lapses,
            drill,
        ) in CARDS:
            conn.execute(
                "INSERT INTO cards (id, note_id, deck, kind, qhash, front, back, line, due,"
                " interval, ease, state, buried_until, lapses, drill_kind)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cid,
                    None if kind == "drill" else 1,
                    deck,
                    kind,
                    f"q{cid}",
                    front,
                    back,
                    line,
                    due,
                    ivl,
                    ease,
                    state,
                    buried,
                    lapses,
                    drill,
                ),
            )
        for card, day, action, response, ivl, detail, undone in LOG:
            before = {
                "due": day,
                "interval": ivl,
                "ease": 250,
                "state": "new" if ivl is None else "review",
            }
            after = {**before, "interval": 7}
            log_id = logstore.append(
                conn,
                card_id=card,
                day=D.fromisoformat(day),
                action=action,
                response=response,
                before=before,
                after=after,
                detail=detail,
                source="note" if action == "schedule" else "srs-dl",
            )
            if undone:
                logstore.append(
                    conn,
                    card_id=card,
                    day=D.fromisoformat(day),
                    action="undo",
                    response=response,
                    before=after,
                    after=before,
                    undoes=log_id,
                )
    conn.close()
    return path


def test_compute_on_a_real_database(tmp_path: Path) -> None:
    conn = connect(build_db(tmp_path / "deck.db"))
    seen: list[tuple[int, int]] = []
    s = compute(conn, TODAY, progress=lambda done, total: seen.append((done, total)))
    assert s.reviews_total == 19  # 15 card reviews + 4 drill reviews
    assert s.reviews_today == 4
    assert s.days_reviewed == 11
    assert (s.streaks.current, s.streaks.longest) == (3, 4)
    assert s.young == Tally(13, 10) and s.mature == Tally(6, 5)  # Hard passes
    months = {m.month: (m.young, m.mature) for m in s.retention}
    assert months["2025-03"] == (Tally(7, 6), Tally(1, 0))
    assert months["2025-02"] == (Tally(1, 1), Tally(1, 1))  # 20.9 young, 21 mature
    assert months["2024-06"] == (Tally(2, 1), Tally(2, 2))
    expected = [0] * 30
    expected[0], expected[1], expected[2], expected[10], expected[29] = 3, 1, 2, 1, 1
    assert list(s.forecast.counts) == expected and s.forecast.overdue == 2
    assert s.cards == {"new": 2, "review": 8, "suspended": 1, "buried": 1, "deleted": 1}
    assert [(d.kind, d.answered, d.correct) for d in s.drills] == [("adam", 1, 1), ("ema", 2, 1)]
    heat = {s.heatmap.start + dt.timedelta(days=i): n for i, n in enumerate(s.heatmap.counts) if n}
    assert heat[D(2025, 3, 10)] == 4 and heat[D(2025, 3, 9)] == 2 and sum(heat.values()) == 18
    assert seen[-1] == (100, 100) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_stats_query_uses_the_indexes(tmp_path: Path) -> None:
    """The speed rests on log_stats (no JSON parsed per row) and cards_stats (no text read)."""
    from srs_dl.store import stats as service

    conn = connect(build_db(tmp_path / "deck.db"))
    plan = " ".join(
        r[3]
        for r in conn.execute(
            "EXPLAIN QUERY PLAN " + service._REVIEWS, {"today": "2025-03-10", "mature": 21}
        )
    )
    assert "log_stats" in plan and "TEMP B-TREE" not in plan
    plan = " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + service._CARDS))
    assert "COVERING INDEX cards_stats" in plan
    conn.execute("ANALYZE")  # as on a large deck: the drill query must still start from cards
    steps = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + service._DRILLS, ("2025-03-10",))]
    assert steps[0].startswith("SCAN cards"), steps


def test_cancel_stops_the_computation(tmp_path: Path) -> None:
    import threading

    conn = connect(build_db(tmp_path / "deck.db"))
    cancel = threading.Event()
    cancel.set()
    try:
        compute(conn, TODAY, cancel=cancel)
    except Cancelled:
        pass
    else:
        raise AssertionError("not cancelled")
    assert not conn.in_transaction


def test_an_empty_database(tmp_path: Path) -> None:
    s = compute(connect(tmp_path / "empty.db"), TODAY)
    assert s.reviews_total == 0 and s.streaks.current == 0 and s.young.rate is None
    assert sum(s.forecast.counts) == 0 and s.drills == () and s.mean_interval is None


def _run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_DL_")}
    env.update(PYTHONPATH=str(PROJECT), **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "srs_dl", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT,
        timeout=60,
    )


def test_cli_stats_json(tmp_path: Path) -> None:
    db = build_db(tmp_path / "deck.db")
    out = _run(
        "stats",
        "--json",
        "--db",
        str(db),
        "--today",
        "2025-03-10",
        env_extra={"XDG_CONFIG_HOME": str(tmp_path)},
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["today"] == "2025-03-10"
    assert data["reviews"] == {"total": 19, "today": 4, "days": 11}
    assert data["streak"] == {"current": 3, "longest": 4}
    assert data["cards"] == {"new": 2, "review": 8, "suspended": 1, "buried": 1, "deleted": 1}
    assert data["forecast"]["overdue"] == 2
    assert [d["due"] for d in data["forecast"]["days"][:3]] == [3, 1, 2]
    assert len(data["reviews_per_day"]["counts"]) == 365
    assert data["reviews_per_day"]["start"] == "2024-03-11"
    assert data["retention"]["mature"] == {"reviews": 6, "passed": 5, "rate": 0.8333}
    months = {m["month"]: m for m in data["retention"]["months"]}
    assert months["2025-03"]["young"] == {"reviews": 7, "passed": 6, "rate": 0.8571}
    assert {b["bucket"]: b["cards"] for b in data["intervals"]}["1-2w"] == 2
    assert {b["bucket"]: b["cards"] for b in data["eases"]}["250"] == 4
    assert data["drills"] == [
        {"kind": "adam", "answered": 1, "correct": 1, "accuracy": 1.0},
        {"kind": "ema", "answered": 2, "correct": 1, "accuracy": 0.5},
    ]
    # The command only reads: the log is as it was.
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM log").fetchone()[0]
    assert rows == len(LOG) + 2


def test_cli_stats_text_and_errors(tmp_path: Path) -> None:
    db = build_db(tmp_path / "deck.db")
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    out = _run("stats", "--db", str(db), "--today", "2025-03-10", env_extra=env)
    assert out.returncode == 0, out.stderr
    assert "streak: 3 days (longest 4)" in out.stdout
    assert "drill ema: 1/2 right (50%)" in out.stdout
    missing = _run("stats", "--db", str(tmp_path / "nope.db"), env_extra=env)
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1 and "nope.db" in missing.stderr
    assert not (tmp_path / "nope.db").exists()


def test_cli_stats_never_imports_textual(tmp_path: Path) -> None:
    db = build_db(tmp_path / "deck.db")
    code = (
        "import sys; from srs_dl.cli import main; "
        f"main(['stats', '--json', '--db', {str(db)!r}, '--today', '2025-03-10']); "
        "print('textual' in sys.modules, file=sys.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)},
        timeout=60,
    )
    assert out.stderr.strip().endswith("False"), out.stderr
