"""A plot of a drill's computation (textual-plotext): the series come from the
core (srs_dl.tui.drill_series asks the kernels); this widget only draws them.

The figure is kept and handed to plotext afresh on every render: plotext 5
applies a log scale to the data it holds at each build, so a second render of a
log-scale plot (a resize, a redraw) took the logarithm of logarithms and failed
on the negative ones (piccolomo/plotext#209)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import RenderResult
from textual_plotext import PlotextPlot

if TYPE_CHECKING:
    from srs_dl.core.drills import Drill
    from srs_dl.tui.drill_series import Figure


class DrillPlot(PlotextPlot):
    figure: Figure | None = None

    def draw(self, drill: Drill) -> bool:
        """Plot `drill`'s computation; False when its kind has nothing worth plotting."""
        from srs_dl.tui.drill_series import plot_for

        self.figure = plot_for(drill)
        self.refresh()
        return self.figure is not None

    def render(self) -> RenderResult:
        self._give_plotext(self.figure)
        return super().render()

    def _give_plotext(self, figure: Figure | None) -> None:
        plt = self.plt
        plt.clear_figure()
        if figure is None:
            return
        plt.title(figure.title)
        plt.xlabel(figure.xlabel)
        plt.ylabel(figure.ylabel)
        if figure.ylog:
            plt.yscale("log")
        for series in figure.series:
            if series.scatter:
                plt.scatter(
                    list(series.x), list(series.y), label=series.label, marker=series.marker
                )
            else:
                plt.plot(list(series.x), list(series.y), label=series.label, marker=series.marker)
