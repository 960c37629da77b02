"""Issue 15 end to end through the CLI: a note reviewed alternately by the plugin (its
numbers, from tests/data/fsrs_vectors.json) and by srs-dl keeps one FSRS schedule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from srs_dl.cli import main
from srs_dl.core.notes.fsrs_group import parse_fsrs_group

VECTORS = {
    s["name"]: s["reviews"]
    for s in json.loads((Path(__file__).parent / "data" / "fsrs_vectors.json").read_text())[
        "sequences"
    ]
}
ISSUE = VECTORS["the issue's card graded good the next day"]
NEW = VECTORS["new card rated 3, then Good when due x4"]
SM2 = VECTORS["SM-2 group 2025-03-01,4,270 converted, rated 3"]
PLUGIN_DATA = Path(".obsidian/plugins/obsidian-spaced-repetition/data.json")


def _note(issue_group: str) -> str:
    return (
        "---\ntags: [x]\n---\n#flashcards\n\n"
        "What is FSRS?::A scheduler\n"
        f"<!--SR:!{issue_group}-->\n\n"
        "Old::card\n<!--SR:!2025-03-01,4,270-->\n\n"
        "New::card\n\n"
        "Trailing text the app must keep.  \n"
    )


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "vault"
    (root / PLUGIN_DATA).parent.mkdir(parents=True)
    (root / PLUGIN_DATA).write_text(json.dumps({"algorithm": "FSRS"}), encoding="utf-8")
    (root / "fsrs.md").write_text(_note(ISSUE[0]["before"]), encoding="utf-8")
    monkeypatch.setenv("SRS_DL_DB", str(tmp_path / "deck.db"))
    monkeypatch.setenv("SRS_DL_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text('[review]\nwriteback = "sync"\n', encoding="utf-8")
    return root


def _run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    at: str | None = None,
) -> str:
    if at is not None:
        monkeypatch.setenv("SRS_DL_NOW", at.replace("Z", "+00:00"))
        monkeypatch.setenv("SRS_DL_TODAY", at[:10])
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _ids(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[str, dict[str, Any]]:
    out = _run(monkeypatch, capsys, "cards", "--json")
    return {c["front"]: c for c in (json.loads(line) for line in out.splitlines() if line)}


def _group(text: str, question: str) -> str:
    after = text.split(question + "\n", 1)[1]
    return after.split("<!--SR:!", 1)[1].split("-->", 1)[0]


def _every_field(group: str, fields: dict[str, Any]) -> None:
    s = parse_fsrs_group(group)
    got = {name: getattr(s, name) for name in fields if name not in ("due", "last_review")}
    got["state"] = int(s.state)
    assert got == {k: v for k, v in fields.items() if k not in ("due", "last_review")}
    assert len(got) == 7
    assert group.split(",")[1] == fields["due"] and group.split(",")[9] == fields["last_review"]


def test_alternate_reviews_keep_one_fsrs_schedule(vault: Path, monkeypatch, capsys) -> None:
    note = vault / "fsrs.md"
    _run(monkeypatch, capsys, "import", str(vault), at=ISSUE[0]["now"])
    cards = _ids(monkeypatch, capsys)
    issue_id = str(cards["What is FSRS?"]["id"])

    # 1. srs-dl reviews the card the day after Obsidian last did, then syncs.
    _run(monkeypatch, capsys, "grade", "good", issue_id, at=ISSUE[0]["now"])
    _run(monkeypatch, capsys, "sync", at=ISSUE[0]["now"])
    text = note.read_text(encoding="utf-8")
    assert _group(text, "What is FSRS?::A scheduler") == ISSUE[0]["after"]
    _every_field(ISSUE[0]["after"], ISSUE[0]["fields"])
    assert text == _note(ISSUE[0]["after"])  # every other byte kept
    assert _ids(monkeypatch, capsys)["What is FSRS?"]["due"] == "2025-02-27"

    # 2. Obsidian reviews it next (the plugin's own result written into the note).
    note.write_text(text.replace(ISSUE[0]["after"], ISSUE[1]["after"]), encoding="utf-8")
    _run(monkeypatch, capsys, "import", str(vault), at=ISSUE[1]["now"])
    assert _ids(monkeypatch, capsys)["What is FSRS?"]["due"] == "2025-03-21"

    # 3. srs-dl again, a day early and Hard: the plugin's numbers, every field.
    _run(monkeypatch, capsys, "grade", "hard", issue_id, at=ISSUE[2]["now"])
    _run(monkeypatch, capsys, "sync", at=ISSUE[2]["now"])
    text = note.read_text(encoding="utf-8")
    assert _group(text, "What is FSRS?::A scheduler") == ISSUE[2]["after"]
    _every_field(ISSUE[2]["after"], ISSUE[2]["fields"])
    assert text == _note(ISSUE[2]["after"])


def test_a_vault_on_fsrs_schedules_new_cards_and_converts_sm2_cards(
    vault: Path, monkeypatch, capsys
) -> None:
    note = vault / "fsrs.md"
    _run(monkeypatch, capsys, "import", str(vault), at=NEW[0]["now"])
    cards = _ids(monkeypatch, capsys)
    _run(monkeypatch, capsys, "grade", "good", str(cards["New"]["id"]), at=NEW[0]["now"])
    _run(monkeypatch, capsys, "grade", "good", str(cards["Old"]["id"]), at=SM2[0]["now"])
    _run(monkeypatch, capsys, "sync", at=SM2[0]["now"])
    text = note.read_text(encoding="utf-8")
    assert _group(text, "New::card") == NEW[0]["after"]
    assert _group(text, "Old::card") == SM2[0]["after"]
    _every_field(SM2[0]["after"], SM2[0]["fields"])
    # The card never reviewed here keeps its group untouched.
    assert _group(text, "What is FSRS?::A scheduler") == ISSUE[0]["before"]


def test_the_config_and_the_import_flag_override_the_vault(
    vault: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    note = vault / "fsrs.md"
    (tmp_path / "config.toml").write_text(
        '[review]\nwriteback = "sync"\n[scheduling]\nalgorithm = "sm2"\n', encoding="utf-8"
    )
    _run(monkeypatch, capsys, "import", str(vault), at=NEW[0]["now"])
    cards = _ids(monkeypatch, capsys)
    _run(monkeypatch, capsys, "grade", "good", str(cards["New"]["id"]), at=NEW[0]["now"])
    _run(monkeypatch, capsys, "sync", at=NEW[0]["now"])
    assert _group(note.read_text(encoding="utf-8"), "New::card") == "2025-02-22,3,250"
    # The flag wins over the config: the SM-2 card is converted at its next review.
    _run(
        monkeypatch,
        capsys,
        "import",
        str(vault),
        "--algorithm",
        "fsrs",
        "--desired-retention",
        "0.9",
        at=SM2[0]["now"],
    )
    _run(monkeypatch, capsys, "grade", "good", str(cards["Old"]["id"]), at=SM2[0]["now"])
    _run(monkeypatch, capsys, "sync", at=SM2[0]["now"])
    assert _group(note.read_text(encoding="utf-8"), "Old::card") == SM2[0]["after"]


def test_bad_desired_retention_flag_is_one_line(vault: Path, monkeypatch, capsys) -> None:
    assert main(["import", str(vault), "--desired-retention", "1.5"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "--desired-retention: 1.5" in err


def test_a_damaged_fsrs_group_warns_and_the_deck_keeps_its_fsrs_state(
    vault: Path, monkeypatch, capsys
) -> None:
    note = vault / "fsrs.md"
    _run(monkeypatch, capsys, "import", str(vault), at=ISSUE[0]["now"])
    before = _ids(monkeypatch, capsys)["What is FSRS?"]
    damaged = ISSUE[0]["before"].replace(",3.2,", ",NaN,")
    note.write_text(_note(damaged), encoding="utf-8")
    monkeypatch.setenv("SRS_DL_NOW", ISSUE[0]["now"].replace("Z", "+00:00"))
    assert main(["import", str(vault)]) == 0
    err = [line for line in capsys.readouterr().err.splitlines() if "NaN" in line]
    assert len(err) == 1 and err[0].startswith(f"{note}:7: malformed scheduling comment: ")
    assert "bad stability 'NaN' (not a number)" in err[0]
    assert _ids(monkeypatch, capsys)["What is FSRS?"] == before
    # Graded here, the card is scheduled from the state the deck kept.
    _run(monkeypatch, capsys, "grade", "good", str(before["id"]), at=ISSUE[0]["now"])
    _run(monkeypatch, capsys, "sync", at=ISSUE[0]["now"])
    assert (
        _group(note.read_text(encoding="utf-8"), "What is FSRS?::A scheduler") == ISSUE[0]["after"]
    )


def test_the_deck_keeps_an_fsrs_due_day_on_the_local_calendar(
    vault: Path, monkeypatch, capsys
) -> None:
    """02:00 UTC on 1 March is the evening of 28 February in New York: the card is due
    that day there, as its review here would store it."""
    import time

    late = "fsrs,2025-03-01T02:00:00.000Z,3,3.2,5.1,2,3,0,0,2025-02-26T02:00:00.000Z"
    (vault / "fsrs.md").write_text(_note(late), encoding="utf-8")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        _run(monkeypatch, capsys, "import", str(vault), at="2025-02-27T12:00:00.000Z")
        assert _ids(monkeypatch, capsys)["What is FSRS?"]["due"] == "2025-02-28"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
