"""Kill srs-dl with SIGKILL at random moments and check nothing is lost or damaged.

Used small by tests/test_crash_safety.py (CI) and large by benchmarks/crash.py.
Each round starts `srs-dl grade`, `srs-dl import` or `srs-dl sync` in a
subprocess, kills it after a random delay, then checks:

- `PRAGMA integrity_check` is ok;
- every card that `grade` printed as done is graded in the database;
- every note file is byte-identical to its old version or differs from it only
  in scheduling comments (never a mix of versions, never truncated);
and at the end, that one uninterrupted `srs-dl sync` finishes the job: no
pending write-back is left and every note's comments hold the database's
schedules.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SR_LINE = re.compile(r"^[ \t]*<!--SR:[^>]*-->[ \t]*(\r\n|\n|\r)?", re.M)
SR_INLINE = re.compile(r"[ \t]*<!--SR:[^>]*-->")
TODAY = "2026-03-01"


def without_comments(text: str) -> str:
    return SR_INLINE.sub("", SR_LINE.sub("", text))


def make_vault(root: Path, notes: int = 6, cards_per_note: int = 15, seed: int = 0) -> None:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for n in range(notes):
        newline = "\r\n" if n % 3 == 2 else "\n"
        lines = ["#flashcards/crash", ""]
        for c in range(cards_per_note):
            if c % 4 == 3:
                lines += [
                    f"Multi-line question {n}-{c}",
                    "?",
                    f"answer line {rng.random():.6f}",
                    "second answer line  ",
                    "",
                ]
            else:
                lines += [f"Question {n}-{c} about\tthings::answer {rng.randint(0, 999)}", ""]
        text = newline.join(lines)
        (root / f"note {n}.md").write_bytes(text.encode("utf-8"))


def srs(args: list[str], db: Path, **kw: object) -> subprocess.Popen[str]:
    env = dict(os.environ, SRS_DL_DB=str(db), SRS_DL_TODAY=TODAY, PYTHONUNBUFFERED="1")
    env.pop("SRS_DL_CONFIG", None)
    return subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [sys.executable, "-m", "srs_dl", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kw,  # type: ignore[call-overload]
    )


def run(args: list[str], db: Path) -> subprocess.CompletedProcess[str]:
    proc = srs(args, db)
    out, err = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@dataclass
class Outcome:
    kills: int = 0
    rounds: int = 0
    problems: list[str] = field(default_factory=list)
    by_command: dict[str, int] = field(default_factory=dict)


def _reps(db: Path) -> dict[int, int]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT id, reps FROM cards"))
    finally:
        conn.close()


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _card_ids(db: Path) -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT id FROM cards WHERE state IN ('new', 'review') AND kind != 'drill' ORDER BY id"
            )
        ]
    finally:
        conn.close()


def crash_rounds(
    vault: Path,
    db: Path,
    kills: int,
    seed: int = 1,
    max_delay: float = 1.5,
    progress: Callable[[Outcome], None] | None = None,
) -> Outcome:
    """Import `vault` once, then kill `kills` commands at random moments.

    The moment is drawn over how long that command has been taking (when it ran to
    its end) so most rounds kill something, capped at `max_delay` seconds.
    `progress` is called after every round."""
    rng = random.Random(seed)
    out = Outcome()
    took: dict[str, float] = {}
    first = run(["import", str(vault)], db)
    if first.returncode != 0:
        out.problems.append(f"initial import failed: {first.stderr.strip()}")
        return out
    ids = _card_ids(db)
    responses = ["again", "hard", "good", "easy"]
    while out.kills < kills:
        out.rounds += 1
        command = rng.choice(["grade", "grade", "import", "sync"])
        before_files = {p: p.read_bytes() for p in vault.glob("*.md")}
        before_reps = _reps(db)
        if command == "grade":
            chosen = rng.sample(ids, k=min(len(ids), rng.randint(5, 40)))
            args = ["grade", rng.choice(responses), *map(str, chosen), "--json"]
        elif command == "import":
            # touch a note so the import has work to do
            victim = rng.choice(sorted(before_files))
            os.utime(victim, None)
            args = ["import", str(vault)]
        else:
            args = ["sync"]
        started = time.perf_counter()
        proc = srs(args, db)
        time.sleep(rng.uniform(0.0, min(max_delay, 1.2 * took.get(command, max_delay))))
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
            out.kills += 1
            out.by_command[command] = out.by_command.get(command, 0) + 1
        stdout, stderr = proc.communicate(timeout=60)
        if not killed:
            took[command] = time.perf_counter() - started
        if not killed and proc.returncode != 0:
            out.problems.append(f"{' '.join(args[:2])} exited {proc.returncode}: {stderr.strip()}")
        check = _integrity(db)
        if check != "ok":
            out.problems.append(f"integrity_check after killing {command}: {check}")
            return out
        if command == "grade":
            after_reps = _reps(db)
            for line in stdout.splitlines():
                try:
                    done = json.loads(line)["id"]
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut by the kill was never "printed as done"
                if after_reps.get(done, 0) <= before_reps.get(done, 0):
                    out.problems.append(f"card {done} printed as graded but not in the database")
        for path, old in before_files.items():
            new = path.read_bytes()
            if new != old and without_comments(new.decode("utf-8")) != without_comments(
                old.decode("utf-8")
            ):
                out.problems.append(
                    f"{path.name}: changed outside scheduling comments after killing {command}"
                )
        if progress is not None:
            progress(out)
    return out


def finish_and_verify(vault: Path, db: Path) -> list[str]:
    """One uninterrupted sync must leave nothing pending and the notes matching the DB."""
    problems: list[str] = []
    done = run(["sync"], db)
    if done.returncode != 0:
        problems.append(f"final sync failed: {done.stderr.strip()}")
    conn = sqlite3.connect(db)
    try:
        pending = conn.execute("SELECT count(*) FROM cards WHERE dirty = 1").fetchone()[0]
        if pending:
            problems.append(f"{pending} cards still wait for write-back after a full sync")
    finally:
        conn.close()
    listing = run(["cards", "--json"], db)
    if listing.returncode != 0:
        problems.append(f"cards --json failed: {listing.stderr.strip()}")
        return problems
    db_cards = [json.loads(line) for line in listing.stdout.splitlines() if line.strip()]
    again = run(["import", str(vault), "--dry-run"], db)
    if again.returncode != 0:
        problems.append(f"re-import failed: {again.stderr.strip()}")
    leftovers = [p.name for p in vault.iterdir() if p.name.endswith(".srs-dl.tmp")]
    if leftovers:
        problems.append(f"temporary files left in the vault: {leftovers}")
    # Re-read every note with the parser: its comments must hold the DB's schedules.
    from srs_dl.core.notes.grammar import parse_note
    from srs_dl.core.notes.settings import ParseSettings

    by_place = {(c["file"], c["line"], c["front"]): c for c in db_cards if c["file"]}
    for path in sorted(vault.glob("*.md")):
        text = path.read_bytes().decode("utf-8")
        parsed = parse_note(text, ParseSettings())
        for q in parsed.questions:
            for card in q.cards:
                key = (str(path.resolve()), q.first_line, card.front)
                row = by_place.get(key)
                if row is None:
                    problems.append(f"{path.name}:{q.first_line}: card missing from the database")
                    continue
                note_due = card.schedule.due.isoformat() if card.schedule else None
                if note_due != row["due"]:
                    problems.append(
                        f"{path.name}:{q.first_line}: note says due {note_due}, "
                        f"database {row['due']}"
                    )
    return problems
