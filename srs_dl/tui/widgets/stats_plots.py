"""The stats screen's plots (textual-plotext): each draws numbers the core
computed (srs_dl.core.stats) and computes nothing of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from textual_plotext import PlotextPlot

from srs_dl.core.stats import Bucket, Forecast, MonthRetention, month_name

BAR_COLOR = "cyan"
YOUNG_COLOR = "orange"
MATURE_COLOR = "green"


def _nice_ticks(top: int) -> list[float]:
    """A few whole-number y ticks (plotext would label 0.5 reviews on a small plot)."""
    if top <= 4:
        return list(range(0, max(top, 1) + 1))
    step = max(1, round(top / 4))
    return list(range(0, top + step, step))


class ForecastPlot(PlotextPlot):
    """Cards due on each of the next 30 days (today includes the overdue ones)."""

    def draw(self, forecast: Forecast) -> None:
        plt = self.plt
        plt.clear_figure()
        counts = list(forecast.counts)
        days = list(range(len(counts)))
        title = "Due in the next 30 days"
        if forecast.overdue:
            title += f" (today: {forecast.overdue} overdue)"
        plt.title(title)
        plt.bar(days, counts, color=BAR_COLOR, width=0.6)
        ticks = [d for d in days if d % 7 == 0]
        labels = [_day_label(forecast.start, d) for d in ticks]
        plt.xticks([float(t) for t in ticks], labels)
        plt.yticks(_nice_ticks(max(counts, default=0)))
        self.refresh()


def _day_label(start: dt.date, offset: int) -> str:
    if offset == 0:
        return "today"
    day = start + dt.timedelta(days=offset)
    return f"{day.day:02d}/{day.month:02d}"


class BucketPlot(PlotextPlot):
    """A distribution: cards per bucket (intervals, eases)."""

    def draw(self, title: str, buckets: Sequence[Bucket]) -> None:
        plt = self.plt
        plt.clear_figure()
        plt.title(title)
        counts = [b.count for b in buckets]
        plt.bar([b.label for b in buckets], counts, color=BAR_COLOR, width=0.6)
        plt.yticks(_nice_ticks(max(counts, default=0)))
        self.refresh()


def month_labels(months: Sequence[str], width: int) -> list[str]:
    """ "Dec 2026" under each bar when they fit the plot's width, else "Dec" with the
    year on the first month and on each January ("Dec 2026", "Jan 2027", "Feb")."""
    named = [month_name(m) for m in months]
    room = (width - 6) // max(1, len(months))  # less the y axis
    if room > len("Dec 2026"):
        return named
    return [
        name if i == 0 or name.startswith("Jan") else name.split()[0]
        for i, name in enumerate(named)
    ]


class RetentionPlot(PlotextPlot):
    """Share of reviews passed per month (Hard, Good or Easy: as Anki, only Again is a
    lapse), young and mature cards side by side."""

    MONTHS = 12

    def draw(self, months: Sequence[MonthRetention]) -> None:
        plt = self.plt
        plt.clear_figure()
        plt.title("Retention by month (% passed: Hard, Good or Easy)")
        shown = list(months)[-self.MONTHS :]
        if not shown:
            return
        labels = month_labels([m.month for m in shown], self.size.width)
        young = [100 * (m.young.rate or 0) for m in shown]
        mature = [100 * (m.mature.rate or 0) for m in shown]
        # textual-plotext's stub lags plotext's multiple_bar: labels=, a colour per series.
        plt.multiple_bar(  # type: ignore[call-arg]
            labels,
            [young, mature],
            labels=["young", "mature"],
            color=[YOUNG_COLOR, MATURE_COLOR],  # type: ignore[arg-type]
            width=0.8,
        )
        plt.ylim(0, 100)
        plt.yticks([0, 25, 50, 75, 100])
        self.refresh()
