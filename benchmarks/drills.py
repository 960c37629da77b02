"""Drill generation and checking speed (a benchmark, not a test).

Targets (issue 7): at least 5,000 drills generated and checked per second on
one core, and one drill under 1 ms. Run by hand:

    .venv/bin/python benchmarks/drills.py [--count 20000]

A drill here is generate() (draw inputs until every common mistake is clearly
wrong, run the NumPy kernels, build the prompt and the worked steps) plus
check() of an answer typed to 6 significant figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from srs_dl.core.drills import KINDS, check, drills_jsonl, generate, rng_for
from srs_dl.core.drills.formatting import answer_text


def pin_to_one_core(pin: bool) -> str:
    if pin and hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "one thread"


class Clock:
    """Wall time and this process's CPU time: on a busy machine the CPU time
    is what one core spends on the work, the wall time what a user waits."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def elapsed(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def one(kind: str, rng: np.random.Generator) -> None:
    drill = generate(kind, rng)
    result = check(drill, answer_text(drill.answer))
    if result.ok is not True:
        raise AssertionError(f"{kind}: the right answer failed: {result.message}")


def throughput(count: int) -> tuple[float, float]:
    """Drills per second (wall, CPU), one Generator for the whole run (a session)."""
    rng = np.random.default_rng(1)
    clock = Clock()
    for i in range(count):
        one(KINDS[i % len(KINDS)], rng)
    wall, cpu = clock.elapsed()
    return count / wall, count / cpu


def throughput_seeded(count: int) -> tuple[float, float]:
    """As `srs-dl drills` does it: a fresh Generator per drill from (seed, index)."""
    clock = Clock()
    for i in range(count):
        one(KINDS[i % len(KINDS)], rng_for(1, i))
    wall, cpu = clock.elapsed()
    return count / wall, count / cpu


def per_kind(samples: int) -> dict[str, list[float]]:
    """CPU time of each drill (a preempted drill would time the scheduler, not the drill)."""
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for kind in KINDS:
        rng = np.random.default_rng(2)
        for _ in range(samples):
            start = time.thread_time()
            one(kind, rng)
            times[kind].append(time.thread_time() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000, help="drills per throughput run")
    parser.add_argument("--samples", type=int, default=2_000, help="timed drills per kind")
    parser.add_argument("--pin", action="store_true", help="pin the process to one core")
    args = parser.parse_args()
    print(
        f"drills benchmark: {len(KINDS)} kinds, {pin_to_one_core(args.pin)}, load {os.getloadavg()[0]:.2f}"
    )
    throughput(500)  # warm-up: imports, caches
    wall, cpu = throughput(args.count)
    print(
        f"generated + checked, one Generator:       {cpu:8,.0f} drills/s CPU, {wall:8,.0f} wall  (target >= 5,000)"
    )
    wall, cpu = throughput_seeded(args.count)
    print(
        f"generated + checked, Generator per drill: {cpu:8,.0f} drills/s CPU, {wall:8,.0f} wall  (the CLI's way)"
    )
    times = per_kind(args.samples)
    print(
        f"\none drill (generate + check), CPU time, {args.samples} samples per kind, microseconds:"
    )
    print(f"{'kind':22s} {'median':>8s} {'p99':>8s} {'max':>8s}")
    worst = 0.0
    for kind, ts in times.items():
        ts.sort()
        p99 = ts[int(0.99 * (len(ts) - 1))]
        worst = max(worst, p99)
        print(f"{kind:22s} {statistics.median(ts) * 1e6:8.0f} {p99 * 1e6:8.0f} {ts[-1] * 1e6:8.0f}")
    print(f"slowest kind's p99: {worst * 1e3:.3f} ms (target < 1 ms)")
    clock = Clock()
    out = drills_jsonl(1000, 1)
    wall, cpu = clock.elapsed()
    print(
        f"\ndrills_jsonl(1000, 1): {cpu * 1e3:.0f} ms CPU, {wall * 1e3:.0f} ms wall, {len(out) / 1e6:.2f} MB"
    )


if __name__ == "__main__":
    main()
