"""Review: one card at a time. Space shows the answer, 1-4 grade it; a drill card
is answered by typing (the drill panel in place of the card's text). Once a drill
is checked, enter goes on when there is nothing left to choose (a wrong answer is
recorded as Again at once); a right one is graded 2-4 like a revealed card.

The session (srs_dl.services.review.ReviewSession) lives in one worker thread
(session_thread.py); this screen only sends it jobs and renders what comes back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import CSSPathType
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, Rule, Static

from srs_dl.core.screen_text import screen_text
from srs_dl.services.review.view import CardRow, ReviewView
from srs_dl.tui.card_markdown import card_markdown, revealed_cloze
from srs_dl.tui.messages import (
    ActionDone,
    AnswerSubmitted,
    CardShown,
    DrillChecked,
    GradeChosen,
    LintWarning,
    RevealPressed,
    SessionFinished,
    SessionRequested,
    WorkerFailed,
)
from srs_dl.tui.screens.base import AreaScreen
from srs_dl.tui.session_thread import SessionThread

if TYPE_CHECKING:
    import sqlite3

    # The drills load NumPy, which a review of plain cards never needs; the session
    # module, the deck's code, is loaded by the session thread when it starts.
    from srs_dl.core.drills import Drill
    from srs_dl.services.review.drill_cards import DrillAnswer
    from srs_dl.services.review.grading import GradeResult
    from srs_dl.services.review.session import ReviewSession
from srs_dl.tui.widgets.drill_panel import DrillPanel, recorded_line
from srs_dl.tui.widgets.grade_bar import BUTTONS, GradeBar, grade_bindings
from srs_dl.tui.widgets.session_summary import SessionSummary

GRADE_TIPS = {
    "again": "Forgot it: the card comes back in this session.",
    "hard": "Recalled with effort: a shorter interval, lower ease.",
    "good": "Recalled: the normal interval.",
    "easy": "Effortless: a longer interval, higher ease.",
}


class ReviewScreen(AreaScreen):
    AREA = "review"
    TITLE = "Review"
    CSS_PATH: ClassVar[CSSPathType | None] = "review.tcss"
    BINDINGS = [
        Binding(
            "space,enter",
            "reveal",
            "Answer",
            id="review-reveal",
            key_display="space",
            tooltip="Show the back of the card.",
        ),
        # Same keys as reveal, which a drill never offers: they fall through to this one.
        Binding(
            "enter,space",
            "next",
            "Next",
            id="review-next",
            key_display="enter",
            tooltip="The next card or drill (a wrong answer is already graded Again).",
        ),
        *grade_bindings("review", GRADE_TIPS, Binding.Group("Grade", compact=True)),
        Binding(
            "u",
            "undo",
            "Undo",
            id="review-undo",
            tooltip="Take back the last review of this session (one at a time).",
        ),
        Binding("b", "bury", "Bury", id="review-bury", tooltip="Hide this card until tomorrow."),
        Binding(
            "s",
            "suspend",
            "Suspend",
            id="review-suspend",
            tooltip="Take this card out of reviews until you unsuspend it.",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="review-edit",
            tooltip="Open the note in $EDITOR at the card's line.",
        ),
        Binding(
            "escape",
            "leave",
            "Decks",
            id="review-leave",
            tooltip="Back to the deck list (the session stays where it was).",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.request = -1
        self.deck: str | None = None
        self.thread: SessionThread[ReviewSession] | None = None
        #: What the review shows and allows now (services.review.view).
        self.view = ReviewView()
        self.edited = False
        self.started_at: float | None = None
        self.answers: list[str] = []
        self.lint_warning: str | None = None

    # What the view holds, read where the screen reads it (tests and PracticeScreen too).
    @property
    def card(self) -> CardRow | None:
        return self.view.card

    @property
    def drill(self) -> Drill | None:
        return self.view.drill

    @property
    def intervals(self) -> Mapping[str, str]:
        return self.view.intervals

    @property
    def note_path(self) -> str | None:
        return self.view.note_path

    @property
    def revealed(self) -> bool:
        return self.view.revealed

    @property
    def checked(self) -> DrillAnswer | None:
        return self.view.checked

    @property
    def drill_ok(self) -> bool | None:
        return self.view.drill_ok

    @property
    def busy(self) -> bool:
        return self.view.busy

    @property
    def finished(self) -> bool:
        return self.view.finished

    @property
    def can_undo(self) -> bool:
        return self.view.can_undo

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="review-status"):
            yield Label("", id="review-progress")
            yield Label("", id="review-where")
        with Vertical(id="review-body"):
            with VerticalScroll(id="card-scroll"):
                yield Static("", id="card-front")
                yield Rule(id="card-rule", line_style="heavy")
                yield Static("", id="card-back")
                yield Static("", id="card-lint")
            yield DrillPanel(id="drill")
            yield SessionSummary("", id="summary")
            yield Static("Rescanning your notes…", id="review-wait", classes="muted")
        yield GradeBar(id="grades")

    def on_mount(self) -> None:
        self._show_part("wait")
        self.query_one(GradeBar).show("none")
        self.srs.data_signal.subscribe(self, self._data_changed)

    def on_screen_resume(self) -> None:
        if self.request != self._wanted()[0]:
            self.start_session()

    def _wanted(self) -> tuple[int, str | None]:
        """The app's latest request for this screen: (request number, deck)."""
        return self.srs.review_request, self.srs.review_deck

    @on(SessionRequested)
    def _requested(self) -> None:
        self.start_session()

    # -- the session thread -----------------------------------------------------------------
    def start_session(self) -> None:
        if self.thread is not None:
            self.thread.stop()
        self.request, self.deck = self._wanted()
        self.view = ReviewView()
        self.answers = []
        self.started_at = None
        self._show_part("wait")
        self.query_one("#review-wait", Static).update(
            "Rescanning your notes…" if not self.srs.rescan_done.is_set() else "Loading…"
        )
        self.query_one("#review-progress", Label).update("")
        self.query_one("#review-where", Label).update("")
        self.query_one(GradeBar).show("none")
        self.thread = SessionThread(self, self.connect, self._setup)
        self.run_worker(
            self.thread.run,
            thread=True,
            group="review-session",
            exclusive=True,
            exit_on_error=False,
            name="review session",
        )
        self.refresh_keys()

    def _setup(self, conn: sqlite3.Connection) -> ReviewSession | None:
        """In the session thread: wait for the startup rescan, open the session, show a card."""
        from textual.worker import get_current_worker

        from srs_dl.services.review.session import ReviewSession

        worker = get_current_worker()
        while not self.srs.rescan_done.wait(0.1):
            if worker.is_cancelled:
                return None
        session = ReviewSession(conn, self.env.config, self.env.today, deck=self.deck)
        self._post_next(session)
        return session

    def _post_next(self, session: ReviewSession) -> None:
        """In the session thread: post the next card (or the end of the session)."""
        card = session.next_card()
        if card is None:
            self.post_message(SessionFinished(session.can_undo))
            return
        self._post_card(session, card)

    def _post_card(self, session: ReviewSession, card: CardRow) -> None:
        """In the session thread: post `card` with its button labels and the counts."""
        from srs_dl.services.lint import card_warning

        labels = session.button_labels(card.id)
        left, new = session.counts()
        drill = None
        if card.kind == "drill":
            from srs_dl.services.review.drill_cards import shown_drill

            drill = shown_drill(session.conn, card)
        path = session.note_path(card.note_id)
        self.post_message(CardShown(card, labels, left, new, path, drill, session.can_undo))
        # After the card is shown: reading and linting its note (once per note while
        # the file is unchanged) must not delay it.
        warning = card_warning(path, self.env.config, card.line) if card.kind != "drill" else None
        if warning:
            self.post_message(LintWarning(card.id, warning))

    def _submit(self, job: Callable[[ReviewSession], None]) -> None:
        if self.thread is None or self.busy:
            return
        # Keys stay as they are while the job runs (a footer rebuild per grade is too slow);
        # the actions ignore keys until the session answers.
        self.view = self.view.working()
        self.thread.submit(job)

    # -- rendering --------------------------------------------------------------------------
    def _show_part(self, part: str) -> None:
        """Which of the body's parts is visible: card, drill, summary or wait."""
        self.query_one("#card-scroll").display = part == "card"
        self.query_one("#drill").display = part == "drill"
        self.query_one("#summary").display = part == "summary"
        self.query_one("#review-wait").display = part == "wait"

    @on(CardShown)
    async def _card_shown(self, event: CardShown) -> None:
        was_finished = self.finished
        card = event.card
        self.view = self.view.showing(
            event.card, event.intervals, event.note_path, event.drill, event.can_undo
        )
        if was_finished:
            self.refresh_keys()
        if self.started_at is None:
            self.started_at = time.monotonic()
        self._show_status(event)
        grades = self.query_one(GradeBar)
        if event.drill is not None:
            self._show_part("drill")
            await self.query_one(DrillPanel).load(event.drill)
            self.refresh_keys()  # no grade keys until the answer is checked
            grades.show(
                "hint",
                hint="Type your answer, then enter. A wrong answer counts as Again."
                if card is not None
                else "Free practice: your answer is checked and explained, not graded.",
            )
        elif card is not None:
            self._show_part("card")
            # Rich's Markdown in one Static per side: showing a card then mounts no widgets
            # (Textual's Markdown mounts one per block, several ms a card).
            self.query_one("#card-front", Static).update(card_markdown(card.front))
            back = card.back
            if card.kind == "cloze":  # the revealed deletions stand out
                back = revealed_cloze(card.front, back)
            self.query_one("#card-back", Static).update(card_markdown(back))
            self.query_one("#card-rule").display = False
            self.query_one("#card-back").display = False
            self.lint_warning = None
            self.query_one("#card-lint").display = False
            scroll = self.query_one("#card-scroll", VerticalScroll)
            scroll.border_title = _KIND_TITLE.get(card.kind, card.kind)
            scroll.border_subtitle = (
                f"due {card.due.isoformat()} · {card.interval:g}d · ease {card.ease}"
                if card.due is not None and card.interval is not None
                else "new card"
            )
            scroll.scroll_home(animate=False)
            scroll.focus()
            grades.show("question")
        self.view = self.view.idle()

    @on(LintWarning)
    def _lint_warning(self, event: LintWarning) -> None:
        if self.card is None or self.card.id != event.card_id:
            return  # the review has moved on
        self.lint_warning = event.text
        self.query_one("#card-lint", Static).update(screen_text(event.text, markup=True))
        self.query_one("#card-lint").display = self.revealed

    def _show_status(self, event: CardShown) -> None:
        progress = f"[b]{event.left}[/b] left, [b]{event.new}[/b] new"
        self.query_one("#review-progress", Label).update(progress)
        card = event.card
        if card is None:  # free practice: PracticeScreen says what it shows
            return
        where = card.deck
        if event.note_path and card.line:
            where = _where(card.deck, Path(event.note_path).name, card.line)
        self.query_one("#review-where", Label).update(screen_text(where, markup=True))

    @on(SessionFinished)
    def _finished(self, event: SessionFinished) -> None:
        self.view = self.view.done(event.can_undo)
        seconds = time.monotonic() - self.started_at if self.started_at is not None else 0.0
        by_button = {r: self.answers.count(r) for r in BUTTONS}
        self.query_one("#review-progress", Label).update("[b]0[/b] left")
        self.query_one("#review-where", Label).update(
            screen_text(self.deck or "all decks", markup=True)
        )
        self.query_one(SessionSummary).show(self.deck, len(self.answers), seconds, by_button)
        self._show_part("summary")
        self.query_one(GradeBar).show("none")
        self.refresh_keys()

    @on(ActionDone)
    def _action_done(self, event: ActionDone) -> None:
        if event.warning:
            self.notify(
                event.text, title="Not written into the note", severity="warning", timeout=8
            )
        else:
            self.notify(event.text, timeout=3)

    @on(WorkerFailed)
    def _failed(self, event: WorkerFailed) -> None:
        self.view = self.view.idle()
        self.notify(event.text, title="Review", severity="error", timeout=10)

    def _data_changed(self, what: str) -> None:
        """After an edit in $EDITOR the notes were re-read: show the card as it is now
        (the session re-reads each card before showing it; a card gone is skipped)."""
        if not self.edited or self.card is None or self.busy:
            return
        self.edited = False
        self._submit(self._post_next)

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Whether an action fits the moment is `available` (the actions and the palette
        # ask it); the footer's coarser, steadier rule is the view's `in_footer`.
        return self.view.in_footer(action, parameters)

    def available(self, action: str, parameters: tuple[object, ...] = ()) -> bool:
        """Whether `action` makes sense right now (the command palette offers only these)."""
        if action == "undo" and self.thread is None:
            return False
        return self.view.available(action, parameters)

    def action_reveal(self) -> None:
        if not self.available("reveal", ()):
            return
        self.view = self.view.reveal()
        self.query_one("#card-rule").display = True
        self.query_one("#card-back").display = True
        self.query_one("#card-lint").display = bool(self.lint_warning)
        self.query_one(GradeBar).show("grades", self.intervals)

    @on(RevealPressed)
    def _reveal_pressed(self) -> None:
        self.action_reveal()

    @on(GradeChosen)
    def _grade_pressed(self, event: GradeChosen) -> None:
        self.action_grade(event.response)

    def action_grade(self, response: str) -> None:
        card = self.card
        if not self.available("grade", (response,)) or card is None:
            return
        self.answers.append(response)
        checked = self.checked

        def grade(session: ReviewSession) -> None:
            if checked is not None:
                from srs_dl.services.review.drill_cards import grade_right

                result = grade_right(
                    session.conn,
                    self.env.config,
                    self.env.today,
                    card,
                    checked,
                    response,
                    grade=session.grade,
                )
            else:
                result = session.grade(card.id, response)
            if result.writeback_problem:
                self.post_message(ActionDone(result.writeback_problem, warning=True))
            self._post_next(session)

        self._submit(grade)

    def action_next(self) -> None:
        """A checked drill with nothing to grade: show the next card (or drill)."""
        if not self.available("next", ()):
            return
        self._submit(self._post_next)

    def action_undo(self) -> None:
        if not self.available("undo", ()):
            return

        def undo(session: ReviewSession) -> None:
            card = session.undo()
            if card is None:
                self.post_message(ActionDone("Nothing to undo in this session."))
            else:
                self.post_message(ActionDone("Undone: the card is back."))
            self._post_next(session)

        if self.answers:
            self.answers.pop()
        self._submit(undo)

    def action_bury(self) -> None:
        if not self.available("bury", ()) or self.card is None:
            return
        card_id = self.card.id

        def bury(session: ReviewSession) -> None:
            session.bury(card_id)
            self.post_message(ActionDone("Buried until tomorrow."))
            self._post_next(session)

        self._submit(bury)

    def action_suspend(self) -> None:
        if not self.available("suspend", ()) or self.card is None:
            return
        card_id = self.card.id

        def suspend(session: ReviewSession) -> None:
            session.suspend(card_id)
            self.post_message(ActionDone("Suspended (srs-dl unsuspend to bring it back)."))
            self._post_next(session)

        self._submit(suspend)

    def action_edit(self) -> None:
        if not self.available("edit", ()) or self.card is None:
            return
        if self.note_path and self.srs.open_in_editor(self.note_path, self.card.line):
            self.edited = True
            self.srs.start_rescan()

    def action_leave(self) -> None:
        self.srs.switch_mode("decks")

    # -- drills -----------------------------------------------------------------------------
    @on(AnswerSubmitted)
    def _drill_answered(self, event: AnswerSubmitted) -> None:
        if self.drill is None or self.drill_ok is not None or self.busy:
            return
        if self.card is None:  # free practice: nothing stored, the core checks
            from srs_dl.core.drills import check

            result = check(self.drill, event.text)
            self.post_message(DrillChecked(result.ok, result.message))
            return
        card = self.card

        def check_answer(session: ReviewSession) -> None:
            from srs_dl.services.review.drill_cards import answer

            # A wrong answer is graded Again right here, through the session.
            checked = answer(
                session.conn, self.env.config, self.env.today, card, event.text, grade=session.grade
            )
            self.post_message(DrillChecked(checked.result.ok, checked.result.message, checked))

        self._submit(check_answer)

    @on(DrillChecked)
    def _drill_checked(self, event: DrillChecked) -> None:
        graded = event.checked.graded if event.checked is not None else None
        self.view = self.view.answer_checked(event.checked, event.ok, graded is not None)
        if graded is not None:
            self.answers.append(graded.response)  # undo takes it back like any grade
        panel = self.query_one(DrillPanel)
        if event.ok is None:
            panel.show_verdict(None, event.message)
            return
        panel.show_verdict(event.ok, event.message, self._outcome(graded))
        self._after_check()
        self.refresh_keys()

    def _outcome(self, graded: GradeResult | None) -> str:
        """The verdict's line on what became of the answer (markup)."""
        if self.card is None:
            return "Free practice: not graded. [b]enter[/b]: next drill."
        if graded is not None:  # wrong: graded Again when it was checked
            return recorded_line(graded.response, graded.after.due, self.env.today)
        return "Not graded yet: [b]2[/b] Hard, [b]3[/b] Good or [b]4[/b] Easy."

    def _after_check(self) -> None:
        if self.drill_ok:
            self.query_one(GradeBar).show(
                "grades", self.intervals, allowed=self.view.allowed_grades()
            )
        else:
            self.query_one(GradeBar).show("next", next_label="Next card (enter)")


_KIND_TITLE = {
    "inline": "card",
    "inline_reversed": "reversed card",
    "multiline": "multi-line card",
    "multiline_reversed": "reversed multi-line card",
    "cloze": "cloze",
}


#: Room for the status line's "deck · note.md:line" (#review-where's max-width less padding).
WHERE_WIDTH = 70


def _where(deck: str, name: str, line: int, width: int = WHERE_WIDTH) -> str:
    """Deck, note and line, shortened inside the note's name so `.md:line` stays visible."""
    tail = f":{line}"
    text = f"{deck}  ·  {name}{tail}"
    if len(text) <= width:
        return text
    stem, dot, ext = name.rpartition(".")
    keep = width - len(f"{deck}  ·  ") - len(f"….{ext}{tail}")
    if not dot or keep < 8:
        return text
    return f"{deck}  ·  {stem[:keep]}….{ext}{tail}"
