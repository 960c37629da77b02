"""Concurrent use (issue 10): writers wait for each other, a lock that outlasts every
retry is one clear line, and no review is lost."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from review_support import TODAY, add_card, config, day, open_db

from srs_dl.services import review as rv
from srs_dl.store.db import StoreError


def test_a_grade_waits_for_another_writer(tmp_path):
    conn = open_db(tmp_path)
    cid = add_card(conn, due=day(0))
    other = sqlite3.connect(tmp_path / "deck.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.4, lambda: other.execute("COMMIT"))
    release.start()
    started = time.perf_counter()
    result = rv.grade(conn, config(), TODAY, cid, "good")
    assert time.perf_counter() - started >= 0.3
    assert result.after.reps == 1
    release.join()
    other.close()
    conn.close()


def test_a_lock_held_past_every_retry_is_one_line_and_changes_nothing(tmp_path):
    conn = open_db(tmp_path)
    cid = add_card(conn, due=day(0))
    conn.execute("PRAGMA busy_timeout = 20")
    other = sqlite3.connect(tmp_path / "deck.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreError) as info:
        rv.grade(conn, config(), TODAY, cid, "good")
    assert "busy" in str(info.value) and "\n" not in str(info.value)
    other.execute("ROLLBACK")
    other.close()
    assert conn.execute("SELECT reps FROM cards WHERE id = ?", (cid,)).fetchone()[0] == 0
    assert not conn.in_transaction
    conn.close()


def test_processes_grading_at_once_lose_nothing(tmp_path):
    conn = open_db(tmp_path)
    ids = [add_card(conn, due=day(-1), front=str(i)) for i in range(60)]
    conn.close()
    env = {
        **os.environ,
        "SRS_DL_DB": str(tmp_path / "deck.db"),
        "SRS_DL_TODAY": TODAY.isoformat(),
        "SRS_DL_CONFIG": str(tmp_path / "none.toml"),
    }
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "srs_dl", "grade", "good", "--json", *map(str, ids[k::4])],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(4)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [e for _, e in outs]
    assert all(err == "" for _, err in outs)
    assert sum(len(out.splitlines()) for out, _ in outs) == len(ids)
    conn = open_db(tmp_path)
    assert conn.execute("SELECT count(*) FROM cards WHERE reps = 1").fetchone()[0] == len(ids)
    assert conn.execute("SELECT count(*) FROM log WHERE action = 'review'").fetchone()[0] == 60
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
