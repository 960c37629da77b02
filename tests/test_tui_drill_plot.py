"""The drill plot draws the same picture however often Textual renders it: a
log-scale plot redrawn, drawn again and resized (plotext 5 took the logarithm of
the data it holds on every build, so a second render failed or went wrong)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from tui_support import run_async

from srs_dl.core.drills import generate, rng_for
from srs_dl.tui.drill_series import plot_for
from srs_dl.tui.widgets.drill_plot import DrillPlot


class _PlotApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DrillPlot()


def _shown(plot: DrillPlot) -> str:
    return plot.render().plain  # type: ignore[union-attr]


@run_async
async def test_a_log_scale_plot_survives_redraws_and_resizes():
    drill = generate("log_scale", rng_for(22, 0))
    figure = plot_for(drill)
    assert figure is not None and figure.ylog
    app = _PlotApp()
    async with app.run_test(size=(80, 24)) as pilot:
        plot = app.query_one(DrillPlot)
        assert plot.draw(drill)
        await pilot.pause()
        first = _shown(plot)
        assert figure.title in first
        # The log axis runs over the drill's own range (not over its logarithms).
        low, high = drill.params["low"], drill.params["high"]
        assert f"{low:.6f}" in first and f"{high:.6f}" in first
        assert _shown(plot) == first  # rendered again, unchanged
        assert plot.draw(drill)  # drawn again (the next card of the same kind)
        await pilot.pause()
        assert _shown(plot) == first
        await pilot.resize_terminal(60, 16)
        await pilot.pause()
        small = _shown(plot)
        assert figure.title in small and small != first
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert _shown(plot) == first
        other = generate("ema", rng_for(22, 0))  # a linear plot after the log one
        assert plot.draw(other)
        await pilot.pause()
        assert plot_for(other).title in _shown(plot)  # type: ignore[union-attr]
        assert plot.draw(drill)
        await pilot.pause()
        assert _shown(plot) == first
