"""Reviewing drill cards: fresh numbers at every review, the typed answer checked.

A drill card (kind 'drill') only names a drill kind; each review draws its
numbers from a generator seeded with (card id, reps), so the drill shown and
the drill checked are the same, and the next review brings new numbers. A
wrong answer is graded Again at once; a right one lets the learner choose
Hard, Good or Easy. The log's detail keeps the inputs, the typed answer, the
correct answer and whether it was right, so a review can be re-checked later.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from srs_dl.config import Config
from srs_dl.core.drills import CheckResult, Drill, check, generate
from srs_dl.services.review import grading as rv
from srs_dl.store.cards import CardRow

#: What a right answer may be graded (a wrong one is always Again).
RIGHT_RESPONSES = ("hard", "good", "easy")

#: Keep the log small whatever is pasted into the answer box.
_MAX_TYPED = 2000

Grader = Callable[..., rv.GradeResult]


class DrillCardError(Exception):
    """Not a drill card, or a grade that does not fit the answer; one line."""


def drill_for(card: CardRow) -> Drill:
    """The drill this card shows now (the same until the card is graded)."""
    if card.kind != "drill" or not card.drill_kind:
        raise DrillCardError(f"card {card.id}: not a drill card")
    return generate(card.drill_kind, np.random.default_rng([card.id, card.reps]))


@dataclass(frozen=True, slots=True)
class DrillAnswer:
    drill: Drill
    result: CheckResult
    #: The log detail a grade of this answer records.
    detail: dict[str, Any]
    #: Set when the answer was wrong: the Again review already made.
    graded: rv.GradeResult | None = None

    @property
    def needs_grade(self) -> bool:
        """Right: the learner now picks Hard, Good or Easy (grade_right)."""
        return self.result.ok is True


def _jsonable(value: Any) -> Any:
    """Answers as JSON: non-finite numbers (never accepted, but typed) as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def detail_of(drill: Drill, typed: str, result: CheckResult) -> dict[str, Any]:
    return {
        "kind": drill.kind,
        "params": drill.params,
        "typed": typed if len(typed) <= _MAX_TYPED else typed[:_MAX_TYPED] + "…",
        "value": _jsonable(result.value),
        "answer": _jsonable(drill.answer),
        "correct": result.ok,
        "mistake": result.mistake,
    }


def answer(
    conn: sqlite3.Connection,
    config: Config,
    today: dt.date,
    card: CardRow,
    text: str,
    *,
    grade: Grader | None = None,
) -> DrillAnswer:
    """Check `text` against the card's drill.

    Not an answer (ok None): nothing is graded, the message says why. Wrong: the
    card is graded Again now. Right: nothing yet; call grade_right with the
    learner's choice. `grade` is the grading function to use (a ReviewSession's
    `grade`, so its queue follows); by default the plain service.
    """
    drill = drill_for(card)
    result = check(drill, text)
    detail = detail_of(drill, text, result)
    if result.ok is False:
        graded = _grade(conn, config, today, card.id, "again", detail, grade)
        return DrillAnswer(drill, result, detail, graded)
    return DrillAnswer(drill, result, detail)


def grade_right(
    conn: sqlite3.Connection,
    config: Config,
    today: dt.date,
    card: CardRow,
    checked: DrillAnswer,
    response: str,
    *,
    grade: Grader | None = None,
) -> rv.GradeResult:
    """Grade a rightly answered drill Hard, Good or Easy, its detail logged."""
    if checked.result.ok is not True:
        raise DrillCardError(f"card {card.id}: the answer was not right; it is graded again")
    resp = response.strip().lower()
    if resp not in RIGHT_RESPONSES:
        raise DrillCardError(f"{response!r}: a right answer is graded hard, good or easy")
    return _grade(conn, config, today, card.id, resp, checked.detail, grade)


def _grade(
    conn: sqlite3.Connection,
    config: Config,
    today: dt.date,
    card_id: int,
    response: str,
    detail: Mapping[str, Any],
    grade: Grader | None,
) -> rv.GradeResult:
    if grade is not None:
        return grade(card_id, response, drill_detail=detail)
    return rv.grade(conn, config, today, card_id, response, detail=detail)
