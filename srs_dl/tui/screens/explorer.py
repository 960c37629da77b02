"""The explorer: change one hyperparameter at a time and watch SGD, momentum
(course and PyTorch), RMSprop and Adam move on a loss surface, with the loss
per step beside it; an EMA panel and a learning-rate schedules panel. Every
number comes from the kernels (srs_dl.core.explore). Keys: up/down choose a
setting, left/right change it, t switches the surface, p the panel."""

from __future__ import annotations

import time
from collections.abc import Iterable

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import Label, Static

from srs_dl.core.explore import settings as explore
from srs_dl.core.explore.scene import ema_scene, schedule_scene, surface_scene
from srs_dl.tui.screens.base import AreaScreen
from srs_dl.tui.widgets.explorer_plots import EmaPlot, LossPlot, SchedulePlot, legend_line
from srs_dl.tui.widgets.surface_map import SurfaceMap


class ExplorerScreen(AreaScreen):
    AREA = "explore"
    TITLE = "Explore"
    CSS_PATH = "explorer.tcss"
    BINDINGS = [
        Binding("up", "select(-1)", "Setting", id="explore-up", show=False, tooltip="The setting above."),
        Binding("down", "select(1)", "Setting", id="explore-down", key_display="↑↓", tooltip="The setting below."),
        Binding("left", "change(-1)", "Lower", id="explore-lower", key_display="←", tooltip="Lower the chosen setting one step."),
        Binding("right", "change(1)", "Raise", id="explore-raise", key_display="→", tooltip="Raise the chosen setting one step."),
        Binding("t", "surface", "Surface", id="explore-surface", tooltip="Quadratic bowl or Rosenbrock."),
        Binding("p", "panel", "Panel", id="explore-panel", tooltip="Surface, EMA or schedules."),
        Binding("escape", "leave", "Decks", id="explore-leave", tooltip="Back to the deck list."),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.settings = explore.ExplorerSettings()
        self.selected = 0
        #: Seconds the last redraw took to compute the scene and hand it to the widgets.
        self.last_redraw = 0.0
        self.redraws = 0

    def compose_body(self) -> Iterable[Widget]:
        yield Label("", id="explore-reading")
        with Horizontal(id="explore-main"):
            with Vertical(id="explore-left"):
                yield SurfaceMap(id="explore-surface-map")
                yield EmaPlot(id="explore-ema")
                yield SchedulePlot(id="explore-schedules")
            with Vertical(id="explore-side"):
                yield Static("", id="explore-settings")
                yield Static("", id="explore-legend")
                yield LossPlot(id="explore-loss")

    def on_mount(self) -> None:
        self.query_one("#explore-surface-map").border_title = "loss surface"
        self.query_one("#explore-settings").border_title = "settings"
        if self.srs.explore_settings is not None:
            self.settings = self.srs.explore_settings
        self.redraw()

    def on_screen_resume(self) -> None:
        wanted = self.srs.explore_settings
        if wanted is not None and wanted is not self.settings:
            self.settings = wanted
            self.redraw()

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        started = time.perf_counter()
        s = self.settings
        panel = s.panel
        surface_map = self.query_one(SurfaceMap)
        ema_plot = self.query_one(EmaPlot)
        schedule_plot = self.query_one(SchedulePlot)
        surface_map.display = panel == "surface"
        ema_plot.display = panel == "ema"
        schedule_plot.display = panel == "schedules"
        scene = surface_scene(s)
        reading = scene.reading
        if panel == "surface":
            surface_map.show(scene)
            surface_map.border_title = (
                f"{s.surface}"
                + (f", condition {s.condition:g}" if s.surface == "quadratic" else "")
                + "   o start  * minimum"
            )
        elif panel == "ema":
            ema = ema_scene(s, self.env.seed)
            ema_plot.show(ema)
            reading = ema.reading
        else:
            schedules = schedule_scene(s)
            schedule_plot.show(schedules)
            reading = schedules.reading
        self.query_one(LossPlot).show(scene)
        self.query_one("#explore-legend", Static).update(
            "\n".join(legend_line(p) for p in scene.trajectories)
        )
        self.query_one("#explore-reading", Label).update(escape(reading))
        self._show_settings()
        self.srs.explore_settings = s
        self.redraws += 1
        self.last_redraw = time.perf_counter() - started

    def _show_settings(self) -> None:
        lines = []
        for i, param in enumerate(explore.PARAMS):
            label = f"{explore.LABELS[param]:<13}{explore.show(self.settings, param):>9}"
            lines.append(f"[reverse]▶ {label}[/]" if i == self.selected else f"  {label}")
        lines.append(f"  {'surface':<13}{self.settings.surface:>9}")
        lines.append(f"  {'panel':<13}{self.settings.panel:>9}")
        self.query_one("#explore-settings", Static).update("\n".join(lines))

    # -- actions ----------------------------------------------------------------------------
    @property
    def param(self) -> str:
        return explore.PARAMS[self.selected]

    def action_select(self, delta: int) -> None:
        self.selected = (self.selected + delta) % len(explore.PARAMS)
        self._show_settings()

    def action_change(self, direction: int) -> None:
        self.settings = explore.adjust(self.settings, self.param, direction)
        self.redraw()

    def action_surface(self) -> None:
        other = "rosenbrock" if self.settings.surface == "quadratic" else "quadratic"
        self.settings = explore.with_surface(self.settings, other)
        self.redraw()

    def action_panel(self) -> None:
        self.settings = explore.next_panel(self.settings)
        self.redraw()

    def action_leave(self) -> None:
        self.srs.switch_mode("decks")
