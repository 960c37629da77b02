"""The explorer's loss surface: a heat map of log loss in bands, the band edges
drawn as contour dots, and the optimizers' paths over it, each in its colour.

It draws a scene (srs_dl.core.explore.scene) and computes nothing but where
things fall on the grid; every value comes from the kernels."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
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
        self._strips: list[Strip] | None = None
        self._built_for: tuple[int, int] = (0, 0)
        self._bg_key: object = None
        self._bg: tuple[np.ndarray, np.ndarray] | None = None
        self._styles: dict[tuple[int, str | None], Style] = {}

    def show(self, scene: Any) -> None:
        self.scene = scene
        self._strips = None
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

    def render_line(self, y: int) -> Strip:
        # The line API: the rows are built once per scene and size, as segments
        # (a Rich Text of this many spans costs more to convert than to build).
        cols, rows = self.size.width, self.size.height
        if self._strips is None or self._built_for != (cols, rows):
            self._strips = self._build(cols, rows)
            self._built_for = (cols, rows)
        return self._strips[y] if y < len(self._strips) else Strip.blank(cols)

    def _background(self, cols: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """The bands of log loss and the contour characters (kept while only the
        paths change)."""
        scene = self.scene
        key = (scene.surface, scene.view, cols, rows)
        if self._bg_key == key and self._bg is not None:
            return self._bg
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
        self._bg_key, self._bg = key, (bands, chars)
        return self._bg

    def _build(self, cols: int, rows: int) -> list[Strip]:
        if self.scene is None or cols < 4 or rows < 2:
            return [Strip.blank(cols) for _ in range(rows)]
        scene = self.scene
        bands, background = self._background(cols, rows)
        chars = background.copy()
        fg: dict[tuple[int, int], str] = {}
        for path in scene.trajectories:
            colour, letter = PATH_STYLES[path.optimizer]
            for cell in self._path_cells(path.w, cols, rows):
                chars[cell[1], cell[0]] = "•"
                fg[cell] = colour
            end = self.cell_of(float(path.w[-1, 0]), float(path.w[-1, 1]), cols, rows)
            if end is not None:
                chars[end[1], end[0]] = letter
                fg[end] = colour
        for (x, y), mark in (
            (scene.trajectories[0].w[0], "o"),
            (scene.surface.minimum, "*"),
        ):
            mark_cell = self.cell_of(float(x), float(y), cols, rows)
            if mark_cell is not None:
                chars[mark_cell[1], mark_cell[0]] = mark
                fg[mark_cell] = "#ffffff"
        # One style id per cell (its band, and its path's colour if any), then one
        # segment per run of equal ids: found with NumPy, row by row.
        inks = [None, *dict.fromkeys(fg.values())]
        ink_of = {ink: i for i, ink in enumerate(inks)}
        ids = bands * len(inks)
        for (c, r), ink in fg.items():
            ids[r, c] += ink_of[ink]
        strips: list[Strip] = []
        for r in range(rows):
            row_ids = ids[r]
            cuts = [0, *(np.flatnonzero(row_ids[1:] != row_ids[:-1]) + 1).tolist(), cols]
            text = "".join(chars[r].tolist())
            segments = [
                Segment(text[a:b], self._style(int(bands[r, a]), inks[int(row_ids[a]) % len(inks)]))
                for a, b in zip(cuts[:-1], cuts[1:], strict=True)
            ]
            strips.append(Strip(segments, cols))
        return strips

    def _style(self, band: int, ink: str | None) -> Style:
        style = self._styles.get((band, ink))
        if style is None:
            style = self._styles[(band, ink)] = Style(
                color=ink or "#8a8fb0", bgcolor=_BAND_COLOURS[band], bold=bool(ink)
            )
        return style

    def text(self) -> str:
        """The map as plain text (what the tests and the README's capture read)."""
        return "\n".join(self.render_line(y).text for y in range(self.size.height))

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
