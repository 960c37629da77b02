"""`srs-dl fsrs optimize`'s fit, timed on synthetic logs drawn from known weights
(issue 15), run by hand: prints figures, asserts nothing. Needs srs-dl[optimizer].

    .venv/bin/python benchmarks/fsrs_optimize.py [--cards 420 1200] [--days 260]

For each size: reviews simulated, the fit's time (py-fsrs's optimizer, 5 epochs),
and the held-out log loss / RMSE of the default, fitted and true weights.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from srs_dl.core.scheduling import fsrs, fsrs_fit  # noqa: E402
from srs_dl.services.review.fsrs_optimizer import optimize_reviews  # noqa: E402

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cards", type=int, nargs="+", default=[420, 1200])
    p.add_argument("--days", type=int, default=260)
    args = p.parse_args()
    w = list(fsrs.DEFAULT_WEIGHTS)
    w[0:4] = [0.8, 2.5, 6.0, 20.0]
    w[8], w[20] = 1.4, 0.35
    true = fsrs.FsrsParameters(weights=tuple(w))
    for cards in args.cards:
        t = time.perf_counter()
        log = fsrs_fit.simulate(true, random.Random(5), cards=cards, days=args.days, start=START)
        sim = time.perf_counter() - t
        t = time.perf_counter()
        train, test, before, after, weights = optimize_reviews(log, fsrs.DEFAULT_WEIGHTS)
        fit = time.perf_counter() - t
        best = fsrs_fit.evaluate(test, true)
        print(
            f"{cards} cards, {len(log):,} reviews (simulated in {sim:.2f} s):"
            f" fit on {len(train):,} in {fit:.1f} s; held-out log loss"
            f" default {before.log_loss:.4f}, fitted {after.log_loss:.4f}, true {best.log_loss:.4f};"
            f" RMSE {before.rmse:.4f} / {after.rmse:.4f} / {best.rmse:.4f}"
            f" ({after.reviews:,} predicted)"
        )


if __name__ == "__main__":
    main()
