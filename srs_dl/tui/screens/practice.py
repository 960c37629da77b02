"""Practice: numeric drills. First the drill cards due today (deck `drills`, or
the chosen kind's drill cards in every deck), graded like any review (a wrong answer is Again); then free practice: fresh
numbers for the kind chosen (or every kind in turn), checked and explained,
not graded: enter (or n) after the check brings the next one; m switches free
practice between formula mode (the prompt states the rule) and recall mode (only
its name and convention). Drill cards pick their mode from their history (the
drill-card service). Drills come from srs_dl.core.drills; this screen only renders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.widgets import Label

from srs_dl.core.screen_text import screen_text
from srs_dl.tui.messages import CardShown
from srs_dl.tui.screens.review import ReviewScreen
from srs_dl.tui.widgets.grade_bar import GradeBar

if TYPE_CHECKING:
    import sqlite3

    from srs_dl.services.review.session import ReviewSession

DRILL_DECK = "drills"


class PracticeScreen(ReviewScreen):
    AREA = "practice"
    TITLE = "Practice"
    CSS_PATH = ["review.tcss", "practice.tcss"]
    BINDINGS = [
        Binding(
            "n",
            "next_drill",
            "Next drill",
            id="practice-next",
            tooltip="A new drill with fresh numbers (free practice is not graded).",
        ),
        Binding(
            "k",
            "choose_kind",
            "Kind",
            id="practice-kind",
            tooltip="Choose which kind of drill to practise.",
        ),
        Binding(
            "m",
            "switch_mode",
            "Formula/recall",
            id="practice-mode",
            tooltip="Free practice: the prompt with the formula, or recall (name and convention only).",
        ),
    ]

    #: Free practice's prompt mode ("formula" or "recall").
    free_mode = "formula"
    #: Free drills drawn in this session (the session thread's alone: it numbers them).
    drawn = 0

    def _wanted(self) -> tuple[int, str | None]:
        return self.srs.practice_request, self.srs.practice_kind

    def _setup(self, conn: sqlite3.Connection) -> ReviewSession | None:
        from textual.worker import get_current_worker

        from srs_dl.services.review.session import ReviewSession

        worker = get_current_worker()
        while not self.srs.rescan_done.wait(0.1):
            if worker.is_cancelled:
                return None
        # Due drill cards first (graded): the deck `drills`, or for a chosen kind that
        # kind's drill cards in every deck (a note's deck holds them too).
        if self.deck is None:
            session = ReviewSession(conn, self.env.config, self.env.today, deck=DRILL_DECK)
        else:
            session = ReviewSession(conn, self.env.config, self.env.today, drill_kind=self.deck)
        self.drawn = 0
        self._post_next(session)
        return session

    def _post_next(self, session: ReviewSession) -> None:
        """In the session thread: the next due drill card, then free drills."""
        card = session.next_card()
        if card is not None:
            self._post_card(session, card)
        else:
            self._post_free()

    def _post_free(self) -> None:
        from srs_dl.core.drills import KINDS, generate, rng_for

        kind = self.deck or KINDS[self.drawn % len(KINDS)]
        drill = generate(kind, rng_for(self.env.seed, self.drawn), self.free_mode)
        self.drawn += 1
        self.post_message(CardShown(None, {}, 0, 0, None, drill))

    def _show_status(self, event: CardShown) -> None:
        drill = event.drill
        if event.card is not None or drill is None:
            super()._show_status(event)
            self.query_one("#review-progress", Label).update(
                f"[b]{event.left}[/b] drill card{'s' if event.left != 1 else ''} due"
            )
            return
        self.query_one("#review-progress", Label).update(
            f"Free practice · [b]{screen_text(drill.topic, markup=True)}[/b]"
        )
        self.query_one("#review-where", Label).update(
            f"kind [b]{screen_text(self.deck or 'all, in turn', markup=True)}[/b] · not graded · "
            f"[b]{drill.mode}[/b] mode (m: switch)"
        )

    def _after_check(self) -> None:
        if self.card is not None:
            super()._after_check()
            return
        self.query_one(GradeBar).show(
            "next", next_label="Next drill (enter)", hint="k: choose the kind"
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Drills only: nothing to reveal, no note to edit; and a short, stable footer
        # (bury, suspend and undo of drill cards are in the review of the deck `drills`).
        if action in ("reveal", "edit", "bury", "suspend", "undo"):
            return False
        if action in ("next_drill", "switch_mode"):  # free practice only (cards are graded)
            return self.card is None
        return super().check_action(action, parameters)

    def available(self, action: str, parameters: tuple[object, ...] = ()) -> bool:
        if action == "next_drill":
            return not self.busy and self.card is None and self.drill is not None
        if action == "choose_kind":
            return True
        if action == "switch_mode":
            return not self.busy and self.card is None and self.drill is not None
        if action in ("reveal", "edit", "bury", "suspend", "undo"):
            return False
        return super().available(action, parameters)

    def action_next_drill(self) -> None:
        if not self.available("next_drill"):
            return
        self._submit(self._post_next)

    def action_switch_mode(self) -> None:
        """Free practice in the other mode; an unchecked drill is asked again in it
        (same numbers), a checked one keeps its solution and the next follows the mode."""
        if not self.available("switch_mode"):
            return
        from srs_dl.core.drills import build
        from srs_dl.core.drills.drill import FORMULA, RECALL

        self.free_mode = RECALL if self.free_mode == FORMULA else FORMULA
        if self.drill_ok is None and self.drill is not None:
            drill = build(self.drill.kind, self.drill.params, self.free_mode)
            self.post_message(CardShown(None, {}, 0, 0, None, drill))

    def action_choose_kind(self) -> None:
        from srs_dl.tui.dialogs.kind_picker import KindPicker

        def chosen(kind: str | None) -> None:
            if kind is not None:
                self.srs.start_practice(kind or None)

        self.app.push_screen(KindPicker(self.deck), chosen)
