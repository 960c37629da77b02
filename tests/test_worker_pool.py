"""The importer's process pool: results in order, errors and dead workers reported
(never a hang), workers gone when it stops."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from srs_dl.services.importing.worker_pool import WorkerError, ordered_map

_STATE: dict[str, int] = {}


def _init(offset: int) -> None:
    _STATE["offset"] = offset


def _work(item: int) -> tuple[int, int]:
    # Uneven work, so results come back out of order.
    time.sleep(0.002 * (item % 5))
    return item, item * item + _STATE["offset"]


def _fail_on_seven(item: int) -> int:
    if item == 7:
        raise ValueError("seven is not welcome")
    return item


def _die_on_seven(item: int) -> int:
    if item == 7:
        os._exit(3)
    return item


def _map(fn, items, method="fork", workers=2):  # type: ignore[no-untyped-def]
    return ordered_map(
        fn, items, workers=workers, initializer=_init, initargs=(100,), method=method
    )


def _no_children_left() -> bool:
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.02)
    return not multiprocessing.active_children()


@pytest.mark.parametrize("workers", [2, 3])
def test_results_come_in_input_order(workers: int) -> None:
    items = list(range(40))
    assert list(_map(_work, items, workers=workers)) == [(i, i * i + 100) for i in items]
    assert _no_children_left()


def test_clean_workers_started_without_fork() -> None:
    """The TUI imports from a thread: its workers start clean (forkserver)."""
    items = list(range(12))
    assert list(_map(_work, items, method="forkserver")) == [(i, i * i + 100) for i in items]
    assert _no_children_left()


def test_an_error_in_a_worker_is_raised_with_its_traceback() -> None:
    got: list[int] = []
    with pytest.raises(WorkerError, match="seven is not welcome"):
        for value in _map(_fail_on_seven, list(range(20))):
            got.append(value)
    assert got == list(range(7))
    assert _no_children_left()


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    started = time.monotonic()
    with pytest.raises(WorkerError, match="died"):
        list(_map(_die_on_seven, list(range(20))))
    assert time.monotonic() - started < 30
    assert _no_children_left()


def test_stopping_early_stops_the_workers() -> None:
    results = _map(_work, list(range(200)))
    assert next(results) == (0, 100)
    results.close()  # type: ignore[attr-defined]
    assert _no_children_left()
