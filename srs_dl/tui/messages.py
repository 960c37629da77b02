"""Every message the TUI's workers post back to the UI thread.

Workers run in threads with their own SQLite connection; they never touch
widgets. They report through these messages (post_message is thread-safe),
and the screens render what they carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # annotations only: the drills load NumPy, the services the deck's code
    from srs_dl.core.drills import Drill
    from srs_dl.core.search.index import BrowseRow, CardIndex
    from srs_dl.services.lint import LintReport
    from srs_dl.services.review.drill_cards import DrillAnswer
    from srs_dl.services.review.grading import LogEntry
    from srs_dl.services.review.note_review import NoteRow
    from srs_dl.services.review.view import CardRow


@dataclass
class Progress(Message):
    """A long job advanced: `done` of `total` files (total 0: not known yet)."""

    job: str
    done: int
    total: int


@dataclass
class RescanFinished(Message):
    """The startup rescan of the user's folders ended (summary line, or an error)."""

    line: str
    error: str | None = None
    warnings: tuple[str, ...] = ()
    #: Whether any note or card changed (the screens reload only then).
    changed: bool = False


@dataclass
class DeckCountsLoaded(Message):
    """(deck, new, due) for every deck holding cards, in deck order."""

    rows: list[tuple[str, int, int]]


@dataclass
class ImportFinished(Message):
    line: str
    warnings: tuple[str, ...] = ()
    error: str | None = None
    #: Cards from `key:: value` lines that look like Dataview fields (the setting off).
    dataview_like: int = 0


@dataclass
class SyncFinished(Message):
    written: tuple[str, ...]
    changed_on_disk: tuple[str, ...]
    errors: tuple[str, ...]
    error: str | None = None


@dataclass
class CardShown(Message):
    """The review session's next card, what each button would give, and the counts."""

    card: CardRow | None  # None: a free-practice drill
    intervals: dict[str, str]  # response -> label ("8d")
    left: int
    new: int
    note_path: str | None
    drill: Drill | None = None  # for drill cards and free practice
    can_undo: bool = False


@dataclass
class SessionFinished(Message):
    """No card is left in the session (the screen keeps the summary's numbers)."""

    can_undo: bool = False


@dataclass
class ActionDone(Message):
    """A bury / suspend / undo went through; `text` says what happened."""

    text: str
    warning: bool = False


@dataclass
class WorkerFailed(Message):
    """A database or file problem in a worker, as the one-line message the user sees."""

    text: str


@dataclass
class NotesLoaded(Message):
    """Notes due for whole-note review, and the one shown (path None: none due)."""

    notes: list[NoteRow]
    path: str | None
    text: str | None
    intervals: dict[str, str]


@dataclass
class DrillChecked(Message):
    """The checker's verdict on a typed answer (ok None: not an answer, no grade)."""

    ok: bool | None
    message: str
    #: A drill card's checked answer (None in free practice).
    checked: DrillAnswer | None = None


class SessionRequested(Message):
    """The app asks the review / practice screen to start a new session (deck or kind set on the app)."""


@dataclass
class GradeChosen(Message):
    """A grade button was pressed (response: again, hard, good, easy)."""

    response: str


class RevealPressed(Message):
    """The "Show answer" button was pressed."""


@dataclass
class AnswerSubmitted(Message):
    """Enter in a drill's answer box: the text typed."""

    text: str


@dataclass
class BrowseIndexLoaded(Message):
    """The browser's search index is built."""

    index: CardIndex


@dataclass
class BrowseIndexFailed(Message):
    """The browser could not read the cards; the one line to show."""

    text: str


@dataclass
class BrowseRowsChanged(Message):
    """Cards re-read after they changed: caught up with the log up to `mark` (None:
    after an action of the browser's own, whose outcome `text` says)."""

    rows: list[BrowseRow]
    mark: int | None = None
    text: str | None = None


@dataclass
class BrowseHistoryLoaded(Message):
    """A card's log entries, for the history panel."""

    card_id: int
    entries: list[LogEntry]


@dataclass
class LintFinished(Message):
    """The Lint view's run ended: its report, or (report None) a one-line error."""

    report: LintReport | None
    error: str | None = None


@dataclass
class LintWarning(Message):
    """The shown card's note has a lint error: one line for under the answer
    (services.lint.card_warning), posted after the card itself."""

    card_id: int
    text: str
