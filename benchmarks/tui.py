"""TUI speed, by hand (prints figures; never run by the tests).

    .venv/bin/python benchmarks/tui.py [--cards 100000] [--grades 40]

1. process start to the first screen drawn (the deck list with its counts), with a
   100,000-card database, in a real terminal (tmux 100 x 30, polled): target < 0.8 s;
2. a grade key to the next card drawn, in the same terminal (the pane polled, so an
   upper bound): target < 30 ms;
3. peak memory (VmHWM) of the TUI process after the first screen and the grades:
   target < 200 MB;
4. `srs-dl --help`, as a whole process: target < 0.2 s.

The database is filled through the store's own schema (srs_dl.store.db.connect)
with a realistic mix: 120 decks in a three-level tree, 5,000 notes, a third of the
cards new, the rest in review with due dates spread around today.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2025, 3, 1)
SRS = ROOT / ".venv" / "bin" / "srs-dl"


def build_db(path: Path, cards: int, seed: int = 1) -> None:
    from srs_dl.store.db import connect

    rng = random.Random(seed)
    decks = [
        f"flashcards/topic{a}/part{b}/unit{c}" for a in range(4) for b in range(5) for c in range(6)
    ]
    conn = connect(path)
    conn.execute("BEGIN")
    notes = 5000
    conn.executemany(
        "INSERT INTO notes (id, path, hash, deck) VALUES (?, ?, ?, ?)",
        [(i + 1, f"/vault/note{i}.md", f"{i:040x}", decks[i % len(decks)]) for i in range(notes)],
    )
    rows = []
    for i in range(cards):
        note = i % notes + 1
        if rng.random() < 1 / 3:
            due = interval = ease = None
            state = "new"
        else:
            due = (TODAY + dt.timedelta(days=rng.randint(-20, 120))).isoformat()
            interval, ease, state = (
                float(rng.randint(1, 200)),
                rng.choice((210, 230, 250, 270)),
                "review",
            )
        rows.append(
            (
                note,
                decks[(note - 1) % len(decks)],
                "inline",
                0,
                f"q{i}",
                f"Question {i}: what is **item** $x_{i}$?",
                f"Answer {i}",
                i % 200 + 1,
                due,
                interval,
                ease,
                state,
            )
        )
    conn.executemany(
        "INSERT INTO cards (note_id, deck, kind, sibling, qhash, front, back, line, due,"
        " interval, ease, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


#: A tmux server of our own (its own socket), kept alive by a idle session, so runs
#: neither race a server shutting down nor touch anyone else's sessions.
TMUX = ["tmux", "-L", f"srs-dl-bench-{os.getpid()}"]


def _pane(session: str) -> str:
    return subprocess.run(
        [*TMUX, "capture-pane", "-p", "-t", session], capture_output=True, text=True
    ).stdout


def first_screen(db: Path, runs: int, grades: int) -> tuple[list[float], list[float], float]:
    """Seconds from process start to the deck counts on screen (each run a new process);
    then, in the last run, milliseconds from each grade key to the next card on screen,
    and the process's peak RSS (MB)."""
    drawn = re.compile(r"All decks\s+\d+\s+\d+")
    times: list[float] = []
    latencies: list[float] = []
    peak = float("nan")
    for run in range(runs):
        session = f"srs-dl-bench-{os.getpid()}-{run}"
        start = time.perf_counter()
        subprocess.run(
            [
                *TMUX,
                "new-session",
                "-d",
                "-s",
                session,
                "-x",
                "100",
                "-y",
                "30",
                f"exec env TERM=xterm-256color TEXTUAL_ANIMATIONS=none {SRS} --db {db}"
                f" --today {TODAY.isoformat()}",
            ],
            check=True,
        )
        try:
            while not drawn.search(_pane(session)):
                if time.perf_counter() - start > 30:
                    raise RuntimeError("first screen not drawn in 30 s:\n" + _pane(session))
                time.sleep(0.003)
            times.append(time.perf_counter() - start)
            if run == runs - 1:
                latencies = _grade_latencies(session, grades)
                peak = _peak(session)
        finally:
            subprocess.run([*TMUX, "kill-session", "-t", session], capture_output=True)
    return times, latencies, peak


def _keys(session: str, *keys: str) -> None:
    subprocess.run([*TMUX, "send-keys", "-t", session, *keys], check=True)


def _wait(session: str, text: str) -> str:
    deadline = time.time() + 30
    while True:
        pane = _pane(session)
        if text in pane:
            return pane
        if time.time() > deadline:
            raise RuntimeError(f"no {text!r} in 30 s:\n{pane}")


def _grade_latencies(session: str, grades: int) -> list[float]:
    """In the running app: Enter reviews all decks; for each card, show the answer, then
    time the grade key until the status line ("N left, ...") of the next card shows.
    Polling the pane costs a few ms, so the figures are upper bounds."""
    _keys(session, "Enter")
    _wait(session, "Show answer")
    out = []
    for _ in range(grades):
        _keys(session, "Space")
        before = _wait(session, "3 Good").splitlines()[1]
        start = time.perf_counter()
        _keys(session, "3")
        while True:
            pane = _pane(session)
            lines = pane.splitlines()
            if len(lines) > 1 and lines[1] != before and "Show answer" in pane:
                break
        out.append((time.perf_counter() - start) * 1000)
    return out


def _peak(session: str) -> float:
    pid = subprocess.run(
        [*TMUX, "display", "-p", "-t", session, "#{pane_pid}"], capture_output=True, text=True
    ).stdout.strip()
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def help_time(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(SRS), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--grades", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--covering-index",
        action="store_true",
        help="add an index on cards(deck, state, due, buried_until) first",
    )
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("benchmarks/tui.py needs tmux")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        build_db(db, args.cards)
        print(f"database: {args.cards:,} cards built in {time.perf_counter() - t0:.1f} s")

        if args.covering_index:
            # The index a migration could add (see srs_dl/tui/queries.py).
            conn = sqlite3.connect(db)
            conn.execute("CREATE INDEX cards_deck_counts ON cards(deck, state, due, buried_until)")
            conn.close()
            print("with the covering index cards(deck, state, due, buried_until)")

        subprocess.run([*TMUX, "new-session", "-d", "-s", "keepalive", "sleep 3600"], check=True)
        try:
            starts, lat, peak = first_screen(db, args.runs, args.grades)
        finally:
            subprocess.run([*TMUX, "kill-server"], capture_output=True)
        print(
            f"start to first screen: median {statistics.median(starts):.3f} s,"
            f" best {min(starts):.3f} s, worst {max(starts):.3f} s"
            f" ({args.runs} runs; target < 0.8 s)"
        )
        print(
            f"peak memory (VmHWM) after the first screen and {args.grades} grades:"
            f" {peak:.0f} MB (target < 200 MB)"
        )

        lat_ms = sorted(lat)
        p95 = lat_ms[int(0.95 * (len(lat_ms) - 1))]
        print(
            f"grade key to next card drawn: median {statistics.median(lat_ms):.1f} ms,"
            f" p95 {p95:.1f} ms, worst {lat_ms[-1]:.1f} ms ({len(lat_ms)} grades;"
            " target < 30 ms)"
        )

        helps = help_time(args.runs)
        print(
            f"srs-dl --help: median {statistics.median(helps):.3f} s,"
            f" best {min(helps):.3f} s (target < 0.2 s)"
        )


if __name__ == "__main__":
    main()
