"""Issue 10, bad input catalogued: one test per row of README.md's "Bad input, catalogued".

Each row feeds srs-dl one bad input and checks what the user sees: a one-line message
naming what and where, no traceback, the exit status, and that nothing already
stored is lost (`cards --json --all` before and after). Commands run in this process
through `srs_dl.cli.main` (the console script's own function, real SQLite files),
and in a subprocess where the process itself matters (file modes enforced on root,
a file size limit, a possible hang).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import json
import os
import re
import resource
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from srs_dl.cli import main

TODAY = "2026-03-01"
GOOD = (
    "#flashcards/bad-input\n"
    "\n"
    "What does Adam add to momentum?::RMSprop's scaling\n"
    "<!--SR:!2026-02-20,4,250-->\n"
    "\n"
    "Bias correction divides by::1 - beta^t\n"
    "\n"
    "Batch norm at test time uses\n"
    "?\n"
    "the running averages\n"
)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


@dataclass
class Deck:
    root: Path
    vault: Path
    good: Path
    db: Path
    config: Path

    def args(self, *args: str) -> list[str]:
        return [*args, "--db", str(self.db), "--today", TODAY, "--config", str(self.config)]

    def cli(self, *args: str) -> Result:
        """`srs-dl ARGS` in this process; an exception escaping main() fails the test."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(self.args(*args))
            except SystemExit as exc:  # argparse
                code = int(exc.code or 0)
        return Result(code, out.getvalue(), err.getvalue())

    def run(
        self,
        *args: str,
        timeout: float = 60,
        preexec: Callable[[], None] | None = None,
        env: dict[str, str] | None = None,
    ) -> Result:
        """`srs-dl ARGS` in a subprocess."""
        full = dict(os.environ, **(env or {}))
        full.pop("SRS_DL_DEBUG", None)
        proc = subprocess.run(
            [sys.executable, "-m", "srs_dl", *self.args(*args)],  # noqa: S603
            capture_output=True,
            text=True,
            timeout=timeout,
            env=full,
            preexec_fn=preexec,
            check=False,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def cards(self) -> dict[int, dict[str, object]]:
        r = self.cli("cards", "--json", "--all")
        assert r.code == 0, r.err
        return {c["id"]: c for c in map(json.loads, r.out.splitlines())}

    def import_(self, *extra: str) -> Result:
        return self.cli("import", str(self.vault), *extra)

    def note_card_ids(self) -> list[int]:
        return sorted(cid for cid, c in self.cards().items() if c["file"])


def make_deck(root: Path) -> Deck:
    vault = root / "vault"
    vault.mkdir(parents=True)
    good = vault / "good.md"
    good.write_bytes(GOOD.encode())
    config = root / "config.toml"
    config.write_text('[review]\nwriteback = "immediate"\n', encoding="utf-8")
    deck = Deck(root, vault, good, root / "deck.db", config)
    assert deck.import_().code == 0
    # One card reviewed here and written back: stored state a bad input could destroy.
    graded = deck.cli("grade", "good", str(deck.note_card_ids()[1]))
    assert graded.code == 0 and graded.err == "", graded.err
    return deck


@pytest.fixture
def deck(tmp_path: Path) -> Deck:
    return make_deck(tmp_path)


def assert_nothing_lost(
    before: dict[int, dict[str, object]], after: dict[int, dict[str, object]]
) -> None:
    """Every card listed before is listed after, the same. `line` is left out: it says
    where the card sits in its note, which a re-import may read afresh (stored state is
    what must not change); tests/test_outside_edits.py checks it."""
    for cid, card in before.items():
        now = dict(after.get(cid) or {})
        was = dict(card)
        now.pop("line", None)
        was.pop("line", None)
        assert now == was, f"card {cid} changed: {card} -> {after.get(cid)}"


def assert_one_line(result: Result, where: str, what: str) -> str:
    """Exactly one stderr line names `where`, and it says `what` (a regex)."""
    assert "Traceback" not in result.err, result.err
    mine = [line for line in result.lines() if where in line]
    assert len(mine) == 1, f"expected one line naming {where}: {result.err!r}"
    assert re.search(what, mine[0]), f"{mine[0]!r} does not say {what!r}"
    return mine[0]


# --- notes ----------------------------------------------------------------------------------

BAD_UTF8 = b"#flashcards\n\nQ::caf\xe9 au lait\n"
BINARY = b"#flashcards\n\n" + bytes(range(256)) * 4


@pytest.mark.parametrize("where", ["new-note", "imported-note"])
@pytest.mark.parametrize(
    ("name", "data", "message", "line"),
    [
        ("invalid-utf8", BAD_UTF8, r"invalid UTF-8 \(byte 0xe9 at byte 7 of the line\)", 3),
        ("binary", BINARY, r"binary file \(a NUL byte\), not a Markdown note; skipped", 3),
    ],
)
def test_unreadable_bytes(
    deck: Deck, where: str, name: str, data: bytes, message: str, line: int
) -> None:
    before = deck.cards()
    target = deck.vault / f"{name}.md" if where == "new-note" else deck.good
    target.write_bytes(data)
    result = deck.import_()
    assert result.code == 0
    assert_one_line(result, f"{target}:{line}:", message)
    assert_nothing_lost(before, deck.cards())
    assert target.read_bytes() == data


def test_utf8_bom_is_read_and_kept(deck: Deck) -> None:
    note = deck.vault / "bom.md"
    note.write_bytes(b"\xef\xbb\xbf#flashcards\r\n\r\nWith a BOM::still a card\r\n")
    before = deck.cards()
    result = deck.import_()
    assert result.code == 0 and result.err == "", result.err
    after = deck.cards()
    assert_nothing_lost(before, after)
    (new,) = [c for c in after.values() if c["file"] == str(note)]
    assert (new["front"], new["back"], new["line"]) == ("With a BOM", "still a card", 3)
    assert deck.cli("grade", "easy", str(new["id"])).code == 0
    written = note.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf#flashcards\r\n")
    assert written.count(b"\xef\xbb\xbf") == 1
    assert re.fullmatch(
        rb"\xef\xbb\xbf#flashcards\r\n\r\nWith a BOM::still a card\r\n"
        rb"<!--SR:![0-9-]+,\d+,270-->\r\n",
        written,
    ), written


def test_empty_file(deck: Deck) -> None:
    before = deck.cards()
    (deck.vault / "empty.md").write_bytes(b"")
    result = deck.import_()
    assert result.code == 0 and result.err == "", result.err
    assert deck.cards() == before


@pytest.fixture(scope="session")
def fifty_mb_note(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("huge") / "huge.md"
    line = b"Filler about Adam, RMSprop and batch norm, repeated to make a huge note. " * 8 + b"\n"
    block = line * (1024 * 1024 // len(line))
    with path.open("wb") as fh:
        fh.write(b"#flashcards\n\nHuge::note\n\n")
        for _ in range(50):
            fh.write(block)
    return path


@pytest.mark.parametrize("where", ["new-note", "imported-note"])
def test_fifty_mb_note(deck: Deck, fifty_mb_note: Path, where: str) -> None:
    before = deck.cards()
    target = deck.vault / "huge.md" if where == "new-note" else deck.good
    target.unlink(missing_ok=True)
    os.link(fifty_mb_note, target)  # no copy of 50 MB per test
    result = deck.import_()
    assert result.code == 0
    assert_one_line(
        result,
        str(target),
        r"^[^:]+: (49|50)\.\d MB, over srs-dl's \d+ MB limit"
        r" for one note; skipped$",
    )
    assert_nothing_lost(before, deck.cards())


def test_one_mb_line(deck: Deck) -> None:
    note = deck.vault / "long.md"
    answer = "x" * (1024 * 1024)
    text = f"#flashcards\n\nLong::{answer}\n\nAfter the long line::short\n"
    note.write_text(text, encoding="utf-8")
    before = deck.cards()
    result = deck.import_()
    assert result.code == 0 and result.err == "", result.err
    after = deck.cards()
    assert_nothing_lost(before, after)
    mine = {c["front"]: c for c in after.values() if c["file"] == str(note)}
    assert mine["Long"]["back"] == answer and mine["After the long line"]["line"] == 5
    assert deck.cli("grade", "good", str(mine["Long"]["id"])).code == 0
    written = note.read_text(encoding="utf-8")
    assert written.startswith(f"#flashcards\n\nLong::{answer}\n<!--SR:!")
    assert written.endswith("\n\nAfter the long line::short\n")


@pytest.mark.parametrize("kind", ["link-to-itself", "link-to-a-folder-above"])
def test_symlink_loop(deck: Deck, kind: str) -> None:
    before = deck.cards()
    if kind == "link-to-itself":
        link = deck.vault / "loop.md"
        link.symlink_to("loop.md")
    else:
        (deck.vault / "sub").mkdir()
        link = deck.vault / "sub" / "up"
        link.symlink_to("..")
    result = deck.run("import", str(deck.vault), timeout=60)
    assert result.code == 0, result.err
    assert_one_line(result, str(link), r"symlink loop.*; not followed$")
    assert_nothing_lost(before, deck.cards())


@pytest.mark.parametrize("follow", [False, True], ids=["default", "follow-symlinks"])
def test_symlink_out_of_the_folder(deck: Deck, follow: bool) -> None:
    outside = deck.root / "elsewhere"
    outside.mkdir()
    (outside / "o.md").write_text("#flashcards\n\nOutside::the vault\n", encoding="utf-8")
    link = deck.vault / "linked"
    link.symlink_to(outside)
    before = deck.cards()
    result = deck.import_(*(["--follow-symlinks"] if follow else []))
    assert result.code == 0
    after = deck.cards()
    assert_nothing_lost(before, after)
    fronts = {c["front"] for c in after.values()}
    if follow:
        assert result.err == "", result.err
        assert "Outside" in fronts
    else:
        assert_one_line(
            result,
            str(link),
            rf"symlink to {re.escape(str(outside))}, outside the"
            r" imported folder; not followed \(--follow-symlinks follows it\)",
        )
        assert "Outside" not in fronts


# --- an unreadable file ---------------------------------------------------------------------
# Root reads and writes any file whatever its mode, and CI may run as root. Then the
# srs-dl process of these tests starts without the two capabilities that let root
# ignore permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): still root, still the
# owner of everything in tmp_path, but held to the file modes like any user.


def _without_dac_override() -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, out of the bounding set
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def held_to_file_modes(workdir: Path) -> Callable[[], None] | None:
    """How to start a process that file modes apply to (None: any process, not root);
    skips the test when that is impossible here."""
    if os.geteuid() != 0:
        return None
    probe = workdir / "mode-probe"
    probe.write_bytes(b"x")
    os.chmod(probe, 0)
    try:
        done = subprocess.run(
            [sys.executable, "-c", f"open({str(probe)!r}).read()"],  # noqa: S603
            preexec_fn=_without_dac_override,
            capture_output=True,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"running as root and cannot drop CAP_DAC_OVERRIDE here: {exc}")
    finally:
        probe.unlink()
    if done.returncode == 0:
        pytest.skip(
            "running as root with file permissions not enforced (no way to drop"
            " CAP_DAC_OVERRIDE here)"
        )
    return _without_dac_override


@pytest.mark.parametrize("where", ["new-note", "imported-note"])
def test_unreadable_file(deck: Deck, where: str) -> None:
    secret = deck.vault / "secret.md" if where == "new-note" else deck.good
    before = deck.cards()
    if where == "new-note":
        secret.write_bytes(GOOD.replace("Adam", "Nadam").encode())
    else:  # edited, so the import has to read it again
        with secret.open("ab") as fh:
            fh.write(b"\nNew card::added while the file became unreadable\n")
    preexec = held_to_file_modes(deck.root)
    os.chmod(secret, 0)
    try:
        result = deck.run("import", str(deck.vault), preexec=preexec)
    finally:
        os.chmod(secret, 0o644)
    assert result.code == 0, result.err
    assert_one_line(result, str(secret), r"cannot read the note \(Permission denied\); skipped")
    assert_nothing_lost(before, deck.cards())


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_not_a_regular_file_named_md(deck: Deck, kind: str) -> None:
    """A FIFO named x.md (opening it for reading waits for a writer forever) and a folder
    named x.md (a folder like any other: its notes are imported)."""
    before = deck.cards()
    odd = deck.vault / "odd.md"
    if kind == "fifo":
        os.mkfifo(odd)
    else:
        odd.mkdir()
        (odd / "inside.md").write_text(
            "#flashcards\n\nInside::a folder named .md\n", encoding="utf-8"
        )
    result = deck.run("import", str(deck.vault), timeout=20)
    assert result.code == 0, result.err
    after = deck.cards()
    assert_nothing_lost(before, after)
    if kind == "fifo":
        assert_one_line(result, str(odd), r"not a (regular )?file|not a note|skipped")
    else:
        assert result.err == "", result.err
        assert "Inside" in {c["front"] for c in after.values()}


# --- scheduling comments --------------------------------------------------------------------

MALFORMED = [
    ("bad-date", "!2026-02-30,4,250", r"bad date '2026-02-30'"),
    ("negative-interval", "!2026-02-20,-4,250", r"negative interval"),
    ("ease-0", "!2026-02-20,4,0", r"ease '0'"),
    ("letters", "!soon,four,high", r"bad date 'soon'"),
    ("more-groups-than-cards", "!2026-02-20,4,250!2026-02-21,5,250", r"2 groups for 1 card"),
]


@pytest.mark.parametrize(("name", "body", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_comment_on_a_new_note(deck: Deck, name: str, body: str, message: str) -> None:
    note = deck.vault / "comment.md"
    note.write_text(
        f"#flashcards\n\nPlain::card\n\nOdd::comment\n<!--SR:{body}-->\n", encoding="utf-8"
    )
    before = deck.cards()
    result = deck.import_()
    assert result.code == 0
    assert_one_line(result, f"{note}:6:", message)
    after = deck.cards()
    assert_nothing_lost(before, after)
    assert {c["front"] for c in after.values() if c["file"] == str(note)} == {"Plain", "Odd"}


@pytest.mark.parametrize(("name", "body", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_comment_keeps_the_stored_schedule(
    deck: Deck, name: str, body: str, message: str
) -> None:
    """A comment damaged by hand (or by a sync tool) under a card reviewed before: the
    warning names it, and the schedule the deck holds for that card is not thrown away."""
    text = deck.good.read_text(encoding="utf-8")
    comments = re.findall(r"<!--SR:[^>]*-->", text)
    assert len(comments) == 2
    before = deck.cards()
    deck.good.write_text(text.replace(comments[0], f"<!--SR:{body}-->"), encoding="utf-8")
    result = deck.import_()
    assert result.code == 0
    assert_one_line(result, f"{deck.good}:4:", message)
    if name == "more-groups-than-cards":  # the first group is the card's: the note wins
        before = {k: v for k, v in before.items() if v["line"] != 3}
    assert_nothing_lost(before, deck.cards())


# --- the database ---------------------------------------------------------------------------

COMMANDS = [("cards", "--json"), ("due",), ("grade", "good", "1"), ("import", "VAULT"), ("sync",)]


def _command(deck: Deck, command: tuple[str, ...]) -> list[str]:
    return [str(deck.vault) if a == "VAULT" else a for a in command]


def _newer(db: Path) -> None:
    from srs_dl.store.schema import SCHEMA_VERSION

    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.close()


def _garbage(db: Path) -> None:
    db.write_bytes(b"this is not a database, it is a note someone saved here\n" * 200)


def _damaged(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema page, after the file header
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_newer, r"made by a newer srs-dl \(schema \d+, this one knows \d+\); upgrade srs-dl"),
        (_garbage, r"not an srs-dl database"),
        (_damaged, r"corrupt"),
    ],
    ids=["newer-schema", "not-sqlite", "damaged-pages"],
)
def test_bad_database(
    deck: Deck, command: tuple[str, ...], damage: Callable[[Path], None], message: str
) -> None:
    damage(deck.db)
    for extra in (
        deck.db.with_name(deck.db.name + "-wal"),
        deck.db.with_name(deck.db.name + "-shm"),
    ):
        extra.unlink(missing_ok=True)
    stored = deck.db.read_bytes()
    notes = deck.good.read_bytes()
    result = deck.cli(*_command(deck, command))
    assert result.code == 1
    assert result.out == ""
    assert len(result.lines()) == 1, result.err
    assert_one_line(result, str(deck.db), message)
    assert deck.db.read_bytes() == stored, "a damaged database was changed"
    assert deck.good.read_bytes() == notes


@pytest.mark.parametrize("command", COMMANDS[2:], ids=[c[0] for c in COMMANDS[2:]])
def test_read_only_database(deck: Deck, command: tuple[str, ...]) -> None:
    before = deck.cards()
    folder = deck.db.parent
    preexec = held_to_file_modes(folder)
    # A read-only file in a read-only folder (else SQLite could still make its WAL files).
    os.chmod(deck.db, 0o444)
    os.chmod(folder, 0o555)
    stored = deck.db.read_bytes()
    try:
        result = deck.run(*_command(deck, command), preexec=preexec)
    finally:
        os.chmod(folder, 0o755)
        os.chmod(deck.db, 0o600)
    assert result.code == 1, result.out
    assert len(result.lines()) == 1, result.err
    assert_one_line(result, str(deck.db), r"read-only")
    assert deck.db.read_bytes() == stored
    assert_nothing_lost(before, deck.cards())


# --- a full disk during sync ----------------------------------------------------------------


def _sync_deck(tmp_path: Path) -> tuple[Deck, int]:
    """A deck that writes back only on sync, with a note bigger than the limit below and
    one review waiting to be written."""
    deck = make_deck(tmp_path)
    deck.config.write_text('[review]\nwriteback = "sync"\n', encoding="utf-8")
    filler = "".join(f"Filler paragraph {i} about learning-rate decay.\n\n" for i in range(12000))
    deck.good.write_text(GOOD + "\n" + filler, encoding="utf-8")
    assert deck.import_().code == 0
    cid = deck.note_card_ids()[2]
    assert deck.cli("grade", "easy", str(cid)).code == 0
    return deck, cid


def _limit_file_size() -> None:
    limit = 256 * 1024  # far below the note; above anything SQLite writes here
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize("how", ["file-size-limit", "ENOSPC"])
def test_full_disk_during_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    deck, cid = _sync_deck(tmp_path)
    note = deck.good.read_bytes()
    assert len(note) > 512 * 1024
    before = deck.cards()
    if how == "file-size-limit":  # a real write failing with EFBIG, in a subprocess
        result = deck.run("sync", preexec=_limit_file_size)
    else:  # the disk fills up while the new copy is written
        real_fsync = os.fsync

        def full(fd: int) -> None:
            if stat.S_ISREG(os.fstat(fd).st_mode) and os.fstat(fd).st_size > 100_000:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", full)
        result = deck.cli("sync")
        monkeypatch.setattr(os, "fsync", real_fsync)
    assert result.code == 1
    assert len(result.lines()) == 1, result.err
    assert_one_line(
        result,
        str(deck.good),
        r"not written \((File too large|No space left on"
        r" device)\); the note is unchanged",
    )
    assert deck.good.read_bytes() == note, "the note was damaged"
    assert [p.name for p in deck.vault.iterdir()] == ["good.md"], "a temporary file was left"
    assert deck.cards() == before, "the review was lost"
    # Space again: the next sync writes the review.
    again = deck.cli("sync")
    assert again.code == 0, again.err
    assert f"wrote {deck.good}" in again.out
    assert f"<!--SR:!{before[cid]['due']},{before[cid]['interval']},270-->" in deck.good.read_text(
        encoding="utf-8"
    )


# --- drill answers --------------------------------------------------------------------------

ANSWERS = {
    "NaN": "NaN",
    "nan-lower": "nan",
    "inf": "inf",
    "-Infinity": "-Infinity",
    "empty": "",
    "spaces": "   \t ",
    "ten-thousand-digits": "9" * 10_000,
    "ten-thousand-decimals": "0." + "3" * 10_000,
    "overflow": "1e999",
}


@pytest.mark.parametrize("text", ANSWERS.values(), ids=ANSWERS.keys())
def test_drill_answer(deck: Deck, text: str) -> None:
    """Through the checker (core.drills.check, every kind, a few draws each) and through
    the drill-card service on the deck's drill cards: a one-line message, no grade."""
    import numpy as np

    from srs_dl.config import load_config
    from srs_dl.core.drills import KINDS, check, generate
    from srs_dl.services.review.drill_cards import answer
    from srs_dl.store.cards import get_card
    from srs_dl.store.db import connect

    for kind in KINDS:
        for seed in range(3):
            result = check(generate(kind, np.random.default_rng([seed, 7])), text)
            assert result.ok is None, f"{kind}: {text[:20]!r} was graded {result.ok}"
            assert result.message and "\n" not in result.message and len(result.message) < 200
            assert text[:30] not in result.message or len(text) < 25
    conn = connect(deck.db)
    try:
        drill_ids = [r[0] for r in conn.execute("SELECT id FROM cards WHERE kind = 'drill'")]
        logs = conn.execute("SELECT count(*) FROM log").fetchone()[0]
        config = load_config(str(deck.config))
        assert drill_ids
        for cid in drill_ids:
            card = get_card(conn, cid)
            assert card is not None
            checked = answer(conn, config, dt.date.fromisoformat(TODAY), card, text)
            assert checked.result.ok is None and checked.graded is None
            assert "\n" not in checked.result.message and not checked.needs_grade
            json.dumps(checked.detail)  # storable in the log as it is
        assert conn.execute("SELECT count(*) FROM log").fetchone()[0] == logs
    finally:
        conn.close()
