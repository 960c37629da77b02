"""Generated numeric drills (contract: shared/specs/drills.md).

generate(kind, rng) -> Drill; check(drill, text) -> CheckResult;
drills_jsonl / drills_markdown for `srs-dl drills`; kinds_for_heading to link
note sections to drill kinds.
"""

from __future__ import annotations

import importlib
from typing import Any

# Names resolve on first use (PEP 562): the importer needs only the heading
# table, and importing every generator would load NumPy into each parse worker.
_HOME = {
    "AnswerError": "answers",
    "CheckResult": "answers",
    "check": "answers",
    "parse_answer": "answers",
    "KINDS": "catalog",
    "DrillError": "catalog",
    "build": "catalog",
    "drill_series": "catalog",
    "generate": "catalog",
    "rng_for": "catalog",
    "topic_for": "catalog",
    "Answer": "drill",
    "Drill": "drill",
    "Mistake": "drill",
    "StepsTable": "drill",
    "DEFAULT_HEADING_KINDS": "headings",
    "kinds_for_heading": "headings",
    "drill_json": "output",
    "drills_jsonl": "output",
    "drills_markdown": "output",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_HEADING_KINDS",
    "KINDS",
    "Answer",
    "AnswerError",
    "CheckResult",
    "Drill",
    "DrillError",
    "Mistake",
    "StepsTable",
    "build",
    "check",
    "drill_json",
    "drill_series",
    "drills_jsonl",
    "drills_markdown",
    "generate",
    "kinds_for_heading",
    "parse_answer",
    "rng_for",
    "topic_for",
]
