"""Benchmark: statistics over 1,000,000 reviews, and the card browser's search
over 100,000 cards, typed one key at a time.

    .venv/bin/python benchmarks/stats.py [--reviews N] [--cards N] [--db PATH]

Targets (issue 9): stats < 1 s; a search < 50 ms per keystroke. The database is
built once (about a minute) and kept at --db for the next run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from srs_dl.services.browse import load_index  # noqa: E402
from srs_dl.services.stats import compute  # noqa: E402
from srs_dl.store.db import connect, transaction  # noqa: E402

TODAY = dt.date(2025, 6, 30)
WORDS = (
    "adam momentum rmsprop gradient descent learning rate decay batch norm mean variance "
    "epsilon beta bias correction exponentially weighted average mini-batch epoch loss "
    "hyperparameter log scale search layer activation relu sigmoid softmax dropout weight "
    "initialization vanishing exploding network training validation test overfitting "
    "regularization l2 frobenius norm covariate shift scale shift gamma step size update"
).split()
KINDS = ("ema", "adam", "momentum", "rmsprop", "decay", "batchnorm")


def build(path: Path, n_cards: int, n_reviews: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    conn = connect(path)
    start = TODAY - dt.timedelta(days=3 * 365)
    with transaction(conn):
        conn.execute("INSERT INTO notes (id, path) VALUES (1, '/vault/deep-learning.md')")
        cards = []
        for cid in range(1, n_cards + 1):
            front = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(5, 12))) + f"? #{cid}"
            back = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 20)))
            deck = "flashcards/dl/" + rnd.choice(("adam", "bn", "ewa", "decay", "tuning"))
            drill = cid % 1000 == 0
            cards.append(
                (
                    cid,
                    None if drill else 1,
                    deck,
                    "drill" if drill else "inline",
                    f"q{cid}",
                    front,
                    back,
                    cid,
                    KINDS[cid % len(KINDS)] if drill else None,
                )
            )
        conn.executemany(
            "INSERT INTO cards (id, note_id, deck, kind, qhash, front, back, line, drill_kind)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            cards,
        )
        log: list[tuple[object, ...]] = []
        final: dict[int, tuple[str, float, int]] = {}
        per_card = max(1, 3 * n_reviews // n_cards)
        for cid in range(1, n_cards + 1):
            day = start + dt.timedelta(days=rnd.randrange(200))
            interval: float | None = None
            ease = 250
            for _ in range(per_card):
                if len(log) >= n_reviews or day > TODAY:
                    break
                response = rnd.choices(("again", "hard", "good", "easy"), (10, 10, 65, 15))[0]
                before = (
                    None
                    if interval is None
                    else json.dumps(
                        {
                            "due": day.isoformat(),
                            "interval": interval,
                            "ease": ease,
                            "state": "review",
                        }
                    )
                )
                ivl = interval or 1.0
                new_ivl = {
                    "again": 1.0,
                    "hard": max(1.0, ivl * 0.5),
                    "good": ivl * ease / 100,
                    "easy": ivl * ease / 100 * 1.3,
                }[response]
                new_ivl = float(round(min(new_ivl, 3650)))
                ease = max(130, ease + {"again": -20, "hard": -15, "good": 0, "easy": 15}[response])
                due = day + dt.timedelta(days=int(new_ivl))
                after = json.dumps(
                    {"due": due.isoformat(), "interval": new_ivl, "ease": ease, "state": "review"}
                )
                detail = None
                if cid % 1000 == 0:
                    detail = json.dumps(
                        {"kind": KINDS[cid % len(KINDS)], "correct": response != "again"}
                    )
                log.append(
                    (
                        cid,
                        day.isoformat() + "T08:00:00",
                        day.isoformat(),
                        "review",
                        response,
                        "srs-dl",
                        before,
                        after,
                        detail,
                    )
                )
                final[cid] = (due.isoformat(), new_ivl, ease)
                interval = new_ivl
                day = due + dt.timedelta(days=rnd.choice((0, 0, 0, 1, 2, 5)))
        conn.executemany(
            "INSERT INTO log (card_id, at, day, action, response, source, before, after, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            log,
        )
        conn.executemany(
            "UPDATE cards SET due = ?, interval = ?, ease = ?, state = 'review' WHERE id = ?",
            [(*v, cid) for cid, v in final.items()],
        )
        # A few undone reviews, as a real log has.
        undo = [
            (row_id, TODAY.isoformat() + "T09:00:00", TODAY.isoformat())
            for row_id in range(1, len(log), 5000)
        ]
        conn.executemany(
            "INSERT INTO log (card_id, at, day, action, source, undoes)"
            " SELECT card_id, ?, ?, 'undo', 'srs-dl', id FROM log WHERE id = ?",
            [(at, day, rid) for rid, at, day in undo],
        )
    conn.execute("ANALYZE")
    conn.close()


def bench_stats(path: Path) -> None:
    n = 0
    timings = []
    cpu = []
    for _ in range(3):
        conn = connect(path)
        t0, c0 = time.perf_counter(), time.process_time()
        stats = compute(conn, TODAY)
        timings.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        conn.close()
        n = stats.reviews_total
    # CPU time too: on a shared machine the wall clock also counts other processes.
    print(
        f"stats over {n:,} counted reviews: first {timings[0] * 1000:.0f} ms, "
        f"best {min(timings) * 1000:.0f} ms wall, {min(cpu) * 1000:.0f} ms CPU "
        f"(target < 1000 ms); load average {os.getloadavg()[0]:.1f}"
    )


def bench_browse(path: Path) -> None:
    conn = connect(path)
    t0 = time.perf_counter()
    index = load_index(conn, TODAY, cancel=threading.Event())
    load = time.perf_counter() - t0
    conn.close()
    print(f"browse index over {len(index):,} cards built in {load * 1000:.0f} ms (in a worker)")
    for phrase, sort in (
        ("momentum beta", "due"),
        ("adam bias correction", "interval"),
        ("deck:dl/bn softmax", "front"),
        ("#tuning", "ease"),
        ("xyz", "deck"),
    ):
        times = []
        sizes = []
        for k in range(1, len(phrase) + 1):
            t0 = time.perf_counter()
            rows = index.search(phrase[:k], sort=sort)
            times.append(time.perf_counter() - t0)
            sizes.append(len(rows))
        print(
            f"  typing {phrase!r} (sort {sort}): {len(times)} keys, mean "
            f"{statistics.mean(times) * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms, "
            f"{sizes[0]:,} -> {sizes[-1]:,} matches"
        )
    for sort in ("due", "front", "lapses"):
        t0 = time.perf_counter()
        index.search("", sort=sort, descending=True)
        print(f"  empty query sorted by {sort}: {(time.perf_counter() - t0) * 1000:.1f} ms")
    t0 = time.perf_counter()
    index.search("a", sort="deck")
    index.search("", sort="state")
    print(
        f"  backspace to one letter, then to empty, re-sorted: "
        f"{(time.perf_counter() - t0) * 1000:.1f} ms for both"
    )


def bench_screen(path: Path) -> None:
    """The whole keystroke in the Browse screen: the search plus refilling the table's page."""
    import asyncio

    from srs_dl.config import Config
    from srs_dl.tui.app import make_app
    from srs_dl.tui.screens.browse import BrowseScreen
    from srs_dl.tui.widgets import heatmap  # noqa: F401  (imports settle before timing)

    async def run() -> None:
        app = make_app(path, TODAY, Config(), mode="browse", rescan=False)
        async with app.run_test(size=(100, 30)) as pilot:
            while not (isinstance(app.screen, BrowseScreen) and app.screen.matches is not None):
                await pilot.pause(0.05)
            screen = app.screen
            box = screen.query_one("#browse-query")
            times = []
            for phrase in ("momentum beta", "adam bias correction", "#tuning"):
                for k in range(len(phrase) + 1):
                    box.value = phrase[:k]  # type: ignore[attr-defined]
                    t0 = time.perf_counter()
                    screen.search()
                    times.append(time.perf_counter() - t0)
                    await pilot.pause()
            print(
                f"  in the Browse screen (search + refilling the table's first page): "
                f"{len(times)} keys, mean {statistics.mean(times) * 1000:.1f} ms, "
                f"worst {max(times) * 1000:.1f} ms"
            )

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument(
        "--db", type=Path, default=Path(tempfile.gettempdir()) / "srs-dl-bench-stats.db"
    )
    args = parser.parse_args()
    marker = args.db.with_suffix(".params")
    params = f"{args.cards},{args.reviews},v1"
    if not args.db.exists() or not marker.exists() or marker.read_text() != params:
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
        t0 = time.perf_counter()
        build(args.db, args.cards, args.reviews)
        marker.write_text(params)
        print(f"built {args.db} in {time.perf_counter() - t0:.1f} s")
    bench_stats(args.db)
    bench_browse(args.db)
    bench_screen(args.db)


if __name__ == "__main__":
    main()
