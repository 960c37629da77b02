"""Opening a note in the user's editor at a card's line.

The editor comes from the config (`editor = "..."`), else $VISUAL, else
$EDITOR. It is split like a shell would (shlex) and run without a shell:
nothing from a note or the config is ever evaluated.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path


class EditorError(Exception):
    """No editor configured, or it could not be started: one line for the user."""


#: Editors that take `path:line` after a flag instead of `+line path`.
_GOTO_FLAG = {"code": "-g", "codium": "-g", "code-insiders": "-g", "subl": None, "zed": None}


def editor_command(configured: str | None, path: str, line: int | None) -> list[str]:
    raw = configured or os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not raw:
        raise EditorError('no editor: set $EDITOR (or `editor = "..."` in the config)')
    try:
        argv = shlex.split(raw)
    except ValueError as exc:
        raise EditorError(f"cannot read the editor command {raw!r}: {exc}") from exc
    if not argv:
        raise EditorError("the editor command is empty")
    name = Path(argv[0]).name
    if line is None:
        return [*argv, path]
    if name in _GOTO_FLAG:
        flag = _GOTO_FLAG[name]
        return [*argv, *([flag] if flag else []), f"{path}:{line}"]
    # vi, vim, nvim, nano, emacs, micro, kak, hx... all read `+LINE FILE`.
    return [*argv, f"+{line}", path]


def run_editor(argv: list[str]) -> int:
    try:
        return subprocess.call(argv)  # noqa: S603 - argv list, no shell
    except OSError as exc:
        raise EditorError(f"{argv[0]}: cannot start the editor: {exc.strerror or exc}") from exc
