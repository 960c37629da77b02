"""Decks: the deck tree with new / due counts; Enter reviews the deck under the cursor."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, ListItem, ListView, Static, Tree
from textual.widgets.tree import TreeNode

from srs_dl.core.screen_text import screen_text
from srs_dl.tui.messages import DeckCountsLoaded, SyncFinished, WorkerFailed
from srs_dl.tui.screens.base import AreaScreen

ALL = ""  # the root node's deck: every deck


class DeckTree(Tree[str]):
    """The deck tree; Enter reviews the deck under the cursor."""

    BINDINGS = [
        Binding(
            "enter",
            "select_cursor",
            "Review deck",
            id="decks-review",
            tooltip="Start a review of the deck under the cursor and its sub-decks.",
        ),
        Binding(
            "space",
            "toggle_node",
            "Fold",
            id="decks-fold",
            show=False,
            tooltip="Fold or unfold the sub-decks.",
        ),
    ]


class DeckTotals:
    """Counts of one deck node: its own cards plus its sub-decks'."""

    __slots__ = ("new", "due")

    def __init__(self) -> None:
        self.new = 0
        self.due = 0


class DecksScreen(AreaScreen):
    AREA = "decks"
    TITLE = "Decks"
    CSS_PATH = "decks.tcss"
    BINDINGS = [
        Binding(
            "i",
            "import",
            "Import",
            id="decks-import",
            tooltip="Import a folder (or file) of Obsidian notes.",
        ),
        Binding(
            "y",
            "sync",
            "Sync",
            id="decks-sync",
            tooltip="Write pending schedules into the notes; list notes changed on disk.",
        ),
        Binding(
            "r",
            "rescan",
            "Rescan",
            id="decks-rescan",
            tooltip="Re-read the imported folders now (incremental).",
        ),
        Binding(
            "p",
            "practice",
            "Practice",
            id="decks-practice",
            tooltip="Practise numeric drills of every kind.",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, DeckTotals] = {}
        self._rows: list[tuple[str, int, int]] = []
        self.total_cards = 0

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="decks-main"):
            with Vertical(id="deck-pane"):
                yield Label("", id="deck-header")
                tree = DeckTree("All decks", data=ALL, id="deck-tree")
                tree.auto_expand = False
                tree.show_root = True
                tree.guide_depth = 3
                yield tree
            with Vertical(id="side-pane"):
                yield Static("", id="deck-info")
                yield Static("", id="job-result", classes="muted")
                yield Label("Changed on disk, waiting for a rescan (r):", id="changed-title")
                yield ListView(id="changed")

    def on_mount(self) -> None:
        self.query_one("#deck-pane").border_title = "Decks"
        self.query_one("#side-pane").border_title = "Deck"
        self.query_one("#changed-title").display = False
        self.query_one("#changed").display = False
        self.srs.data_signal.subscribe(self, lambda _what: self.load_counts())
        # No loading indicator over the tree: a loading widget lends no keys, so the
        # footer would lack "Review deck" until the counts came (its root says it instead).
        self.query_one(DeckTree).root.set_label(Text("All decks (counting…)", style="dim"))
        self.load_counts()

    # -- loading ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="deck-counts", exit_on_error=False)
    def load_counts(self) -> None:
        from srs_dl.services.deck import deck_counts

        try:
            rows = self.srs.take_prefetched_counts()
            if rows is None:
                conn = self.connect()
                try:
                    rows = deck_counts(conn, self.env.today)
                finally:
                    conn.close()
        except Exception as exc:
            self.post_message(WorkerFailed(str(exc).splitlines()[0] if str(exc) else repr(exc)))
            return
        self.post_message(DeckCountsLoaded(rows))

    @on(WorkerFailed)
    def _failed(self, event: WorkerFailed) -> None:
        self.query_one(DeckTree).root.set_label(Text("All decks (no counts)", style="dim"))
        self.notify(event.text, title="Database", severity="error", timeout=10)

    @on(DeckCountsLoaded)
    def _show_counts(self, event: DeckCountsLoaded) -> None:
        self._rows = event.rows
        tree = self.query_one(DeckTree)
        selected = tree.cursor_node.data if tree.cursor_node else ALL
        self.counts = {ALL: DeckTotals()}
        for deck, new, due in event.rows:
            parts = deck.split("/") if deck else []
            for depth in range(len(parts) + 1):
                key = "/".join(parts[:depth])
                totals = self.counts.setdefault(key, DeckTotals())
                totals.new += new
                totals.due += due
        tree.clear()
        tree.root.set_label(self._label("All decks", ALL, 0))
        nodes: dict[str, TreeNode[str]] = {ALL: tree.root}
        parents = {deck.rpartition("/")[0] for deck in self.counts if deck}
        for deck in sorted(self.counts):
            if deck == ALL:
                continue
            parent_key, _, name = deck.rpartition("/")
            parent = nodes.get(parent_key, tree.root)
            depth = deck.count("/") + 1
            leaf = deck not in parents
            label = self._label(name, deck, depth, leaf=leaf)
            if leaf:
                nodes[deck] = parent.add_leaf(label, data=deck)
            else:
                nodes[deck] = parent.add(label, data=deck, expand=True)
        tree.root.expand()
        header = self.query_one("#deck-header", Label)
        header.update(self._header())
        if not event.rows:
            tree.root.set_label(
                Text("No cards yet: press i to import a folder of notes", style="italic")
            )
        target = nodes.get(selected or ALL, tree.root)
        tree.move_cursor(target)
        self._show_info(target.data or ALL)

    def _name_width(self, depth: int) -> int:
        # The pane's width is known before the tree's first layout; 2 border, 2 padding.
        pane = self.query_one("#deck-pane").size.width or self.size.width * 3 // 5 or 60
        return max(10, pane - 4 - 2 - 13 - depth * 3)

    def on_resize(self) -> None:
        if self.counts:
            self.post_message(DeckCountsLoaded(self._rows))

    def _header(self) -> Text:
        width = self._name_width(0)
        return Text.assemble(
            ("  Deck".ljust(width + 3), "bold"),
            (" New".rjust(6), "bold"),
            (" Due".rjust(7), "bold"),
        )

    def _label(self, name: str, deck: str, depth: int, *, leaf: bool = False) -> Text:
        totals = self.counts.get(deck, DeckTotals())
        # A leaf has no fold arrow ("▶ "): its name starts 2 cells further left.
        width = self._name_width(depth) + (2 if leaf else 0)
        shown = name if len(name) <= width else name[: width - 1] + "…"
        return Text.assemble(
            (shown.ljust(width), "bold" if depth == 0 else ""),
            (f"{totals.new:>6}", "bold #5fafff" if totals.new else "dim"),
            (f"{totals.due:>7}", "bold #87d787" if totals.due else "dim"),
        )

    # -- the side panel ---------------------------------------------------------------------
    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        self._show_info(event.node.data or ALL)

    def _show_info(self, deck: str) -> None:
        totals = self.counts.get(deck, DeckTotals())
        name = deck or "All decks"
        subdecks = (
            sum(1 for other in self.counts if other and other.startswith(deck + "/"))
            if deck
            else len([d for d in self.counts if d and "/" not in d])
        )
        lines = [
            f"[b]{_escape(name)}[/b]",
            f"[dim]{subdecks} sub-deck{'s' if subdecks != 1 else ''}[/]" if subdecks else "",
            "",
            f"  [b #5fafff]{totals.new:>5}[/] new",
            f"  [b #87d787]{totals.due:>5}[/] due today",
            "",
            (
                "[b]enter[/b]  review this deck"
                if totals.new + totals.due
                else "[dim]Nothing to review here today.[/]"
            ),
            "[b]p[/b]      practise drills",
            "[b]i[/b]      import a folder",
            "[b]y[/b]      sync schedules into notes",
        ]
        self.query_one("#deck-info", Static).update("\n".join(lines))

    # -- actions ----------------------------------------------------------------------------
    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        deck = event.node.data or ALL
        self.srs.start_review(deck or None)

    def action_practice(self) -> None:
        self.srs.start_practice(None)

    def action_import(self) -> None:
        from srs_dl.tui.dialogs.import_dialog import ImportDialog

        def done(line: str | None) -> None:
            if line:
                self.query_one("#job-result", Static).update(f"Import: {_escape(line)}")
                self.srs.data_signal.publish("import")

        self.app.push_screen(ImportDialog(), done)

    def action_rescan(self) -> None:
        if not self.srs.start_rescan():
            self.notify("A rescan is already running.")
            return
        self.query_one("#changed-title").display = False
        self.query_one("#changed").display = False

    def action_sync(self) -> None:
        self.notify("Writing schedules into the notes…", timeout=2)
        self.run_sync()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def run_sync(self) -> None:
        from srs_dl.services.writeback.sync import sync

        try:
            conn = self.connect()
            try:
                report = sync(conn, self.env.config, self.env.today)
            finally:
                conn.close()
        except Exception as exc:
            self.post_message(SyncFinished((), (), (), str(exc).splitlines()[0]))
            return
        self.post_message(
            SyncFinished(
                tuple(str(p) for p in report.written),
                tuple(str(p) for p in report.changed_on_disk),
                tuple(report.errors),
            )
        )

    @on(SyncFinished)
    def _synced(self, event: SyncFinished) -> None:
        if event.error:
            self.notify(event.error, title="Sync failed", severity="error", timeout=10)
            return
        text = f"Sync: {len(event.written)} note(s) written"
        if event.changed_on_disk:
            text += f", {len(event.changed_on_disk)} changed on disk"
        if event.errors:
            text += f", {len(event.errors)} error(s)"
        self.query_one("#job-result", Static).update(text)
        changed = self.query_one("#changed", ListView)
        changed.clear()
        for path in event.changed_on_disk:
            changed.append(ListItem(Label(_escape(path))))
        for error in event.errors:
            changed.append(ListItem(Label(f"[red]{_escape(error)}[/]")))
        shown = bool(event.changed_on_disk or event.errors)
        self.query_one("#changed-title").display = shown
        changed.display = shown
        self.notify(text, title="Sync", severity="warning" if shown else "information")
        self.srs.data_signal.publish("sync")


def _escape(text: str) -> str:
    return screen_text(text, markup=True)
