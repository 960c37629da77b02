"""Browse's card panel (issue 21, item 14): the card rendered as the review shows it
(a code fence highlighted, not raw backticks), about the width the table leaves, and a
card scheduled by its note's comment says where its schedule came from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console
from textual.widgets import Input, Static
from tui_support import run_async, wait_for

from srs_dl.config import Config
from srs_dl.services.importing.importer import import_paths
from srs_dl.store.db import connect
from srs_dl.tui.app import make_app
from srs_dl.tui.screens.browse import BrowseScreen

TODAY = dt.date(2025, 3, 1)
NOTE = """#flashcards/dl

How do you make an SGD optimiser in PyTorch?
?
```python
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
```
<!--SR:!2025-03-04,8,250-->
"""


def _deck(tmp_path: Path) -> Path:
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / "sgd.md").write_text(NOTE, encoding="utf-8")
    db = tmp_path / "deck.db"
    conn = connect(db)
    import_paths(conn, [tmp_path / "v"], flags={}, config=Config(), today=TODAY)
    conn.close()
    return db


def _plain(widget: Static, width: int) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(widget.content)  # type: ignore[arg-type]
    return console.export_text()


@run_async
async def test_the_card_panel_renders_code_and_says_where_the_schedule_came_from(tmp_path):
    db = _deck(tmp_path)
    app = make_app(db, TODAY, Config(), mode="browse", rescan=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, BrowseScreen) and app.screen.matches is not None,
            what="the index",
        )
        screen = app.screen
        screen.query_one(Input).value = "SGD"
        await wait_for(pilot, lambda: screen._current() is not None, what="the card")
        history = screen.query_one("#browse-history", Static)
        await wait_for(pilot, lambda: "…" not in str(history.content), what="the history")
        card = screen.query_one("#browse-card", Static)
        text = _plain(card, card.size.width)
        assert "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)" in text
        assert "```" not in text
        assert card.size.width >= 55  # not half the 100 columns
        said = _plain(history, history.size.width)
        assert "Never reviewed" not in said
        assert "came from its note's" in " ".join(said.split())
