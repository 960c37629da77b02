"""An ordered map over worker processes: the little of a process pool the importer needs.

multiprocessing.Pool did this before. Its maintenance thread also wakes whenever a
result waits in the pipe, and spins while the result thread reads it: on a
10,000-note import that cost the main process 0.13-0.16 s of CPU, taken from the
workers on a two-core machine. And a worker that dies (killed, out of memory) left
Pool waiting for its result forever; here it is an error.

Each worker has a duplex pipe of its own and at most DEPTH chunks in flight. One
thread in the calling process receives results and hands out the next chunks; the
caller gets the results in input order.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

#: Chunks given to a worker before its first result is back: the next one is at
#: hand when it finishes one, so it never waits on the calling process.
DEPTH = 2


class WorkerError(RuntimeError):
    """A worker raised, or died."""


def _serve(
    conn: Connection,
    fn: Callable[[Any], Any],
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> None:
    initializer(*initargs)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the calling process is gone
        if message is None:
            return
        index, item = message
        try:
            reply = (index, True, fn(item))
        except BaseException as exc:  # reported to the caller, which raises it
            reply = (index, False, "".join(traceback.format_exception(exc)).rstrip())
        try:
            conn.send(reply)
        except OSError:
            return  # the calling process is gone


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
    ctx = multiprocessing.get_context(method)
    conns: list[Connection] = []
    procs = []
    for _ in range(workers):
        mine, theirs = ctx.Pipe(duplex=True)
        # Every concrete context has Process; typeshed's BaseContext does not say so.
        proc = ctx.Process(  # type: ignore[attr-defined]
            target=_serve, args=(theirs, fn, initializer, initargs), daemon=True
        )
        proc.start()
        theirs.close()
        conns.append(mine)
        procs.append(proc)
    done: dict[int, tuple[bool, Any]] = {}
    ready = threading.Condition()
    stop = threading.Event()
    failure: list[str] = []

    def receive() -> None:
        # Only this thread sends and receives once the workers run.
        next_item = 0
        owner = dict(zip(conns, procs, strict=True))
        busy = dict.fromkeys(conns, 0)

        def died(conn: Connection) -> WorkerError:
            proc = owner[conn]
            proc.join(1)
            return WorkerError(f"an import worker process died (exit code {proc.exitcode})")

        def give(conn: Connection) -> None:
            nonlocal next_item
            if next_item < len(items) and not stop.is_set():
                try:
                    conn.send((next_item, items[next_item]))
                except OSError:
                    raise died(conn) from None
                busy[conn] += 1
                next_item += 1

        try:
            for conn in conns:
                for _ in range(DEPTH):
                    give(conn)
            while any(busy.values()) and not stop.is_set():
                for got in wait([c for c in conns if busy[c]], timeout=0.5):
                    assert isinstance(got, Connection)
                    conn = got
                    try:
                        index, ok, value = conn.recv()
                    except (EOFError, OSError):
                        raise died(conn) from None
                    busy[conn] -= 1
                    give(conn)
                    with ready:
                        done[index] = (ok, value)
                        ready.notify()
        except BaseException as exc:
            with ready:
                failure.append(str(exc))
                ready.notify()

    thread = threading.Thread(target=receive, name="srs-dl import results", daemon=True)
    thread.start()
    finished = False
    try:
        for index in range(len(items)):
            with ready:
                while index not in done and not failure:
                    ready.wait()
                if index not in done:
                    raise WorkerError(failure[0])
                ok, value = done.pop(index)
            if not ok:
                raise WorkerError(f"an import worker failed:\n{value}")
            yield value
        finished = True
    finally:
        stop.set()
        thread.join()
        for proc, conn in zip(procs, conns, strict=True):
            if finished:
                with contextlib.suppress(OSError):  # every result is in: each waits for a chunk
                    conn.send(None)
            else:
                proc.terminate()  # stopped early: chunks in flight are not wanted
        for proc in procs:
            proc.join()
        for conn in conns:
            conn.close()
