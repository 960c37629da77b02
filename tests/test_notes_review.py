"""Whole-note review (issue 6) through the database and the real files."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from review_support import build_realworld_vaults, config

from srs_dl.core.notes.frontmatter import note_schedule, read_frontmatter
from srs_dl.core.notes.frontmatter_edit import format_number
from srs_dl.core.notes.model import NoteSchedule
from srs_dl.services.importing.importer import import_paths
from srs_dl.services.review.note_review import NoteReviewError, grade_note, list_notes, preview_note
from srs_dl.store.db import connect

TODAY = dt.date(2026, 1, 15)
_SR_LINE = re.compile(rb"(?m)^[\"']?sr-(due|interval|ease)[\"']?[ \t]*:.*$")


def _schedule_in(path: Path):
    lines = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").split("\n")
    return note_schedule(read_frontmatter(lines))[0]


def _without_review_keys(data: bytes) -> bytes:
    return _SR_LINE.sub(b"", data)


@pytest.fixture
def corpus(shared_dir, tmp_path):
    files = build_realworld_vaults(shared_dir, tmp_path / "vaults")
    conn = connect(tmp_path / "deck.db")
    vaults = sorted({p.relative_to(tmp_path / "vaults").parts[0] for p in files.values()})
    import_paths(
        conn, [tmp_path / "vaults" / v for v in vaults], flags={}, config=config(), today=TODAY
    )
    yield conn, files
    conn.close()


def test_the_17_realworld_review_notes_read_back_their_schedules(corpus):
    conn, files = corpus
    with_due = {str(p): p for p in files.values() if b"sr-due" in p.read_bytes()[:600]}
    assert len(with_due) == 17
    listed = {n.path: n for n in list_notes(conn, TODAY)}
    for path, file in with_due.items():
        assert path in listed, path
        expected = _schedule_in(file)
        assert expected is not None and listed[path].schedule == expected, path
    # --due: every one due by 2026-01-15 except the one due in 2027.
    due = list_notes(conn, TODAY, due_only=True)
    assert all(n.schedule is None or n.schedule.due <= TODAY for n in due)
    assert [n.schedule.due for n in due if n.schedule] == sorted(
        n.schedule.due for n in due if n.schedule
    )


def test_grading_rewrites_only_the_three_keys(corpus):
    conn, files = corpus
    cfg = config(writeback="immediate")
    for name in (
        "62_downeyflyfan_flow-models.md",
        "69_downeyflyfan_flow-based-model.md",
        "31_jonathanec2_http-in-detail.md",
        "57_oldwinter_note-zh.md",
    ):
        path = files[name]
        before = path.read_bytes()
        old = _schedule_in(path)
        result = grade_note(conn, cfg, path, "good", TODAY)
        assert result.written == str(path), result.problem
        assert old is not None and result.before == old and result.after.due > TODAY
        after = path.read_bytes()
        assert _schedule_in(path) == result.after
        assert _without_review_keys(after) == _without_review_keys(before), name
        assert after.count(b"\r\n") == before.count(b"\r\n")
        if b'sr-due: "' in before:
            assert b'sr-due: "' + result.after.due.isoformat().encode() + b'"' in after
        # The database agrees and has nothing left to write.
        row = conn.execute(
            "SELECT review_due, review_dirty FROM notes WHERE path = ?", (str(path),)
        ).fetchone()
        assert row == (result.after.due.isoformat(), 0)


def test_a_note_without_frontmatter_gets_one(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    note = vault / "plain.md"
    note.write_bytes(b"# Title\r\nSome text #review\r\nno final newline")
    conn = connect(tmp_path / "d.db")
    cfg = config(writeback="immediate")
    import_paths(conn, [vault], flags={}, config=cfg, today=TODAY)
    [row] = list_notes(conn, TODAY, due_only=True)
    assert row.schedule is None
    result = grade_note(conn, cfg, note, "easy", TODAY)
    assert result.after.ease == 270  # a new note starts from the base ease (no links)
    data = note.read_bytes()
    head = (
        f"---\r\nsr-due: {result.after.due.isoformat()}\r\n"
        f"sr-interval: {format_number(result.after.interval)}\r\n"
        "sr-ease: 270\r\n---\r\n"
    ).encode()
    assert data == head + b"# Title\r\nSome text #review\r\nno final newline"
    # Read back by a re-import: the schedule in the DB stands, nothing dirty.
    import_paths(conn, [vault], flags={}, config=cfg, today=TODAY)
    [row] = list_notes(conn, TODAY)
    assert row.schedule == result.after and not row.dirty
    conn.close()


def test_grade_note_refuses_again_unknown_and_changed_notes(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    note = vault / "n.md"
    note.write_text(
        "---\nsr-due: 2026-01-10\nsr-interval: 4\nsr-ease: 250\n---\n#review\n", encoding="utf-8"
    )
    (vault / "other.md").write_text("not for review\n", encoding="utf-8")
    conn = connect(tmp_path / "d.db")
    cfg = config(writeback="immediate")
    import_paths(conn, [vault], flags={}, config=cfg, today=TODAY)
    with pytest.raises(NoteReviewError) as info:
        grade_note(conn, cfg, note, "again", TODAY)
    assert info.value.status == 2
    with pytest.raises(NoteReviewError, match="not a review note"):
        grade_note(conn, cfg, vault / "other.md", "good", TODAY)
    with pytest.raises(NoteReviewError, match="not an imported note"):
        grade_note(conn, cfg, vault / "missing.md", "good", TODAY)
    note.write_text(note.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    result = grade_note(conn, cfg, note, "good", TODAY)
    assert result.written is None and "changed on disk" in (result.problem or "")
    assert note.read_text(encoding="utf-8").endswith("edited\n")
    assert "sr-due: 2026-01-10" in note.read_text(encoding="utf-8")
    # Overdue days count for notes: 5 days late, Good gives (4 + 5/2) * 2.5 = 16.25 -> 16.
    assert result.after.interval == 16
    conn.close()


def _db_state(conn) -> tuple:
    notes = conn.execute(
        "SELECT id, review_due, review_interval, review_ease, review_dirty FROM notes ORDER BY id"
    ).fetchall()
    return notes, conn.execute("SELECT count(*) FROM log").fetchone()[0]


@pytest.mark.parametrize("response", ["hard", "good", "easy"])
def test_preview_note_gives_what_grading_then_gives_and_writes_nothing(tmp_path, response):
    vault = tmp_path / "v"
    vault.mkdir()
    due = vault / "due.md"
    due.write_text(
        "---\nsr-due: 2026-01-10\nsr-interval: 4\nsr-ease: 250\n---\n#review\n", encoding="utf-8"
    )
    new = vault / "new.md"
    new.write_text("links to [[due]] #review\n", encoding="utf-8")
    conn = connect(tmp_path / "d.db")
    cfg = config(writeback="sync")
    import_paths(conn, [vault], flags={}, config=cfg, today=TODAY)
    for path in (due, new):
        before, data = _db_state(conn), path.read_bytes()
        preview = preview_note(conn, cfg, path, TODAY)
        assert set(preview) == {"hard", "good", "easy"}
        assert _db_state(conn) == before and path.read_bytes() == data
        assert preview["hard"].interval < preview["good"].interval < preview["easy"].interval
        if path == due:  # 5 days overdue count: Good gives (4 + 5/2) * 2.5 = 16.25 -> 16
            assert preview["good"] == NoteSchedule(TODAY + dt.timedelta(days=16), 16, 250)
        result = grade_note(conn, cfg, path, response, TODAY)
        assert result.after == preview[response], path.name
    conn.close()


def test_preview_note_refuses_what_grading_refuses(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "other.md").write_text("not for review\n", encoding="utf-8")
    conn = connect(tmp_path / "d.db")
    import_paths(conn, [vault], flags={}, config=config(), today=TODAY)
    with pytest.raises(NoteReviewError, match="not a review note"):
        preview_note(conn, config(), vault / "other.md", TODAY)
    conn.close()


def _write(root: Path, files: dict[str, str]) -> None:
    (root / ".obsidian").mkdir(parents=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def _scheduled(ease: int, body: str = "") -> str:
    return f"---\nsr-due: 2026-02-01\nsr-interval: 10\nsr-ease: {ease}\n---\n{body}#review\n"


def test_a_new_notes_ease_weighs_its_links_by_pagerank(tmp_path):
    # new -> hub, new -> leaf, and four plain notes -> hub. hub and leaf link nowhere.
    # With n = 7, each linking note has r_s = 1/11.25 (teleport and the dangling notes'
    # leak only); leaf = r_s (1 + a/2), hub = r_s (1 + a/2 + 4a): hub:leaf = 4.825:1.425.
    vault = tmp_path / "v"
    _write(
        vault,
        {
            "hub.md": _scheduled(290),
            "leaf.md": _scheduled(170),
            "new.md": "See [[hub]] and [[leaf|the leaf]].\n#review\n",
            **{f"p{i}.md": "About [[Hub]].\n" for i in range(4)},
        },
    )
    conn = connect(tmp_path / "d.db")
    cfg = config(writeback="sync")
    import_paths(conn, [vault], flags={}, config=cfg, today=TODAY)
    # Two links: weight ln(2.5)/ln(64) = 0.2203 of the linked eases, the rest base 250.
    # By PageRank: (290 * 4.825 + 170 * 1.425) / 6.25 = 262.64 -> 252.78 -> 253;
    # by link counts alone it would be (290 + 170) / 2 = 230 -> 245.59 -> 246.
    assert preview_note(conn, cfg, vault / "new.md", TODAY)["good"].ease == 253
    result = grade_note(conn, cfg, vault / "new.md", "good", TODAY)
    assert result.before is None and result.after.ease == 253
    conn.close()


def test_links_resolve_as_obsidian_resolves_them(tmp_path):
    # One vault imported as two folders (v/a and v/b), and another vault (w).
    vault, other = tmp_path / "v", tmp_path / "w"
    _write(
        vault,
        {
            "a/hub.md": _scheduled(290),
            "b/hub.md": _scheduled(170),
            "a/same_folder.md": "[[hub]] #review\n",
            "a/by_path.md": "[[b/hub.md]] #review\n",
            "a/relative.md": "[[../b/HUB]] #review\n",
            "a/elsewhere.md": "[[far]] ![[hub.png]] [[nowhere]] #review\n",
        },
    )
    _write(other, {"far.md": _scheduled(300)})
    conn = connect(tmp_path / "d.db")
    cfg = config(writeback="sync")
    import_paths(conn, [vault / "a", vault / "b", other], flags={}, config=cfg, today=TODAY)

    def ease(name: str) -> int:
        return preview_note(conn, cfg, vault / "a" / name, TODAY)["good"].ease

    # One link: weight ln(1.5)/ln(64) = 0.0975. [[hub]] is the hub beside the note
    # (290: 253.9 -> 254), not both hubs (their average, 230 with two links: 246).
    assert ease("same_folder.md") == 254
    # A path reaches the other imported folder of the same vault (170: 242.2 -> 242).
    assert ease("by_path.md") == 242
    assert ease("relative.md") == 242
    # Another vault's note, an image and a missing note are no links: the base ease.
    assert ease("elsewhere.md") == 250
    # A links value that is not JSON (a damaged row) is no links; the others still count.
    conn.execute(
        "UPDATE notes SET links = ? WHERE path = ?",
        ('["b/hub"],["hub"', str(vault / "a" / "by_path.md")),
    )
    conn.commit()
    assert ease("by_path.md") == 250
    assert ease("same_folder.md") == 254
    conn.close()


def test_the_notes_commands_start_without_numpy():
    # NumPy takes about 0.1 s to import: nothing a notes command runs needs it.
    code = (
        "import sys\nimport srs_dl.commands.notes\nimport srs_dl.services.review.note_review\n"
        "print('numpy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"


def _due(day: str, body: str = "") -> str:
    return f"---\nsr-due: {day}\nsr-interval: 3\nsr-ease: 250\n---\n{body}#review\n"


def _ranked_vault(root: Path) -> Path:
    """Four plain notes link to n_hub, s_b and l_b; p0 also to n_leaf, p1 also to
    both twins (which rank the same): n_hub > n_leaf > the twins > the unlinked."""
    vault = root / "v"
    common = "[[n_hub]] [[s_b]] [[l_b]]"
    _write(
        vault,
        {
            "p0.md": f"{common} [[n_leaf]]\n",
            "p1.md": f"{common} [[n_twin2]] [[n_twin1]]\n",
            "p2.md": f"{common}\n",
            "p3.md": f"{common}\n",
            **{
                f"{name}.md": "#review\n"
                for name in ("n_hub", "n_leaf", "n_twin1", "n_twin2", "a_alone", "b_alone")
            },
            "z_old.md": _due("2026-01-12"),
            "s_a.md": _due("2026-01-15"),
            "s_b.md": _due("2026-01-15"),
            "l_a.md": _due("2026-01-20"),
            "l_b.md": _due("2026-01-20"),
        },
    )
    return vault


_DUE_ORDER = ["z_old", "s_b", "s_a", "n_hub", "n_leaf", "n_twin1", "n_twin2", "a_alone", "b_alone"]


def test_notes_are_listed_in_the_plugins_order(tmp_path):
    # sortNotesByDateAndImportance: scheduled by day (overdue first), then PageRank;
    # new by PageRank; equal ranks (the twins, the unlinked at 0) by path.
    vault = _ranked_vault(tmp_path)
    conn = connect(tmp_path / "d.db")
    import_paths(conn, [vault], flags={}, config=config(), today=TODAY)
    due = [Path(n.path).stem for n in list_notes(conn, TODAY, due_only=True)]
    assert due == _DUE_ORDER
    everything = [Path(n.path).stem for n in list_notes(conn, TODAY)]
    assert everything == [*_DUE_ORDER, "l_b", "l_a"]
    # Rating the top new note schedules it: the next new note comes first among the new.
    grade_note(conn, config(), vault / "n_hub.md", "good", TODAY)
    due = [Path(n.path).stem for n in list_notes(conn, TODAY, due_only=True)]
    assert due == [s for s in _DUE_ORDER if s != "n_hub"]
    conn.close()


def test_notes_json_lists_the_plugins_order(tmp_path, monkeypatch, capsys):
    from srs_dl.cli import main

    vault = _ranked_vault(tmp_path)
    conn = connect(tmp_path / "d.db")
    import_paths(conn, [vault], flags={}, config=config(), today=TODAY)
    conn.close()
    monkeypatch.setenv("SRS_DL_DB", str(tmp_path / "d.db"))
    monkeypatch.setenv("SRS_DL_TODAY", TODAY.isoformat())
    monkeypatch.setenv("SRS_DL_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    capsys.readouterr()
    assert main(["notes", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(r["path"]).stem for r in rows] == [*_DUE_ORDER, "l_b", "l_a"]
    assert [r["state"] for r in rows] == ["review"] * 3 + ["new"] * 6 + ["review"] * 2
    assert [r["due"] for r in rows[:3]] == ["2026-01-12", "2026-01-15", "2026-01-15"]
    assert main(["notes", "--due"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [Path(line.split("\t")[-1]).stem for line in lines] == _DUE_ORDER


def test_a_listing_without_ties_needs_no_link_graph(tmp_path):
    # One new note and due notes on different days: PageRank could change nothing,
    # so `srs-dl notes` computes none (its module is never even imported).
    vault = tmp_path / "v"
    _write(
        vault,
        {
            "new.md": "[[old]] #review\n",
            "old.md": _due("2026-01-10", "[[new]] "),
            "today.md": _due("2026-01-15", "[[new]] "),
        },
    )
    conn = connect(tmp_path / "d.db")
    import_paths(conn, [vault], flags={}, config=config(), today=TODAY)
    conn.close()
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    code = (
        "import sys\nfrom srs_dl.cli import main\n"
        f"code = main(['--db', {str(tmp_path / 'd.db')!r}, '--today', '2026-01-15',"
        " '--config', 'config.toml', 'notes'])\n"
        "print('srs_dl.core.scheduling.pagerank' in sys.modules, file=sys.stderr)\n"
        "sys.exit(code)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert out.stderr.strip() == "False"
    assert [Path(line.split("\t")[-1]).stem for line in out.stdout.splitlines()] == [
        "old",
        "today",
        "new",
    ]


def test_the_notes_screen_lists_the_plugins_order(tmp_path):
    from textual.widgets import OptionList
    from tui_support import run_async, wait_for

    from srs_dl.tui.app import make_app
    from srs_dl.tui.screens.notes import NotesScreen

    vault = _ranked_vault(tmp_path)
    conn = connect(tmp_path / "d.db")
    import_paths(conn, [vault], flags={}, config=config(), today=TODAY)
    conn.close()
    app = make_app(tmp_path / "d.db", TODAY, config(), mode="notes", arg=None, seed=7)

    @run_async
    async def check() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(
                pilot,
                lambda: (
                    isinstance(app.screen, NotesScreen)
                    and app.screen.current is not None
                    and not app.screen.busy
                ),
                what="the due notes",
            )
            options = app.screen.query_one("#notes-list", OptionList)
            shown = [options.get_option_at_index(i).id for i in range(options.option_count)]
            assert [Path(p or "").stem for p in shown] == _DUE_ORDER
            # The note shown first is the one the plugin opens first.
            assert app.screen.current == str(vault / "z_old.md")

    check()
