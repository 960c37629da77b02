"""Import speed against the floor (issue 3, section 5). Run by hand:

    .venv/bin/python benchmarks/import.py [--runs 3] [--keep DIR] [--only 10000]

Makes two vaults with ../shared/tools/make_vault.py (1000 notes x 20 cards and
10000 x 10, seed 1) in a temporary folder and prints, for each: the floor
(`python floor_scan.py VAULT`, timed as a whole process), a cold `srs-dl import`
into a new database (whole process, workers included), an unchanged re-import
(in-process, startup excluded), cards per second, the peak RSS of the largest
process of the import (ru_maxrss of its process tree), and the cards and
questions stored against the vault's manifest. Each time is the best of --runs (floor and
import runs alternate; the median of their run-by-run ratio is printed too).
Targets on the 10,000-note vault: cold <= 2.5 x floor, re-import <= 0.2 x floor,
peak < 300 MB. The CPU seconds of the floor and of the whole import (main process
and workers) are printed too: on a machine other work shares, wall times of a
two-process import suffer more than the single-process floor's.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TOOLS = PROJECT.parent / "shared" / "tools"
PYTHON = sys.executable
VAULTS = ((1000, 20), (10000, 10))

# Runs a command and reports its wall time and the peak RSS of its process tree
# (Linux folds a waited child's largest descendant into RUSAGE_CHILDREN).
_TIMER = """
import resource, subprocess, sys, time
t = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
if done.returncode:
    sys.stderr.write(done.stderr.decode()); raise SystemExit(done.returncode)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, use.ru_maxrss, use.ru_utime + use.ru_stime)
"""

# An unchanged re-import timed inside the process: startup (interpreter, imports,
# opening the database) excluded.
_REIMPORT = """
import datetime as dt, sys, time
from srs_dl.config import Config
from srs_dl.services.importing.importer import import_paths
from srs_dl.store.db import connect
conn = connect(sys.argv[1])
t = time.perf_counter()
s = import_paths(conn, [sys.argv[2]], flags={}, config=Config(), today=dt.date(2025, 3, 1))
wall = time.perf_counter() - t
assert s.files_skipped == s.files_scanned and not s.changed, s.line()
print(wall)
"""


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """(wall seconds, peak RSS in KB, CPU seconds of the whole process tree)."""
    # cwd=PROJECT: `python -m` and `-c` put the working directory first on sys.path, so
    # run from another checkout they would time that checkout's srs_dl, not this one.
    out = subprocess.run(
        [PYTHON, "-c", _TIMER, *argv],
        env=env,
        cwd=PROJECT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), int(out[1]), float(out[2])


def fresh_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def bench(vault: Path, work: Path, runs: int, env: dict[str, str]) -> dict[str, float]:
    db = work / f"{vault.name}.db"
    # Floor and import alternate, so a change in the machine's load hits both.
    floors, colds = [], []
    for _ in range(runs):
        floors.append(timed([PYTHON, str(TOOLS / "floor_scan.py"), str(vault)], env))
        fresh_db(db)
        colds.append(timed([PYTHON, "-m", "srs_dl", "import", str(vault), "--db", str(db)], env))
    re_runs = [
        float(
            subprocess.run(
                [PYTHON, "-c", _REIMPORT, str(db), str(vault)],
                env=env,
                cwd=PROJECT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _ in range(runs)
    ]
    conn = sqlite3.connect(db)
    cards = conn.execute("SELECT count(*) FROM cards WHERE kind != 'drill'").fetchone()[0]
    questions = conn.execute(
        "SELECT count(*) FROM (SELECT DISTINCT note_id, line, kind"
        " FROM cards WHERE kind != 'drill')"
    ).fetchone()[0]
    conn.close()
    manifest = json.loads((vault / ".vault_manifest.json").read_text())
    counts = manifest["counts"]
    return {
        "floor": min(f[0] for f in floors),
        "floor_cpu": min(f[2] for f in floors),
        "cold": min(c[0] for c in colds),
        "cold_cpu": min(c[2] for c in colds),
        "pair_x": statistics.median(c[0] / f[0] for f, c in zip(floors, colds, strict=True)),
        "reimport": min(re_runs),
        "peak_mb": max(c[1] for c in colds) / 1024,
        "cards": cards,
        "questions": questions,
        "expected_cards": counts["sibling_cards"] - counts["MultiLineBasic_dash"],
        "expected_questions": manifest["expected_osr_questions"]["multiline_sep_?"],
        "mb": sum(f.stat().st_size for f in vault.rglob("*.md")) / 1e6,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="make the vaults here and keep them")
    parser.add_argument("--only", type=int, choices=[n for n, _ in VAULTS])
    args = parser.parse_args()
    if not (TOOLS / "make_vault.py").is_file():
        print(f"{TOOLS}: the shared tools are missing", file=sys.stderr)
        return 1
    work = args.keep or Path(tempfile.mkdtemp(prefix="srs-dl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    config = work / "empty-config.toml"
    config.write_text("")
    env = dict(os.environ, SRS_DL_CONFIG=str(config), PYTHONPATH=str(PROJECT))
    # As an installed package is: its bytecode compiled once (pip does it at install),
    # not on every run of the import being timed.
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", str(PROJECT / "srs_dl")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(
        f"{'vault':>14} {'MB':>5} {'floor':>6} {'cold':>6} {'x':>5} {'re-imp':>7} {'x':>5}"
        f" {'cards/s':>8} {'peak MB':>8}  cards (expected)  questions (expected)"
        "  CPU s: floor, cold (all processes)  median of run-by-run cold/floor"
    )
    for notes, per in VAULTS:
        if args.only and notes != args.only:
            continue
        vault = work / f"vault-{notes}x{per}"
        if not (vault / ".vault_manifest.json").exists():
            subprocess.run(
                [
                    PYTHON,
                    str(TOOLS / "make_vault.py"),
                    str(vault),
                    "--notes",
                    str(notes),
                    "--cards-per-note",
                    str(per),
                    "--seed",
                    "1",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        t = time.perf_counter()
        r = bench(vault, work, args.runs, env)
        print(
            f"{notes:>6}x{per:<2} notes {r['mb']:>5.1f} {r['floor']:>6.2f} {r['cold']:>6.2f}"
            f" {r['cold'] / r['floor']:>5.2f} {r['reimport']:>7.3f}"
            f" {r['reimport'] / r['floor']:>5.2f} {r['cards'] / r['cold']:>8.0f}"
            f" {r['peak_mb']:>8.0f}  {r['cards']} ({r['expected_cards']})"
            f"  {r['questions']} ({r['expected_questions']})"
            f"  {r['floor_cpu']:.2f}, {r['cold_cpu']:.2f}  {r['pair_x']:.2f}"
            f"   [{time.perf_counter() - t:.0f} s]"
        )
    print("targets (10000x10): cold <= 2.50 x floor, re-import <= 0.20 x floor, peak < 300 MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
