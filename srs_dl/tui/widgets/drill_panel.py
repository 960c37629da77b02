"""A drill in place: the prompt, an input for the answer, then the verdict (with
the common mistake the answer matches, if any) and three views of the
solution, `t` going from one to the next: the worked solution (the formula,
then one line per step with the numbers in), the steps table, and a plot of
the computation. The question stays in view above them. The screen that holds
it checks the answer (through the core or the drill-card service) and calls
`show_verdict`.

On a wide terminal the steps and the plot sit side by side; on a narrow one
(100 columns) one of them fills the width and `t` swaps them. Every kind's steps
fit 100 columns (numbers at STEP_DIGITS significant digits, long names shortened
and explained in a legend); on a narrower terminal the table scrolls sideways
inside its panel (left / right).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Static

from srs_dl.core.screen_text import screen_text
from srs_dl.tui.messages import AnswerSubmitted
from srs_dl.tui.widgets.drill_plot import DrillPlot

if TYPE_CHECKING:  # annotations only: the drills load NumPy
    from srs_dl.core.drills import Drill

#: From this width on, the steps and the plot are shown side by side.
WIDE = 150

Formatter = Callable[[float], str]


class StepsTable(DataTable[str]):
    """The worked steps: read, never selected. Enter is left to the screen (after a
    check it moves on to the next card), not spent selecting a row."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select_cursor":
            return False
        return super().check_action(action, parameters)


class AnswerInput(Input):
    """The answer box: escape leaves it for the panel, so the letter keys (k, ?, the
    areas) work again; typing a number there comes back to it."""

    BINDINGS = [
        Binding(
            "escape",
            "leave_box",
            "Leave box",
            id="drill-leave-box",
            tooltip="Leave the answer box, so the letter keys work; a digit comes back.",
        ),
    ]

    def action_leave_box(self) -> None:
        for panel in self.ancestors:
            if isinstance(panel, DrillPanel):
                # Not scrolled into view: the panel is taller than the screen's room, and
                # scrolling would push the status line and the prompt's top off the screen.
                panel.focus(scroll_visible=False)
                return


#: Keys that start an answer: from the panel, they go back into the answer box.
ANSWER_START = frozenset("0123456789.-+[")


class DrillPanel(Vertical, can_focus=True):
    DEFAULT_CSS = """
    DrillPanel { height: 1fr; }
    DrillPanel:focus { background-tint: $foreground 0%; }
    DrillPanel #drill-scroll { height: auto; max-height: 16; }
    DrillPanel.checked #drill-scroll { max-height: 40%; }
    DrillPanel #drill-prompt { padding: 0 1; }
    DrillPanel #drill-answer { margin: 0 1; }
    DrillPanel #drill-verdict { height: auto; padding: 0 2; }
    DrillPanel #drill-work { height: 1fr; min-height: 6; display: none; }
    DrillPanel.checked #drill-work { display: block; }
    DrillPanel #drill-worked { width: 1fr; height: 1fr; padding: 0 1; display: none; }
    DrillPanel #drill-steps { width: 1fr; height: 1fr; display: none; }
    DrillPanel DrillPlot { width: 1fr; height: 1fr; display: none; }
    DrillPanel.view-worked #drill-worked { display: block; }
    DrillPanel.view-steps #drill-steps { display: block; }
    DrillPanel.view-plot DrillPlot { display: block; }
    DrillPanel.wide.has-plot.view-steps #drill-steps { width: 3fr; }
    DrillPanel.wide.has-plot.view-steps DrillPlot { display: block; width: 2fr; }
    """

    #: The views of a checked drill, in the order `t` goes through them.
    VIEWS = ("worked", "steps", "plot")

    BINDINGS = [
        Binding(
            "t",
            "toggle_view",
            "Solution/steps/plot",
            id="drill-toggle",
            tooltip="The worked solution, the steps table or the plot of the computation.",
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.drill: Drill | None = None
        #: The width the steps table needs to show every column in full.
        self._steps_width = 0
        #: The checked drill's verdict lines (markup) and the steps table's legend.
        self._verdict: tuple[list[str], str] = ([], "")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="drill-scroll"):
            yield Static("", id="drill-prompt")
        yield AnswerInput(
            placeholder="your answer: 0.0123, 1.2e-2, [0.1, 0.2] or rows split by ;",
            id="drill-answer",
            # A digit typed from the panel lands in the box: focus must not select it.
            select_on_focus=False,
        )
        yield Static("", id="drill-verdict")
        with Horizontal(id="drill-work"):
            with VerticalScroll(id="drill-worked"):
                yield Static("", id="drill-solution")
            yield StepsTable(id="drill-steps", zebra_stripes=True, cursor_type="row")
            yield DrillPlot(id="drill-plot")

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE, "wide")
        if self.has_class("checked"):
            self._show_verdict_lines()  # whether the table must scroll depends on the width

    async def load(self, drill: Drill) -> None:
        """Show a fresh drill, the input empty and focused."""
        self.drill = drill
        self.remove_class("checked", "has-plot", *(f"view-{v}" for v in self.VIEWS))
        self.query_one("#drill-prompt", Static).update(prompt_markup(drill.prompt))
        self.query_one("#drill-scroll").scroll_home(animate=False)
        answer = self.query_one("#drill-answer", Input)
        answer.value = ""
        answer.disabled = False
        self.query_one("#drill-verdict", Static).update(
            "[dim]Type your answer and press [b]enter[/b] to check it.[/]"
        )
        answer.focus()

    def on_key(self, event: events.Key) -> None:
        """A digit typed while the panel (not the box) has the focus, before the check:
        back into the box, with the digit."""
        answer = self.query_one("#drill-answer", Input)
        if (
            self.has_focus
            and event.character in ANSWER_START
            and not answer.disabled
            and not self.has_class("checked")
        ):
            event.stop()
            event.prevent_default()
            answer.focus()
            answer.insert_text_at_cursor(event.character)

    @on(Input.Submitted, "#drill-answer")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(AnswerSubmitted(event.value))

    def show_verdict(self, ok: bool | None, message: str, outcome: str = "") -> None:
        """ok None: not an answer (the checker's message, try again); else the worked steps.
        `outcome` (markup): what became of the answer (recorded as Again, to be graded...)."""
        verdict = self.query_one("#drill-verdict", Static)
        if ok is None:
            verdict.update(f"[$warning]{screen_text(message, markup=True)}[/]")
            self.query_one("#drill-answer", Input).focus()
            return
        mark = "[b $success]✓[/]" if ok else "[b $error]✗[/]"
        plotted = self.query_one(DrillPlot).draw(self.drill)
        self.set_class(plotted, "has-plot")
        hint = "  [dim](t: steps table" + (", plot" if plotted else "") + ")[/]"
        self.query_one("#drill-answer", Input).disabled = True
        self.query_one("#drill-solution", Static).update(solution_markup(self.drill))
        legend = self._fill_steps()
        self._verdict = (
            [f"{mark} {screen_text(message, markup=True)}{hint}", *([outcome] if outcome else [])],
            legend,
        )
        self._show_verdict_lines()
        self.add_class("checked")
        self.show_view("worked")

    def _show_verdict_lines(self) -> None:
        """The verdict, the outcome and the legend, with the sideways-scroll hint when the
        steps table is wider than the panel is now (a panel not laid out yet has no width)."""
        lines, legend = self._verdict
        width = self._room()
        if width > 0 and self._steps_width > width:
            legend = ";  ".join(x for x in (legend, "←/→ scroll the table") if x)
        if legend:
            lines = [*lines, f"[dim]{screen_text(legend, markup=True)}[/]"]
        self.query_one("#drill-verdict", Static).update("\n".join(lines))

    @property
    def view(self) -> str | None:
        """The view of the checked drill shown now (None before the check)."""
        return next((v for v in self.VIEWS if self.has_class(f"view-{v}")), None)

    def show_view(self, view: str) -> None:
        self.remove_class(*(f"view-{v}" for v in self.VIEWS))
        self.add_class(f"view-{view}")
        target = {"worked": "#drill-worked", "steps": "#drill-steps"}.get(view)
        if target is None:
            self.focus()
        else:
            self.query_one(target).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_view":
            return self.has_class("checked")
        return True

    def action_toggle_view(self) -> None:
        views = [v for v in self.VIEWS if v != "plot" or self.has_class("has-plot")]
        current = self.view
        nxt = views[(views.index(current) + 1) % len(views)] if current in views else views[0]
        self.show_view(nxt)

    def _fill_steps(self) -> str:
        """Fill the table; return the legend of the headers it shortened ("" if none)."""
        table = self.query_one("#drill-steps", DataTable)
        table.clear(columns=True)
        if self.drill is None:
            return ""
        columns, rows, legend = steps_table(self.drill.steps.columns, self.drill.steps.rows)
        table.add_columns(*columns)
        for row in rows:
            table.add_row(*row)
        self._steps_width = table_width(columns, rows)
        return legend

    def _room(self) -> int:
        """Columns the steps table has before it must scroll sideways (less 2 for a
        vertical scrollbar); on a wide terminal the plot takes 2/5 beside it."""
        width = self.size.width
        if self.has_class("wide") and self.has_class("has-plot"):
            width = width * 3 // 5
        return width - 2


def recorded_line(response: str, due: dt.date | None, today: dt.date) -> str:
    """What became of a drill graded when it was checked (a wrong answer: Again), as
    markup: the grade, when the card is due, and the key that goes on."""
    if due is None:
        when = "not scheduled"
    elif due <= today:
        when = "due again today, back at the end of this session"
    else:
        days = (due - today).days
        when = f"next due {due.isoformat()} (in {days} day{'s' if days != 1 else ''})"
    return f"Recorded as [b]{screen_text(response.title(), markup=True)}[/b]: {when}. [b]enter[/b]: next card."


def prompt_markup(prompt: str) -> str:
    """The prompt's lines kept as they are, `code` spans highlighted."""
    return re.sub(r"`([^`]+)`", r"[b $accent]\1[/]", screen_text(prompt, markup=True))


def solution_markup(drill: Drill) -> str:
    """The worked solution: the formula, then one line per step with the numbers in."""
    lines = [f"[b]Formula[/b]  {screen_text(drill.formula, markup=True)}", ""]
    lines += [screen_text(line, markup=True) for line in drill.worked]
    return "\n".join(lines)


#: Headers too wide for 100 columns: (short header, its meaning, shown under the verdict).
_SHORT_HEADERS = {
    "lr * V_hat / (sqrt(S_hat) + eps)": ("Δw", "Δw = lr * V_hat / (sqrt(S_hat) + eps)"),
    "lr * g_t / (sqrt(S_t) + eps)": ("Δw", "Δw = lr * g_t / (sqrt(S_t) + eps)"),
    "sqrt(S_t) + eps": ("√S_t + eps", ""),
    "weight_decay * w_{t-1}": ("wd * w_{t-1}", "wd = weight_decay"),
    "lr * weight_decay * w_{t-1}": ("decay", "decay = lr * weight_decay * w_{t-1}"),
    "g_t + weight_decay * w_{t-1}": ("g_t + wd * w_{t-1}", "wd = weight_decay"),
    # batch norm at inference: the rows already say "batch k" and "test"
    "batch mean": ("mean", ""),
    "batch var (1/m)": ("var (1/m)", ""),
    "batch var (1/(m-1))": ("var (1/(m-1))", ""),
    "running mean": ("run mean", "run = running statistics"),
    "running var": ("run var", "run = running statistics"),
}

#: Row labels (first column) too wide for 100 columns: (short label, its meaning).
#: Batch norm at inference: in full, the test rows' labels make the table 101 wide.
_SHORT_LABELS = {
    "test: sqrt(running var + eps)": ("test: σ", "σ = √(run var + eps)"),
    "test: z_norm": ("test: ẑ", "ẑ = z_norm"),
    "test: gamma * z_norm + beta": ("test: out", "out = gamma * z_norm + beta (the answer)"),
}

#: Significant digits in the table: enough to follow a calculator, short enough for
#: Adam's nine columns in 100 terminal columns (the answer itself is checked in full).
STEP_DIGITS = 5


#: Below or above these, a column's numbers are all written with an exponent.
_FIXED_RANGE = (1e-3, 1e5)


def _floats(cell: str) -> list[float]:
    """The non-integer numbers in a cell (a number, or a bracketed list of them)."""
    out = []
    for token in cell.strip("[]").split(","):
        token = token.strip()
        if not token or not any(c in token for c in ".eE"):
            continue  # text, blank, or an integer (a count, a step number): shown as it is
        try:
            out.append(float(token))
        except ValueError:
            continue
    return out


def column_number(values: Sequence[float]) -> Formatter:
    """One format for a column: STEP_DIGITS significant figures for every number,
    with an exponent for all of them when any is outside _FIXED_RANGE (so a column
    never mixes 0.000567 with 6.3266e-5), without one for none of them otherwise."""
    sizes = [abs(v) for v in values if v != 0.0 and math.isfinite(v)]
    low, high = _FIXED_RANGE
    exponent = bool(sizes) and (min(sizes) < low or max(sizes) >= high)

    def fmt(v: float) -> str:
        if v == 0.0:
            return "0"
        if not math.isfinite(v):
            return str(v)
        if exponent:
            return re.sub(r"e([+-])0*(\d)", r"e\1\2", f"{v:.{STEP_DIGITS - 1}e}")
        return f"{v:#.{STEP_DIGITS}g}".rstrip(".")

    return fmt


def _format_cell(cell: str, fmt: Formatter) -> str:
    def one(token: str) -> str:
        t = token.strip()
        if not t or not any(c in t for c in ".eE"):
            return t
        try:
            return fmt(float(t))
        except ValueError:
            return t

    vector = _vector(cell)
    if vector is not None:
        return "[" + ", ".join(one(v) for v in vector) + "]"
    return one(cell)


def steps_table(
    columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> tuple[list[str], list[list[str]], str]:
    """The worked steps as the table shows them: one line per weight (per_element),
    each column's numbers in one format (column_number), long headers replaced by a
    short name; and the legend of those names, with the update rule when a `Δw`
    column stands for the step taken."""
    cols, lines = per_element(columns, rows)
    legend: list[str] = []
    short_cols = []
    for col in cols:
        short, meaning = _SHORT_HEADERS.get(col, (col, ""))
        short_cols.append(short)
        if meaning and meaning not in legend:
            legend.append(meaning)
    if "Δw" in short_cols and "w_t" in short_cols:
        # AdamW takes its decoupled decay off before the step.
        legend.append(
            "w_t = w_{t-1} - decay - Δw" if "decay" in short_cols else "w_t = w_{t-1} - Δw"
        )
    formats = [
        column_number([x for line in lines for x in _floats(line[j])]) for j in range(len(cols))
    ]
    body = []
    for line in lines:
        label, meaning = _SHORT_LABELS.get(line[0], (line[0], ""))
        if meaning and meaning not in legend:
            legend.append(meaning)
        cells = [_format_cell(cell, formats[j]) for j, cell in enumerate(line) if j > 0]
        body.append([label, *cells])
    return short_cols, body, ";  ".join(legend)


#: A DataTable cell's padding, left and right (cell_padding 1, its default).
CELL_PADDING = 2


def table_width(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    """The terminal columns a DataTable needs to show `rows` under `columns` in full."""
    return sum(
        max(cell_len(cell) for cell in col) + CELL_PADDING
        for col in zip(columns, *rows, strict=True)
    )


def _vector(cell: object) -> list[str] | None:
    if (
        isinstance(cell, str)
        and cell.startswith("[")
        and cell.endswith("]")
        and not cell.startswith("[[")
    ):
        return [item.strip() for item in cell[1:-1].split(",")]
    return None


def _matrix(cell: object, n: int) -> list[list[str]] | None:
    """A cell holding a matrix of `n` rows (one per unit), as text; else None."""
    if not (isinstance(cell, str) and cell.startswith("[[") and cell.endswith("]]")):
        return None
    rows = [[x.strip() for x in part.split(",")] for part in cell[2:-2].split("], [")]
    return rows if len(rows) == n else None


def per_element(
    columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> tuple[list[str], list[list[str]]]:
    """The worked steps with one line per weight: a row whose cells hold vectors of
    n numbers becomes n lines (column `i`), so the table fits a terminal's width.
    Tables without such vectors are shown as they are."""
    sizes = {len(v) for row in rows for cell in row if (v := _vector(cell)) is not None}
    if len(sizes) != 1 or (
        (n := sizes.pop()) < 2 and not any(_matrix(cell, n) for row in rows for cell in row)
    ):
        return list(columns), [[str(c) for c in row] for row in rows]
    out: list[list[str]] = []
    for row in rows:
        vectors = [_vector(cell) for cell in row]
        if not any(vectors) and not any(_matrix(cell, n) for cell in row[1:]):
            out.append([str(row[0]), "", *(str(c) for c in row[1:])])
            continue
        for i in range(n):
            line = [str(row[0]) if i == 0 else "", str(i + 1)]
            for cell, vec in zip(row[1:], vectors[1:], strict=True):
                if vec is not None:
                    line.append(vec[i])
                elif (matrix := _matrix(cell, n)) is not None:
                    # units x examples (the course's Z): unit i's row, one value per example
                    line.append("[" + ", ".join(matrix[i]) + "]")
                else:
                    line.append(str(cell) if i == 0 else "")
            out.append(line)
    return [columns[0], "i", *columns[1:]], out
