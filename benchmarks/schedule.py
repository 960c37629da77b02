"""Speed of the pure scheduling core: one review(), a preview, and building
today's queue over 1,000,000 queue cards. Run by hand:

    .venv/bin/python benchmarks/schedule.py [--cards 1000000]

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from srs_dl.core.scheduling.card import CardState  # noqa: E402
from srs_dl.core.scheduling.queue import QueueCard, answer, build_queue, start  # noqa: E402
from srs_dl.core.scheduling.sm2 import (  # noqa: E402
    Sm2Schedule,
    histogram_of,
    preview,
    review,
)

TODAY = dt.date(2025, 3, 1)
RESPONSES = ("again", "hard", "good", "easy")


def make_cards(n: int, rng: random.Random) -> list[QueueCard]:
    decks = [f"dl/{a}/{b}" for a in ("optim", "norm", "tuning", "basics") for b in range(5)]
    decks += ["flashcards", "drills", "other/deck"]
    states = ("review",) * 90 + ("new",) * 6 + ("suspended", "buried", "deleted", "review")
    cards = []
    for i in range(n):
        state = states[i % len(states)]
        if state == "new":
            cards.append(QueueCard(i, decks[i % len(decks)], CardState("new")))
        else:
            due = TODAY + dt.timedelta(days=rng.randint(-30, 400))
            schedule = Sm2Schedule(due, float(rng.randint(1, 300)), rng.randint(130, 350))
            card = CardState(state, schedule)  # type: ignore[arg-type]
            cards.append(QueueCard(i, decks[i % len(decks)], card))
    return cards


def timeit(label: str, fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<52} {best * 1000:10.2f} ms")
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", type=int, default=1_000_000)
    ap.add_argument("--reviews", type=int, default=100_000)
    args = ap.parse_args()
    rng = random.Random(1)

    # a realistic histogram: a year of due days, a few hundred cards each
    hist = histogram_of(
        (TODAY + dt.timedelta(days=rng.randint(-5, 365)) for _ in range(100_000)), TODAY
    )
    states = [
        Sm2Schedule(
            TODAY - dt.timedelta(days=rng.randint(0, 20)),
            float(rng.randint(0, 400)),
            rng.randint(130, 350),
        )
        for _ in range(args.reviews)
    ]
    responses = [RESPONSES[rng.randrange(4)] for _ in range(args.reviews)]

    def run_reviews() -> None:
        for st, resp in zip(states, responses, strict=True):
            review(st, resp, TODAY, hist)

    t = timeit(f"review() x {args.reviews:,}", run_reviews, 3)
    print(f"{'  per review()':<52} {t / args.reviews * 1e6:10.2f} us")

    def run_previews() -> None:
        for st in states[:20_000]:
            preview(st, TODAY, hist)

    t = timeit("preview() x 20,000", run_previews, 3)
    print(f"{'  per preview() (4 buttons)':<52} {t / 20_000 * 1e6:10.2f} us")

    t0 = time.perf_counter()
    cards = make_cards(args.cards, rng)
    print(
        f"{'making ' + format(args.cards, ',') + ' queue cards (not core)':<52} "
        f"{(time.perf_counter() - t0) * 1000:10.2f} ms"
    )

    queue = build_queue(cards, TODAY)
    print(f"queue: {len(queue)} cards ({sum(i.is_new for i in queue)} new)")
    timeit(f"build_queue over {args.cards:,} (all decks)", lambda: build_queue(cards, TODAY), 3)
    timeit(
        f"build_queue over {args.cards:,} (deck dl/optim)",
        lambda: build_queue(cards, TODAY, deck="dl/optim"),
        3,
    )

    tracemalloc.start()
    build_queue(cards, TODAY)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{'build_queue extra peak memory':<52} {peak / 2**20:10.2f} MB")

    def run_session() -> None:
        s = start(queue)
        before = Sm2Schedule(TODAY, 3.0, 250)
        while s.current is not None:
            s = answer(s, "good", before, before)

    t = timeit(f"session: answer all {len(queue)} cards", run_session, 3)
    print(f"{'  per answer()':<52} {t / max(1, len(queue)) * 1e6:10.2f} us")


if __name__ == "__main__":
    main()
