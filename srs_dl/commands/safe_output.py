"""The CLI's stdout and stderr, with every string shown through core.screen_text.

Commands print card text, file names and messages quoting notes; rather than trust
each print, the streams themselves pass what is written through `screen_text`
(JSON output through `json_text`, which escapes as JSON does), so no ESC, BEL or
C1 control from a note reaches the terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from srs_dl.core.screen_text import json_text, screen_text


class SafeStream:
    """A text stream that shows control characters instead of writing them."""

    def __init__(self, stream: TextIO, show: Callable[[str], str]) -> None:
        self._stream = stream
        self._show = show

    def write(self, text: str) -> int:
        self._stream.write(self._show(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    @property
    def unfiltered(self) -> TextIO:
        return self._stream


def unfiltered(stream: TextIO) -> TextIO:
    """The terminal behind a safe stream, for srs-dl's own escape codes (a progress
    bar that holds no note text); any other stream as it is."""
    return stream.unfiltered if isinstance(stream, SafeStream) else stream


@contextmanager
def safe_streams(*, json_output: bool = False) -> Iterator[None]:
    """sys.stdout and sys.stderr shown safely for the duration (stdout as JSON with
    `json_output`)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = SafeStream(out, json_text if json_output else screen_text)
    sys.stderr = SafeStream(err, screen_text)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
