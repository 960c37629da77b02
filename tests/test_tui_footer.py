"""The footer is right from the first frame (issue 21, item 17): the deck list's
footer shows "Review deck" whenever it shows any key, not only once the counts came."""

from __future__ import annotations

from textual.widgets._footer import FooterKey
from tui_support import app_for, make_deck, run_async

from srs_dl.tui.screens.decks import DecksScreen


@run_async
async def test_deck_footer_has_its_keys_from_the_first_frame(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck)
    frames: list[list[str]] = []
    async with app.run_test(size=(100, 30)) as pilot:
        # Every frame from the start until the counts came and the rescan ended, and a
        # few more (the footer is rebuilt when the keys change: it may be empty a moment).
        settled = 0
        while settled < 20:
            frames.append([k.description for k in app.screen.query(FooterKey)])
            ready = isinstance(app.screen, DecksScreen) and app.screen.counts
            settled += bool(ready and not app.job.running)
            await pilot.pause(0.01)
    shown = [keys for keys in frames if keys]
    assert shown, "the footer never showed a key"
    assert all("Review deck" in keys for keys in shown), shown
