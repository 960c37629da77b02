"""The long crash run of issue 10: 1,000 SIGKILLs (or --kills N) at random moments.

    .venv/bin/python benchmarks/crash.py --kills 1000
    .venv/bin/python benchmarks/crash.py --app-kills 30

Prints kills by command, rounds, elapsed time and every problem found.

--app-kills N (issue 20): N rounds of the real app (tests/app_driver.py, headless)
grading while other processes run `due`, `cards`, `grade`, `sync` and `import` in a
loop beside it, then `kill -9` of the app at a random moment (after an acknowledged
review or in the middle of one). Each round checks that every review the app
acknowledged is in the log, no log row seen earlier changed, and integrity_check.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from app_driver import AppProcess  # noqa: E402
from crash_harness import Outcome, crash_rounds, finish_and_verify, make_vault  # noqa: E402

TODAY = "2026-03-01"


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)  # never open() the file by hand: see store/db.py
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def _others(db: Path, env: dict[str, str], stop: threading.Event, seen: dict, bad: list) -> None:
    commands = [["due"], ["cards", "--json"], ["grade", "good", "1"], ["sync"], ["import"]]
    i = 0
    while not stop.is_set():
        done = subprocess.run(  # noqa: S603 - our own CLI
            [sys.executable, "-m", "srs_dl", *commands[i % len(commands)]],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if done.returncode != 0 or "Traceback" in done.stderr:
            bad.append(f"srs-dl {commands[i % len(commands)][0]}: {done.stderr.strip()}")
        for row in _rows(db, "SELECT id, card_id, action, response, at, after FROM log"):
            seen.setdefault(row[0], row)
        i += 1


def app_round(tmp: Path, rng: random.Random) -> tuple[int, list[str]]:
    """One round; (reviews the app acknowledged, problems)."""
    vault = tmp / "vault"
    make_vault(vault, notes=4, cards_per_note=10, seed=rng.randrange(1 << 30))
    db = tmp / "deck.db"
    config = tmp / "config.toml"
    config.write_text('[review]\nwriteback = "sync"\n', encoding="utf-8")
    env = dict(os.environ, SRS_DL_DB=str(db), SRS_DL_TODAY=TODAY, SRS_DL_CONFIG=str(config))
    imported = [sys.executable, "-m", "srs_dl", "import", str(vault)]
    subprocess.run(imported, env=env, check=True, capture_output=True)  # noqa: S603
    deck = _rows(db, "SELECT deck FROM cards WHERE id = 2")[0][0]
    app = AppProcess(db, TODAY, str(deck), env)
    stop, seen, problems = threading.Event(), {}, []
    others = threading.Thread(target=_others, args=(db, env, stop, seen, problems))
    others.start()
    acked: list[int] = []
    try:
        for _ in range(rng.randint(1, 8)):
            if rng.random() < 0.2:
                app.send("rescan", "RESCANNED")
            acked.append(app.grade(rng.choice("234")))
        if rng.random() < 0.5:  # kill in the middle of a review
            assert app.proc.stdin is not None
            app.proc.stdin.write("grade 3\n")
            app.proc.stdin.flush()
            time.sleep(rng.random() * 0.05)
    except AssertionError as exc:
        problems.append(f"app: {exc}")
    finally:
        app.kill()
        stop.set()
        others.join()
    log = {r[0]: r for r in _rows(db, "SELECT id, card_id, action, response, at, after FROM log")}
    reviewed = [r[1] for r in log.values() if r[2] == "review"]
    problems += [f"acknowledged review of card {c} lost" for c in acked if c not in reviewed]
    problems += [f"log row {i} changed" for i, row in seen.items() if log.get(i) != row]
    integrity = _rows(db, "PRAGMA integrity_check")[0][0]
    if integrity != "ok":
        problems.append(f"integrity_check: {integrity}")
    return len(acked), problems


def app_kills(kills: int, seed: int) -> int:
    rng = random.Random(seed)
    start = time.perf_counter()
    reviews, problems = 0, []
    for i in range(kills):
        with tempfile.TemporaryDirectory() as tmp:
            acked, found = app_round(Path(tmp), rng)
        reviews += acked
        problems += [f"round {i}: {p}" for p in found]
    print(f"app kills: {kills}, acknowledged reviews: {reviews}")
    print(f"elapsed: {time.perf_counter() - start:.1f} s")
    print(f"problems: {len(problems)}")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--notes", type=int, default=20)
    parser.add_argument("--app-kills", type=int, default=0, help="kill the app N times instead")
    args = parser.parse_args()
    if args.app_kills:
        return app_kills(args.app_kills, args.seed)
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
