"""Issue 19, terminal safety: no markup and no control character from a note, a file
name or a config is interpreted, in the TUI (toasts, cards, tables) or in the CLI's
output (text and JSON). Real decks in tmp_path; the TUI through Textual's pilot, its
rendered screen checked as an SVG export (what the terminal would be sent as text)."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.content import Content
from tui_support import TODAY, app_for, run_async, wait_for

from srs_dl.cli import main
from srs_dl.config import Config, ReviewSettings
from srs_dl.core.screen_text import json_text, screen_text
from srs_dl.store.db import connect

FRONT = "Esc \x1b]0;PWNEDTITLE\x07 \x1b[5;31mBLINK\x1b[0m"
BACK = "Answer \x1b]52;c;aGVsbG8=\x07 \x9b31m"
CARD = f"{FRONT}::{BACK}"
NAME = "[@click=app.quit]Q [red on yellow]note.md"
RAW = ("\x1b", "\x07", "\x9b")


def _no_raw(text: str) -> None:
    for ch in RAW:
        assert ch not in text, f"{ch!r} reached the terminal: {text!r}"


# --- the function -----------------------------------------------------------------------


def test_controls_become_placeholders_and_text_stays() -> None:
    assert screen_text(FRONT) == "Esc \u241b]0;PWNEDTITLE\u2407 \u241b[5;31mBLINK\u241b[0m"
    assert screen_text("a\tb\nc\r\nd\re\x7f\x85") == "a\tb\nc\nd\u240de\u2421\\x85"
    assert screen_text("[b]x[/]") == "[b]x[/]"
    assert screen_text("[b]x[/]", markup=True) == "\\[b]x\\[/]"
    assert json_text(json.dumps({"s": "\x9b\x1b"}, ensure_ascii=False)) == '{"s": "\\u009b\\u001b"}'
    assert json.loads(json_text(json.dumps("\x9b\x7f", ensure_ascii=False))) == "\x9b\x7f"


@given(st.text())
def test_markup_shows_any_text_as_it_is(text: str) -> None:
    shown = Content.from_markup(screen_text(text, markup=True)).plain
    assert shown == screen_text(text)
    _no_raw(shown)


# --- the CLI ----------------------------------------------------------------------------


def test_the_safe_stream_shows_controls_and_hands_the_bar_its_terminal() -> None:
    from srs_dl.commands.safe_output import SafeStream, unfiltered

    raw = io.StringIO()
    safe = SafeStream(raw, screen_text)
    print(FRONT, file=safe, flush=True)
    assert raw.getvalue() == screen_text(FRONT) + "\n"
    # srs-dl's own progress bar writes its escape codes to the terminal itself.
    assert unfiltered(safe) is raw and unfiltered(raw) is raw


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def _vault(root: Path, name: str, text: str) -> tuple[Path, Path]:
    vault = root / "vault"
    vault.mkdir(parents=True, exist_ok=True)
    (vault / name).write_text(text, encoding="utf-8")
    config = root / "config.toml"
    config.write_text('[review]\nwriteback = "sync"\n', encoding="utf-8")
    return vault, config


def _run_commands(root: Path, vault: Path, config: Path) -> list[tuple[str, int, str, str]]:
    common = ["--db", str(root / "deck.db"), "--today", TODAY.isoformat(), "--config", str(config)]
    results = []
    for command in (
        ["import", str(vault), "--all-notes"],
        ["cards", "--all"],
        ["due"],
        ["cards", "--json", "--all"],
        ["due", "--json"],
    ):
        code, out, err = _cli(*command, *common)
        results.append((" ".join(command[:2]), code, out, err))
    return results


def test_cards_and_due_show_escapes_never_send_them(tmp_path: Path) -> None:
    vault, config = _vault(tmp_path, NAME, f"---\n[/] x\n---\n#flashcards\n\n{CARD}\n")
    results = _run_commands(tmp_path, vault, config)
    for what, code, out, err in results:
        assert code == 0, (what, err)
        _no_raw(out)
        _no_raw(err)
        assert "Traceback" not in err
    cards_out = results[1][2]
    assert "\u241b]0;PWNEDTITLE\u2407" in cards_out
    (listed,) = [
        c for c in map(json.loads, results[3][2].splitlines()) if c["file"] == str(vault / NAME)
    ]
    # JSON keeps the text exactly: escaped as JSON spells it, read back the same.
    assert listed["front"] == FRONT and listed["back"] == BACK
    assert '"Esc \\u001b]0;PWNEDTITLE\\u0007' in results[3][2]


# --- the TUI ----------------------------------------------------------------------------


def _deck(root: Path, name: str, text: str) -> tuple[Path, Config]:
    from srs_dl.services.importing.importer import import_paths

    vault = root / "vault"
    vault.mkdir(parents=True, exist_ok=True)
    (vault / name).write_text(text, encoding="utf-8")
    config = Config(review=ReviewSettings(writeback="sync"))
    conn = connect(root / "deck.db")
    try:
        import_paths(conn, [vault], flags={"all_notes": True}, config=config, today=TODAY)
    finally:
        conn.close()
    return vault, config


class _Deck:
    def __init__(self, db: Path, vault: Path, config: Config) -> None:
        self.db, self.vault, self.config = db, vault, config


async def _review_screen_text(root: Path, name: str, text: str) -> tuple[str, list[str]]:
    """The review screen of a deck holding `text` as note `name`, shown with the answer:
    its SVG export, and every toast's message as Textual would render it."""
    from srs_dl.tui.screens.review import ReviewScreen

    vault, config = _deck(root, name, text)
    app = app_for(_Deck(root / "deck.db", vault, config), mode="review")  # type: ignore[arg-type]
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ReviewScreen) and not app.screen.busy,
            what="the review screen",
        )
        if app.screen.card is not None:
            await pilot.press("space")
        await pilot.pause()
        svg = app.export_screenshot()
        toasts = [
            Content.from_markup(n.message).plain if n.markup else n.message
            for n in app._notifications
        ]
        assert app.is_running
    return svg, toasts


@run_async
async def test_review_screen_and_toasts_show_hostile_text_inert(tmp_path: Path) -> None:
    # The frontmatter line is quoted by a rescan warning: the toast's `[/]` must not raise.
    svg, toasts = await _review_screen_text(
        tmp_path, NAME, f"---\n[/] x\n---\n#flashcards\n\n{CARD}\n"
    )
    _no_raw(svg)
    assert "PWNEDTITLE" in svg and "BLINK" in svg
    assert "\u241b" in svg  # the ESC is shown, as its picture
    for toast in toasts:
        _no_raw(toast)


@run_async
async def test_a_markup_file_name_is_not_live_in_the_rescan_toast(tmp_path: Path) -> None:
    from srs_dl.tui.screens.decks import DecksScreen

    vault, config = _deck(tmp_path, NAME, "#flashcards\n\nQ::A\n")
    # A note the rescan warns about, named with markup and an action link.
    (vault / NAME).write_bytes(b"#flashcards\n\nQ::caf\xe9\n")
    app = app_for(_Deck(tmp_path / "deck.db", vault, config))  # type: ignore[arg-type]
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DecksScreen), what="decks")
        await wait_for(pilot, lambda: bool(app._notifications), what="the rescan toast")
        (note,) = list(app._notifications)
        shown = Content.from_markup(note.message)
        assert NAME in shown.plain
        # No style and no action link: `[@click=app.quit]` is text, as are the colours.
        assert shown.spans == [], shown.spans
        await pilot.pause(0.2)
        assert app.is_running


@run_async
async def test_the_tui_starts_when_a_rescan_warning_quotes_markup(tmp_path: Path) -> None:
    """A note edited after import so that the start-up rescan warns, quoting `[/]`
    (Textual raised MarkupError on it and the app exited)."""
    from srs_dl.tui.screens.decks import DecksScreen

    vault, config = _deck(tmp_path, "plain.md", "#flashcards\n\nQ::A\n")
    (vault / "plain.md").write_text("---\n[/] x [b]\n---\n#flashcards\n\nQ::A\n")
    app = app_for(_Deck(tmp_path / "deck.db", vault, config))  # type: ignore[arg-type]
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DecksScreen), what="decks")
        await wait_for(pilot, lambda: bool(app._notifications), what="the rescan toast")
        await pilot.pause(0.2)
        (note,) = list(app._notifications)
        assert (
            "frontmatter line not understood: '[/] x [b]'"
            in Content.from_markup(note.message).plain
        )
        from textual.widgets._toast import Toast

        await wait_for(pilot, lambda: bool(app.screen.query(Toast)), what="the toast widget")
        # What the toast draws: Textual parsed its markup here and raised on `[/]`.
        (toast,) = app.screen.query(Toast)
        assert "'[/] x [b]'" in str(toast.render())
        assert app.is_running


async def _screen_svg(root: Path, vault: Path, config: Config, mode: str, ready: str) -> str:
    """The SVG export of area `mode` once `ready` (a predicate on the screen) holds."""
    app = app_for(_Deck(root / "deck.db", vault, config), mode=mode)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        checks = {
            "browse": lambda s: getattr(s, "matches", None) is not None,
            "notes": lambda s: getattr(s, "current", None) is not None and not s.busy,
        }
        await wait_for(pilot, lambda: checks[ready](app.screen), what=f"the {mode} screen")
        await pilot.pause(0.2)
        svg = app.export_screenshot()
        for n in app._notifications:
            _no_raw(n.message)
        assert app.is_running
    return svg


HOSTILE_REVIEW_NOTE = (
    f"---\ntags: [review]\nsr-due: 2025-02-01\nsr-interval: 3\nsr-ease: 250\n---\n"
    f"#review\n\n# {FRONT}\n\n{BACK} [/] [@click=app.quit]quit[/]\n"
)


@run_async
async def test_browse_and_notes_screens_show_hostile_text_inert(tmp_path: Path) -> None:
    vault, config = _deck(tmp_path, NAME, f"#flashcards\n\n{CARD}\n")
    (vault / "reading [b]x[red].md").write_text(HOSTILE_REVIEW_NOTE, encoding="utf-8")
    from srs_dl.services.importing.importer import import_paths

    conn = connect(tmp_path / "deck.db")
    try:
        import_paths(conn, [vault], flags={"all_notes": True}, config=config, today=TODAY)
    finally:
        conn.close()
    browse = await _screen_svg(tmp_path, vault, config, "browse", "browse")
    _no_raw(browse)
    assert "PWNEDTITLE" in browse and "\u241b" in browse
    notes = await _screen_svg(tmp_path, vault, config, "notes", "notes")
    _no_raw(notes)
    assert "PWNEDTITLE" in notes and "reading&#160;[b]x[red]" in notes


def test_every_command_shows_hostile_text_inert(tmp_path: Path) -> None:
    vault, config = _vault(tmp_path, NAME, f"#flashcards\n\n{CARD}\n")
    (vault / "reading.md").write_text(HOSTILE_REVIEW_NOTE, encoding="utf-8")
    common = ["--db", str(tmp_path / "deck.db"), "--today", TODAY.isoformat()]
    common += ["--config", str(config)]
    assert _cli("import", str(vault), "--all-notes", *common)[0] == 0
    code, out, _ = _cli("cards", "--json", "--all", *common)
    (card,) = [c for c in map(json.loads, out.splitlines()) if c["file"] == str(vault / NAME)]
    cid = str(card["id"])
    for command in (
        ["grade", "good", cid],
        ["history", cid],
        ["history", cid, "--json"],
        ["notes"],
        ["notes", "--json"],
        ["grade-note", "good", str(vault / "reading.md")],
        ["sync"],
        ["sync", "--json"],
        ["stats"],
        ["stats", "--json"],
        ["bury", cid],
        ["undo"],
    ):
        code, out, err = _cli(*command, *common)
        assert code == 0, (command, err)
        assert "Traceback" not in err and "unexpected error" not in err
        _no_raw(out)
        _no_raw(err)


# --- arbitrary text and names -------------------------------------------------------------

NASTY = st.text(
    alphabet=st.sampled_from(
        list("ab[]/@=:\\ -$#") + ["\x1b", "\x07", "\x9b", "\x00", "\r", "\x7f"]
    ),
    max_size=24,
)


def _file_name(raw: str) -> str:
    safe = "".join(ch for ch in raw if ch not in "/\x00") or "n"
    return safe[:40] + ".md"


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(front=NASTY, back=NASTY, name=NASTY)
def test_any_note_text_and_name_through_import_review_cards_and_due(
    tmp_path_factory: pytest.TempPathFactory, front: str, back: str, name: str
) -> None:
    root = tmp_path_factory.mktemp("nasty")
    text = f"#flashcards\n\nQ{front}::A{back}\n\n{front}\n?\n{back}x\n"
    vault, config = _vault(root, _file_name(name), text)
    for what, code, out, err in _run_commands(root, vault, config):
        assert code == 0, (what, err)
        assert "Traceback" not in err and "unexpected error" not in err
        _no_raw(out)
        _no_raw(err)
    os.remove(root / "deck.db")
    import asyncio

    svg, toasts = asyncio.run(_review_screen_text(root, _file_name(name), text))
    _no_raw(svg)
    for toast in toasts:
        _no_raw(toast)
