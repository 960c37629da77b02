"""Notes: whole-note review. Notes tagged #review come back as a whole when due;
read (scrollable Markdown), then rate Hard, Good or Easy (the plugin's note
formula, in srs_dl.services.review.note_review)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from srs_dl.core.screen_text import screen_text
from srs_dl.tui.card_markdown import for_display
from srs_dl.tui.messages import ActionDone, GradeChosen, NotesLoaded, WorkerFailed
from srs_dl.tui.screens.base import AreaScreen
from srs_dl.tui.widgets.grade_bar import GradeBar, grade_bindings

if TYPE_CHECKING:
    import sqlite3

    from srs_dl.services.review.note_review import NoteRow
    from srs_dl.tui.app import TuiEnv

NOTE_BUTTONS = ("hard", "good", "easy")


class NotesScreen(AreaScreen):
    AREA = "notes"
    TITLE = "Notes"
    CSS_PATH = "notes.tcss"
    BINDINGS = [
        *grade_bindings(
            "notes",
            {
                "hard": "Hard to follow: see it again sooner.",
                "good": "Read and understood: the normal interval.",
                "easy": "Knew it all: a longer interval.",
            },
            Binding.Group("Rate", compact=True),
        ),
        Binding("e", "edit", "Edit", id="notes-edit", tooltip="Open the note in $EDITOR."),
        Binding("escape", "leave", "Decks", id="notes-leave", tooltip="Back to the deck list."),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[NoteRow] = []
        self.current: str | None = None
        self.busy = True

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="notes-status"):
            yield Label("", id="notes-count")
            yield Label("", id="notes-where")
        with Horizontal(id="notes-main"):
            yield OptionList(id="notes-list")
            with VerticalScroll(id="note-scroll"):
                yield Markdown("", id="note-text")
                yield Static("", id="notes-empty")
        yield GradeBar(id="note-grades")

    def on_mount(self) -> None:
        self.query_one("#notes-list").border_title = "Due"
        self.query_one(GradeBar).show("none")
        self.srs.data_signal.subscribe(self, lambda _what: self.load_notes(self.current))
        self.load_notes(None)

    # -- workers ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="notes", exit_on_error=False)
    def load_notes(self, show: str | None) -> None:
        """The due notes, and the text of `show` (else the first)."""
        from srs_dl.services.review import note_review

        self.srs.rescan_done.wait()
        try:
            conn = self.connect()
            try:
                notes = note_review.list_notes(conn, self.env.today, True)
                paths = [n.path for n in notes]
                path = show if show in paths else (paths[0] if paths else None)
                text, labels = None, {}
                if path is not None:
                    text = _read(path)
                    labels = _labels(conn, self.env, path)
            finally:
                conn.close()
        except Exception as exc:
            self.post_message(WorkerFailed(_line(exc)))
            return
        self.post_message(NotesLoaded(notes, path, text, labels))

    @work(thread=True, exclusive=True, group="notes", exit_on_error=False)
    def grade_note(self, path: str, response: str) -> None:
        from srs_dl.services.review.note_review import grade_note

        try:
            conn = self.connect()
            try:
                result = grade_note(conn, self.env.config, path, response, self.env.today)
            finally:
                conn.close()
        except Exception as exc:
            self.post_message(WorkerFailed(_line(exc)))
            return
        problem = result.problem
        self.post_message(
            ActionDone(problem or f"Rated {response}: {Path(path).name}", warning=bool(problem))
        )
        self.load_notes(None)

    # -- rendering --------------------------------------------------------------------------
    @on(NotesLoaded)
    async def _loaded(self, event: NotesLoaded) -> None:
        self.notes = event.notes
        options = self.query_one("#notes-list", OptionList)
        options.clear_options()
        for note in event.notes:
            due = note.schedule.due.isoformat() if note.schedule else "new"
            options.add_option(
                Option(
                    f"{screen_text(Path(note.path).stem, markup=True)}\n[dim]{due}[/]", id=note.path
                )
            )
        count = len(event.notes)
        self.query_one("#notes-count", Label).update(
            f"[b]{count}[/b] note{'s' if count != 1 else ''} due for re-reading"
        )
        empty = self.query_one("#notes-empty", Static)
        text_widget = self.query_one("#note-text", Markdown)
        grades = self.query_one(GradeBar)
        if event.path is None or event.text is None:
            self.current = None
            await text_widget.update("")
            text_widget.display = False
            empty.update(
                "No note is due for re-reading today.\n\n[dim]Notes tagged #review "
                "come back here when due.[/]"
            )
            empty.display = True
            self.query_one("#notes-where", Label).update("")
            grades.show("none")
        else:
            path = self.current = event.path
            empty.display = False
            text_widget.display = True
            await text_widget.update(for_display(screen_text(event.text)))
            self.query_one("#note-scroll", VerticalScroll).scroll_home(animate=False)
            row = next((n for n in event.notes if n.path == path), None)
            where = screen_text(_short(path), markup=True)
            if row is not None and row.schedule is not None:
                sched = row.schedule
                where = (
                    f"due {sched.due.isoformat()} · {sched.interval:g}d · ease {sched.ease}"
                    f"   {where}"
                )
            self.query_one("#notes-where", Label).update(where)
            grades.show("grades", event.intervals, allowed=NOTE_BUTTONS)
            index = options.get_option_index(path)
            options.highlighted = index
            self.query_one("#note-scroll").focus()
        self.busy = False
        self.refresh_keys()

    @on(OptionList.OptionSelected, "#notes-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id != self.current:
            self.current = event.option.id
            self.busy = True
            self.load_notes(event.option.id)

    @on(WorkerFailed)
    def _failed(self, event: WorkerFailed) -> None:
        self.busy = False
        self.notify(event.text, title="Notes", severity="error", timeout=10)

    @on(ActionDone)
    def _done(self, event: ActionDone) -> None:
        self.notify(
            event.text,
            severity="warning" if event.warning else "information",
            timeout=8 if event.warning else 3,
        )

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("grade", "edit"):
            return self.current is not None and not self.busy
        return True

    def action_grade(self, response: str) -> None:
        if self.current is None:
            return
        self.busy = True
        self.refresh_keys()
        self.grade_note(self.current, response)

    @on(GradeChosen)
    def _chosen(self, event: GradeChosen) -> None:
        if self.check_action("grade", (event.response,)):
            self.action_grade(event.response)

    def action_edit(self) -> None:
        if self.current and self.srs.open_in_editor(self.current, None):
            self.srs.start_rescan()

    def action_leave(self) -> None:
        self.srs.switch_mode("decks")


def _short(path: str) -> str:
    parts = Path(path).parts
    return str(Path(*parts[-2:])) if len(parts) > 2 else path


def _labels(conn: sqlite3.Connection, env: TuiEnv, path: str) -> dict[str, str]:
    """ "Good 8d" labels: what each button would give the note (the service's preview)."""
    from srs_dl.core.scheduling.sm2 import interval_label
    from srs_dl.services.review.note_review import preview_note

    return {
        r: interval_label(s.interval)
        for r, s in preview_note(conn, env.config, path, env.today).items()
    }


def _read(path: str) -> str:
    """The note's text to show: its frontmatter (the schedule's keys among them) left out."""
    from srs_dl.services.review.note_review import note_body

    return note_body(path)


def _line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
