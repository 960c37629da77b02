"""Issue 10: SIGKILL at random moments during grade, import and sync loses nothing."""

from __future__ import annotations

from pathlib import Path

from crash_harness import crash_rounds, finish_and_verify, make_vault


def test_fifty_kills_lose_nothing(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    make_vault(vault, notes=5, cards_per_note=12, seed=3)
    db = tmp_path / "deck.db"
    outcome = crash_rounds(vault, db, kills=50, seed=11, max_delay=1.2)
    assert outcome.problems == []
    assert outcome.kills == 50
    # Every command was killed at least once, or the harness proves little.
    assert set(outcome.by_command) == {"grade", "import", "sync"}, outcome.by_command
    assert finish_and_verify(vault, db) == []
