"""`srs-dl drills --json`: one JSON object per line (the drills contract)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from srs_dl.core.drills.catalog import drill_series
from srs_dl.core.drills.drill import Drill


def drill_json(drill: Drill) -> str:
    """One line; floats in their shortest exact form, so answers are the exact float64."""
    return json.dumps(drill.to_json(), ensure_ascii=False, allow_nan=False)


def drills_jsonl(count: int, seed: int, kinds: Sequence[str] | None = None) -> str:
    """`count` lines covering `kinds` (all when None) in turn; the same count
    and seed always give the same bytes."""
    return "".join(drill_json(d) + "\n" for d in drill_series(count, seed, kinds))
