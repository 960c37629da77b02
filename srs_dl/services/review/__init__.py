"""Reviewing: grading a card, burying, suspending (`grading`), the session the TUI walks
(`session`), drill cards (`drill_cards`), whole-note review (`note_review`) and the one
undo stack of both (`undo`).

The names below are the use cases the CLI and the TUI call on cards.
"""

from srs_dl.services.review.grading import (
    GradeResult,
    ReviewError,
    build_queue,
    bury,
    check_cards,
    grade,
    grade_cards,
    history,
    reset,
    review_card,
    suspend,
    undo_entry,
    unsuspend,
)
from srs_dl.services.review.session import ReviewSession
from srs_dl.services.review.undo import undo_last

__all__ = [
    "GradeResult",
    "ReviewError",
    "ReviewSession",
    "build_queue",
    "bury",
    "check_cards",
    "grade",
    "grade_cards",
    "history",
    "reset",
    "review_card",
    "suspend",
    "undo_entry",
    "undo_last",
    "unsuspend",
]
