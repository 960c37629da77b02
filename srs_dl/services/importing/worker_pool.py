"""An ordered map over worker processes, on concurrent.futures.ProcessPoolExecutor.

The pool of our own this replaces (pipes, a receiver thread, a condition variable)
was written because multiprocessing.Pool's maintenance thread spun while results
arrived (0.13-0.16 s of the main process's CPU on a 10,000-note import) and hung on
a dead worker. ProcessPoolExecutor does neither. On that import (120,274 cards, two
cores shared with other work, load average 4.4; three runs each, alternating, in one
session; medians) the main process took 0.74 s of CPU with it, 0.71 s with ours;
the workers 2.23 s against 2.28 s; wall time 5.4 s against 6.1 s: differences
inside the noise. A dead worker is BrokenProcessPool, raised here as WorkerError.

At most DEPTH items per worker are in flight, so the results the caller has not
taken yet (a chunk's cards, serialized) never pile up in memory.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

#: Items given to a worker before its first result is back: the next one is at
#: hand when it finishes one, so it never waits on the calling process.
DEPTH = 2


class WorkerError(RuntimeError):
    """A worker raised, or died."""


def _remote_text(exc: BaseException) -> str:
    # concurrent.futures chains the worker's formatted traceback as the cause.
    cause = exc.__cause__
    text = str(cause) if cause is not None else ""
    return f"{type(exc).__name__}: {exc}\n{text}".rstrip()


def ordered_map(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    method: str,
) -> Iterator[Any]:
    """fn(item) for every item, run in `workers` processes (started with `method`),
    yielded in the order of `items`. Closing the iterator early stops the workers."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=initializer,
        initargs=initargs,
    )
    pending: deque[Future[Any]] = deque()
    upcoming = iter(items)

    def submit_next() -> None:
        for item in upcoming:
            pending.append(pool.submit(fn, item))
            return

    try:
        try:
            while len(pending) < DEPTH * workers and len(pending) < len(items):
                submit_next()
            while pending:
                future = pending.popleft()
                try:
                    result = future.result()
                except BrokenProcessPool:
                    raise
                except Exception as exc:
                    raise WorkerError(_remote_text(exc)) from None
                submit_next()
                yield result
        except BrokenProcessPool:
            # From result() or from submit(): a worker died (killed, out of memory).
            raise WorkerError("an import worker process died") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
