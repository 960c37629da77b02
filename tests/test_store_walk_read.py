"""Walking a vault and reading notes: what is skipped, symlinks, every bad byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from srs_dl.vault.read import BOM, NoteReadError, decode_note, read_bytes, read_note
from srs_dl.vault.walk import IgnoreRules, find_vault_root, walk_notes


def _touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _walk(root: Path, ignore: tuple[str, ...] = (), follow: bool = False):
    return walk_notes(
        str(root), base=str(root), ignore=IgnoreRules.compile(ignore), follow_symlinks=follow
    )


def _rels(result, root: Path) -> list[str]:
    return sorted(os.path.relpath(n.path, root) for n in result.notes)


def test_walk_skips_hidden_obsidian_trash_and_non_markdown(tmp_path: Path) -> None:
    for rel in (
        "a.md",
        "sub/b.MD",
        "sub/deep/c.md",
        ".obsidian/x.md",
        ".trash/y.md",
        "sub/.hidden/z.md",
        ".dot.md",
        "notes.txt",
        "img.png",
        "sub/deep/d.md.bak",
    ):
        _touch(tmp_path / rel)
    result = _walk(tmp_path)
    assert _rels(result, tmp_path) == ["a.md", "sub/b.MD", "sub/deep/c.md"]
    assert result.problems == []
    by_path = {os.path.relpath(n.path, tmp_path): n for n in result.notes}
    assert by_path["sub/deep/c.md"].folder == "sub/deep"
    assert by_path["a.md"].folder == ""
    assert by_path["a.md"].size == 1


def test_walk_honours_the_plugins_ignore_list(tmp_path: Path) -> None:
    for rel in (
        "keep.md",
        "Templates/t.md",
        "TemplatesOld/u.md",
        "x/drawing.excalidraw.md",
        "top.excalidraw.md",
        "a/b/Archive/old.md",
        "a/b/keep2.md",
    ):
        _touch(tmp_path / rel)
    # The plugin: a path that starts with an entry, or matches it as a glob.
    result = _walk(tmp_path, ignore=("Templates", "**/*.excalidraw.md", "**/Archive/**"))
    assert _rels(result, tmp_path) == ["a/b/keep2.md", "keep.md"]


def test_ignore_rules_globs() -> None:
    rules = IgnoreRules.compile(["**/*.excalidraw.md", "daily/202?-*.md", "{a,b}/x.md", ""])
    assert rules.file_ignored("d.excalidraw.md")
    assert rules.file_ignored("deep/er/d.excalidraw.md")
    assert rules.file_ignored("daily/2024-01-01.md")
    assert not rules.file_ignored("daily/sub/2024-01-01.md")
    assert rules.file_ignored("b/x.md") and not rules.file_ignored("c/x.md")
    assert not rules.file_ignored("notes.md")
    assert rules.folder_ignored("daily") is False  # a glob never prunes a whole folder


def test_symlink_loop_is_reported_and_not_followed(tmp_path: Path) -> None:
    _touch(tmp_path / "vault" / "a.md")
    os.symlink(tmp_path / "vault", tmp_path / "vault" / "loop")
    os.symlink("self.md", tmp_path / "vault" / "self.md")  # a link to itself: ELOOP
    result = _walk(tmp_path / "vault", follow=True)
    assert _rels(result, tmp_path / "vault") == ["a.md"]
    problems = "\n".join(result.problems)
    assert f"{tmp_path / 'vault' / 'loop'}: symlink loop" in problems
    assert f"{tmp_path / 'vault' / 'self.md'}: symlink loop" in problems
    assert len(result.problems) == 2


def test_symlink_out_of_the_folder_needs_follow(tmp_path: Path) -> None:
    _touch(tmp_path / "vault" / "a.md")
    _touch(tmp_path / "outside" / "o.md")
    _touch(tmp_path / "outside" / "sub" / "p.md")
    os.symlink(tmp_path / "outside", tmp_path / "vault" / "ext")
    os.symlink(tmp_path / "outside" / "o.md", tmp_path / "vault" / "linked.md")
    result = _walk(tmp_path / "vault")
    assert _rels(result, tmp_path / "vault") == ["a.md"]
    assert len(result.problems) == 2
    assert all(
        "outside the imported folder; not followed (--follow-symlinks follows it)" in p
        for p in result.problems
    )
    followed = _walk(tmp_path / "vault", follow=True)
    assert _rels(followed, tmp_path / "vault") == ["a.md", "ext/o.md", "ext/sub/p.md", "linked.md"]
    assert followed.problems == []


def test_symlink_inside_the_folder_is_not_imported_twice(tmp_path: Path) -> None:
    _touch(tmp_path / "a" / "n.md")
    os.symlink(tmp_path / "a", tmp_path / "alias")
    os.symlink(tmp_path / "a" / "n.md", tmp_path / "n-link.md")
    result = _walk(tmp_path, follow=True)
    assert _rels(result, tmp_path) == ["a/n.md"]
    assert result.problems == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_unreadable_folder_is_reported(tmp_path: Path) -> None:
    _touch(tmp_path / "ok.md")
    _touch(tmp_path / "locked" / "n.md")
    os.chmod(tmp_path / "locked", 0)
    try:
        result = _walk(tmp_path)
    finally:
        os.chmod(tmp_path / "locked", 0o755)
    assert _rels(result, tmp_path) == ["ok.md"]
    assert result.unreadable_dirs == [str(tmp_path / "locked")]
    assert "cannot list the folder" in result.problems[0]


def test_find_vault_root(tmp_path: Path) -> None:
    (tmp_path / "v" / ".obsidian").mkdir(parents=True)
    (tmp_path / "v" / "a" / "b").mkdir(parents=True)
    assert find_vault_root(str(tmp_path / "v" / "a" / "b")) == str(tmp_path / "v")
    assert find_vault_root(str(tmp_path / "v")) == str(tmp_path / "v")


# --- reading ---------------------------------------------------------------------------------


def test_decode_plain_crlf_and_bom() -> None:
    note = decode_note(b"a::b\r\nc::d\r\n")
    assert note.text == "a::b\r\nc::d\r\n" and note.newline == "\r\n" and not note.has_bom
    bom = decode_note(BOM + "é::x\n".encode())
    assert bom.text == "é::x\n" and bom.has_bom and bom.newline == "\n"
    # Write-back puts the BOM back: every other byte kept.
    assert bom.encode(bom.text) == BOM + "é::x\n".encode()
    assert len(bom.hash) == 40


def test_invalid_utf8_names_the_line_of_the_first_bad_byte() -> None:
    data = b"line one\nline two\nok \xff bad\n\xfe"
    with pytest.raises(NoteReadError) as info:
        decode_note(data)
    assert info.value.line == 3
    assert "invalid UTF-8 (byte 0xff at byte 4 of the line)" in info.value.message
    assert info.value.where("n.md").startswith("n.md:3: invalid UTF-8")


def test_invalid_utf8_after_a_bom_counts_lines_from_the_file_start() -> None:
    with pytest.raises(NoteReadError) as info:
        decode_note(BOM + b"a\nb\n\xc3(\n")
    assert info.value.line == 3


def test_binary_file_is_refused_with_the_line_of_its_first_nul() -> None:
    with pytest.raises(NoteReadError) as info:
        decode_note(b"text\nmore\x00\x01\x02")
    assert info.value.line == 2 and "binary file" in info.value.message


def test_utf16_is_named() -> None:
    with pytest.raises(NoteReadError) as info:
        decode_note("q::a\n".encode("utf-16"))
    assert "UTF-16" in info.value.message


def test_empty_file_reads_as_empty_text(tmp_path: Path) -> None:
    path = _touch(tmp_path / "e.md", "")
    note = read_note(str(path))
    assert note.text == "" and note.newline == "\n"


def test_too_large_a_note_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    with path.open("wb") as fh:
        fh.truncate(3 * 1024 * 1024)
    with pytest.raises(NoteReadError) as info:
        read_bytes(str(path), max_bytes=2 * 1024 * 1024)
    assert info.value.line == 0
    assert info.value.where(str(path)) == (
        f"{path}: 3.0 MB, over srs-dl's 2 MB limit for one note; skipped"
    )


def test_unreadable_paths(tmp_path: Path) -> None:
    os.symlink("loop.md", tmp_path / "loop.md")
    with pytest.raises(NoteReadError) as info:
        read_bytes(str(tmp_path / "loop.md"))
    assert "symlink loop" in info.value.message
    (tmp_path / "dir.md").mkdir()
    with pytest.raises(NoteReadError, match="a folder, not a note"):
        read_bytes(str(tmp_path / "dir.md"))
    with pytest.raises(NoteReadError, match="cannot read the note"):
        read_bytes(str(tmp_path / "missing.md"))
