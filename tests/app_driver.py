"""The real app in a process of its own, driven line by line from stdin, for tests that
need another process beside it and a `kill -9` of it (tests/test_app_concurrency.py).

    python tests/app_driver.py DB TODAY DECK

Commands on stdin, one per line; each answers with one line on stdout once done:
  grade KEY   show the answer and press KEY (1-4): `ACK <card id>` once the app shows
              the next card (or `DONE` when the session has nothing left), i.e. once
              the app has acknowledged the review to its user
  rescan      run the app's own rescan worker (another connection in this process):
              `RESCANNED`
The app starts in review mode on DECK and prints `READY <card id>` at the first card.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

TIMEOUT = 60.0


class AppProcess:
    """The client side: the app started in its own process, driven over its stdin
    (the tests and benchmarks/crash.py import this; the app's modules load only in
    the driven process)."""

    def __init__(self, db: Path, today: str, deck: str, env: dict[str, str]) -> None:
        env = dict(env, PYTHONUNBUFFERED="1", TEXTUAL_ANIMATIONS="none")
        self.proc = subprocess.Popen(  # noqa: S603 - our own driver
            [sys.executable, __file__, str(db), today, deck],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.first = int(self._line("READY").split()[1])

    def _line(self, want: str) -> str:
        assert self.proc.stdout is not None and self.proc.stderr is not None
        line = self.proc.stdout.readline()
        if not line.startswith(want):
            self.proc.kill()
            raise AssertionError(f"app said {line!r}, wanted {want}: {self.proc.stderr.read()}")
        return line

    def send(self, command: str, want: str) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._line(want)

    def grade(self, key: str = "3") -> int:
        """Grade the card shown; its id once the app has acknowledged the review."""
        return int(self.send(f"grade {key}", "ACK").split()[1])

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


def shown_card(app: object) -> int | None:
    """The id of the card the review screen shows, once it is idle (None otherwise)."""
    from srs_dl.tui.screens.review import ReviewScreen

    screen = app.screen  # type: ignore[attr-defined]
    if not isinstance(screen, ReviewScreen) or screen.busy or screen.card is None:
        return None
    return int(screen.card.id)


def finished(app: object) -> bool:
    from srs_dl.tui.screens.review import ReviewScreen

    screen = app.screen  # type: ignore[attr-defined]
    return isinstance(screen, ReviewScreen) and bool(screen.finished)


async def until(pilot: object, predicate: object) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while not predicate():  # type: ignore[operator]
        if loop.time() > deadline:
            raise SystemExit("app_driver: timed out")
        await pilot.pause(0.02)  # type: ignore[attr-defined]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def main(db: Path, today: dt.date, deck: str) -> None:
    from srs_dl.config import Config
    from srs_dl.tui.app import make_app

    app = make_app(db, today, Config(), mode="review", arg=deck, seed=1)
    loop = asyncio.get_running_loop()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: shown_card(app) is not None)
        say(f"READY {shown_card(app)}")
        while True:
            line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
            if not line:
                return
            if line[0] == "grade":
                card = shown_card(app)
                await pilot.press("space")
                await pilot.press(line[1])
                await until(
                    pilot,
                    lambda card=card: finished(app) or shown_card(app) not in (None, card),
                )
                say(f"ACK {card}" if not finished(app) else f"ACK {card}\nDONE")
            elif line[0] == "rescan":
                app.rescan_done.clear()
                app.start_rescan()
                await until(pilot, app.rescan_done.is_set)
                say("RESCANNED")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2]), sys.argv[3]))
