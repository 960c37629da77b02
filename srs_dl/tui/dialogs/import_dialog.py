"""`i` on the deck list: import a folder or file of notes, with a progress bar,
then the summary line. Escape cancels a running import (nothing half-stored:
the importer commits file by file) or closes the dialog.

When the import made cards of lines that look like Dataview fields (`up:: [[x]]`,
`n:: a title`: cards for the plugin's defaults), one key (`f`) imports the folder
again reading them as fields, and the folder remembers that setting."""

from __future__ import annotations

import threading
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Static

from srs_dl.core.screen_text import screen_text
from srs_dl.tui.messages import ImportFinished, Progress


class PathSuggester(Suggester):
    """Completes the last part of a path from the folders and notes on disk."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(value).expanduser()
        parent, stem = (typed, "") if value.endswith("/") else (typed.parent, typed.name)
        try:
            names = sorted(
                p.name + ("/" if p.is_dir() else "")
                for p in parent.iterdir()
                if p.name.startswith(stem) and not p.name.startswith(".")
            )
        except OSError:
            return None
        return value + names[0][len(stem) :] if names else None


class ImportDialog(ModalScreen[str | None]):
    """Returns the summary line of a finished import, or None."""

    CSS_PATH = "import_dialog.tcss"
    BINDINGS = [
        Binding(
            "escape",
            "close",
            "Cancel / close",
            id="import-close",
            tooltip="Cancel a running import, or close the dialog.",
        ),
        Binding(
            "f",
            "skip_fields",
            "Skip fields",
            id="import-skip-fields",
            tooltip="Import again, reading `key:: value` lines that look like Dataview"
            " fields as fields, not cards (remembered for the folder).",
        ),
    ]

    def __init__(self, initial: str = "") -> None:
        super().__init__()
        self.initial = initial
        self.cancel = threading.Event()
        self.result_line: str | None = None
        self.running = False
        #: The last import: its path and flags, and how many Dataview-like cards it made.
        self._last: tuple[Path, dict[str, object]] | None = None
        self.dataview_like = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Label("Import notes", classes="panel-title")
            yield Label(
                "A folder (a vault) or a Markdown file; a folder's settings are "
                "remembered for rescans.",
                classes="muted",
            )
            yield Input(
                self.initial,
                placeholder="~/notes/vault",
                id="import-path",
                suggester=PathSuggester(),
            )
            with Horizontal(id="import-options"):
                yield Checkbox("All notes (not only #flashcards)", id="import-all-notes")
                yield Input(placeholder="multi-line separator (default ?)", id="import-sep")
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static("", id="import-summary")
            with Horizontal(id="import-buttons"):
                yield Button("Skip fields (f)", id="import-skip-fields")
                yield Button("Import", variant="primary", id="import-go")
                yield Button("Close", id="import-cancel")

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False
        self.query_one("#import-skip-fields").display = False
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#import-go")
    def _start(self) -> None:
        if self.running:
            return
        raw = self.query_one("#import-path", Input).value.strip()
        if not raw:
            self._say("[red]Type the path of a folder or a note.[/]")
            return
        path = Path(raw).expanduser()
        if not path.exists():
            self._say(f"[red]{_escape(str(path))}: no such file or folder[/]")
            return
        flags: dict[str, object] = {}
        if self.query_one("#import-all-notes", Checkbox).value:
            flags["all_notes"] = True
        sep = self.query_one("#import-sep", Input).value.strip()
        if sep:
            flags["multiline_sep"] = sep
        self._begin(path.resolve(), flags)

    def _begin(self, path: Path, flags: dict[str, object]) -> None:
        self._last = (path, flags)
        self.dataview_like = 0
        self.query_one("#import-skip-fields").display = False
        self.running = True
        self.cancel.clear()
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#import-go", Button).disabled = True
        self._say(f"Importing {_escape(str(path))}…")
        self.run_import(path, flags)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "skip_fields":
            return not self.running and self.dataview_like > 0
        return True

    @on(Button.Pressed, "#import-skip-fields")
    def action_skip_fields(self) -> None:
        if self.running or not self.dataview_like or self._last is None:
            return
        path, flags = self._last
        self._begin(path, {**flags, "dataview_fields": True})

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, path: Path, flags: dict[str, object]) -> None:
        from srs_dl.services.importing.importer import import_paths

        app = self.app
        env = app.env  # type: ignore[attr-defined]

        def progress(done: int, total: int) -> None:
            self.post_message(Progress("import", done, total))

        try:
            conn = app.deck.connect()  # type: ignore[attr-defined]
            try:
                summary = import_paths(
                    conn,
                    [path],
                    flags=flags,
                    config=env.config,
                    today=env.today,
                    progress=progress,
                    cancel=self.cancel,
                )
            finally:
                conn.close()
        except Exception as exc:
            self.post_message(ImportFinished("", (), str(exc).splitlines()[0] or repr(exc)))
            return
        self.post_message(
            ImportFinished(
                summary.line(), tuple(summary.warnings), dataview_like=summary.dataview_like_cards
            )
        )

    @on(Progress)
    def _progress(self, event: Progress) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        if event.total:
            bar.update(total=event.total, progress=event.done)

    @on(ImportFinished)
    def _finished(self, event: ImportFinished) -> None:
        self.running = False
        self.query_one("#import-go", Button).disabled = False
        bar = self.query_one("#import-progress", ProgressBar)
        if event.error:
            bar.display = False
            self._say(f"[red]{_escape(event.error)}[/]")
            return
        if bar.total is None:
            bar.update(total=1, progress=1)
        self.result_line = event.line
        text = _escape(event.line)
        if self.cancel.is_set():
            text = "Cancelled. " + text
        if event.warnings:
            shown = "\n".join(f"[$warning]{_escape(w)}[/]" for w in event.warnings[:6])
            more = len(event.warnings) - 6
            text += (
                "\n"
                + shown
                + (f"\n… and {more} more (srs-dl import prints them all)" if more > 0 else "")
            )
        self.dataview_like = event.dataview_like
        if event.dataview_like:
            n = event.dataview_like
            text += (
                f"\n[b]{n} card{' looks' if n == 1 else 's look'} like"
                f" {'a Dataview field' if n == 1 else 'Dataview fields'}[/b] (`key:: value`,"
                " such as `n:: a title`): [b]f[/b] imports again reading them as fields."
            )
            self.query_one("#import-skip-fields").display = True
        self._say(text)
        self.query_one("#import-cancel", Button).label = "Done"
        self.query_one("#import-cancel", Button).focus()
        self.refresh_bindings()

    def _say(self, text: str) -> None:
        self.query_one("#import-summary", Static).update(text)

    @on(Button.Pressed, "#import-cancel")
    def action_close(self) -> None:
        if self.running:
            self.cancel.set()
            self._say("Cancelling…")
            return
        self.dismiss(self.result_line)


def _escape(text: str) -> str:
    return screen_text(text, markup=True)
