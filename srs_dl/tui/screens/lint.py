"""Lint: the formulas of the user's notes checked against the kernels
(srs_dl.services.lint). A list of findings, the one highlighted in full beside
it; `e` opens the note at the formula's line, `r` runs the lint again, `i`
shows the info lines (conventions) too. Nothing is written into the notes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from srs_dl.tui.messages import LintFinished, Progress
from srs_dl.tui.screens.base import AreaScreen

if TYPE_CHECKING:
    from srs_dl.core.lint.wording import Finding
    from srs_dl.services.lint import LintReport


class LintScreen(AreaScreen):
    AREA = "lint"
    TITLE = "Lint"
    CSS_PATH = "lint.tcss"
    BINDINGS = [
        Binding(
            "e",
            "edit",
            "Edit",
            id="lint-edit",
            tooltip="Open the note at the formula's line in $EDITOR.",
        ),
        Binding("r", "run", "Run again", id="lint-run", tooltip="Lint the notes again."),
        Binding(
            "i",
            "toggle_info",
            "Info lines",
            id="lint-info",
            tooltip="Also list conventions worth knowing (info lines), or hide them.",
        ),
        Binding("escape", "leave", "Decks", id="lint-leave", tooltip="Back to the deck list."),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: LintReport | None = None
        self.show_info = False
        #: (display path, absolute path, finding) per row of the list.
        self.rows: list[tuple[str, str, Finding]] = []
        self.running = False

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="lint-status"):
            yield Label("", id="lint-count")
            yield ProgressBar(show_eta=False, id="lint-progress")
        with Horizontal(id="lint-main"):
            yield OptionList(id="lint-list")
            with VerticalScroll(id="lint-detail"):
                yield Static("", id="lint-text")

    def on_mount(self) -> None:
        self.query_one("#lint-list").border_title = "Findings"
        self.query_one("#lint-detail").border_title = "Formula"
        self.srs.data_signal.subscribe(self, lambda _what: self.action_run())
        self.action_run()

    # -- the worker ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="lint", exit_on_error=False)
    def run_lint(self) -> None:
        from textual.worker import get_current_worker

        from srs_dl.services.lint import lint_paths, remembered_folders

        worker = get_current_worker()
        try:
            self.srs.rescan_done.wait()
            conn = self.connect()
            try:
                folders = remembered_folders(conn)
            finally:
                conn.close()

            def progress(done: int, total: int) -> None:
                self.post_message(Progress("lint", done, total))

            report = lint_paths(
                folders, self.env.config, progress=progress, cancelled=lambda: worker.is_cancelled
            )
        except Exception as exc:  # one line; the screen stays usable
            lines = str(exc).strip().splitlines()
            self.post_message(LintFinished(None, lines[0] if lines else type(exc).__name__))
            return
        self.post_message(LintFinished(report))

    @on(Progress)
    def _progress(self, event: Progress) -> None:
        if event.job != "lint":
            return
        event.stop()  # the app's mode bar shows rescans and imports, not this
        self.query_one("#lint-progress", ProgressBar).update(total=event.total, progress=event.done)

    @on(LintFinished)
    def _finished(self, event: LintFinished) -> None:
        self.running = False
        self.query_one("#lint-progress").display = False
        if event.error:
            self.query_one("#lint-count", Label).update(
                f"[b red]Lint failed:[/] {escape(event.error)}"
            )
            self.notify(event.error, title="Lint", severity="error", timeout=10)
            return
        self.report = event.report
        self._show_report()

    def _show_report(self) -> None:
        report = self.report
        options = self.query_one("#lint-list", OptionList)
        options.clear_options()
        self.rows = []
        if report is None:
            return
        for note in report.notes:
            for finding in note.findings:
                if finding.severity == "info" and not self.show_info:
                    continue
                self.rows.append((note.path, note.abspath or note.path, finding))
        for i, (path, _abs, finding) in enumerate(self.rows):
            mark = "[b red]✗[/]" if finding.severity == "error" else "[b $accent]i[/]"
            role = finding.message.split(":", 1)[0]
            options.add_option(
                Option(
                    f"{mark} {escape(Path(path).name)}:{finding.line}\n  [dim]{escape(role)}[/]",
                    id=str(i),
                )
            )
        errors = report.error_count
        infos = sum(1 for n in report.notes for f in n.findings if f.severity == "info")
        count = (
            f"[b]{errors}[/b] error{'s' if errors != 1 else ''} in {report.checked}"
            f" note{'s' if report.checked != 1 else ''}"
        )
        count += f", {infos} info line{'s' if infos != 1 else ''}" + (
            "" if self.show_info else " hidden (i shows them)"
        )
        if report.problems:
            count += f", {len(report.problems)} unreadable"
        self.query_one("#lint-count", Label).update(count)
        if self.rows:
            options.highlighted = 0
            self._show(0)
            options.focus()
        else:
            self.query_one("#lint-text", Static).update(
                "No formula disagrees with the kernels.\n\n[dim]srs-dl checks the update rules"
                " of EMA, momentum, RMSprop, Adam, learning-rate decay and SGD weight decay"
                " in the sections and paragraphs that name them.[/]"
            )
        self.refresh_keys()

    def _show(self, index: int) -> None:
        path, _abs, f = self.rows[index]
        parts = [
            f"[b]{escape(path)}:{f.line}[/]  [dim]{escape(f.technique)} · {f.severity}[/]",
            "",
            f"[b]Yours:[/]  {escape(f.formula)}",
            "",
            escape(f.message),
        ]
        if f.suggestion:
            parts += ["", f"[b]Suggested:[/]  [$success]{escape(f.suggestion)}[/]"]
        parts += ["", "[dim]e opens the note at this line; the note is never changed by srs-dl.[/]"]
        self.query_one("#lint-text", Static).update("\n".join(parts))

    @on(OptionList.OptionHighlighted, "#lint-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self._show(int(event.option.id))

    # -- actions --------------------------------------------------------------------------
    def selected(self) -> tuple[str, str, Finding] | None:
        index = self.query_one("#lint-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return self.selected() is not None
        return True

    def action_run(self) -> None:
        self.running = True
        bar = self.query_one("#lint-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#lint-count", Label).update("Checking the formulas in your notes…")
        self.run_lint()

    def action_toggle_info(self) -> None:
        self.show_info = not self.show_info
        self._show_report()

    def action_edit(self) -> None:
        row = self.selected()
        if row is not None and self.srs.open_in_editor(row[1], row[2].line):
            self.action_run()

    def action_leave(self) -> None:
        self.srs.switch_mode("decks")
