"""Instructions, not seconds: the review and import paths counted under valgrind. Run by hand:

    .venv/bin/python benchmarks/instructions.py [OTHER_CHECKOUT ...] [--cards 200000]

On a shared machine wall times swing by a quarter from one run to the next (two
cores, other work beside ours); valgrind's instruction counts repeat to 0.01% for
the same code and data, whatever else runs. So a change's cost is the ratio of
counts between this checkout and another (a `git worktree add ../base REV` of
an earlier commit, beside this one so ../shared resolves).

Each checkout builds its own deck with its own benchmarks/review.py (the same cards,
seed 1) and imports the same vault (300 notes x 10 cards, built once). Each phase
runs in a process of its own, pinned to one CPU (so an import parses in-process,
as valgrind counts only the process it starts), with PYTHONHASHSEED=0:

- setup: the interpreter, the review service, the importer, opening the deck
- sessions: 20 new review sessions, each to its first due card
- grades: one session, 150 grades, each followed by the next card
- import: a first import of the vault into an empty deck

Printed: setup's count, and each workload's count less setup's, per checkout; then
this checkout's counts as ratios to each other's, and the ratio of the whole import
process (what an import loads lazily, the parser, moves between setup and import
when start-up changes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

PROJECT = Path(__file__).resolve().parent.parent
PHASES = ("setup", "sessions", "grades", "import")
TODAY = dt.date(2026, 3, 1)


def _review_bench(checkout: Path) -> ModuleType:
    """The checkout's own benchmarks/review.py, as a module (it puts its srs_dl first)."""
    spec = importlib.util.spec_from_file_location("review_bench", checkout / "benchmarks/review.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(checkout: Path, deck: Path, cards: int, vault: Path | None) -> None:
    """In a process of the checkout's own: its deck, and the vault if asked for."""
    bench = _review_bench(checkout)
    from srs_dl.store.db import connect

    conn = connect(deck)
    bench.build_cards(conn, cards)
    conn.close()
    if vault is not None:
        bench.build_vault(vault, 300)


def phase(checkout: Path, name: str, deck: Path, vault: Path) -> None:
    """One phase, in the checkout's code (run under valgrind)."""
    sys.path.insert(0, str(checkout))
    from srs_dl.config import Config, ReviewSettings
    from srs_dl.services.review import ReviewSession
    from srs_dl.store.db import connect
    from srs_dl.store.reviews import due_histogram

    try:
        from srs_dl.services.importing.importer import import_paths
    except ImportError:  # before the services were split by concept
        from srs_dl.services.importer import import_paths  # type: ignore[import-not-found, no-redef]

    config = Config(review=ReviewSettings(writeback="sync"))
    conn = connect(deck)
    rng = random.Random(7)
    if name == "sessions":
        for _ in range(20):
            ReviewSession(conn, config, TODAY).next_card()
    elif name == "grades":
        session = ReviewSession(conn, config, TODAY)
        session._histogram = due_histogram(conn, TODAY)
        card = session.next_card()
        for _ in range(150):
            if card is None:
                break
            session.grade(card.id, rng.choice(["hard", "good", "easy"]))
            card = session.next_card()
    elif name == "import":
        import_paths(conn, [vault], flags={}, config=config, today=TODAY)
    conn.close()


def counted(checkout: Path, name: str, deck: Path, vault: Path, work: Path) -> int:
    """Instructions of one phase's whole process."""
    run = work / f"{name}.db"
    if name != "import":
        shutil.copyfile(deck, run)
    cpu = str(min(os.sched_getaffinity(0)))
    done = subprocess.run(
        [
            "taskset",
            "-c",
            cpu,
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--phase",
            name,
            str(checkout),
            str(run),
            str(vault),
        ],
        env=dict(os.environ, PYTHONHASHSEED="0"),
        cwd=work,  # not a checkout: sys.path must not start with another srs_dl
        capture_output=True,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or found is None:
        raise SystemExit(f"{checkout} {name}: failed\n{done.stderr[-2000:]}")
    for suffix in ("", "-wal", "-shm"):
        Path(str(run) + suffix).unlink(missing_ok=True)
    return int(found.group(1))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--phase":
        name, checkout, deck, vault = sys.argv[2:6]
        phase(Path(checkout), name, Path(deck), Path(vault))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--build":
        checkout, deck, cards = sys.argv[2:5]
        build(
            Path(checkout), Path(deck), int(cards), Path(sys.argv[5]) if len(sys.argv) > 5 else None
        )
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("others", nargs="*", type=Path, help="other checkouts of srs-dl")
    parser.add_argument("--cards", type=int, default=200_000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    checkouts = [PROJECT, *(o.resolve() for o in args.others)]
    with tempfile.TemporaryDirectory(prefix="srs-dl-instr-") as tmp:
        work = Path(tmp)
        vault = work / "vault"
        counts: dict[Path, dict[str, int]] = {}
        for i, checkout in enumerate(checkouts):
            deck = work / f"deck{i}.db"
            subprocess.run(
                [sys.executable, __file__, "--build", str(checkout), str(deck), str(args.cards)]
                + ([str(vault)] if i == 0 else []),
                cwd=work,
                check=True,
            )
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(checkout / "srs_dl")],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            raw = {name: counted(checkout, name, deck, vault, work) for name in PHASES}
            counts[checkout] = {
                name: raw[name] - (raw["setup"] if name != "setup" else 0) for name in PHASES
            }
            print(
                f"{checkout}: "
                + ", ".join(f"{name} {counts[checkout][name] / 1e6:,.1f}M" for name in PHASES),
                flush=True,
            )
        for other in checkouts[1:]:
            ratios = ", ".join(
                f"{name} {counts[PROJECT][name] / counts[other][name]:.3f}" for name in PHASES
            )
            # What an import loads lazily (the parser) moves between setup and import
            # when start-up changes: the whole import process is the fair total.
            whole = sum(counts[PROJECT][n] for n in ("setup", "import")) / sum(
                counts[other][n] for n in ("setup", "import")
            )
            print(f"this / {other.name}: {ratios}; the whole import process {whole:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
