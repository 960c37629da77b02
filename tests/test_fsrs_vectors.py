"""FSRS against vectors computed by the plugin's own code path (tests/data/README.md).

Each review starts from the group as the note holds it (or no group, or an SM-2
group), is graded at the vector's time, and must give the plugin's group byte for
byte and every field equal.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from srs_dl.core.notes.fsrs_group import format_fsrs_group, parse_fsrs_group, parse_time
from srs_dl.core.notes.sr_comment import parse_date
from srs_dl.core.scheduling import fsrs, fsrs_from_sm2

VECTORS = json.loads((Path(__file__).parent / "data" / "fsrs_vectors.json").read_text())
SEQUENCES: list[dict[str, Any]] = VECTORS["sequences"]


def _before(group: str | None) -> fsrs.FsrsSchedule | None:
    if group is None:
        return None
    if group.startswith("fsrs,"):
        return parse_fsrs_group(group)
    date_s, ivl, ease = group.split(",")
    # The harness ran in UTC: the SM-2 due day starts at UTC midnight.
    due = dt.datetime.combine(parse_date(date_s), dt.time(0, tzinfo=dt.UTC))
    return fsrs_from_sm2.from_sm2(due, float(ivl), int(ease))


def test_vectors_state_their_origin() -> None:
    origin = VECTORS["origin"]
    assert origin["ts-fsrs"] == "5.4.1"
    assert "22fbea0a" in origin["plugin"]
    assert sum(len(s["reviews"]) for s in SEQUENCES) > 1000


@pytest.mark.parametrize("seq", SEQUENCES, ids=[s["name"] for s in SEQUENCES])
def test_sequence_matches_plugin(seq: dict[str, Any]) -> None:
    params = fsrs.FsrsParameters(
        desired_retention=seq["desired_retention"], maximum_interval=seq["maximum_interval"]
    )
    for i, step in enumerate(seq["reviews"]):
        card = _before(step["before"])
        after = fsrs.review(card, step["rating"], parse_time(step["now"]), params)
        where = f"review {i} at {step['now']} rated {step['rating']} from {step['before']}"
        want = step["fields"]
        got = {
            "due": after.due.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{after.due.microsecond // 1000:03d}Z",
            "interval": after.interval,
            "stability": after.stability,
            "difficulty": after.difficulty,
            "state": int(after.state),
            "reps": after.reps,
            "lapses": after.lapses,
            "learning_steps": after.learning_steps,
            "last_review": step["now"] if after.last_review == parse_time(step["now"]) else "?",
        }
        assert got == want, where
        assert format_fsrs_group(after) == step["after"], where
        # What the plugin wrote reads back to the same state.
        assert parse_fsrs_group(step["after"]) == after, where
