"""`srs-dl import` and `srs-dl cards` through the real command line, in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTE = """\
#flashcards/dl/optim

What is momentum::a moving average of gradients
<!--SR:!2025-02-20,4.5,250-->

## Adam

Adam's defaults
?
beta1 0.9, beta2 0.999

The ==chain rule== multiplies derivatives
"""
OTHER = "#flashcards/math\n\nWhat is 2+2::4\n"

FIELDS = ["id", "deck", "kind", "front", "back", "file", "line", "due", "interval", "ease", "state"]


def _run(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "srs_dl", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def setup(tmp_path: Path, project_dir: Path) -> tuple[Path, Path, dict[str, str]]:
    vault = tmp_path / "vault"
    (vault / "dl").mkdir(parents=True)
    (vault / "dl" / "optim.md").write_text(NOTE, encoding="utf-8")
    (vault / "math.md").write_text(OTHER, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text("")
    env = dict(
        os.environ,
        SRS_DL_CONFIG=str(config),
        SRS_DL_TODAY="2025-03-01",
        SRS_DL_DB=str(tmp_path / "deck.db"),
    )
    env.pop("SRS_DL_DEBUG", None)
    return vault, tmp_path / "deck.db", env


def test_import_then_cards_json(
    setup: tuple[Path, Path, dict[str, str]], project_dir: Path
) -> None:
    vault, db, env = setup
    done = _run(project_dir, env, "import", str(vault), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("2 files scanned, 0 skipped as unchanged, 0 failed; cards: ")
    assert "0 deleted; 1 schedule from notes; 0 warnings" in done.stdout  # its one comment

    listed = _run(project_dir, env, "cards", "--db", str(db), "--json")
    assert listed.returncode == 0, listed.stderr
    cards = [json.loads(line) for line in listed.stdout.splitlines()]
    assert all(list(c) == FIELDS for c in cards)
    by_front = {c["front"]: c for c in cards}
    momentum = by_front["What is momentum"]
    assert momentum == {
        "id": momentum["id"],
        "deck": "flashcards/dl/optim",
        "kind": "inline",
        "front": "What is momentum",
        "back": "a moving average of gradients",
        "file": str((vault / "dl" / "optim.md").resolve()),
        "line": 3,
        "due": "2025-02-20",
        "interval": 4.5,
        "ease": 250,
        "state": "review",
    }
    assert isinstance(momentum["id"], int)
    cloze = by_front["The [...] multiplies derivatives"]
    assert (
        cloze["kind"],
        cloze["back"],
        cloze["due"],
        cloze["interval"],
        cloze["ease"],
        cloze["state"],
    ) == ("cloze", "The chain rule multiplies derivatives", None, None, None, "new")
    assert by_front["Adam's defaults"]["kind"] == "multiline"
    drills = [c for c in cards if c["kind"] == "drill"]
    assert drills and all(c["file"] is None and c["line"] is None for c in drills)
    assert {"flashcards/dl/optim", "drills"} <= {c["deck"] for c in drills}

    # --deck takes sub-decks; --due as of --today; --all adds deleted cards.
    optim = _run(project_dir, env, "cards", "--deck", "flashcards/dl", "--json")
    assert {json.loads(x)["deck"] for x in optim.stdout.splitlines()} == {"flashcards/dl/optim"}
    due = _run(project_dir, env, "cards", "--due", "--json")
    assert [json.loads(x)["front"] for x in due.stdout.splitlines()] == ["What is momentum"]
    (vault / "math.md").write_text("#flashcards/math\n")
    again = _run(project_dir, env, "import")  # no PATH: every remembered folder
    assert again.returncode == 0 and "1 deleted" in again.stdout
    live = _run(project_dir, env, "cards", "--json").stdout
    every = _run(project_dir, env, "cards", "--all", "--json").stdout
    assert "What is 2+2" not in live
    deleted = [json.loads(x) for x in every.splitlines() if "What is 2+2" in x]
    assert deleted[0]["state"] == "deleted"

    table = _run(project_dir, env, "cards")
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].split() == [
        "id",
        "deck",
        "kind",
        "due",
        "ivl",
        "ease",
        "state",
        "front",
    ]
    assert table.stdout.rstrip().endswith("cards")


def test_import_reports_problems_on_stderr_and_exit_status(
    setup: tuple[Path, Path, dict[str, str]], project_dir: Path, tmp_path: Path
) -> None:
    vault, db, env = setup
    (vault / "bad.md").write_bytes(b"#flashcards\n\nQ::\xff\n")
    done = _run(project_dir, env, "import", str(vault), str(tmp_path / "missing"))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"{tmp_path / 'missing'}: no such file or folder",
        f"{(vault / 'bad.md').resolve()}:3: invalid UTF-8 (byte 0xff at byte 4 of the line);"
        " the note is not imported until it is saved as UTF-8",
    ]
    assert "2 warnings" in done.stdout and "1 failed" in done.stdout
    dry = _run(project_dir, env, "import", str(vault), "--dry-run", "--multiline-sep", "-?-")
    assert dry.stdout.startswith("dry run, nothing stored: ")


def test_usage_errors(setup: tuple[Path, Path, dict[str, str]], project_dir: Path) -> None:
    _, db, env = setup
    nothing = _run(project_dir, env, "import")
    assert nothing.returncode == 2 and "nothing imported yet" in nothing.stderr
    no_db = _run(project_dir, env, "cards", "--db", str(db.parent / "none.db"))
    assert no_db.returncode == 1 and "no database yet" in no_db.stderr
    assert not (db.parent / "none.db").exists()


def test_scripting_commands_do_not_import_textual(
    setup: tuple[Path, Path, dict[str, str]], project_dir: Path
) -> None:
    vault, db, env = setup
    code = (
        "import sys\n"
        "from srs_dl.cli import main\n"
        f"assert main(['import', {str(vault)!r}, '--db', {str(db)!r}]) == 0\n"
        f"assert main(['cards', '--db', {str(db)!r}, '--json']) == 0\n"
        "sys.stderr.write('textual' in sys.modules and 'TEXTUAL' or 'CLEAN')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.endswith("CLEAN")


@pytest.mark.parametrize("before", [True, False])
def test_everywhere_options_before_or_after_the_command(before: bool) -> None:
    from srs_dl.cli import build_parser

    opts = ["--db", "x.db", "--today", "2025-01-02", "--config", "c.toml"]
    argv = [*opts, "cards", "--json"] if before else ["cards", "--json", *opts]
    args = build_parser().parse_args(argv)
    assert (args.db, args.today, args.config) == ("x.db", "2025-01-02", "c.toml")
    plain = build_parser().parse_args(["cards"])
    assert (plain.db, plain.today, plain.config) == (None, None, None)


def test_the_program_exits_fast_with_its_output_whole_and_the_deck_closed(
    setup: tuple[Path, Path, dict[str, str]], project_dir: Path
) -> None:
    """`srs-dl` leaves through os._exit after a command (no interpreter teardown):
    all its output must still arrive, its exit status stand, and its database be
    closed (no WAL left beside it)."""
    vault, db, env = setup
    env = {k: v for k, v in env.items() if k != "PYTHONUNBUFFERED"}  # as users run it
    for i in range(300):  # a listing bigger than a pipe holds
        (vault / f"extra {i:03d}.md").write_text(
            f"#flashcards/bulk\n\nQuestion number {i} " + "x" * 200 + f"::answer {i}\n",
            encoding="utf-8",
        )
    done = _run(project_dir, env, "import", str(vault), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("302 files scanned") and done.stdout.endswith(" warnings\n")
    assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()
    listing = _run(project_dir, env, "cards", "--json", "--db", str(db))
    assert listing.returncode == 0, listing.stderr
    cards = [json.loads(line) for line in listing.stdout.splitlines()]
    assert len(listing.stdout) > 100_000
    assert sum(1 for c in cards if c["deck"] == "flashcards/bulk") == 300
    failed = _run(project_dir, env, "import", str(vault / "missing"), "--db", str(db))
    assert failed.returncode == 1 and failed.stderr.count("\n") == 1
