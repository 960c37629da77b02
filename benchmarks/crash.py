"""The long crash run of issue 10: 1,000 SIGKILLs (or --kills N) at random moments.

    .venv/bin/python benchmarks/crash.py --kills 1000

Prints kills by command, rounds, elapsed time and every problem found.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from crash_harness import Outcome, crash_rounds, finish_and_verify, make_vault  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--notes", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "vault"
        make_vault(vault, notes=args.notes, cards_per_note=25, seed=args.seed)
        db = Path(tmp) / "deck.db"
        start = time.perf_counter()
        step = max(1, args.kills // 20)
        shown = [0]

        def progress(o: Outcome) -> None:
            if o.kills >= shown[0] + step:
                shown[0] = o.kills
                print(
                    f"  {o.kills} kills, {o.rounds} rounds, {len(o.problems)} problems,"
                    f" {time.perf_counter() - start:.0f} s",
                    flush=True,
                )

        outcome = crash_rounds(vault, db, kills=args.kills, seed=args.seed, progress=progress)
        problems = outcome.problems + finish_and_verify(vault, db)
        elapsed = time.perf_counter() - start
    print(f"kills: {outcome.kills} in {outcome.rounds} rounds ({outcome.by_command})")
    print(f"elapsed: {elapsed:.1f} s")
    print(f"problems: {len(problems)}")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
