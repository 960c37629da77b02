"""What a review shows and allows at a moment, as one value (`ReviewView`).

The review screen renders it and asks it which actions fit; each event of the session
(a card shown, the answer revealed, a drill checked, the session over) gives the next
value through one of its methods. The rules live here once, testable without Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from srs_dl.core.scheduling.sm2 import BUTTONS as GRADES
from srs_dl.store.cards import CardRow

if TYPE_CHECKING:
    # For the annotations only: the drills load NumPy, which a review of plain cards
    # never needs, and drill_cards reads RIGHT_GRADES from here.
    from srs_dl.core.drills import Drill
    from srs_dl.services.review.drill_cards import DrillAnswer

__all__ = ["RIGHT_GRADES", "CardRow", "ReviewView"]

#: What a right drill answer may still be graded (a wrong one is Again already).
RIGHT_GRADES = ("hard", "good", "easy")

#: Actions that need a card (or drill) on screen.
_ON_A_CARD = ("reveal", "grade", "bury", "suspend", "edit")


@dataclass(frozen=True, slots=True)
class ReviewView:
    #: The card shown; None: free practice, the summary or loading.
    card: CardRow | None = None
    #: The drill shown, for a drill card or free practice.
    drill: Drill | None = None
    #: Button labels: grade -> interval ("Good 8d").
    intervals: Mapping[str, str] = field(default_factory=dict)
    note_path: str | None = None
    revealed: bool = False
    #: The checked answer of the drill card shown.
    checked: DrillAnswer | None = None
    #: The drill's answer was right (None: not checked yet).
    drill_ok: bool | None = None
    #: The session is working (a grade, the next card): keys wait for it.
    busy: bool = True
    #: The session is over: its summary shows.
    finished: bool = False
    can_undo: bool = False

    # -- the next value --------------------------------------------------------------------
    def showing(
        self,
        card: CardRow | None,
        intervals: Mapping[str, str],
        note_path: str | None,
        drill: Drill | None,
        can_undo: bool,
    ) -> ReviewView:
        """A card (or drill) arrived; still busy until the screen has drawn it."""
        return ReviewView(card, drill, intervals, note_path, busy=self.busy, can_undo=can_undo)

    def working(self) -> ReviewView:
        return replace(self, busy=True)

    def idle(self) -> ReviewView:
        return replace(self, busy=False)

    def reveal(self) -> ReviewView:
        return replace(self, revealed=True)

    def answer_checked(
        self, checked: DrillAnswer | None, ok: bool | None, graded: bool
    ) -> ReviewView:
        """A drill's answer came back (`ok` None: not readable, type it again)."""
        return replace(
            self,
            busy=False,
            checked=checked,
            drill_ok=self.drill_ok if ok is None else ok,
            can_undo=self.can_undo or graded,
        )

    def done(self, can_undo: bool) -> ReviewView:
        """The session is over."""
        return ReviewView(finished=True, can_undo=can_undo, busy=False)

    # -- what fits -------------------------------------------------------------------------
    def allowed_grades(self) -> tuple[str, ...]:
        if self.drill is not None:
            return RIGHT_GRADES if self.drill_ok else ()
        return GRADES if self.revealed else ()

    def can_go_on(self) -> bool:
        """A checked drill with no grade left to choose: answered wrong (graded Again
        when checked), or free practice (never graded)."""
        return (
            self.drill is not None
            and self.drill_ok is not None
            and (self.card is None or self.drill_ok is False)
        )

    def available(self, action: str, parameters: tuple[object, ...] = ()) -> bool:
        """Whether `action` makes sense right now (the command palette offers only these)."""
        if self.busy:
            return False
        shown = self.card is not None
        if action == "reveal":
            return shown and not self.revealed and self.drill is None
        if action == "next":
            return self.can_go_on()
        if action == "grade":
            return shown and parameters[0] in self.allowed_grades()
        if action in ("bury", "suspend"):
            return shown
        if action == "edit":
            return shown and self.note_path is not None
        if action == "undo":
            return self.can_undo
        return True

    def in_footer(self, action: str, parameters: tuple[object, ...]) -> bool:
        """Whether the footer lists `action`. Coarser than `available` on purpose: the
        footer keeps the same keys from card to card (each change rebuilds it, tens of
        ms, more than showing a card); a drill card moves the focus, which rebuilds the
        footer anyway, so there it can differ."""
        if self.finished and action in _ON_A_CARD:
            return False  # the summary
        if action == "next":
            return self.can_go_on()
        if self.drill is not None:
            if action == "grade":
                # Only what the checked answer allows: nothing before the check or after a
                # wrong answer (Again already), Hard / Good / Easy after a right one.
                return self.card is not None and parameters[0] in self.allowed_grades()
            return action not in ("reveal", "edit") and (
                self.card is not None or action not in ("bury", "suspend")
            )
        return True
