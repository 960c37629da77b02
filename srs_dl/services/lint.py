"""Linting notes: the formulas in files and folders checked against the kernels.

Reads notes through srs_dl.vault (never writes one: a suggestion is text),
checks them with srs_dl.core.lint, and reports per note. Without paths, the
folders the user imported (the database's folders table) are linted.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from srs_dl.config import Config
from srs_dl.core.lint import Finding, Linter
from srs_dl.services.importing.drill_deck import kinds_for
from srs_dl.store.folders import list_folders
from srs_dl.vault.read import NoteReadError, read_note
from srs_dl.vault.walk import IgnoreRules, is_note_name, walk_notes


class LintPathError(Exception):
    """A path given to lint that is not a note or a folder."""


@dataclass(frozen=True, slots=True)
class NoteFindings:
    #: The path as shown to the user (under the folder as given).
    path: str
    findings: tuple[Finding, ...]
    #: The absolute path (to open the note).
    abspath: str = ""

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")


@dataclass
class LintReport:
    notes: list[NoteFindings] = field(default_factory=list)
    #: One line each: notes that could not be read, folders that could not be listed.
    problems: list[str] = field(default_factory=list)
    checked: int = 0

    def findings(self, *, info: bool = False) -> list[tuple[str, Finding]]:
        return [
            (n.path, f) for n in self.notes for f in n.findings if info or f.severity == "error"
        ]

    @property
    def error_count(self) -> int:
        return sum(len(n.errors) for n in self.notes)


_linters: dict[tuple[tuple[str, tuple[str, ...]], ...], Linter] = {}
_linters_lock = threading.Lock()


def linter_for(config: Config) -> Linter:
    """One Linter per headings table: it keeps the kernel runs for the next note."""
    extra = dict(config.drill_headings)
    key = tuple(sorted(extra.items()))
    with _linters_lock:
        found = _linters.get(key)
        if found is None:
            found = Linter(lambda text: kinds_for(text, extra))
            _linters[key] = found
        return found


def lint_note_text(text: str, config: Config) -> list[Finding]:
    return linter_for(config).lint_text(text)


_note_cache: dict[str, tuple[tuple[int, int], list[Finding]]] = {}


def note_errors(path: str, config: Config) -> list[Finding]:
    """The lint errors of one note ([] when it cannot be read: the review goes on).
    Kept while the file's size and mtime stay the same (a review shows many cards
    of one note)."""
    try:
        st = os.stat(path)
    except OSError:
        return []
    stamp = (st.st_size, st.st_mtime_ns)
    cached = _note_cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        text = read_note(path).text
    except NoteReadError:
        return []
    errors = [f for f in lint_note_text(text, config) if f.severity == "error"]
    if len(_note_cache) > 256:
        _note_cache.clear()
    _note_cache[path] = (stamp, errors)
    return errors


def card_warning(path: str | None, config: Config, line: int | None = None) -> str | None:
    """One line for a card whose note has a lint error (the error nearest the card
    first), None when the note has none."""
    if not path:
        return None
    try:
        errors = note_errors(path, config)
    except Exception:  # a lint bug must not stop a review; `srs-dl lint` shows it
        return None
    if not errors:
        return None
    first = min(errors, key=lambda e: abs(e.line - line)) if line else errors[0]
    role = first.message.split(":", 1)[0]
    more = f" and {len(errors) - 1} more" if len(errors) > 1 else ""
    return (
        f"⚠ This note's {role} (line {first.line}){more} disagrees with the kernels:"
        " see the Lint view (L) or `srs-dl lint`"
    )


def _notes_under(folder: str, report: LintReport) -> list[str]:
    out: list[str] = []
    pending = [folder]
    while pending:
        root = pending.pop()
        result = walk_notes(root, base=root, ignore=IgnoreRules.compile(()))
        report.problems.extend(result.problems)
        out.extend(n.path for n in result.notes)
        pending.extend(result.vaults)
    return sorted(out)


def collect_notes(paths: Iterable[str], report: LintReport) -> list[tuple[str, str]]:
    """The notes to lint as (path to read, path to show: under the folder as the
    user wrote it). LintPathError for a path that does not exist or is not a note."""
    notes: dict[str, str] = {}
    for given in paths:
        path = os.path.abspath(os.path.expanduser(given))
        if os.path.isdir(path):
            for note in _notes_under(path, report):
                notes.setdefault(note, os.path.join(given, os.path.relpath(note, path)))
        elif os.path.isfile(path):
            if not is_note_name(os.path.basename(path)):
                raise LintPathError(f"{given}: not a Markdown note (*.md)")
            notes.setdefault(path, given)
        else:
            raise LintPathError(f"{given}: no such file or folder")
    return list(notes.items())


def lint_paths(
    paths: Sequence[str],
    config: Config,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> LintReport:
    report = LintReport()
    notes = collect_notes(paths, report)
    linter = linter_for(config)
    for i, (path, shown) in enumerate(notes):
        if cancelled is not None and cancelled():
            break
        try:
            text = read_note(path).text
        except NoteReadError as exc:
            report.problems.append(exc.where(shown))
            continue
        report.checked += 1
        findings = linter.lint_text(text)
        if findings:
            report.notes.append(NoteFindings(shown, tuple(findings), path))
        if progress is not None:
            progress(i + 1, len(notes))
    return report


def remembered_folders(conn: sqlite3.Connection) -> list[str]:
    """The folders and files the user imported (the bundled decks among them)."""

    return [row.path for row in list_folders(conn) if os.path.exists(row.path)]
