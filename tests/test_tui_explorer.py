"""Pilot tests of the explorer: each key changes one setting, and what is drawn is
exactly what the kernels compute for the new settings; the panels, the surfaces,
`srs-dl explore KIND`, `x` from a checked drill, and a snapshot."""

from __future__ import annotations

import numpy as np
import pytest
from textual.widgets import Input
from tui_support import app_for, make_deck, run_async, wait_for, wrong_answer

from srs_dl.core.compute import decay
from srs_dl.core.compute.ema import ema
from srs_dl.core.compute.optimizers import adam, momentum, rmsprop, sgd
from srs_dl.core.compute.surfaces import make_surface
from srs_dl.core.compute.warmup import warmup_cosine
from srs_dl.core.drills.formatting import full_precision
from srs_dl.core.explore import settings as explore
from srs_dl.core.explore.scene import ema_series
from srs_dl.tui.widgets.explorer_plots import EmaPlot, LossPlot, SchedulePlot
from srs_dl.tui.widgets.surface_map import SurfaceMap

SIZE = (110, 32)


def _kernel_paths(s: explore.ExplorerSettings) -> dict[str, np.ndarray]:
    """The five paths computed here, straight from the optimizer kernels."""
    surface = make_surface(s.surface, s.condition)
    w0 = np.array(s.start)
    g = surface.gradient
    with np.errstate(all="ignore"):
        return {
            "sgd": sgd(w0, g, s.lr, steps=s.steps).w,
            "momentum": momentum(w0, g, s.lr, s.beta, "ema", steps=s.steps).w,
            "momentum_pytorch": momentum(w0, g, s.lr, s.beta, "pytorch", steps=s.steps).w,
            "rmsprop": rmsprop(w0, g, s.lr, s.beta, s.eps, steps=s.steps).w,
            "adam": adam(w0, g, s.lr, s.beta, s.beta2, s.eps, steps=s.steps).w,
        }


def _assert_drawn_equals_kernels(screen) -> None:  # noqa: ANN001
    s = screen.settings
    scene = screen.query_one(SurfaceMap).scene
    expected = _kernel_paths(s)
    assert [p.optimizer for p in scene.trajectories] == list(expected)
    surface = make_surface(s.surface, s.condition)
    plotted = screen.query_one(LossPlot).series
    for path in scene.trajectories:
        np.testing.assert_array_equal(path.w, expected[path.optimizer])
        loss = surface.loss(expected[path.optimizer])
        steps, values = plotted[path.optimizer]
        assert values == loss[steps].tolist()
        # Every step when there are few; evenly spread, first and last kept, when many.
        assert steps[0] == 0 and steps[-1] == s.steps and len(steps) == min(s.steps + 1, 120)


def _explorer(tmp_path, **kwargs):  # noqa: ANN001, ANN202
    return app_for(make_deck(tmp_path, imported=False), mode="explore", **kwargs)


@run_async
async def test_each_key_changes_one_setting_and_redraws_the_kernels(tmp_path):
    app = _explorer(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "redraws", 0) > 0, what="the explorer")
        screen = app.screen
        _assert_drawn_equals_kernels(screen)
        for i, param in enumerate(explore.PARAMS):
            assert screen.param == param
            for key, direction in (("right", 1), ("left", -1), ("left", -1)):
                before = screen.settings
                await pilot.press(key)
                after = screen.settings
                assert after == explore.adjust(before, param, direction)
                changed = [f for f in explore.PARAMS if getattr(before, f) != getattr(after, f)]
                assert changed in ([param], []), changed
                _assert_drawn_equals_kernels(screen)
            if i < len(explore.PARAMS) - 1:
                await pilot.press("down")
        await pilot.press("down")
        assert screen.param == "lr"
        await pilot.press("up")
        assert screen.param == explore.PARAMS[-1]


@run_async
async def test_surfaces_and_panels(tmp_path):
    app = _explorer(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "redraws", 0) > 0, what="the explorer")
        screen = app.screen
        await pilot.press("t")
        assert screen.settings.surface == "rosenbrock" and screen.settings.lr == 0.001
        _assert_drawn_equals_kernels(screen)
        await pilot.press("right")  # lr up on Rosenbrock too
        _assert_drawn_equals_kernels(screen)
        await pilot.press("t")
        assert screen.settings.surface == "quadratic"
        # The EMA panel: the series and its averages are the ema kernel's.
        await pilot.press("p")
        assert screen.settings.panel == "ema"
        plot = screen.query_one(EmaPlot)
        assert plot.display and not screen.query_one(SurfaceMap).display
        trace = ema(ema_series(app.env.seed), screen.settings.beta)
        np.testing.assert_array_equal(plot.scene.v, trace.v)
        np.testing.assert_array_equal(plot.scene.v_corrected, trace.v_corrected)
        assert plot.scene.window == pytest.approx(10.0)
        await pilot.press("down", "right")  # beta 0.9 -> 0.95
        assert plot.scene.beta == 0.95
        np.testing.assert_array_equal(plot.scene.v, ema(ema_series(app.env.seed), 0.95).v)
        assert "averages about 20 values" in str(screen.query_one("#explore-reading").content)
        # The schedules panel: the decay kernels and warm-up + cosine from alpha0 = lr.
        await pilot.press("p")
        curves = screen.query_one(SchedulePlot).scene.curves
        lr, steps = screen.settings.lr, screen.settings.steps
        x = np.arange(0, steps + 1, dtype=float)
        np.testing.assert_array_equal(curves[1][2], decay.exponential(lr, 0.95, x))
        np.testing.assert_array_equal(curves[4][2], warmup_cosine(lr, steps // 10, steps, x))
        await pilot.press("p")
        assert screen.settings.panel == "surface"


def test_explore_kinds() -> None:
    assert explore.for_kind("rosenbrock").surface == "rosenbrock"
    assert explore.for_kind("ema").panel == "ema"
    assert explore.for_kind("lr_decay").panel == "schedules"
    with pytest.raises(ValueError, match="unknown kind"):
        explore.for_kind("nope")
    s = explore.from_drill("adam", {"lr": 0.1, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6})
    assert (s.lr, s.beta, s.beta2, s.eps) == (0.1, 0.8, 0.99, 1e-6)


@run_async
async def test_explore_command_kind_opens_its_panel(tmp_path):
    app = _explorer(tmp_path, arg="schedules")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "redraws", 0) > 0, what="the explorer")
        assert app.screen.settings.panel == "schedules"
        assert app.screen.query_one(SchedulePlot).display


def test_explore_cli_refuses_unknown_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    from srs_dl.cli import main

    assert main(["explore", "nope"]) == 2
    assert "explore: unknown kind 'nope'" in capsys.readouterr().err


@run_async
async def test_x_opens_the_explorer_on_a_checked_drill(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="practice", arg="adam")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot,
            lambda: getattr(app.screen, "drill", None) is not None and not app.screen.busy,
            what="a drill",
        )
        drill = app.screen.drill
        box = app.screen.query_one("#drill-answer", Input)
        box.value = full_precision(wrong_answer(drill.answer))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.drill_ok is not None, what="the check")
        await pilot.press("x")
        await wait_for(pilot, lambda: app.current_mode == "explore", what="the explorer")
        await wait_for(pilot, lambda: getattr(app.screen, "redraws", 0) > 0, what="a redraw")
        s = app.screen.settings
        assert s == explore.from_drill(drill.kind, drill.params)
        assert s.lr == drill.params["lr"]
        _assert_drawn_equals_kernels(app.screen)


def test_explorer_snapshot(snap_compare, tmp_path):  # noqa: ANN001
    app = _explorer(tmp_path)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "redraws", 0) > 0, what="draw")
        await pilot.press("down", "right")  # beta 0.9 -> 0.95
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_explore_help_names_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    from srs_dl.cli import main

    with pytest.raises(SystemExit):
        main(["explore", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for kind in explore.KINDS:
        assert kind in text
