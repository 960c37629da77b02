"""The command line is built from the modules under srs_dl.commands, each registering its own."""

from __future__ import annotations

import argparse
import subprocess
import sys

from srs_dl.cli import COMMAND_MODULES, build_parser, main


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


def test_every_command_and_every_option_has_help_text() -> None:
    parser = build_parser()
    commands = _subparsers(parser)
    assert len(commands) >= 17
    missing = []
    for name, sub in commands.items():
        if not sub.description:
            missing.append(name)
        for action in sub._actions:
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []


def test_each_command_runs_the_handler_its_module_registered() -> None:
    commands = _subparsers(build_parser())
    for name, sub in commands.items():
        handler = sub.get_default("handler")
        module = handler.__module__.rsplit(".", 1)[-1]
        assert module in COMMAND_MODULES, (name, handler)


def test_a_separator_starting_with_a_dash_is_one_value() -> None:
    from srs_dl.cli import _parse

    args = _parse(["import", "--multiline-sep", "-?-", "--end-marker", "-+-", "notes"])
    assert (args.multiline_sep, args.end_marker, args.paths) == ("-?-", "-+-", ["notes"])


def test_building_the_help_loads_no_database_code() -> None:
    code = (
        "import sys\n"
        "from srs_dl.cli import build_parser\n"
        "build_parser().format_help()\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('srs_dl.store', 'srs_dl.services',"
        " 'textual', 'numpy', 'sqlite3')))\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_unknown_command_is_a_usage_error(capsys) -> None:  # type: ignore[no-untyped-def]
    try:
        main(["frobnicate"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err  # see test_cli_hints
