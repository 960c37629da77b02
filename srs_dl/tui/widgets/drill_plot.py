"""A plot of a drill's computation (textual-plotext): the series come from the
core (srs_dl.tui.drill_series asks the kernels); this widget only draws them."""

from __future__ import annotations

from typing import Any

from textual_plotext import PlotextPlot


class DrillPlot(PlotextPlot):
    def draw(self, drill: Any) -> bool:
        """Plot `drill`'s computation; False when its kind has nothing worth plotting."""
        from srs_dl.tui.drill_series import plot_for

        figure = plot_for(drill)
        plt = self.plt
        plt.clear_figure()
        if figure is None:
            self.refresh()
            return False
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
        self.refresh()
        return True
