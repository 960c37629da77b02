"""The explorer's loss surface: a heat map of log loss in bands, the band edges
drawn as contour dots, and the optimizers' paths over it, each in its colour.

It draws a scene (srs_dl.core.explore.scene) and computes nothing but where
things fall on the grid; every value comes from the kernels."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from srs_dl.core.compute.surfaces import loss_grid

#: Per optimizer: (colour, the letter that marks where its path ends).
PATH_STYLES: dict[str, tuple[str, str]] = {
    "sgd": ("#ff5f5f", "S"),
    "momentum": ("#ffd75f", "M"),
    "momentum_pytorch": ("#ff87ff", "P"),
    "rmsprop": ("#5fd7ff", "R"),
    "adam": ("#87ff5f", "A"),
}
_BANDS = 9
# Dark (low loss) to light (high loss), blue to grey-violet.
_BAND_COLOURS = [
    f"#{int(16 + 10 * i):02x}{int(24 + 8 * i):02x}{int(48 + 10 * i):02x}" for i in range(_BANDS)
]


class SurfaceMap(Widget):
    DEFAULT_CSS = """
    SurfaceMap { width: 1fr; height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.scene: Any = None

    def show(self, scene: Any) -> None:
        self.scene = scene
        self.refresh()

    def cell_of(self, x: float, y: float, cols: int, rows: int) -> tuple[int, int] | None:
        x0, x1, y0, y1 = self.scene.view
        if not (np.isfinite(x) and np.isfinite(y)):
            return None
        c = int((x - x0) / (x1 - x0) * cols)
        r = int((y1 - y) / (y1 - y0) * rows)
        if 0 <= c < cols and 0 <= r < rows:
            return (c, r)
        return None

    def render(self) -> Text:
        cols, rows = self.size.width, self.size.height
        if self.scene is None or cols < 4 or rows < 2:
            return Text("")
        scene = self.scene
        grid = loss_grid(scene.surface, scene.view, cols, rows)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log10(np.maximum(grid, 1e-12))
        lo, hi = float(logs.min()), float(logs.max())
        bands = np.clip(((logs - lo) / max(hi - lo, 1e-9) * _BANDS).astype(int), 0, _BANDS - 1)
        chars = np.full((rows, cols), " ", dtype="<U1")
        edge = np.zeros((rows, cols), dtype=bool)
        edge[:, :-1] |= bands[:, :-1] != bands[:, 1:]
        edge[:-1, :] |= bands[:-1, :] != bands[1:, :]
        chars[edge] = "·"
        fg: dict[tuple[int, int], str] = {}
        for path in scene.trajectories:
            colour, letter = PATH_STYLES[path.optimizer]
            cells = self._path_cells(path.w, cols, rows)
            for cell in cells:
                chars[cell[1], cell[0]] = "•"
                fg[cell] = colour
            end = self.cell_of(float(path.w[-1, 0]), float(path.w[-1, 1]), cols, rows)
            if end is not None:
                chars[end[1], end[0]] = letter
                fg[end] = colour
        for (x, y), mark, colour in (
            (scene.trajectories[0].w[0], "o", "#ffffff"),
            (scene.surface.minimum, "*", "#ffffff"),
        ):
            cell = self.cell_of(float(x), float(y), cols, rows)
            if cell is not None:
                chars[cell[1], cell[0]] = mark
                fg[cell] = colour
        text = Text(no_wrap=True, overflow="crop")
        styles: dict[tuple[int, str | None], Style] = {}
        for r in range(rows):
            line = chars[r]
            keys = [(int(bands[r, c]), fg.get((c, r))) for c in range(cols)]
            run = 0
            for c in range(1, cols + 1):
                if c < cols and keys[c] == keys[run]:
                    continue
                key = keys[run]
                style = styles.get(key)
                if style is None:
                    band, colour = key
                    style = styles[key] = Style(
                        color=colour or "#8a8fb0", bgcolor=_BAND_COLOURS[band], bold=bool(colour)
                    )
                text.append("".join(line[run:c]), style)
                run = c
            if r < rows - 1:
                text.append("\n")
        return text

    def _path_cells(self, w: np.ndarray, cols: int, rows: int) -> list[tuple[int, int]]:
        """The cells the path passes through, in order (segments interpolated)."""
        out: list[tuple[int, int]] = []
        prev: tuple[float, float] | None = None
        x0, x1, y0, y1 = self.scene.view
        for x, y in w:
            if not (np.isfinite(x) and np.isfinite(y)):
                break
            fx = (x - x0) / (x1 - x0) * cols
            fy = (y1 - y) / (y1 - y0) * rows
            if prev is not None:
                n = int(min(200, max(abs(fx - prev[0]), abs(fy - prev[1])) + 1))
                for k in range(1, n + 1):
                    px = prev[0] + (fx - prev[0]) * k / n
                    py = prev[1] + (fy - prev[1]) * k / n
                    cell = (int(px), int(py))
                    if 0 <= cell[0] < cols and 0 <= cell[1] < rows and (not out or out[-1] != cell):
                        out.append(cell)
            prev = (fx, fy)
        return out
