"""Issue 10, concurrent use: two srs-dl processes at once on one deck and one vault.

Real subprocesses (`python -m srs_dl`), real SQLite files and notes in tmp_path.
After every scenario:
- no command failed, and none printed "database is locked" (or any traceback);
- no review is lost: each card's reps equals the number of times it was graded,
  the log holds one 'review' row per grade, and each card's schedule is the one
  its last log row left (a later 'schedule' row read from a note would mean a
  note written from a stale read won over a review made here);
- no note is written from a stale read: every edit the test made to a note is
  still in it, nobody reviewed in Obsidian so no log row has source 'note', and
  after one more `srs-dl sync` each note's comments hold the database's schedules.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

TODAY = "2026-03-01"
RESPONSES = ("hard", "good", "easy", "again")


# --- running srs-dl -------------------------------------------------------------------------


def _env(db: Path, config: Path) -> dict[str, str]:
    env = dict(
        os.environ,
        SRS_DL_DB=str(db),
        SRS_DL_TODAY=TODAY,
        SRS_DL_CONFIG=str(config),
        PYTHONUNBUFFERED="1",
    )
    env.pop("SRS_DL_DEBUG", None)
    return env


def start(args: list[str], db: Path, config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [sys.executable, "-m", "srs_dl", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(db, config),
    )


def run(args: list[str], db: Path, config: Path) -> subprocess.CompletedProcess[str]:
    proc = start(args, db, config)
    out, err = proc.communicate(timeout=240)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def ok(args: list[str], db: Path, config: Path) -> subprocess.CompletedProcess[str]:
    done = run(args, db, config)
    assert done.returncode == 0, f"srs-dl {' '.join(args)}: {done.stderr}"
    return done


# --- the vault ------------------------------------------------------------------------------


def write_note(path: Path, cards: int, seed: int, crlf: bool = False) -> None:
    rng = random.Random(seed)
    nl = "\r\n" if crlf else "\n"
    lines = ["#flashcards/conc", ""]
    for c in range(cards):
        if c % 5 == 4:
            lines += [f"Multi-line {path.stem} {c}", "?", f"answer {rng.random():.6f}", ""]
        else:
            lines += [f"Question {path.stem} {c} with\ttabs::answer {rng.randint(0, 10**6)}", ""]
    path.write_bytes(nl.join(lines).encode("utf-8"))


def make_vault(root: Path, notes: int, cards: int, prefix: str = "n", seed: int = 0) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(notes):
        path = root / f"{prefix}{i:04d}.md"
        write_note(path, cards, seed * 100_000 + i, crlf=i % 3 == 2)
        paths.append(path)
    return paths


def setup_deck(
    tmp_path: Path, *, writeback: str = "immediate", notes: int = 4, cards: int = 10
) -> tuple[Path, Path, Path, list[Path]]:
    vault = tmp_path / "vault"
    paths = make_vault(vault, notes, cards, prefix="a")
    db = tmp_path / "deck.db"
    config = tmp_path / "config.toml"
    config.write_text(f'[review]\nwriteback = "{writeback}"\n', encoding="utf-8")
    ok(["import", str(vault)], db, config)
    return vault, db, config, paths


def note_card_ids(db: Path, config: Path) -> list[int]:
    listing = ok(["cards", "--json"], db, config)
    return [c["id"] for c in map(json.loads, listing.stdout.splitlines()) if c["file"]]


# --- the checks -----------------------------------------------------------------------------

BAD_WORDS = ("locked", "busy", "Traceback", "unexpected error")


def assert_clean(label: str, proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 0, f"{label} exited {proc.returncode}: {proc.stderr}"
    for word in BAD_WORDS:
        assert word not in proc.stderr, f"{label} printed {word!r}: {proc.stderr}"


class Graded:
    """How many times each card was graded, over all the grading processes."""

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()
        self.lock = threading.Lock()
        self.problems: list[str] = []
        self.invocations = 0

    def add(self, proc: subprocess.CompletedProcess[str], ids: list[int]) -> None:
        with self.lock:
            self.invocations += 1
            if proc.returncode != 0:
                self.problems.append(f"grade exited {proc.returncode}: {proc.stderr.strip()}")
                return
            for word in BAD_WORDS:
                if word in proc.stderr:
                    self.problems.append(f"grade printed {word!r}: {proc.stderr.strip()}")
            done = [json.loads(line)["id"] for line in proc.stdout.splitlines() if line.strip()]
            if sorted(done) != sorted(set(ids)):
                self.problems.append(f"grade {ids} printed {done}")
            self.counts.update(set(ids))


def grade_loop(
    db: Path,
    config: Path,
    ids: list[int],
    graded: Graded,
    stop: threading.Event,
    seed: int,
    *,
    min_rounds: int = 3,
    max_rounds: int = 40,
) -> None:
    rng = random.Random(seed)
    rounds = 0
    while rounds < max_rounds and (rounds < min_rounds or not stop.is_set()):
        chosen = rng.sample(ids, k=min(len(ids), rng.randint(1, 6)))
        proc = run(["grade", rng.choice(RESPONSES), *map(str, chosen), "--json"], db, config)
        graded.add(proc, chosen)
        rounds += 1


def assert_no_review_lost(db: Path, graded: Graded) -> None:
    assert graded.problems == []
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        reps = dict(conn.execute("SELECT id, reps FROM cards"))
        for cid, n in graded.counts.items():
            assert reps[cid] == n, f"card {cid}: graded {n} times, reps {reps[cid]}"
        rows = conn.execute("SELECT count(*) FROM log WHERE action = 'review'").fetchone()[0]
        assert rows == sum(graded.counts.values())
        from_notes = conn.execute(
            "SELECT card_id, before, after FROM log WHERE source = 'note'"
        ).fetchall()
        assert from_notes == [], f"schedules read back from notes nobody edited: {from_notes}"
        # Each card is as its last log row left it.
        last = {}
        for cid, after in conn.execute(
            "SELECT card_id, after FROM log WHERE card_id IS NOT NULL ORDER BY id"
        ):
            last[cid] = json.loads(after) if after else None
        for cid in graded.counts:
            due, interval, ease = conn.execute(
                "SELECT due, interval, ease FROM cards WHERE id = ?", (cid,)
            ).fetchone()
            want = last[cid]
            assert (due, interval, ease) == (want["due"], want["interval"], want["ease"]), cid
    finally:
        conn.close()


def assert_notes_hold_the_deck(vault: Path, db: Path, config: Path) -> None:
    """One more sync leaves nothing pending and every comment equal to the database."""
    done = ok(["sync"], db, config)
    assert ", 0 changed on disk, 0 error(s)" in done.stdout, done.stdout
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM cards WHERE dirty = 1").fetchone()[0] == 0
    finally:
        conn.close()
    listing = ok(["cards", "--json"], db, config)
    # (by front, not line: fronts are unique in these notes, and `line` is checked elsewhere)
    by_place = {
        (c["file"], c["front"]): c
        for c in map(json.loads, listing.stdout.splitlines())
        if c["file"]
    }
    from srs_dl.core.notes.grammar import parse_note
    from srs_dl.core.notes.settings import ParseSettings

    for path in sorted(vault.rglob("*.md")):
        parsed = parse_note(path.read_bytes().decode("utf-8"), ParseSettings())
        for q in parsed.questions:
            for card in q.cards:
                row = by_place.get((str(path.resolve()), card.front))
                assert row is not None, f"{path.name}:{q.first_line}: card not in the deck"
                due = card.schedule.due.isoformat() if card.schedule else None
                assert due == row["due"], f"{path.name}:{q.first_line}: note {due}, db {row['due']}"
    leftovers = [p.name for p in vault.rglob("*.srs-dl.tmp")]
    assert leftovers == []


# --- the scenarios --------------------------------------------------------------------------


def test_two_graders_at_once(tmp_path: Path) -> None:
    """Two review processes grading cards of the same notes, each writing them back."""
    vault, db, config, _ = setup_deck(tmp_path, notes=2, cards=10)
    ids = note_card_ids(db, config)
    graded = Graded()
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=grade_loop,
            args=(db, config, ids, graded, stop, seed),
            kwargs={"min_rounds": 12, "max_rounds": 12},
        )
        for seed in (1, 2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert graded.invocations == 24
    assert_no_review_lost(db, graded)
    assert_notes_hold_the_deck(vault, db, config)


def test_grading_while_an_import_runs(tmp_path: Path) -> None:
    """A review loop on the vault while an import of it (and of a big new folder) runs."""
    vault, db, config, paths = setup_deck(tmp_path, notes=4, cards=10)
    ids = note_card_ids(db, config)
    big = tmp_path / "big"
    make_vault(big, notes=400, cards=25, prefix="b", seed=7)
    for path in paths:  # touched: the import has to look at the notes being graded
        os.utime(path, None)
    graded = Graded()
    stop = threading.Event()
    grader = threading.Thread(target=grade_loop, args=(db, config, ids, graded, stop, 3))
    importer = start(["import", str(vault), str(big)], db, config)
    grader.start()
    out, err = importer.communicate(timeout=240)
    stop.set()
    grader.join()
    assert_clean(
        "import", subprocess.CompletedProcess(importer.args, importer.returncode, out, err)
    )
    assert graded.invocations >= 3
    assert_no_review_lost(db, graded)
    assert_notes_hold_the_deck(vault, db, config)


def test_sync_while_grading(tmp_path: Path) -> None:
    """`srs-dl sync` in a loop while a review loop grades (write-back only on sync)."""
    vault, db, config, _ = setup_deck(tmp_path, writeback="sync", notes=3, cards=10)
    ids = note_card_ids(db, config)
    graded = Graded()
    stop = threading.Event()
    grader = threading.Thread(
        target=grade_loop,
        args=(db, config, ids, graded, stop, 4),
        kwargs={"min_rounds": 15, "max_rounds": 15},
    )
    syncs: list[subprocess.CompletedProcess[str]] = []
    grader.start()
    while grader.is_alive():
        syncs.append(run(["sync"], db, config))
    grader.join()
    assert len(syncs) >= 2
    for i, proc in enumerate(syncs):
        assert_clean(f"sync #{i}", proc)
    assert_no_review_lost(db, graded)
    assert_notes_hold_the_deck(vault, db, config)


def test_sync_while_importing_an_edited_note(tmp_path: Path) -> None:
    """The import reads an edited note, a sync rescans and writes it meanwhile, then the
    import stores what it read: its older copy of the note must not undo the reviews."""
    vault, db, config, paths = setup_deck(tmp_path, writeback="sync", notes=2, cards=8)
    ids = note_card_ids(db, config)
    graded = Graded()
    graded.add(run(["grade", "easy", *map(str, ids), "--json"], db, config), ids)
    marker = "A line the user added in an editor."
    for path in paths:
        with path.open("ab") as fh:
            fh.write(f"\n\n{marker}\n".encode())
    big = tmp_path / "big"  # a new folder: keeps the import busy after it read the vault
    make_vault(big, notes=500, cards=25, prefix="b", seed=9)
    importer = start(["import", str(vault), str(big)], db, config)
    time.sleep(0.4)
    sync = run(["sync"], db, config)
    out, err = importer.communicate(timeout=240)
    assert_clean("sync", sync)
    assert_clean(
        "import", subprocess.CompletedProcess(importer.args, importer.returncode, out, err)
    )
    for path in paths:
        assert marker in path.read_text(encoding="utf-8")
    assert_no_review_lost(db, graded)
    assert_notes_hold_the_deck(vault, db, config)


@pytest.mark.parametrize("fresh", [True, False], ids=["new-deck", "known-vault"])
def test_two_imports_at_once(tmp_path: Path, fresh: bool) -> None:
    """Two imports of the same vault at once (the app's start-up rescan and a CLI import)."""
    vault = tmp_path / "vault"
    make_vault(vault, notes=60, cards=12, prefix="a", seed=5)
    db = tmp_path / "deck.db"
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    if not fresh:
        ok(["import", str(vault)], db, config)
        make_vault(vault, notes=60, cards=13, prefix="a", seed=6)  # every note edited
    procs = [start(["import", str(vault)], db, config) for _ in range(2)]
    for i, proc in enumerate(procs):
        out, err = proc.communicate(timeout=240)
        assert_clean(
            f"import #{i}", subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        )
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        live = conn.execute(
            "SELECT count(*) FROM cards WHERE note_id IS NOT NULL AND state != 'deleted'"
        ).fetchone()[0]
        notes = conn.execute("SELECT count(*) FROM notes WHERE deleted = 0").fetchone()[0]
    finally:
        conn.close()
    assert notes == 60
    assert live == 60 * (12 if fresh else 13)
    # and a third import finds nothing to do
    again = ok(["import", str(vault)], db, config)
    assert " 0 new, 0 changed" in again.stdout, again.stdout


# --- the same races, made certain -----------------------------------------------------------
# The loops above hit a race only when the scheduler lets them. These two stop one side at
# the worst moment (in this process, through the services' own hooks) while a real srs-dl
# process does its work, so the interleaving happens on every run.


def _in_process(db: Path, config: Path) -> tuple[sqlite3.Connection, object, object]:
    import datetime as dt

    from srs_dl.config import load_config
    from srs_dl.store.db import connect

    return connect(db), load_config(str(config)), dt.date.fromisoformat(TODAY)


def test_import_never_stores_a_note_read_before_a_sync_rewrote_it(tmp_path: Path) -> None:
    """An import reads an edited note; before it stores what it read, a sync rescans the
    note and writes the pending reviews into it. The import's copy is now stale: storing
    it would take the old comments for reviews made in Obsidian and undo ours."""
    from srs_dl.services.importing.importer import import_paths

    vault, db, config, paths = setup_deck(tmp_path, writeback="sync", notes=2, cards=8)
    ids = note_card_ids(db, config)
    graded = Graded()
    graded.add(run(["grade", "easy", *map(str, ids), "--json"], db, config), ids)
    marker = "A line the user added in an editor."
    for path in paths:
        with path.open("ab") as fh:
            fh.write(f"\n\n{marker}\n".encode())
    synced: list[subprocess.CompletedProcess[str]] = []

    def between_read_and_store(done: int, total: int) -> None:
        if not synced:  # the notes are read and parsed, nothing stored yet
            synced.append(run(["sync"], db, config))

    conn, cfg, today = _in_process(db, config)
    try:
        import_paths(
            conn,
            [vault],
            flags={},
            config=cfg,
            today=today,  # type: ignore[arg-type]
            progress=between_read_and_store,
        )
    finally:
        conn.close()
    assert synced, "the import read nothing: the test proves nothing"
    assert_clean("sync", synced[0])
    assert f"{len(paths)} note(s) written" in synced[0].stdout, synced[0].stdout
    for path in paths:
        assert marker in path.read_text(encoding="utf-8")
    assert_no_review_lost(db, graded)
    assert_notes_hold_the_deck(vault, db, config)


def test_a_grade_written_while_a_sync_writes_the_same_note_is_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync has checked a note and is about to rename its new copy into place; a grader
    writes its own review into the same note just then. Whoever renames last must not
    throw away what the other wrote, nor leave the deck believing the note holds it."""
    from srs_dl.services.writeback.sync import sync

    vault, db, config, paths = setup_deck(tmp_path, writeback="sync", notes=1, cards=6)
    immediate = tmp_path / "immediate.toml"
    immediate.write_text('[review]\nwriteback = "immediate"\n', encoding="utf-8")
    ids = note_card_ids(db, config)
    graded = Graded()
    first, other = ids[:3], ids[3]
    graded.add(run(["grade", "good", *map(str, first), "--json"], db, config), first)
    real_replace = os.replace
    grader: list[subprocess.Popen[str]] = []

    def replace(src: object, dst: object) -> None:
        if not grader and str(dst).endswith(".md"):
            grader.append(start(["grade", "easy", str(other), "--json"], db, immediate))
            # Give it time to write the note (it may instead wait for us: then we go on).
            deadline = time.monotonic() + 3.0
            while grader[0].poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    conn, cfg, today = _in_process(db, config)
    try:
        report = sync(conn, cfg, today)  # type: ignore[arg-type]
    finally:
        conn.close()
        monkeypatch.setattr(os, "replace", real_replace)
    assert grader, "the sync wrote nothing: the test proves nothing"
    out, err = grader[0].communicate(timeout=120)
    done = subprocess.CompletedProcess(grader[0].args, grader[0].returncode, out, err)
    graded.add(done, [other])
    assert report.errors == [], report.errors
    # The user now edits the note (so every later import reads it again).
    with paths[0].open("ab") as fh:
        fh.write(b"\nedited later\n")
    ok(["import", str(vault)], db, config)
    assert_no_review_lost(db, graded)
    assert_notes_hold_the_deck(vault, db, config)
