"""A calendar heatmap of reviews per day: one column per week (Monday on top),
shaded by how many reviews each day had, months named above, as on GitHub.

The weeks are spread a column apart when the widget has the room (a year in a
wide panel fills it, not two thirds of it). Every week is a whole column: the
first week's days before the year shown are drawn as days without reviews, so
the rows line up from their first cell."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.widget import Widget

#: Shades from no reviews to the busiest days (green, as contribution graphs).
LEVEL_STYLES = ("#30363d", "#0e4429", "#006d32", "#26a641", "#39d353")
CELL = "■"
DAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
#: Not strftime("%b"): that follows the process's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LABEL_WIDTH = 4


def level(count: int, busiest: int) -> int:
    """0 for no reviews, else 1..4 by the share of the busiest day's count."""
    if count <= 0 or busiest <= 0:
        return 0
    return max(1, min(4, math.ceil(4 * count / busiest)))


class ReviewHeatmap(Widget):
    """Reviews per day from `start`; set the data with `show(start, counts)`."""

    DEFAULT_CSS = """
    ReviewHeatmap { height: 10; width: 1fr; min-width: 20; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.start: dt.date | None = None
        self.counts: tuple[int, ...] = ()

    def show(self, start: dt.date, counts: Sequence[int]) -> None:
        self.start = start
        self.counts = tuple(counts)
        self.refresh(layout=True)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        weeks = max(1, self._weeks())
        wide = LABEL_WIDTH + 2 * weeks - 1
        return wide if wide <= container.width else LABEL_WIDTH + weeks

    def _step(self, weeks: int) -> int:
        """Columns per week: 2 (a cell and a gap) when a year fits that way, else 1."""
        width = self.size.width
        return 2 if width and LABEL_WIDTH + 2 * weeks - 1 <= width else 1

    def _weeks(self) -> int:
        if self.start is None or not self.counts:
            return 53
        first_monday = self.start - dt.timedelta(days=self.start.weekday())
        last = self.start + dt.timedelta(days=len(self.counts) - 1)
        return (last - first_monday).days // 7 + 1

    def render(self) -> RenderResult:
        if self.start is None:
            return Text("")
        weeks = self._weeks()
        step = self._step(weeks)
        # Drop the oldest weeks when the widget is narrower than a year.
        room = max(1, self.size.width - LABEL_WIDTH) if self.size.width else weeks
        skip = max(0, weeks - room)
        first_monday = self.start - dt.timedelta(days=self.start.weekday())
        busiest = max(self.counts, default=0)
        gap = " " * (step - 1)
        text = Text(no_wrap=True, overflow="crop")
        text.append(self._month_line(first_monday, skip, weeks, step) + "\n", style="dim")
        for weekday in range(7):
            text.append(f"{DAY_LABELS[weekday]:<{LABEL_WIDTH}}", style="dim")
            for week in range(skip, weeks):
                if week > skip:
                    text.append(gap)
                day = first_monday + dt.timedelta(days=7 * week + weekday)
                offset = (day - self.start).days
                if offset < 0:  # before the year shown, in its first week: no reviews
                    text.append(CELL, style=LEVEL_STYLES[0])
                elif offset < len(self.counts):
                    text.append(CELL, style=LEVEL_STYLES[level(self.counts[offset], busiest)])
                else:
                    text.append(" ")
            text.append("\n")
        total = sum(self.counts)
        active = sum(1 for n in self.counts if n)
        text.append(" " * LABEL_WIDTH + "less ", style="dim")
        for style in LEVEL_STYLES:
            text.append(CELL, style=style)
        text.append(" more", style="dim")
        text.append(
            f"   {total:,} review{'s' if total != 1 else ''} on {active} day"
            f"{'s' if active != 1 else ''}, busiest {busiest}",
            style="dim",
        )
        return text

    def _month_line(self, first_monday: dt.date, skip: int, weeks: int, step: int = 1) -> str:
        line = [" "] * (LABEL_WIDTH + (weeks - skip) * step)
        for week in range(skip, weeks):
            monday = first_monday + dt.timedelta(days=7 * week)
            sunday = monday + dt.timedelta(days=6)
            # The week holding the 1st of a month names it, if the name fits before the next.
            if monday.day == 1 or monday.month != sunday.month:
                name = MONTHS[sunday.month - 1]
                col = LABEL_WIDTH + (week - skip) * step
                if col + len(name) <= len(line) and all(c == " " for c in line[col - 1 : col + 3]):
                    line[col : col + len(name)] = name
        return "".join(line).rstrip()
