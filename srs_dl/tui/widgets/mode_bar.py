"""The line at the top of every screen: the areas and their keys, a background
job's progress (rescan, import), and the date the app acts as of.

The keys shown are the ones that work now: the letters, or while a text box has
the focus (where a letter is typed) alt and the letter.

Eight areas with their keys do not fit 100 columns beside the brand and the
date, so the bar takes the first of its forms (BarForm) that fits the width it
has, giving up first what a keyboard user needs least: the brand (the terminal
says which app it is), the date (already hidden while typing or while a job
runs), the double gaps; while typing, the current area's own key (it goes
nowhere), then "alt+" written once. Each key stays a letter of its own before
its title, as the footer shows keys, until even that does not fit (a job's
progress beside the areas at 80 columns): then each title shows its key as an
underlined letter, as a menu does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Label, ProgressBar

from srs_dl.core.screen_text import screen_text
from srs_dl.tui.areas import AREAS

if TYPE_CHECKING:
    from srs_dl.tui.app import JobState, SrsApp

#: The job's progress bar: 12 cells of bar and the percentage.
JOB_BAR_WIDTH = 17
_PADDING = 2  # the job label's and the date's, one cell each side


@dataclass(frozen=True)
class BarForm:
    """How much the mode bar shows; the forms below, in order, each give up a little."""

    brand: bool = True
    gap: str = "  "  # between two areas
    pad: bool = True  # the current area's title padded inside its highlight
    current_key: bool = True  # the current area shows its key too
    alt_once: bool = False  # typing: "alt+" once before the letters, not before each
    mnemonic: bool = False  # the key an underlined letter of the title, not a letter before it
    today: bool = True
    job_label: bool = True


_LETTERS = (
    BarForm(),
    BarForm(brand=False),
    BarForm(brand=False, today=False),
    BarForm(brand=False, today=False, gap=" "),
    BarForm(brand=False, today=False, gap=" ", mnemonic=True),
    BarForm(brand=False, today=False, gap=" ", mnemonic=True, job_label=False),
)
_TYPING = (  # the date is hidden while typing whatever the form
    BarForm(gap=" "),
    BarForm(brand=False, gap=" "),
    BarForm(brand=False, gap=" ", current_key=False),
    BarForm(brand=False, gap=" ", alt_once=True),
    BarForm(brand=False, gap=" ", alt_once=True, mnemonic=True),
    BarForm(brand=False, gap=" ", alt_once=True, mnemonic=True, job_label=False),
)


def areas_markup(current: str, form: BarForm, *, typing: bool) -> str:
    """The areas in `form`; `typing`: the keys with alt (a letter would be typed)."""
    parts = ["[reverse b] srs-dl [/]"] if form.brand else []
    if typing and form.alt_once:
        parts.append("[b $accent]alt+[/]")
    areas = []
    for mode, _module, _cls, key, title in AREAS:
        here = mode == current
        if form.mnemonic:
            areas.append(_mnemonic(title, key, here=here, pad=form.pad))
        else:
            areas.append(_lettered(title, key, here=here, form=form, typing=typing))
        # A padded highlight's last cell is already a cell of the gap.
        areas.append(form.gap[:-1] if here and form.pad and len(form.gap) > 1 else form.gap)
    return " ".join([*parts, "".join(areas[:-1])])


def _lettered(title: str, key: str, *, here: bool, form: BarForm, typing: bool) -> str:
    shown = f"alt+{key}" if typing and not form.alt_once else key
    if not here:
        return f"[b $accent]{shown}[/] [$text-muted]{title}[/]"
    name = f"[b reverse] {title} [/]" if form.pad else f"[b reverse]{title}[/]"
    if not form.current_key:
        return name
    return f"[b $accent]{shown}[/]{name}" if form.pad else f"[b $accent]{shown}[/] {name}"


def _mnemonic(title: str, key: str, *, here: bool, pad: bool) -> str:
    at = title.lower().find(key.lower())
    if at < 0:  # no such letter in the title: the key before it
        before, letter, after = f"{key} ", title[:1], title[1:]
    else:
        before, letter, after = title[:at], title[at], title[at + 1 :]
    if here:
        space = " " if pad else ""
        return f"[b reverse]{space}{before}[u]{letter}[/u]{after}{space}[/]"
    return f"[$text-muted]{before}[/][b $accent u]{letter}[/][$text-muted]{after}[/]"


def fit(
    current: str,
    width: int,
    *,
    typing: bool,
    today_width: int = 0,
    job_width: int = 0,
    bar_width: int = 0,
) -> tuple[BarForm, str]:
    """The first form (and its markup) whose areas fit `width` beside what else the
    bar shows: the date (`today_width`, 0 when hidden anyway) and a job's label and
    progress bar (0 when no job runs); the last form when none fits."""
    forms = _TYPING if typing else _LETTERS
    for form in forms:
        markup = areas_markup(current, form, typing=typing)
        beside = bar_width + (today_width if form.today else 0)
        beside += job_width if form.job_label else 0
        if _width(markup, markup=True) + beside <= width:
            return form, markup
    return form, markup


def _width(text: str, *, markup: bool = False) -> int:
    return (Content.from_markup(text) if markup else Content(text)).cell_length


class ModeBar(Horizontal):
    DEFAULT_CSS = f"""
    ModeBar {{ height: 1; dock: top; background: $panel; }}
    ModeBar #areas {{ width: 1fr; }}
    ModeBar #job-label {{ width: auto; color: $text-muted; padding: 0 1; display: none; }}
    ModeBar ProgressBar {{ width: {JOB_BAR_WIDTH}; display: none; }}
    ModeBar ProgressBar Bar {{ width: 12; }}
    ModeBar #today {{ width: auto; color: $text-muted; padding: 0 1; }}
    ModeBar.busy #job-label, ModeBar.busy ProgressBar {{ display: block; }}
    ModeBar.busy #today, ModeBar.typing #today, ModeBar.no-today #today {{ display: none; }}
    ModeBar.busy.no-job-label #job-label {{ display: none; }}
    """

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current
        self._job_text = ""
        self._today_text = ""
        self._fitted: tuple[object, ...] = ()  # what the shown form was chosen for

    def compose(self) -> ComposeResult:
        yield Label(areas_markup(self.current, _LETTERS[0], typing=False), id="areas")
        yield Label("", id="job-label")
        yield ProgressBar(show_eta=False, show_percentage=True, id="job")
        app: SrsApp = self.app  # type: ignore[assignment]
        self._today_text = f"today {app.env.today.isoformat()}"
        yield Label(self._today_text, id="today")

    def on_mount(self) -> None:
        app: SrsApp = self.app  # type: ignore[assignment]
        app.job_signal.subscribe(self, self._show_job)
        self._show_job(app.job)
        self.watch(self.screen, "focused", self._show_keys)

    def on_resize(self, _event: Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        # Not laid out yet (a text box focused as the screen mounts): the bar spans the screen.
        width = self.size.width or self.app.size.width
        busy, typing = self.has_class("busy"), self.has_class("typing")
        wanted = (width, busy, typing, self._job_text if busy else "")
        if wanted == self._fitted:
            return  # a job's progress moved on: the same form
        self._fitted = wanted
        form, markup = fit(
            self.current,
            width,
            typing=typing,
            today_width=0 if busy or typing else _width(self._today_text) + _PADDING,
            job_width=_width(self._job_text) + _PADDING if busy else 0,
            bar_width=JOB_BAR_WIDTH if busy else 0,
        )
        self.set_class(not form.today, "no-today")
        self.set_class(not form.job_label, "no-job-label")
        self.query_one("#areas", Label).update(markup)

    def _show_keys(self, focused: Widget | None) -> None:
        # A widget that takes a letter as text (Input, TextArea) would take the area's key.
        typing = focused is not None and focused.check_consume_key("d", "d")
        if typing != self.has_class("typing"):
            self.set_class(typing, "typing")
            self._fit()

    def _show_job(self, job: JobState) -> None:
        self.set_class(job.running, "busy")
        if job.running:
            self._job_text = screen_text(job.label)
            self.query_one("#job-label", Label).update(screen_text(job.label, markup=True))
            bar = self.query_one(ProgressBar)
            if job.total:
                bar.update(total=job.total, progress=job.done)
            else:
                bar.update(total=None)
        self._fit()
