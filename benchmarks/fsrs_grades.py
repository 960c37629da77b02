"""FSRS grades against SM-2 grades through the review service (issue 15), run by hand:
prints figures, asserts nothing.

    .venv/bin/python benchmarks/fsrs_grades.py [--grades 100000] [--dir DIR]

Two decks of the same size: one of SM-2 cards, one of FSRS cards (their groups in
cards.raw_group, as an import of a vault on FSRS stores them). Each card is graded
once through `review_card` (its own transaction and commit, its log entry), the
two decks in alternating blocks of 5,000 so both see the same machine load.
Target: FSRS within 2x of SM-2. Also the pure schedulers alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from srs_dl.config import Config, ReviewSettings  # noqa: E402
from srs_dl.core.notes.fsrs_group import format_fsrs_group  # noqa: E402
from srs_dl.core.scheduling import fsrs, sm2  # noqa: E402
from srs_dl.services.review.grading import review_card  # noqa: E402
from srs_dl.store.db import connect, transaction  # noqa: E402

TODAY = dt.date(2026, 3, 1)
NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
BLOCK = 5_000


def build(db: Path, n: int, algorithm: str) -> None:
    rng = random.Random(7)
    conn = connect(db)

    def rows():
        for i in range(n):
            ivl = rng.randint(1, 200)
            due = TODAY - dt.timedelta(days=rng.randint(0, 10))
            raw = None
            if algorithm == "fsrs":
                last = dt.datetime.combine(due - dt.timedelta(days=ivl), dt.time(9), dt.UTC)
                s = fsrs.FsrsSchedule(
                    due=last + dt.timedelta(days=ivl),
                    interval=ivl,
                    stability=ivl * rng.uniform(0.8, 1.2),
                    difficulty=rng.uniform(1, 10),
                    state=fsrs.State.REVIEW,
                    reps=rng.randint(1, 20),
                    lapses=rng.randint(0, 3),
                    learning_steps=0,
                    last_review=last,
                )
                raw = format_fsrs_group(s)
            yield (
                "d",
                "inline",
                0,
                f"h{i:x}",
                f"q{i}",
                "a",
                1,
                1,
                due.isoformat(),
                ivl,
                250,
                "review",
                raw,
            )

    with transaction(conn):
        conn.executemany(
            "INSERT INTO cards (deck, kind, sibling, qhash, front, back, line, end_line, due,"
            " interval, ease, state, raw_group) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),
        )
    conn.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--grades", type=int, default=100_000)
    p.add_argument("--dir", type=Path, default=None)
    args = p.parse_args()
    base = args.dir or Path(tempfile.mkdtemp(prefix="srs-dl-fsrs-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    n = args.grades
    cfg = Config(review=ReviewSettings(writeback="sync"))
    configs = {"sm2": cfg, "fsrs": dataclasses.replace(cfg, algorithm="fsrs")}
    conns = {}
    for algo in ("sm2", "fsrs"):
        db = base / f"{algo}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        build(db, n, algo)
        conns[algo] = connect(db)
    print(f"{n:,} cards per deck in {base}")
    responses = [
        random.Random(3).choice(["again", "hard", "good", "good", "easy"]) for _ in range(n)
    ]
    totals = {"sm2": 0.0, "fsrs": 0.0}
    for start in range(0, n, BLOCK):
        for algo in ("sm2", "fsrs"):
            conn, c = conns[algo], configs[algo]
            hist: dict[int, int] = {}
            t = time.perf_counter()
            for i in range(start, min(start + BLOCK, n)):
                review_card(conn, c, TODAY, i + 1, responses[i], histogram=hist, now=NOW)
            totals[algo] += time.perf_counter() - t
    for algo in ("sm2", "fsrs"):
        logged = conns[algo].execute("SELECT count(*) FROM log").fetchone()[0]
        print(
            f"{algo:>4}: {n:,} grades through review_card in {totals[algo]:.2f} s"
            f" ({totals[algo] / n * 1e6:.0f} us per grade, {logged:,} log entries)"
        )
    print(f"FSRS / SM-2 grade time: {totals['fsrs'] / totals['sm2']:.2f}x (target <= 2x)")

    # The pure schedulers alone, for scale.
    card = fsrs.review(None, 3, NOW)
    t = time.perf_counter()
    for i in range(n):
        fsrs.review(card, 1 + i % 4, NOW + dt.timedelta(days=3))
    f_core = time.perf_counter() - t
    s = sm2.Sm2Schedule(TODAY, 10, 250)
    t = time.perf_counter()
    for i in range(n):
        sm2.review(s, ("again", "hard", "good", "easy")[i % 4], TODAY, {})
    s_core = time.perf_counter() - t
    print(
        f"pure core: fsrs.review {f_core / n * 1e6:.1f} us, sm2.review {s_core / n * 1e6:.1f} us"
        f" ({f_core / s_core:.2f}x)"
    )


if __name__ == "__main__":
    main()
