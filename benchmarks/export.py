"""Benchmark: exporting a deck of 100,000 cards, and reading it back.

    .venv/bin/python benchmarks/export.py [--cards N] [--reviews N] [--keep DIR]

Builds a vault with ../shared/tools/make_vault.py (about N cards with their
siblings), imports it with write-back off, and logs --reviews reviews (one
transaction, through the store's own log writer) so the log and the revlog have
rows. Then times, one run each, in this process (the work `srs-dl export` does
after parsing its arguments):

  export csv                 every card, CARD_FIELDS
  export log (csv, jsonl)    every log entry with its card
  export anki                the .apkg, no history
  export anki --with-history the .apkg with schedules and revlog rows
  import-log --cards         the log and cards exports read back into a new deck

Each line prints seconds, rows per second and the file's size. Timings are for
comparison within one run (the machine is shared); nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from srs_dl.config import Config  # noqa: E402
from srs_dl.services.importing.importer import import_paths  # noqa: E402
from srs_dl.services.interchange import export  # noqa: E402
from srs_dl.services.interchange.anki_package import export_anki  # noqa: E402
from srs_dl.services.interchange.import_log import import_log  # noqa: E402
from srs_dl.store import log as logstore  # noqa: E402
from srs_dl.store.db import connect, transaction  # noqa: E402

TOOLS = ROOT.parent / "shared" / "tools"
TODAY = dt.date(2025, 6, 30)
#: Cards srs-dl finds per make_vault note with --cards-per-note 10 (siblings counted), measured.
CARDS_PER_NOTE = 12.0


def build(folder: Path, cards: int, reviews: int) -> Path:
    vault, db = folder / "vault", folder / "deck.db"
    if db.exists():
        return db
    notes = max(1, round(cards / CARDS_PER_NOTE))
    subprocess.run(
        [
            sys.executable,
            str(TOOLS / "make_vault.py"),
            str(vault),
            "--notes",
            str(notes),
            "--cards-per-note",
            "10",
            "--seed",
            "22",
        ],
        check=True,
        capture_output=True,
    )
    conn = connect(db)
    import_paths(conn, [vault], flags={}, config=Config(), today=TODAY, writeback=False)
    rnd = random.Random(22)
    ids = [r[0] for r in conn.execute("SELECT id FROM cards WHERE state != 'deleted'")]
    with transaction(conn):
        for n in range(reviews):
            cid = rnd.choice(ids)
            day = TODAY - dt.timedelta(days=rnd.randint(0, 700))
            interval = float(rnd.randint(1, 200))
            before = {
                "due": day.isoformat(),
                "interval": interval / 2,
                "ease": 250,
                "state": "review",
                "buried_until": None,
                "reps": n,
                "lapses": 0,
                "raw_group": None,
            }
            after = dict(
                before,
                due=(day + dt.timedelta(days=int(interval))).isoformat(),
                interval=interval,
                reps=n + 1,
            )
            logstore.append(
                conn,
                card_id=cid,
                day=day,
                action="review",
                response=rnd.choice(("again", "hard", "good", "easy")),
                before=before,
                after=after,
                at=f"{day.isoformat()}T12:00:00.000+00:00",
            )
    conn.close()
    return db


def timed(label: str, rows: int, path: Path | None, work: Callable[[], object]) -> None:
    start = time.perf_counter()
    work()
    took = time.perf_counter() - start
    size = f"{path.stat().st_size / 1e6:8.1f} MB" if path else ""
    print(f"{label:30} {took:7.2f} s  {rows / took:10,.0f} rows/s  {size}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="build (once) and keep the deck here")
    args = ap.parse_args()
    if not (TOOLS / "make_vault.py").is_file():
        sys.exit(f"{TOOLS / 'make_vault.py'}: not found (../shared beside the checkout)")
    with tempfile.TemporaryDirectory(prefix="srs-dl-export-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        db = build(folder, args.cards, args.reviews)
        conn = connect(db)
        n_cards = conn.execute("SELECT count(*) FROM cards WHERE state != 'deleted'").fetchone()[0]
        n_log = conn.execute("SELECT count(*) FROM log").fetchone()[0]
        print(
            f"deck: {n_cards:,} cards, {n_log:,} log entries (ready in"
            f" {time.perf_counter() - start:.1f} s)"
        )
        out = Path(tmp)
        cards_csv, log_csv, log_jsonl = out / "cards.csv", out / "log.csv", out / "log.jsonl"
        apkg, apkg_h = out / "deck.apkg", out / "history.apkg"

        def csv_cards() -> None:
            export.export_cards(conn, str(cards_csv), force=True)

        def log(path: Path, fmt: str) -> Callable[[], None]:
            def run() -> None:
                export.export_log(conn, str(path), force=True, fmt=fmt)

            return run

        def anki(path: Path, history: bool) -> Callable[[], None]:
            def run() -> None:
                export_anki(conn, str(path), today=TODAY, force=True, with_history=history)

            return run

        def read_back() -> None:
            target = connect(out / "moved.db")
            import_log(target, log_csv, cards_csv)
            target.close()

        timed("export csv", n_cards, cards_csv, csv_cards)
        timed("export log (csv)", n_log, log_csv, log(log_csv, "csv"))
        timed("export log (jsonl)", n_log, log_jsonl, log(log_jsonl, "jsonl"))
        timed("export anki", n_cards, apkg, anki(apkg, False))
        timed("export anki --with-history", n_cards, apkg_h, anki(apkg_h, True))
        timed("import-log --cards", n_log, None, read_back)
        conn.close()


if __name__ == "__main__":
    main()
