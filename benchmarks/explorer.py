"""The explorer's redraw after a key, by hand (prints figures; never run by the tests).

    .venv/bin/python benchmarks/explorer.py [--keys 40] [--no-tmux]

1. in process (Textual headless, 110 x 32): for each key (left/right on every
   setting in turn, both surfaces), the screen's redraw (the kernels' five paths,
   the scene, the widgets updated) and the whole key to idle (the pilot's press
   and pause: the key dispatched, the widgets rendered);
2. the render of the surface map and of the loss plot alone (their share);
3. in a real terminal (tmux, srs-dl explore): a key to the new lr shown on the
   screen, the pane polled (an upper bound). Target: < 100 ms after a key.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SRS = ROOT / ".venv" / "bin" / "srs-dl"


def _ms(xs: list[float]) -> str:
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, int(0.95 * len(xs)))]
    return (
        f"median {statistics.median(xs) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"
        f"   max {xs[-1] * 1000:6.1f} ms   (n={len(xs)})"
    )


async def in_process(keys: int) -> None:
    from srs_dl.config import Config
    from srs_dl.tui.app import make_app
    from srs_dl.tui.widgets.explorer_plots import LossPlot
    from srs_dl.tui.widgets.surface_map import SurfaceMap

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(
            Path(tmp) / "x.db", dt.date(2025, 3, 1), Config(), mode="explore", rescan=False
        )
        async with app.run_test(size=(110, 32)) as pilot:
            while getattr(app.screen, "redraws", 0) == 0:
                await pilot.pause(0.05)
            screen = app.screen
            redraw: list[float] = []
            whole: list[float] = []
            for surface in ("quadratic", "rosenbrock"):
                if screen.settings.surface != surface:
                    await pilot.press("t")
                for i in range(keys):
                    key = "right" if i % 2 == 0 else "left"
                    if i and i % 4 == 0:
                        await pilot.press("down")
                    t0 = time.perf_counter()
                    await pilot.press(key)
                    await pilot.pause()
                    whole.append(time.perf_counter() - t0)
                    redraw.append(screen.last_redraw)
            # The same for a key that only moves the selection (the pilot's own overhead).
            idle: list[float] = []
            for i in range(keys):
                t0 = time.perf_counter()
                await pilot.press("down" if i % 2 == 0 else "up")
                await pilot.pause()
                idle.append(time.perf_counter() - t0)
            print("1. in process, a left/right key on each setting, both surfaces")
            print(f"   redraw (kernels + scene + widgets updated): {_ms(redraw)}")
            print(f"   key to idle (dispatch, redraw, render):     {_ms(whole)}")
            print(f"   the same for up/down (selection only):      {_ms(idle)}")
            surface_map = screen.query_one(SurfaceMap)
            loss = screen.query_one(LossPlot)
            maps, plots = [], []
            for _ in range(20):
                t0 = time.perf_counter()
                surface_map.show(surface_map.scene)
                surface_map.text()
                maps.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                loss.render()
                plots.append(time.perf_counter() - t0)
            print("2. render alone")
            print(
                f"   surface map ({surface_map.size.width} x {surface_map.size.height}): {_ms(maps)}"
            )
            print(f"   loss plot:                  {_ms(plots)}")


def in_tmux(keys: int) -> None:
    if shutil.which("tmux") is None:
        print("3. tmux not installed: skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        session = f"explore-bench-{os.getpid()}"
        # A tmux server of our own (own socket): no other session is touched.
        tmux = ["tmux", "-L", session]
        env = f"env TERM=xterm-256color TEXTUAL_ANIMATIONS=none SRS_DL_DB={tmp}/x.db"
        subprocess.run(
            [
                *tmux,
                "new-session",
                "-d",
                "-s",
                session,
                "-x",
                "110",
                "-y",
                "32",
                f"{env} {SRS} explore",
            ],
            check=True,
        )

        def pane() -> str:
            return subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout

        def lr_shown() -> str | None:
            for line in pane().splitlines():
                if "▶ lr" in line:
                    return line.split("▶ lr", 1)[1].split()[0]
            return None

        try:
            deadline = time.monotonic() + 20
            while lr_shown() is None:
                if time.monotonic() > deadline:
                    print("3. the explorer did not start in tmux")
                    return
                time.sleep(0.05)

            def selected() -> str:
                return next((ln for ln in pane().splitlines() if "▶" in ln), "")

            moves: list[float] = []
            for i in range(keys // 2):
                before = selected()
                t0 = time.perf_counter()
                subprocess.run([*tmux, "send-keys", "-t", session, "Down" if i % 2 == 0 else "Up"])
                while selected() == before and time.perf_counter() - t0 < 5:
                    pass
                moves.append(time.perf_counter() - t0)
            times: list[float] = []
            for i in range(keys):
                before = lr_shown()
                t0 = time.perf_counter()
                subprocess.run(
                    [*tmux, "send-keys", "-t", session, "Right" if i % 2 == 0 else "Left"]
                )
                while lr_shown() == before:
                    if time.perf_counter() - t0 > 5:
                        break
                times.append(time.perf_counter() - t0)
            print(
                "3. real terminal (tmux 110 x 32), a key to the new lr on screen (polled: upper bound)"
            )
            print(f"   lr changed, paths redrawn:  {_ms(times)}")
            print(f"   selection moved only:        {_ms(moves)}")
        finally:
            subprocess.run([*tmux, "kill-server"], capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--no-tmux", action="store_true")
    args = parser.parse_args()
    asyncio.run(in_process(args.keys))
    if not args.no_tmux:
        in_tmux(args.keys)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
