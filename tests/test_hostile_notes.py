"""Issue 19, hostile notes: symlinks, hard links and modes, frontmatter the writer could
break, scheduling comments in the plugin's callout. One test per row of README.md's
"Bad input, catalogued" added by the issue; the helpers are the catalogue's own.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from test_bad_input_catalog import Deck, assert_nothing_lost, assert_one_line, make_deck


@pytest.fixture
def deck(tmp_path: Path) -> Deck:
    return make_deck(tmp_path)


def card_in(deck: Deck, note: Path) -> dict[str, object]:
    (card,) = [c for c in deck.cards().values() if c["file"] == str(note)]
    return card


# --- symlinks, hard links, modes ------------------------------------------------------------


def test_a_followed_symlink_is_written_at_its_target(deck: Deck) -> None:
    outside = deck.root / "outside"
    outside.mkdir()
    real = outside / "real.md"
    real.write_text("Q::A\n", encoding="utf-8")
    real.chmod(0o640)
    link = deck.vault / "link.md"
    link.symlink_to("../outside/real.md")
    assert deck.import_("--all-notes", "--follow-symlinks").err == ""
    card = card_in(deck, link)
    before = deck.cards()
    graded = deck.cli("grade", "good", str(card["id"]))
    assert graded.code == 0 and graded.err == "", graded.err
    assert link.is_symlink() and os.readlink(link) == "../outside/real.md"
    assert re.fullmatch(r"Q::A\n<!--SR:!\d{4}-\d\d-\d\d,\d+,250-->\n", real.read_text()), (
        real.read_text()
    )
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert not [p for p in outside.iterdir() if p.name != "real.md"], "a temporary file left"
    # The folder remembers to follow: a rescan reads the note through its link, no warning.
    again = deck.import_()
    assert again.code == 0 and again.err == "", again.err
    after = deck.cards()
    assert after[card["id"]]["due"] is not None
    assert_nothing_lost({k: v for k, v in before.items() if k != card["id"]}, after)


def test_a_link_import_does_not_follow_is_never_written_through(deck: Deck) -> None:
    deck.config.write_text('[review]\nwriteback = "sync"\n', encoding="utf-8")
    note = deck.vault / "note.md"
    note.write_text("#flashcards\n\nLinked::later\n", encoding="utf-8")
    assert deck.import_().err == ""
    card = card_in(deck, note)
    assert deck.cli("grade", "good", str(card["id"])).err == ""
    before = deck.cards()
    # Replaced by a link to an identical (read-only) file outside the vault.
    outside = deck.root / "outside"
    outside.mkdir()
    target = outside / "same.md"
    target.write_bytes(note.read_bytes())
    target.chmod(0o444)
    note.unlink()
    note.symlink_to(target)
    rescan = deck.import_()
    assert_one_line(rescan, str(note), r"outside the imported folder; not followed")
    result = deck.cli("sync")
    line = assert_one_line(result, str(note), r"that import does not follow; not written")
    assert line.count(str(note)) == 1 and "the review stays in the deck" in line
    assert note.is_symlink() and note.resolve() == target
    assert target.read_text() == "#flashcards\n\nLinked::later\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert_nothing_lost(before, deck.cards())
    # Replaced by its bytes again, the note takes the review at the next sync.
    note.unlink()
    note.write_bytes(target.read_bytes())
    synced = deck.cli("sync")
    assert synced.code == 0 and synced.err == "", synced.err
    assert "<!--SR:!" in note.read_text()


def test_a_hard_linked_note_is_written_and_its_other_name_keeps_the_old_bytes(
    deck: Deck,
) -> None:
    note = deck.vault / "hard.md"
    note.write_text("Hard::link\n", encoding="utf-8")
    note.chmod(0o600)
    other = deck.root / "other-name.md"
    os.link(note, other)
    assert deck.import_("--all-notes").err == ""
    card = card_in(deck, note)
    assert deck.cli("grade", "good", str(card["id"])).err == ""
    assert "<!--SR:!" in note.read_text()
    assert other.read_text() == "Hard::link\n"
    assert note.stat().st_nlink == 1 and stat.S_IMODE(note.stat().st_mode) == 0o600


def test_sync_json_names_the_refused_link(deck: Deck) -> None:
    deck.config.write_text('[review]\nwriteback = "sync"\n', encoding="utf-8")
    note = deck.vault / "j.md"
    note.write_text("#flashcards\n\nJ::k\n", encoding="utf-8")
    deck.import_()
    assert deck.cli("grade", "good", str(card_in(deck, note)["id"])).err == ""
    target = deck.root / "t.md"
    target.write_bytes(note.read_bytes())
    note.unlink()
    note.symlink_to(target)
    result = deck.cli("sync", "--json")
    report = json.loads(result.out)
    assert [e for e in report["errors"] if str(note) in e], report
    assert report["written"] == [] and note.is_symlink()


# --- frontmatter: one grammar for the reader and the writer ---------------------------------


def _review_note(deck: Deck, name: str, frontmatter: str) -> Path:
    note = deck.vault / name
    note.write_text(f"---\n{frontmatter}---\n#review\n\nBody text.\n", encoding="utf-8")
    return note


def _keys(text: str) -> list[str]:
    head = text.split("---\n")[1]
    return [line.split(":")[0] for line in head.splitlines() if line and line[0] not in " #"]


def test_a_hash_inside_a_value_is_the_value_and_no_key_is_added(deck: Deck) -> None:
    """`sr-due: 2025-02-22#x`: YAML reads `#x` as part of the value (a comment needs a
    space before its `#`); the writer rewrites that key, never appends a second one."""
    note = _review_note(
        deck, "hash.md", "tags: [a]\nsr-due: 2025-02-22#x\nsr-interval: 3\nsr-ease: 250\n"
    )
    imported = deck.import_()
    assert_one_line(imported, f"{note}:3:", r"sr-due: bad date '2025-02-22#x'")
    before = deck.cards()
    result = deck.cli("grade-note", "good", str(note))
    assert result.code == 0 and result.err == "", result.err
    text = note.read_text()
    assert _keys(text) == ["tags", "sr-due", "sr-interval", "sr-ease"], text
    assert re.search(r"(?m)^sr-due: \d{4}-\d\d-\d\d$", text), text
    assert text.endswith("---\n#review\n\nBody text.\n")
    again = deck.import_()
    assert again.err == "", again.err
    assert_nothing_lost(before, deck.cards())


@pytest.mark.parametrize(
    "line",
    ["sr-due:2025-02-22", "SR-DUE: 2025-02-22", "'sr-due':2025-02-22"],
    ids=["no-space-after-colon", "other-case", "quoted-no-space"],
)
def test_a_key_the_reader_does_not_read_is_never_written_nor_added(deck: Deck, line: str) -> None:
    note = _review_note(deck, "nospace.md", f"{line}\nsr-interval: 3\nsr-ease: 250\n")
    original = note.read_bytes()
    imported = deck.import_()
    assert "Traceback" not in imported.err
    result = deck.cli("grade-note", "good", str(note))
    assert result.code == 0
    message = assert_one_line(result, f"{note}:2:", r"not the key sr-due as YAML reads it")
    assert "the rating is kept" in message
    assert note.read_bytes() == original
    # Fixed by hand, the next sync writes the rating kept in the deck.
    note.write_text(note.read_text().replace(line, "sr-due: 2025-02-22"), encoding="utf-8")
    synced = deck.cli("sync")
    assert synced.code == 0 and synced.err == "", synced.err
    text = note.read_text()
    assert _keys(text) == ["sr-due", "sr-interval", "sr-ease"], text
    assert "sr-due: 2025-02-22\n" not in text


def test_yaml_comment_lines_are_understood(deck: Deck) -> None:
    note = _review_note(
        deck,
        "comments.md",
        "# a note: about this note\ntags:\n  # the first one: a\n  - a\n   #  indented: too\n"
        "sr-due: 2026-02-20 # when: due\nsr-interval: 4\nsr-ease: 250\n",
    )
    result = deck.import_()
    assert result.code == 0 and result.err == "", result.err
    graded = deck.cli("grade-note", "good", str(note))
    assert graded.code == 0 and graded.err == "", graded.err
    text = note.read_text()
    assert "# a note: about this note\n" in text and "  # the first one: a\n" in text
    assert re.search(r"(?m)^sr-due: \d{4}-\d\d-\d\d # when: due$", text), text


# --- scheduling comments in the plugin's callout ------------------------------------------

CALLOUT_NOTE = "#flashcards\n\nIn a callout::its schedule\n> [!sr|card-metadata] \n> <!--SR:!2026-02-20,4,250-->\n\nNew::card\n"


def _plugin_vault(deck: Deck, callouts: bool) -> Path:
    vault = deck.root / "obsidian"
    data = vault / ".obsidian" / "plugins" / "obsidian-spaced-repetition" / "data.json"
    data.parent.mkdir(parents=True)
    data.write_text(json.dumps({"settings": {"useCalloutsForSchedulingComments": callouts}}))
    return vault


@pytest.mark.parametrize("callouts", [True, False], ids=["callouts-on", "callouts-off"])
def test_callout_comments_are_read_and_written_as_the_plugin_does(
    deck: Deck, callouts: bool
) -> None:
    vault = _plugin_vault(deck, callouts)
    note = vault / "callout.md"
    note.write_text(CALLOUT_NOTE, encoding="utf-8")
    result = deck.cli("import", str(vault))
    assert result.code == 0 and result.err == "", result.err
    mine = {c["front"]: c for c in deck.cards().values() if c["file"] == str(note)}
    assert (mine["In a callout"]["due"], mine["In a callout"]["interval"]) == ("2026-02-20", 4)
    for front in ("In a callout", "New"):
        graded = deck.cli("grade", "good", str(mine[front]["id"]))
        assert graded.code == 0 and graded.err == "", graded.err
    text = note.read_text()
    # The comment in the callout is replaced where it is; the new card's goes in a callout
    # of its own (the plugin's bytes: a space after the header, two after the `>`).
    assert re.fullmatch(
        r"#flashcards\n\nIn a callout::its schedule\n> \[!sr\|card-metadata\] \n"
        r"> <!--SR:!\d{4}-\d\d-\d\d,\d+,250-->\n\nNew::card\n"
        + (r"> \[!sr\|card-metadata\] \n>  <!--SR:!" if callouts else r"<!--SR:!")
        + r"\d{4}-\d\d-\d\d,\d+,250-->\n",
        text,
    ), text
    assert text.count("<!--SR:") == 2
    graded = deck.cards()
    # A fresh deck reads the same schedules back from the note.
    fresh = Deck(deck.root, vault, note, deck.root / "fresh.db", deck.config)
    assert fresh.cli("import", str(vault)).err == ""
    read_back = {c["front"]: (c["due"], c["interval"]) for c in fresh.cards().values() if c["file"]}
    assert read_back == {
        c["front"]: (c["due"], c["interval"]) for c in graded.values() if c["file"] == str(note)
    }


def test_a_quoted_cards_quoted_comment_is_its_schedule(deck: Deck) -> None:
    """The form of the issue: a card inside a callout, its comment on the next `> ` line.
    It is read (srs-dl: the plugin reads only its own callout form) and replaced in place:
    the callout stays whole and holds one comment."""
    note = deck.vault / "quoted.md"
    note.write_text(
        "#flashcards\n\n> [!sr|card-metadata]\n> Q::A\n> <!--SR:!2026-02-20,4,250-->\n",
        encoding="utf-8",
    )
    result = deck.import_()
    assert result.code == 0 and result.err == "", result.err
    card = card_in(deck, note)
    assert (card["due"], card["interval"]) == ("2026-02-20", 4)
    assert deck.cli("grade", "good", str(card["id"])).err == ""
    text = note.read_text()
    assert re.fullmatch(
        r"#flashcards\n\n> \[!sr\|card-metadata\]\n> Q::A\n> <!--SR:!\d{4}-\d\d-\d\d,\d+,250-->\n",
        text,
    ), text


def test_the_config_can_ask_for_callouts(deck: Deck) -> None:
    deck.config.write_text(
        '[review]\nwriteback = "immediate"\n[import]\ncallout_comments = true\n', encoding="utf-8"
    )
    note = deck.vault / "config-callout.md"
    note.write_text("#flashcards\n\nQ::A\n", encoding="utf-8")
    assert deck.import_().err == ""
    assert deck.cli("grade", "good", str(card_in(deck, note)["id"])).err == ""
    assert note.read_text().startswith("#flashcards\n\nQ::A\n> [!sr|card-metadata] \n>  <!--SR:!")
