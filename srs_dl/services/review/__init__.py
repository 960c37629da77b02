"""Reviewing: grading a card, burying, suspending, undoing (`grading`), the session the
TUI walks (`session`), drill cards (`drill_cards`) and whole-note review (`note_review`).

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
    undo_last,
    unsuspend,
)
from srs_dl.services.review.session import ReviewSession

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
