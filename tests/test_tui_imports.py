"""The scripting commands never import Textual (a subprocess each, so nothing imported
by another test can hide an import). That no module below the shells imports it is
the import-linter contract "only the TUI imports Textual" (pyproject.toml, .ci/run)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _textual_loaded(code: str) -> str:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            code + "\nimport sys\nprint(sorted(m for m in sys.modules"
            " if m == 'textual' or m.startswith('textual.')))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "argv",
    [
        ["cards", "--json"],
        ["due"],
        ["drills", "--count", "2", "--seed", "1", "--json"],
        ["history", "1"],
        ["notes"],
        ["--help"],
    ],
)
def test_scripting_commands_do_not_import_textual(tmp_path, argv):
    db = tmp_path / "x.db"
    code = (
        "import contextlib, io\n"
        "from srs_dl.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    try:\n        main({argv!r} + ['--db', {str(db)!r}] if {argv!r} != ['--help'] else ['--help'])\n"
        "    except SystemExit:\n        pass\n"
    )
    assert _textual_loaded(code) == "[]"


def test_the_tui_does_import_textual():
    # The check above can fail: the TUI's own module does load Textual.
    assert _textual_loaded("import srs_dl.tui.app") != "[]"
