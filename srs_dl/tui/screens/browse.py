"""Browse: find cards as you type, sort them by any column, suspend, bury or
reset them, open their note at the card's line; the card under the cursor and
its history are shown in a side panel (below the table on a narrow terminal).

The index of every card (srs_dl.services.browse) is built once in a thread
worker; a search is then a few milliseconds on the UI thread. Changes go
through the review service (srs_dl.services.review) in thread workers on
their own connections; the changed rows come back and replace theirs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import events, on, work
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Static
from textual.worker import Worker, WorkerState, get_current_worker

from srs_dl.core.screen_text import screen_text
from srs_dl.core.search.index import COLUMNS, BrowseRow, CardIndex, Matches, effective_state
from srs_dl.tui.messages import (
    BrowseHistoryLoaded,
    BrowseIndexFailed,
    BrowseIndexLoaded,
    BrowseRowsChanged,
    Progress,
)
from srs_dl.tui.screens.base import AreaScreen

if TYPE_CHECKING:
    from srs_dl.services.review.grading import LogEntry

#: Column headers, and the fixed widths (the front takes what is left).
HEADERS = {
    "deck": "Deck",
    "due": "Due",
    "interval": "Ivl",
    "ease": "Ease",
    "lapses": "Laps",
    "state": "State",
    "front": "Front",
}
WIDTHS = {"deck": 18, "due": 10, "interval": 5, "ease": 4, "lapses": 4, "state": 9}
PAGE = 50  # rows added at a time (a screen shows about 20)
FOLLOW = 1000  # after a sort or a change, the cursor stays on its card if within this many
DEBOUNCE = 0.12
NARROW = 130  # below this width the side panel goes under the table
STATE_STYLES = {
    "new": "cyan",
    "review": "",
    "suspended": "yellow",
    "buried": "dim",
    "deleted": "red strike",
}
ACTIONS = ("suspend", "unsuspend", "bury", "reset")


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _deck(deck: str, width: int) -> str:
    """The deck's last parts when the whole path does not fit ("…/dl/adam")."""
    if len(deck) <= width:
        return deck
    parts = deck.split("/")
    while len(parts) > 1 and len("…/" + "/".join(parts)) > width:
        parts.pop(0)
    tail = "…/" + "/".join(parts)
    return tail if len(tail) <= width else "…" + deck[-(width - 1) :]


def _one_line(text: str) -> str:
    return " ".join(text.split())


class BrowseTable(DataTable[Any]):
    BINDINGS = [
        Binding(
            "escape",
            "screen.focus_search",
            "Search",
            id="browse-back",
            show=False,
            tooltip="Back to the search box.",
        ),
    ]

    def on_resize(self, event: events.Resize) -> None:
        screen = self.screen
        if isinstance(screen, BrowseScreen):
            screen.fit_columns(event.size.width)


class SearchInput(Input):
    """The search box: escape or down hands the keys to the table, so `?`, `q` and
    the card keys work again without a mouse."""

    BINDINGS = [
        Binding(
            "escape",
            "screen.focus_table",
            "Cards",
            id="browse-to-table",
            show=False,
            tooltip="Leave the search box for the table of cards.",
        ),
        Binding("down", "screen.focus_table", "Cards", show=False),
    ]


class BrowseScreen(AreaScreen):
    AREA = "browse"
    TITLE = "Browse"
    CSS_PATH = "browse.tcss"
    BINDINGS = [
        Binding(
            "slash",
            "focus_search",
            "Search",
            id="browse-search",
            key_display="/",
            tooltip="Type to search front, back, deck and #tags.",
        ),
        Binding(
            "s",
            "toggle_suspend",
            "Suspend",
            id="browse-suspend",
            tooltip="Suspend the card under the cursor, or unsuspend it.",
        ),
        Binding(
            "b",
            "card('bury')",
            "Bury",
            id="browse-bury",
            tooltip="Bury the card under the cursor until tomorrow.",
        ),
        Binding(
            "r",
            "reset",
            "Reset",
            id="browse-reset",
            tooltip="Reset the card's schedule (press r twice).",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="browse-edit",
            tooltip="Open the card's note in $EDITOR at its line.",
        ),
        Binding(
            "1",
            "sort(0)",
            "Sort",
            id="browse-sort",
            key_display="1-7",
            tooltip="Sort by column 1-7 (deck, due, interval, ease, lapses, state, "
            "front); again to reverse. A click on a header does the same.",
        ),
        *(
            Binding(str(n + 1), f"sort({n})", show=False, id=f"browse-sort-{n + 1}")
            for n in range(1, len(COLUMNS))
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index: CardIndex | None = None
        self.matches: Matches | None = None
        self.sort = "due"
        self.descending = False
        self._timer: Timer | None = None
        self._reset_armed: int | None = None
        self._shown = 0
        self._front_width = 30
        self._stale = False
        self._layout: tuple[str, bool, int] | None = None
        self._card_shown: BrowseRow | None = None

    # -- layout ---------------------------------------------------------------------------
    def compose_body(self) -> Iterable[Widget]:
        yield SearchInput(
            placeholder='Search: words, "a phrase", -word, deck:x, #tag, state:suspended, is:due',
            id="browse-query",
        )
        yield Label("Loading cards…", id="browse-status")
        with Horizontal(id="browse-main"):
            yield BrowseTable(id="browse-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="browse-side"):
                yield Static("", id="browse-card")
                yield Static("", id="browse-history")

    def on_mount(self) -> None:
        self.query_one("#browse-side").border_title = "Card"
        self.query_one(BrowseTable).loading = True
        self.srs.data_signal.subscribe(self, self._data_changed)
        self.load_index()

    def _data_changed(self, _what: str) -> None:
        # A rescan or an import may add cards: read them all again, now if shown.
        if self.is_current:
            self.load_index()
        else:
            self._stale = True

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "narrow")

    def fit_columns(self, table_width: int) -> None:
        """Give the front what the other columns leave of the table's width."""
        fixed = sum(WIDTHS.values()) + 2 * len(COLUMNS) + 2  # cell padding, scrollbar
        width = max(20, table_width - fixed)
        if width != self._front_width:
            self._front_width = width
            self._fill(keep=True)

    # -- loading --------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="browse-index", exit_on_error=False)
    def load_index(self) -> None:
        from srs_dl.services.browse import load_index

        worker = get_current_worker()
        cancel = threading.Event()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:  # a newer load, or the app is closing
                cancel.set()
            self.post_message(Progress("browse", done, total))

        try:
            conn = self.connect()
            try:
                index = load_index(conn, self.env.today, progress=progress, cancel=cancel)
            finally:
                conn.close()
        except InterruptedError:  # a newer load, or the app is closing
            return
        except Exception as exc:
            self.post_message(BrowseIndexFailed(_first_line(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(BrowseIndexLoaded(index))

    @on(Progress)
    def _progress(self, event: Progress) -> None:
        if event.job == "browse":
            event.stop()  # not a background job of the app's
            self.query_one("#browse-status", Label).update(
                f"Loading cards… {event.done:,} of {event.total:,}"
            )

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.load_index()
        elif self.index is not None:
            # Cards reviewed in another area since the index was built: re-read just those.
            self.catch_up(self.index.log_mark)

    @work(thread=True, exclusive=True, group="browse-catch-up", exit_on_error=False)
    def catch_up(self, mark: int) -> None:
        from srs_dl.services.browse import catch_up

        conn = self.connect()
        try:
            new_mark, rows = catch_up(conn, mark)
        finally:
            conn.close()
        if not get_current_worker().is_cancelled:  # a newer catch-up reads fresher rows
            self.post_message(BrowseRowsChanged(rows, mark=new_mark))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            text = _first_line(event.worker.error)
            self.notify(text, title="Browse", severity="error", timeout=8)

    @on(BrowseIndexLoaded)
    def _index_loaded(self, event: BrowseIndexLoaded) -> None:
        self.index = event.index
        self.query_one(BrowseTable).loading = False
        self.search()

    @on(BrowseIndexFailed)
    def _index_failed(self, event: BrowseIndexFailed) -> None:
        self.query_one(BrowseTable).loading = False
        self.query_one("#browse-status", Label).update(
            screen_text(f"Cannot read the cards: {event.text}", markup=True)
        )
        self.notify(event.text, title="Browse", severity="error", timeout=8)

    @on(BrowseRowsChanged)
    def _rows_changed(self, event: BrowseRowsChanged) -> None:
        if self.index is None:
            return
        if event.rows:
            self.index.update(event.rows)
            self.search(keep=True)
        if event.mark is not None:
            self.index.log_mark = max(self.index.log_mark, event.mark)
        if event.text:
            self.notify(event.text, title="Browse", timeout=4)

    @on(BrowseHistoryLoaded)
    def _history_loaded(self, event: BrowseHistoryLoaded) -> None:
        row = self._current()
        if row is not None and row.id == event.card_id:
            self.query_one("#browse-history", Static).update(history_table(event.entries, row))

    # -- searching ------------------------------------------------------------------------
    @on(Input.Changed, "#browse-query")
    def _query_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.search)

    @on(Input.Submitted, "#browse-query")
    def _query_submitted(self) -> None:
        self.search()
        self.query_one(BrowseTable).focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and self.focused is self.query_one("#browse-query"):
            event.stop()
            self.query_one(BrowseTable).focus()

    def search(self, *, keep: bool = False) -> None:
        """Run the query in the box against the index and show the first page."""
        if self.index is None:
            return
        query = self.query_one("#browse-query", Input).value
        self.matches = self.index.search(query, sort=self.sort, descending=self.descending)
        self._fill(keep=keep)

    def _fill(self, *, keep: bool = False) -> None:
        table = self.query_one(BrowseTable)
        current = self._current() if keep else None
        layout = (self.sort, self.descending, self._front_width)
        if layout != self._layout:  # columns are rebuilt only when their headers change
            self._layout = layout
            table.clear(columns=True)
            for column in COLUMNS:
                label = HEADERS[column]
                if column == self.sort:
                    label += " ▼" if self.descending else " ▲"
                table.add_column(label, key=column, width=WIDTHS.get(column, self._front_width))
        else:
            table.clear()
        self._shown = 0
        self._more(PAGE)
        if current is not None and self.matches is not None:
            self._move_to(current.id)
        self._status()
        self._show_card()

    def _more(self, count: int) -> None:
        if self.matches is None:
            return
        table = self.query_one(BrowseTable)
        rows = self.matches[self._shown : self._shown + count]
        table.add_rows([self._cells(r) for r in rows])
        self._shown += len(rows)

    def _move_to(self, card_id: int) -> None:
        assert self.matches is not None
        i = self.matches.index_of(card_id)
        if i is None or i >= FOLLOW:  # too far down to page the table there
            return
        while i >= self._shown:
            self._more(PAGE)
        self.query_one(BrowseTable).move_cursor(row=i, animate=False)

    def _cells(self, row: BrowseRow) -> tuple[Any, ...]:
        today = self.env.today
        state = effective_state(row, today)
        due = row.due.isoformat() if row.due else "—"
        due_style = "bold" if row.due is not None and row.due <= today and state == "review" else ""
        # Plain strings, padded, where no style is needed: a page is built per keystroke.
        return (
            # Plain strings are Textual markup to the table: shown through screen_text.
            screen_text(_deck(row.deck, WIDTHS["deck"]), markup=True),
            Text(due, style=due_style) if due_style else due,
            f"{_number(row.interval):>{WIDTHS['interval']}}",
            f"{_number(row.ease):>{WIDTHS['ease']}}",
            f"{row.lapses:>{WIDTHS['lapses']}}",
            Text(state, style=STATE_STYLES[state]) if STATE_STYLES.get(state) else state,
            screen_text(_one_line(row.front[:300]), markup=True),
        )

    def _status(self) -> None:
        total = len(self.index) if self.index else 0
        found = len(self.matches) if self.matches is not None else 0
        direction = "descending" if self.descending else "ascending"
        text = f"{found:,} of {total:,} cards, by {self.sort} ({direction})"
        if found > self._shown:
            text += f"; showing {self._shown:,}, more as you scroll"
        self.query_one("#browse-status", Label).update(text)

    # -- the card under the cursor ----------------------------------------------------------
    def _current(self) -> BrowseRow | None:
        table = self.query_one(BrowseTable)
        if self.matches is None or not table.row_count:
            return None
        row = table.cursor_row
        return self.matches[row] if 0 <= row < len(self.matches) else None

    @on(DataTable.RowHighlighted, "#browse-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if (
            event.cursor_row >= self._shown - 5
            and self.matches is not None
            and self._shown < len(self.matches)
        ):
            self._more(PAGE)
            self._status()
        self._reset_armed = None
        self._show_card()

    def _show_card(self, *, force: bool = False) -> None:
        row = self._current()
        card = self.query_one("#browse-card", Static)
        history = self.query_one("#browse-history", Static)
        if row is None:
            self._card_shown = None
            card.update(Text("No card matches." if self.index else "", style="dim"))
            history.update("")
            return
        if row == self._card_shown and not force:
            return  # same card, unchanged: no need to read its history again
        self._card_shown = row
        card.update(card_text(row))
        history.update(Text("…", style="dim"))
        self.load_history(row.id)

    @work(thread=True, exclusive=True, group="browse-history", exit_on_error=False)
    def load_history(self, card_id: int) -> None:
        from srs_dl.services.review.grading import history

        conn = self.connect()
        try:
            entries = history(conn, card_id)
        finally:
            conn.close()
        self.post_message(BrowseHistoryLoaded(card_id, entries))

    # -- sorting --------------------------------------------------------------------------
    def action_sort(self, column: int) -> None:
        self._sort_by(COLUMNS[column])

    @on(DataTable.HeaderSelected, "#browse-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self._sort_by(str(event.column_key.value))

    def _sort_by(self, column: str) -> None:
        if column == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = column, False
        self.search(keep=True)

    # -- actions --------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#browse-query", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(BrowseTable).focus()

    def action_toggle_suspend(self) -> None:
        row = self._current()
        if row is not None:
            self.action_card("unsuspend" if row.state == "suspended" else "suspend")

    def action_reset(self) -> None:
        row = self._current()
        if row is None:
            return
        if self._reset_armed != row.id:
            self._reset_armed = row.id
            self.notify(
                f"Press r again to reset card {row.id} to a new-card schedule.",
                title="Reset",
                timeout=4,
            )
            return
        self._reset_armed = None
        self.action_card("reset")

    def action_card(self, action: str) -> None:
        row = self._current()
        if row is not None and action in ACTIONS:
            self.apply(action, row.id)

    @work(thread=True, group="browse-action", exit_on_error=False)
    def apply(self, action: str, card_id: int) -> None:
        from srs_dl.services.browse import act_on_card

        conn = self.connect()
        try:
            text, rows = act_on_card(conn, self.env.config, self.env.today, action, card_id)
        finally:
            conn.close()
        self.post_message(BrowseRowsChanged(rows, text=text))

    def action_edit(self) -> None:
        row = self._current()
        if row is None:
            return
        if row.path is None:
            self.notify("A drill card has no note to open.", title="Edit", severity="warning")
            return
        self.srs.open_in_editor(row.path, row.line)


def card_text(row: BrowseRow) -> Group:
    """The card as the review shows it (Markdown: code fences highlighted, math as its
    source), then where it lives."""
    from rich.rule import Rule

    from srs_dl.tui.card_markdown import card_markdown

    parts: list[Any] = [card_markdown(row.front.strip())]
    if row.back.strip():
        parts += [Rule(style="dim"), card_markdown(row.back.strip())]
    text = Text()
    text.append(screen_text(f"\n{row.deck} · {row.kind} · card {row.id}\n"), style="dim")
    if row.note_tags:
        tags = " ".join("#" + t.lstrip("#") for t in row.note_tags)
        text.append(screen_text(f"tags: {tags}\n"), style="dim")
    if row.path:
        text.append(screen_text(f"{row.path}:{row.line or 1}\n"), style="dim")
    return Group(*parts, text)


def history_table(entries: list[LogEntry], row: BrowseRow | None = None) -> Table | Text:
    if not entries:
        if row is not None and row.due is not None and row.interval is not None:
            # Scheduled, yet no review here: the schedule was read from the note.
            where = "its note's <!--SR:--> comment" if row.kind != "drill" else "its import"
            return Text(
                f"No review in srs-dl yet: its schedule (due {row.due.isoformat()},"
                f" {_number(row.interval)}d, ease {row.ease}) came from {where},"
                " as Obsidian last wrote it.",
                style="dim",
            )
        return Text("Never reviewed.", style="dim")
    table = Table(
        box=None,
        padding=(0, 1),
        header_style="bold",
        title="History",
        title_justify="left",
        title_style="bold",
    )
    table.add_column("Day")
    table.add_column("Action")
    table.add_column("Ivl", justify="right")
    undone = {e.undoes for e in entries if e.undoes is not None}
    for e in reversed(entries):
        what = e.action if not e.response or e.response == e.action else e.response
        if e.action == "undo":
            what = f"undo {e.response or ''}".strip()
        after = e.after or {}
        ivl = _number(after.get("interval")) if after.get("interval") is not None else ""
        style = "dim strike" if e.id in undone else ""
        table.add_row(e.day.isoformat(), Text(what, style=style), ivl)
    return table


def _first_line(error: BaseException | None) -> str:
    text = str(error) if error is not None else ""
    return text.splitlines()[0] if text else type(error).__name__
