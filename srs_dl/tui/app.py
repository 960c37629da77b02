"""The srs-dl TUI: one App, one mode per top-level area, screens in screens/.

Adding a mode (how H8's stats and browse screens join):
  1. write srs_dl/tui/screens/<name>.py with a Screen subclass that sets
     CSS_PATH = "<name>.tcss" (beside it) and composes ModeBar() first and
     Footer() last, like screens/decks.py;
  2. add its entry to AREAS (areas.py): (mode name, module, class, key, title).
     The module is imported only when the mode is first opened, so startup
     stays light; the key (an uppercase letter) switches to it everywhere and
     shows in the mode bar, the help screen and the command palette.
The screen reads the database through `self.app.env` (db path, today, config)
in @work(thread=True) workers that borrow a connection from the app's pool
(srs_dl.services.deck.DeckPool: opened once, lent to one worker at a time) and
post messages (messages.py) back.
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal

from srs_dl.config import Config
from srs_dl.core.screen_text import screen_text
from srs_dl.services.deck import DeckPool
from srs_dl.tui.areas import AREAS
from srs_dl.tui.commands import ScreenActions
from srs_dl.tui.messages import Progress, RescanFinished, SessionRequested

if TYPE_CHECKING:
    # Only for the annotation: the explorer's modules load NumPy, which the
    # app's start does not need.
    from srs_dl.core.explore.settings import ExplorerSettings


def _lazy_screen(module: str, cls: str) -> Callable[[], Screen]:
    def build() -> Screen:
        name = f"srs_dl.tui.screens.{module}"
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            from srs_dl.tui.screens.missing import MissingScreen

            return MissingScreen(module)
        return getattr(mod, cls)()

    return build


@dataclass(frozen=True)
class TuiEnv:
    """What every screen works with; screens read it as `self.app.env`."""

    db_path: Path
    today: dt.date
    config: Config
    #: Seeds free practice drills, so snapshots and tests see the same numbers.
    seed: int = 0
    #: Rescan the user's remembered folders at start (off in some tests).
    rescan: bool = True


@dataclass
class JobState:
    """The background job the mode bar shows (rescan, import), if any."""

    label: str = ""
    done: int = 0
    total: int = 0
    running: bool = False


class SrsApp(App[None]):
    TITLE = "srs-dl"
    CSS_PATH = "app.tcss"
    MODES = {mode: _lazy_screen(module, cls) for mode, module, cls, _k, _t in AREAS}
    # One provider, so the palette lists the screen's actions first and no action twice
    # (it adds the Textual commands ours do not cover).
    COMMANDS = {ScreenActions}

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast (screens' too: they call this) quotes notes, file names, config
        values: shown through screen_text, so no markup or control in them is live."""
        super().notify(
            screen_text(message, markup=markup),
            # The title is plain text to the toast: only its controls need showing.
            title=screen_text(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    BINDINGS = [
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            id="quit",
            priority=True,
            show=False,
            tooltip="Quit srs-dl (works everywhere, even while typing an answer).",
        ),
        Binding(
            "q",
            "quit",
            "Quit",
            id="quit-q",
            tooltip="Quit srs-dl (when no text input has the focus).",
        ),
        Binding(
            "question_mark",
            "help",
            "Keys",
            id="help",
            key_display="?",
            tooltip="Show every key of this screen.",
        ),
        *(
            Binding(
                key,
                f"area('{mode}')",
                title,
                id=f"area-{mode}",
                show=False,
                tooltip=f"Go to {title}.",
            )
            for mode, _m, _c, key, title in AREAS
        ),
        Binding(
            "x",
            "explore_drill",
            "Explore",
            id="explore-drill",
            tooltip="Open the explorer with this drill's inputs (after its worked solution).",
        ),
        # The same, from a text box too (where the letter is typed): the mode bar shows
        # these while one has the focus. Alt with the same capital letter: a terminal sends
        # ESC B, which Textual reads as alt+shift+b (ESC b is read as ctrl+left, word left,
        # so alt+b alone cannot work; alt with the other small letters does).
        *(
            Binding(
                f"alt+shift+{key.lower()},alt+{key.lower()}",
                f"area('{mode}')",
                title,
                id=f"area-{mode}-alt",
                key_display=f"alt+{key}",
                show=False,
                priority=True,
                tooltip=f"Go to {title}, even while typing.",
            )
            for mode, _m, _c, key, title in AREAS
        ),
    ]

    def __init__(self, env: TuiEnv, *, mode: str = "decks", arg: str | None = None) -> None:
        super().__init__()
        self.env = env
        self.start_mode = mode
        self.job = JobState()
        #: Published when a background job advances or ends (the mode bars listen).
        self.job_signal: Signal[JobState] = Signal(self, "job")
        #: Published when the cards may have changed underneath (rescan, import, sync).
        self.data_signal: Signal[str] = Signal(self, "data")
        #: Set once the startup rescan ended; review workers wait for it.
        self.rescan_done = threading.Event()
        #: Requests that the review / practice screens start a new session.
        self.review_deck: str | None = arg if mode == "review" else None
        self.practice_kind: str | None = arg if mode == "practice" else None
        self.review_request = 0
        self.practice_request = 0
        #: The explorer's settings (core.explore.settings), kept across visits;
        #: set before switching to open it on a drill's inputs.
        self.explore_settings: ExplorerSettings | None = None
        if mode == "explore" and arg:
            from srs_dl.core.explore.settings import for_kind

            self.explore_settings = for_kind(arg)
        self._prefetch: tuple[threading.Event, list[list[tuple[str, int, int]]]] | None = None
        #: The deck's connections, opened once and lent to each worker in turn.
        self.deck = DeckPool(env.db_path)

    # -- start-up ---------------------------------------------------------------------------
    def on_load(self) -> None:
        # The deck counts are the first screen's one slow query (a scan of the cards):
        # start it now, while Textual is still building the screen.
        if self.start_mode == "decks":
            self._prefetch = (threading.Event(), [])
            self.prefetch_counts()

    @work(thread=True, group="prefetch", exit_on_error=False)
    def prefetch_counts(self) -> None:
        from srs_dl.services.deck import deck_counts

        assert self._prefetch is not None
        ready, box = self._prefetch
        try:
            conn = self.deck.connect()
            try:
                box.append(deck_counts(conn, self.env.today))
            finally:
                conn.close()
        except Exception:  # noqa: S110 - the deck list runs the query again and reports
            pass
        finally:
            ready.set()

    def take_prefetched_counts(self) -> list[tuple[str, int, int]] | None:
        """The counts queried at start-up, once (called from a worker thread; waits for them)."""
        prefetch, self._prefetch = self._prefetch, None
        if prefetch is None:
            return None
        ready, box = prefetch
        ready.wait()
        return box[0] if box else None

    def on_unmount(self) -> None:
        self.deck.close()

    def on_mount(self) -> None:
        self.switch_mode(self.start_mode)
        if self.env.rescan:
            self.start_rescan()
        else:
            self.rescan_done.set()

    def start_rescan(self) -> bool:
        """Rescan the remembered folders in the background, unless a job already runs."""
        if any(w.group == "rescan" and not w.is_finished for w in self.workers):
            return False
        self.job = JobState("rescan", 0, 0, True)
        self.job_signal.publish(self.job)
        self.rescan_folders()
        return True

    @work(thread=True, exclusive=True, group="rescan", exit_on_error=False)
    def rescan_folders(self) -> None:
        """Re-read the folders the user imported (incremental: unchanged files are not read),
        so cards reviewed in Obsidian since the last run are up to date."""
        from textual.worker import get_current_worker

        worker = get_current_worker()
        cancel = threading.Event()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                cancel.set()
            self.post_message(Progress("rescan", done, total))

        try:
            from srs_dl.services.importing.importer import rescan

            conn = self.deck.connect()
            try:
                summary = rescan(
                    conn, self.env.config, self.env.today, progress=progress, cancel=cancel
                )
            finally:
                conn.close()
            self.post_message(
                RescanFinished(summary.line(), None, tuple(summary.warnings), summary.changed)
            )
        except Exception as exc:  # shown as one line; the app stays usable
            self.post_message(RescanFinished("", _one_line(exc)))
        finally:
            self.rescan_done.set()

    @on(Progress)
    def _job_progress(self, event: Progress) -> None:
        label = {"rescan": "rescan", "import": "import"}.get(event.job, event.job)
        self.job = JobState(label, event.done, event.total, True)
        self.job_signal.publish(self.job)

    @on(RescanFinished)
    def _rescan_finished(self, event: RescanFinished) -> None:
        self.job = JobState()
        self.job_signal.publish(self.job)
        if event.error:
            self.notify(event.error, title="Rescan failed", severity="error", timeout=10)
            return
        if event.warnings:
            self.notify(
                "\n".join(event.warnings[:5]),
                title="Rescan warnings",
                severity="warning",
                timeout=10,
            )
        if event.changed:
            self.data_signal.publish("rescan")

    # -- actions ----------------------------------------------------------------------------
    def action_area(self, mode: str) -> None:
        if mode in self.MODES:
            self.switch_mode(mode)

    def start_review(self, deck: str | None) -> None:
        """Open the review area on a fresh session of `deck` (None: every deck)."""
        self.review_deck = deck
        self.review_request += 1
        if self.current_mode == "review":
            self.screen.post_message(SessionRequested())
        else:
            self.switch_mode("review")

    def start_practice(self, kind: str | None) -> None:
        self.practice_kind = kind
        self.practice_request += 1
        if self.current_mode == "practice":
            self.screen.post_message(SessionRequested())
        else:
            self.switch_mode("practice")

    def _checked_drill(self) -> object | None:
        """The drill whose worked solution the screen shows, if any."""
        screen = self.screen
        drill = getattr(screen, "drill", None)
        return (
            drill if drill is not None and getattr(screen, "drill_ok", None) is not None else None
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "explore_drill":
            return self._checked_drill() is not None
        return True

    def action_explore_drill(self) -> None:
        """x after a drill's check: the explorer on that drill's kind and inputs."""
        from srs_dl.core.explore.settings import from_drill

        drill = self._checked_drill()
        if drill is None:
            return
        self.explore_settings = from_drill(drill.kind, getattr(drill, "params", {}) or {})  # type: ignore[attr-defined]
        self.switch_mode("explore")

    def action_help(self) -> None:
        from srs_dl.tui.dialogs.help import HelpDialog

        if isinstance(self.screen, HelpDialog):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpDialog(self.screen))

    def open_in_editor(self, path: str, line: int | None) -> bool:
        """Run the user's editor on `path` at `line`, the TUI suspended meanwhile.
        Returns False (after telling the user) when no editor could be started."""
        from srs_dl.tui.editor import EditorError, editor_command, run_editor

        try:
            argv = editor_command(self.env.config.editor, path, line)
            with self.suspend():
                run_editor(argv)
        except EditorError as exc:
            self.notify(str(exc), title="Editor", severity="error")
            return False
        except Exception as exc:  # SuspendNotSupported and the like
            self.notify(_one_line(exc), title="Editor", severity="error")
            return False
        self.refresh()
        return True


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def make_app(
    db_path: Path | str,
    today: dt.date,
    config: Config | None = None,
    *,
    mode: str = "decks",
    arg: str | None = None,
    seed: int = 0,
    rescan: bool = True,
) -> SrsApp:
    """The one way to build the app: the CLI, the tests and the benchmark all call this."""
    modes = {area[0] for area in AREAS}
    if mode not in modes:
        raise ValueError(f"unknown mode {mode!r} (one of {', '.join(sorted(modes))})")
    env = TuiEnv(Path(db_path), today, config or Config(), seed, rescan)
    return SrsApp(env, mode=mode, arg=arg)
