"""Generated numeric drills (contract: shared/specs/drills.md).

generate(kind, rng) -> Drill; check(drill, text) -> CheckResult;
drills_jsonl / drills_markdown for `srs-dl drills`; kinds_for_heading to link
note sections to drill kinds.
"""

from srs_dl.core.drills.answers import AnswerError, CheckResult, check, parse_answer
from srs_dl.core.drills.catalog import (
    KINDS,
    DrillError,
    build,
    drill_series,
    generate,
    rng_for,
    topic_for,
)
from srs_dl.core.drills.drill import Answer, Drill, Mistake, StepsTable
from srs_dl.core.drills.headings import DEFAULT_HEADING_KINDS, kinds_for_heading
from srs_dl.core.drills.output import drill_json, drills_jsonl, drills_markdown

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
