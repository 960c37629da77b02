"""A review session owned by one worker thread.

A ReviewSession holds a SQLite connection and the session's state (the queue,
the cards answered Again, the undo stack). A connection cannot cross threads,
and each Textual thread worker runs in a thread of its own, so the session
lives in one long-running worker that takes jobs from a queue, runs them in
order, and reports through messages. The loop checks for cancellation while
idle, so leaving the screen or quitting ends it promptly.
"""

from __future__ import annotations

import queue
import sqlite3
from collections.abc import Callable
from typing import Generic, TypeVar

from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from srs_dl.tui.messages import WorkerFailed

State = TypeVar("State")
Job = Callable[[State], None]

_STOP = object()


class SessionThread(Generic[State]):
    def __init__(
        self,
        target: MessagePump,
        open_conn: Callable[[], sqlite3.Connection],
        setup: Callable[[sqlite3.Connection], State | None],
    ) -> None:
        self.target = target
        self._open = open_conn
        self._setup = setup
        self._jobs: queue.Queue[object] = queue.Queue()

    def submit(self, job: Job[State]) -> None:
        """Run `job(state)` in the session's thread, after the jobs before it."""
        self._jobs.put(job)

    def stop(self) -> None:
        self._jobs.put(_STOP)

    def run(self) -> None:
        """The worker's body."""
        worker = get_current_worker()
        try:
            conn = self._open()
        except Exception as exc:
            self.target.post_message(WorkerFailed(_line(exc)))
            return
        try:
            state = self._setup(conn)
            if state is None:
                return
            while not worker.is_cancelled:
                try:
                    job = self._jobs.get(timeout=0.1)
                except queue.Empty:
                    continue
                if job is _STOP:
                    break
                try:
                    job(state)  # type: ignore[operator]
                except Exception as exc:
                    self.target.post_message(WorkerFailed(_line(exc)))
        except Exception as exc:
            self.target.post_message(WorkerFailed(_line(exc)))
        finally:
            conn.close()


def _line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
