"""The import summary counts every schedule read from the notes (issue 21, item 7):
a first import's cards whose comments gave them a schedule, an adopted orphaned
comment too, not only schedules changed in a known note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from srs_dl.config import Config
from srs_dl.services.importing.importer import import_paths
from srs_dl.store.db import connect

TODAY = dt.date(2025, 3, 1)

NOTE = """#flashcards

Scheduled::yes
<!--SR:!2025-03-04,3,250-->

Adopted::a blank line cuts its comment off

<!--SR:!2025-03-05,4,250-->

New::no comment
"""


def test_a_first_import_counts_the_schedules_it_read(tmp_path: Path) -> None:
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / "n.md").write_text(NOTE, encoding="utf-8")
    conn = connect(tmp_path / "deck.db")
    summary = import_paths(conn, [tmp_path / "v"], flags={}, config=Config(), today=TODAY)
    assert any("adopted by the card" in w for w in summary.warnings), summary.warnings
    assert summary.schedules_from_notes == 2
    assert "2 schedules from notes" in summary.line()
    # Unchanged: nothing read again.
    again = import_paths(conn, [tmp_path / "v"], flags={}, config=Config(), today=TODAY)
    assert again.schedules_from_notes == 0 and "0 schedules from notes" in again.line()
    conn.close()


def test_one_schedule_is_singular(tmp_path: Path) -> None:
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / "n.md").write_text(NOTE.split("\n\nAdopted")[0] + "\n", encoding="utf-8")
    conn = connect(tmp_path / "deck.db")
    summary = import_paths(conn, [tmp_path / "v"], flags={}, config=Config(), today=TODAY)
    assert "; 1 schedule from notes;" in summary.line()
    conn.close()
