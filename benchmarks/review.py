"""Review engine speed (issue 5 section 6), run by hand: prints figures, asserts nothing.

    .venv/bin/python benchmarks/review.py [--cards 1000000] [--notes 1000] [--dir DIR]

Targets: with 1,000,000 cards, the next due card < 2 ms; one grade including its
commit < 1 ms in-process; a sync of 10,000 changed cards across 1,000 notes < 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from srs_dl.config import Config, ReviewSettings  # noqa: E402
from srs_dl.services import review as rv  # noqa: E402
from srs_dl.services.importing.importer import import_paths  # noqa: E402
from srs_dl.services.review import ReviewSession  # noqa: E402
from srs_dl.services.writeback.sync import sync  # noqa: E402
from srs_dl.store.db import connect, transaction  # noqa: E402
from srs_dl.store.reviews import due_histogram  # noqa: E402

TODAY = dt.date(2026, 3, 1)
CARDS_PER_NOTE = 10


def build_cards(conn, n: int) -> float:
    """n cards: 10% overdue or due today, 20% new, the rest due within two years."""
    rng = random.Random(1)
    start = time.perf_counter()
    decks = [f"deck{i}/sub{j}" for i in range(20) for j in range(5)]

    def rows():
        for i in range(n):
            r = rng.random()
            if r < 0.2:
                due = interval = ease = None
                state = "new"
            else:
                offset = -rng.randint(0, 60) if r < 0.3 else rng.randint(1, 730)
                due = (TODAY + dt.timedelta(days=offset)).isoformat()
                interval, ease, state = float(rng.randint(1, 400)), rng.randint(130, 330), "review"
            yield (
                rng.choice(decks),
                "inline",
                0,
                f"h{i:x}",
                f"question {i}",
                f"answer {i}",
                1,
                1,
                due,
                interval,
                ease,
                state,
            )

    # Indexes are dropped for the bulk insert and rebuilt after: sorting once beats
    # a million B-tree insertions into each of them.
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
        " AND tbl_name = 'cards' AND sql IS NOT NULL"
    ).fetchall()
    conn.execute("PRAGMA cache_size = -200000")
    with transaction(conn):
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
        conn.executemany(
            "INSERT INTO cards (deck, kind, sibling, qhash, front, back, line, end_line, due,"
            " interval, ease, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),
        )
        for _, sql in indexes:
            conn.execute(sql)
    conn.execute("ANALYZE")
    return time.perf_counter() - start


def build_vault(root: Path, notes: int) -> None:
    for i in range(notes):
        folder = root / f"topic{i % 20}"
        folder.mkdir(parents=True, exist_ok=True)
        lines = ["#flashcards", "", f"# Note {i}", ""]
        for j in range(CARDS_PER_NOTE):
            lines.append(f"Question {i}.{j} about something::Answer {j}  ")
            if j % 2:
                lines.append("<!--SR:!2026-02-20,5,250-->")
            lines.append("Some prose between the cards.")
        (folder / f"note{i}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cards", type=int, default=1_000_000)
    p.add_argument("--notes", type=int, default=1_000)
    p.add_argument("--dir", type=Path, default=None, help="where to build (default: a temp dir)")
    args = p.parse_args()
    base = args.dir or Path(tempfile.mkdtemp(prefix="srs-dl-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    db = base / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    cfg = Config(review=ReviewSettings(writeback="sync"))
    conn = connect(db)
    print(f"building {args.cards:,} cards in {db} ...")
    print(f"  built in {build_cards(conn, args.cards):.2f} s")

    t = time.perf_counter()
    session = ReviewSession(conn, cfg, TODAY)
    cold = time.perf_counter() - t
    builds = []
    for _ in range(20):
        t = time.perf_counter()
        session = ReviewSession(conn, cfg, TODAY)
        card = session.next_card()
        builds.append(time.perf_counter() - t)
    left, new = session.counts()
    print(
        f"next due card from scratch (a new session: limits from the log, the queue off"
        f" the cards_due index): median {ms(statistics.median(builds))}, first (cold)"
        f" {ms(cold)}; {left} cards, {new} new (limits 200/20)"
    )
    nexts = []
    for _ in range(100):
        t = time.perf_counter()
        card = session.next_card()
        nexts.append(time.perf_counter() - t)
    print(f"next due card in a running session: median {ms(statistics.median(nexts))}")
    t = time.perf_counter()
    hist = due_histogram(conn, TODAY)
    print(
        f"due histogram (GROUP BY, once per session): {ms(time.perf_counter() - t)}"
        f" ({len(hist)} days)"
    )

    times = []
    graded = 0
    session._histogram = hist
    while graded < 1000 and card is not None:
        t = time.perf_counter()
        session.grade(card.id, random.choice(["hard", "good", "easy"]))
        times.append(time.perf_counter() - t)
        t = time.perf_counter()
        card = session.next_card()
        times_next = time.perf_counter() - t
        graded += 1
    print(
        f"grade incl. commit: median {ms(statistics.median(times))}, mean"
        f" {ms(statistics.mean(times))}, p95 {ms(sorted(times)[int(len(times) * 0.95)])}"
        f" over {len(times)} grades; last next_card {ms(times_next)}"
    )

    vault = base / "vault"
    if not vault.exists():
        build_vault(vault, args.notes)
    t = time.perf_counter()
    import_paths(conn, [vault], flags={}, config=cfg, today=TODAY)
    print(f"imported {args.notes:,} notes in {time.perf_counter() - t:.2f} s")
    ids = [r[0] for r in conn.execute("SELECT id FROM cards WHERE note_id IS NOT NULL")]
    hist = due_histogram(conn, TODAY)
    for cid in ids:
        rv.review_card(conn, cfg, TODAY, cid, "good", histogram=hist)
    dirty = conn.execute("SELECT count(*) FROM cards WHERE dirty = 1").fetchone()[0]
    t = time.perf_counter()
    report = sync(conn, cfg, TODAY, rescan=False)
    write = time.perf_counter() - t
    print(
        f"sync of {dirty:,} changed cards across {len(report.written):,} notes"
        f" (without the rescan): {write:.3f} s"
    )
    for cid in ids:
        rv.review_card(conn, cfg, TODAY, cid, "hard", histogram=hist)
    t = time.perf_counter()
    report = sync(conn, cfg, TODAY)
    print(
        f"sync with its incremental rescan first: {time.perf_counter() - t:.3f} s"
        f" ({len(report.written):,} notes written; rescan: {report.rescan})"
    )
    conn.close()


if __name__ == "__main__":
    main()
