"""A real deck for the TUI tests: a small vault written here, imported with the
real importer into a SQLite file in tmp_path, and helpers to drive the app."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from srs_dl.config import Config, ReviewSettings
from srs_dl.core.drills.formatting import answer_text
from srs_dl.store.db import connect

TODAY = dt.date(2025, 3, 1)
SEED = 7

DL_NOTE = """\
#flashcards/dl

## Optimisers

What does Adam combine?::Momentum and RMSprop, both bias-corrected: $\\hat v_t = v_t / (1 - \\beta_1^t)$
<!--SR:!2025-02-27,3,250-->

What does bias correction divide by?::$1 - \\beta^t$
<!--SR:!2025-02-28,4,250-->

Not due yet::an answer
<!--SR:!2025-03-20,10,250-->

Write the RMSprop update
?
S = beta * S + (1 - beta) * dW^2
W = W - lr * dW / (sqrt(S) + eps)
"""

READING_NOTE = """\
---
sr-due: 2025-02-25
sr-interval: 4
sr-ease: 250
---
#review

# Why Adam works

Adam keeps two running averages:

- the **first moment** (momentum), and
- the **second moment** (RMSprop).

Both start at zero, so both are bias-corrected early on.
"""


@dataclass
class Deck:
    db: Path
    vault: Path
    config: Config

    def conn(self) -> sqlite3.Connection:
        return connect(self.db)

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        conn = self.conn()
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


def write_vault(root: Path) -> Path:
    vault = root / "vault"
    vault.mkdir(parents=True)
    (vault / "dl.md").write_text(DL_NOTE, encoding="utf-8")
    (vault / "reading.md").write_text(READING_NOTE, encoding="utf-8")
    return vault


def make_deck(tmp_path: Path, *, writeback: str = "immediate", imported: bool = True) -> Deck:
    """The vault imported with the real importer (unless `imported` is False)."""
    from srs_dl.services.importing.importer import import_paths

    vault = write_vault(tmp_path)
    config = Config(review=ReviewSettings(writeback=writeback))
    db = tmp_path / "deck.db"
    conn = connect(db)
    try:
        if imported:
            summary = import_paths(conn, [vault], flags={}, config=config, today=TODAY)
            assert not summary.warnings, summary.warnings
    finally:
        conn.close()
    return Deck(db, vault, config)


def typed(answer: object) -> str:
    """An answer as the learner types it, to 12 significant figures. Not repr: NumPy's
    SIMD power and log differ in the last bit between CPUs (AVX-512 or not), and a
    snapshot of the typed text must read the same on every machine."""
    return answer_text(answer, lambda x: f"{x:.12g}")  # type: ignore[arg-type]


def wrong_answer(answer: object) -> object:
    """An answer of the right shape, far outside any tolerance."""
    if isinstance(answer, int):
        return answer + 7
    if isinstance(answer, float):
        return answer * 3 + 1
    if isinstance(answer, list) and answer and isinstance(answer[0], list):
        return [[x * 3 + 1 for x in row] for row in answer]
    return [x * 3 + 1 for x in answer]  # type: ignore[attr-defined]


def app_for(deck: Deck, *, mode: str = "decks", arg: str | None = None):  # noqa: ANN201
    from srs_dl.tui.app import make_app

    return make_app(deck.db, TODAY, deck.config, mode=mode, arg=arg, seed=SEED)


async def wait_for(
    pilot: object, predicate: Callable[[], object], timeout: float = 10.0, what: str = "condition"
) -> None:
    """Let the app run until `predicate()` holds (workers report through messages)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)  # type: ignore[attr-defined]


def review_ready(app: object) -> bool:
    """The review (or practice) screen shows a card and takes keys."""
    from srs_dl.tui.screens.review import ReviewScreen

    screen = app.screen  # type: ignore[attr-defined]
    return isinstance(screen, ReviewScreen) and screen.card is not None and not screen.busy


def run_async(test: Callable[..., object]) -> Callable[..., None]:
    """Run an async test function with asyncio.run (no asyncio pytest plugin needed)."""
    import functools
    import inspect

    @functools.wraps(test)
    def wrapper(*args: object, **kwargs: object) -> None:
        asyncio.run(test(*args, **kwargs))  # type: ignore[arg-type]

    wrapper.__signature__ = inspect.signature(test)  # type: ignore[attr-defined]
    return wrapper
