"""The explorer's plots (textual-plotext): loss per step, the EMA panel and the
schedules panel. Each draws a scene's numbers (srs_dl.core.explore.scene) and
keeps the series it drew, so tests can compare them with the kernels."""

from __future__ import annotations

from typing import Any

import numpy as np
from textual_plotext import PlotextPlot

from srs_dl.core.compute.surfaces import OPTIMIZER_NAMES
from srs_dl.tui.widgets.surface_map import PATH_STYLES

_SCHEDULE_COLOURS = ("red", "yellow", "magenta", "cyan", "green")
#: Points per line at most (two per braille column of a 60-column plot).
_MAX_POINTS = 120


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


class LossPlot(PlotextPlot):
    """Loss per step of each optimizer (log scale), in the paths' colours."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        #: optimizer -> (the steps drawn, the losses at them).
        self.series: dict[str, tuple[list[int], list[float]]] = {}

    def show(self, scene: Any) -> None:
        plt = self.plt
        plt.clear_figure()
        # log10 by hand: plotext's log scale rewrites its data in place when it
        # builds, so a second render of the same figure (a resize) fails.
        plt.title("log10 loss per step")
        self.series = {}
        for path in scene.trajectories:
            loss = np.asarray(path.loss, dtype=np.float64)
            keep = np.isfinite(loss) & (loss > 0)
            if not keep.any():
                continue
            steps = np.arange(loss.size)[keep]
            values = loss[keep]
            if values.size > _MAX_POINTS:
                # A plot this wide shows no more: plotext's cost grows with the points.
                pick = np.unique(np.linspace(0, values.size - 1, _MAX_POINTS).astype(int))
                steps, values = steps[pick], values[pick]
            self.series[path.optimizer] = (steps.tolist(), values.tolist())
            plt.plot(
                steps.tolist(),
                np.log10(values).tolist(),
                marker="braille",
                color=_rgb(PATH_STYLES[path.optimizer][0]),
            )
        self.refresh()


class _ScenePlot(PlotextPlot):
    """A plot that keeps the scene it drew."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.scene: Any = None


class EmaPlot(_ScenePlot):
    def show(self, scene: Any) -> None:
        self.scene = scene
        plt = self.plt
        plt.clear_figure()
        plt.title(f"EMA, beta = {scene.beta:g}: window 1 / (1 - beta) = {scene.window:.3g}")
        t = scene.t.tolist()
        plt.scatter(t, scene.thetas.tolist(), marker="dot", color="gray", label="theta")
        plt.plot(t, scene.v.tolist(), marker="braille", color="yellow", label="V (no correction)")
        plt.plot(
            t, scene.v_corrected.tolist(), marker="braille", color="green", label="V corrected"
        )
        end = float(scene.t[-1])
        start = max(1.0, end - scene.window)
        plt.vline(start, "cyan")
        plt.vline(end, "cyan")
        self.refresh()


class SchedulePlot(_ScenePlot):
    def show(self, scene: Any) -> None:
        self.scene = scene
        plt = self.plt
        plt.clear_figure()
        plt.title("learning-rate schedules")
        plt.xlabel("step")
        for (label, steps, rates), colour in zip(scene.curves, _SCHEDULE_COLOURS, strict=False):
            plt.plot(steps.tolist(), rates.tolist(), marker="braille", color=colour, label=label)
        self.refresh()


def legend_line(path: Any) -> str:
    """`━ SGD  0.0291` in the path's colour (markup)."""
    colour, letter = PATH_STYLES[path.optimizer]
    loss = float(path.loss[-1])
    value = f"{loss:.3g}" if np.isfinite(loss) else "diverged"
    return f"[{colour}]━ {letter} {OPTIMIZER_NAMES[path.optimizer]:<18}[/] {value}"
