"""Whole-note review: notes tagged for review (`#review`), rated Hard, Good or Easy.

The schedule lives in the note's frontmatter (`sr-due`, `sr-interval`,
`sr-ease`) and in the notes table (review_due, review_interval, review_ease).
A rating is one transaction (the notes row and a log row, action
'note_review'); the frontmatter is then written through the same path as the
cards' comments (`services.writeback.sync`), so a note changed on disk since it was read
is never overwritten.

A note counts as a review note when it carries a review tag or already has a
schedule in its frontmatter (the plugin scheduled it once; its tag may since
have been renamed). The formula is the plugin's (`core.scheduling.note_review`):
a new note's ease comes from its linked notes' eases, weighted by link count times
their PageRank in the vault's link graph (`core.scheduling.pagerank`), which is
built from notes.links for that one rating. The same ranks order the notes to
review (`list_notes`), computed once per listing and only when ties call for them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from srs_dl.config import Config
from srs_dl.core.notes.frontmatter import frontmatter_end
from srs_dl.core.notes.model import NoteSchedule
from srs_dl.core.notes.sr_comment import note_schedule_text
from srs_dl.core.scheduling import note_review as nr
from srs_dl.services.review.grading import note_writable
from srs_dl.services.writeback.sync import write_note_now
from srs_dl.store import log as logstore
from srs_dl.store import review_notes as notes_store
from srs_dl.store.review_notes import NoteRow
from srs_dl.store.reviews import write_transaction
from srs_dl.vault.read import read_note
from srs_dl.vault.walk import find_vault_root


class NoteReviewError(Exception):
    """A note that cannot be rated as asked; one line naming it."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class NoteGradeResult:
    path: str
    response: str
    before: NoteSchedule | None
    after: NoteSchedule
    written: str | None
    problem: str | None


def list_notes(conn: sqlite3.Connection, today: dt.date, due_only: bool = False) -> list[NoteRow]:
    """Review notes in the plugin's review order: due (oldest first), then new, then
    the rest by date; notes due the same day, and new notes, by PageRank (highest
    first), then path (`core.scheduling.note_review.order_notes`).

    `due_only`: only what a review today would show (due and new notes).
    """
    found = notes_store.review_notes(conn)
    rows = [n for n, _ in found]
    listed = [n for n in rows if not due_only or n.schedule is None or n.schedule.due <= today]
    pairs = [(n.path, n.schedule) for n in listed]
    # The link graph only for notes whose place their rank decides: a listing without
    # ties (say one new note, the due ones on different days) needs neither it nor PageRank.
    tied = nr.notes_needing_ranks(pairs)
    ranks: dict[str, float] = {}
    if tied:
        folder_of = {n.path: folder for n, folder in found}
        by_id = _note_ranks(conn, {folder_of[p] for p in tied})
        ranks = {n.path: by_id[n.id] for n in listed if n.path in tied and n.id in by_id}
    by_path = {n.path: n for n in listed}
    scheduled, new = nr.order_notes(pairs, ranks)
    due = [by_path[p] for p in scheduled if by_path[p].schedule.due <= today]  # type: ignore[union-attr]
    later = [by_path[p] for p in scheduled if by_path[p].schedule.due > today]  # type: ignore[union-attr]
    return [*due, *(by_path[p] for p in new), *later]


def find_note(conn: sqlite3.Connection, path: str | os.PathLike[str]) -> NoteRow:
    absolute = os.path.abspath(os.path.expanduser(os.fspath(path)))
    candidates = [absolute, str(Path(absolute).resolve())]
    for candidate in candidates:
        note = notes_store.note_by_path(conn, candidate)
        if note is not None:
            if not note.is_review and note.schedule is None:
                raise NoteReviewError(f"{path}: not a review note (tag it #review and import it)")
            return note
    raise NoteReviewError(f"{path}: not an imported note (import its folder first)")


def _linked_notes(conn: sqlite3.Connection, note: NoteRow, config: Config) -> list[nr.LinkedNote]:
    """Scheduled notes linked from or to this one, one entry per direction and each
    weighted by its PageRank in the vault's link graph (`calcNoteLinkStat`)."""
    graph = _link_graph(conn, note.id)
    outgoing = graph.get(note.id, {})
    incoming = {src: targets[note.id] for src, targets in graph.items() if note.id in targets}
    eases: dict[int, float] = {}
    for nid in sorted((set(outgoing) | set(incoming)) - {note.id}):
        own = notes_store.own_ease(conn, nid)
        if own is None:
            continue
        card_eases = notes_store.scheduled_card_eases(conn, nid)
        value = nr.note_ease(own, card_eases, config.scheduler)
        if value:
            eases[nid] = value
    if not eases:
        return []
    from srs_dl.core.scheduling.pagerank import pagerank  # lazy: see _note_ranks

    # A note's rank depends on the whole vault's links, not only on those touching this note.
    ranks = pagerank(graph)
    out: list[nr.LinkedNote] = []
    for nid, value in eases.items():
        for count in (outgoing.get(nid, 0), incoming.get(nid, 0)):
            if count:
                out.append(nr.LinkedNote(value, count, ranks[nid]))
    return out


def _link_graph(conn: sqlite3.Connection, note_id: int) -> dict[int, dict[int, int]]:
    """The resolved wikilinks of the vault holding `note_id` (`_vault_graph`)."""
    roots = _vault_roots(conn)
    return _vault_graph(conn, _vault_folders(notes_store.note_folder(conn, note_id), roots), roots)


def _note_ranks(conn: sqlite3.Connection, folder_ids: set[int | None]) -> dict[int, float]:
    """Note id -> PageRank (scaled as the plugin scales it) for every note in the
    vaults holding these folders (None: notes imported outside any folder), one
    graph per vault, as each vault is the plugin's whole graph. A note with no
    links either way is in no graph and has no entry (the plugin's rank 0)."""
    roots = _vault_roots(conn)
    vaults = {_vault_folders(f, roots) for f in folder_ids}
    ranks: dict[int, float] = {}
    for folders in vaults:
        graph = _vault_graph(conn, folders, roots)
        if graph:
            # Only here, and imported only here: a listing without ties never
            # computes a rank, nor loads the module (tests/test_notes_review.py).
            from srs_dl.core.scheduling.pagerank import pagerank

            ranks.update(pagerank(graph))
    return ranks


def _vault_folders(folder_id: int | None, roots: dict[int, str]) -> tuple[int, ...] | None:
    """The imported folders of the vault holding `folder_id` (the folders with the
    same root, the nearest folder holding `.obsidian/`); None for notes in no folder."""
    if folder_id is None:
        return None
    root = roots.get(folder_id)
    return tuple(sorted(f for f, r in roots.items() if r == root)) if root else (folder_id,)


def _vault_graph(
    conn: sqlite3.Connection, folders: tuple[int, ...] | None, roots: dict[int, str]
) -> dict[int, dict[int, int]]:
    """The resolved wikilinks of one vault (`_vault_folders`): source note id ->
    {target note id: link count}, as Obsidian's `resolvedLinks` hands them to the
    plugin's graph (`OsrNoteGraph.processLinks`).

    Two imported parts of one vault link to each other and separate vaults (the
    bundled deck among them) never do. Only imported notes are in it: links into
    folders the import skips are not seen."""
    rows = notes_store.link_rows(conn, folders)
    keys = [
        (int(nid), _vault_key(path, None if fid is None else roots.get(fid)))
        for nid, path, _, fid in rows
    ]
    resolver = _LinkResolver(keys)
    graph: dict[int, dict[int, int]] = {}
    for (nid, key), links in zip(keys, _all_links([r[2] for r in rows]), strict=True):
        if not links:
            continue
        folder = key.rpartition("/")[0]
        targets: dict[int, int] = {}
        for target in links:
            dest = resolver.resolve(target, folder)
            if dest is not None:
                targets[dest] = targets.get(dest, 0) + 1
        if targets:
            graph[nid] = targets
    return graph


def _vault_roots(conn: sqlite3.Connection) -> dict[int, str]:
    """Folder id -> the root of the vault it lies in (itself when it is in none)."""
    roots: dict[int, str] = {}
    for fid, path in notes_store.folder_paths(conn):
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        roots[int(fid)] = find_vault_root(folder) or folder
    return roots


def _vault_key(path: str, root: str | None) -> str:
    """A note as a link names it: its path in the vault, `/`-separated, no `.md`,
    case folded (Obsidian matches links without regard to case)."""
    prefix = root.rstrip("/\\") + os.sep if root else None
    rel = path[len(prefix) :] if prefix and path.startswith(prefix) else path
    rel = rel.replace("\\", "/")
    if rel.lower().endswith(".md"):
        rel = rel[:-3]
    return rel.casefold()


class _LinkResolver:
    """Wikilink targets to notes, as Obsidian resolves them (`getFirstLinkpathDest`):
    `[[name]]`, `[[folder/name]]` (a path in the vault, or its end), `[[./name]]`
    and `[[../name]]` (from the linking note's folder); `.md` optional, any case.

    When several notes fit, the one at exactly that path wins, then one in the
    linking note's folder, then the one nearest the vault's root (alphabetical on a
    tie). Links to anything but a note (`![[image.png]]`) resolve to nothing, as
    the plugin keeps Markdown targets only."""

    def __init__(self, notes: list[tuple[int, str]]) -> None:
        self.by_path: dict[str, int] = {}
        self.by_name: dict[str, list[tuple[str, int]]] = {}
        for nid, key in notes:
            self.by_path.setdefault(key, nid)
            self.by_name.setdefault(key.rpartition("/")[2], []).append((key, nid))
        # Most targets resolve the same from any note, and popular notes are linked
        # often: those are resolved once.
        self.fixed: dict[str, int | None] = {}

    def resolve(self, target: str, folder: str) -> int | None:
        """The note `target` names when linked from a note in `folder` (a vault key's)."""
        fixed = self.fixed
        if target in fixed:
            return fixed[target]
        link = target.replace("\\", "/").strip()
        if link.lower().endswith(".md"):
            link = link[:-3]
        link = link.casefold()
        if link.startswith(("./", "../")):
            return self.by_path.get(posixpath.normpath(posixpath.join(folder, link)))
        link = link.lstrip("/")
        found: list[tuple[str, int]] | None = None
        dest = self.by_path.get(link)
        if dest is None:
            found = self.by_name.get(link.rpartition("/")[2])
            if found and "/" in link:
                found = [(key, nid) for key, nid in found if key.endswith("/" + link)]
            if found and len(found) > 1:
                for key, nid in found:
                    if key.rpartition("/")[0] == folder:
                        return nid
                return min(found, key=lambda kn: (kn[0].count("/"), kn[0]))[1]
            dest = found[0][1] if found else None
        fixed[target] = dest
        return dest


def _all_links(texts: list[str | None]) -> list[list[str]]:
    """`_links` of each notes.links value, each valid JSON or None: one parse for
    them all, as 10,000 small ones take three times as long."""
    try:
        values = json.loads("[" + ",".join(t or "[]" for t in texts) + "]")
    except ValueError:  # only if SQLite's idea of valid JSON ever differs from Python's
        return [_links(t) for t in texts]
    return [[str(v) for v in value] if isinstance(value, list) else [] for value in values]


def _links(text: str | None) -> list[str]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def grade_note(
    conn: sqlite3.Connection,
    config: Config,
    path: str | os.PathLike[str],
    response: str,
    today: dt.date,
) -> NoteGradeResult:
    """Rate a whole note; its frontmatter is written at once (write-back "immediate") or on sync."""
    resp = response.strip().lower()
    if resp not in nr.NOTE_BUTTONS:
        raise NoteReviewError(f"{response!r}: a note is rated hard, good or easy", status=2)
    note = find_note(conn, path)
    histogram = notes_store.note_due_histogram(conn, today)
    links = _linked_notes(conn, note, config) if note.schedule is None else []
    with write_transaction(conn):
        fresh = find_note(conn, note.path)  # as of the lock: another process may have rated it
        after = _outcome(conn, config, fresh, resp, today, histogram, links)
        in_note = notes_store.scheduled_text(conn, note.id)
        logged = (_snap(fresh.schedule), _snap(after))
        dirty = change_schedule(conn, note.id, after, in_note, today, "note_review", resp, logged)
    written = problem = None
    if config.review.writeback == "immediate" and dirty:
        outcome = write_note_now(conn, config, note.id)
        written, problem = outcome.written, outcome.problem
    return NoteGradeResult(note.path, resp, note.schedule, after, written, problem)


def preview_note(
    conn: sqlite3.Connection, config: Config, path: str | os.PathLike[str], today: dt.date
) -> dict[str, NoteSchedule]:
    """What each button would give the note now ("Good 8d"); nothing is written.

    The same computation as grade_note, so the labels are the schedules a rating makes.
    """
    note = find_note(conn, path)
    histogram = notes_store.note_due_histogram(conn, today)
    links = _linked_notes(conn, note, config) if note.schedule is None else []
    return {
        resp: _outcome(conn, config, note, resp, today, histogram, links)
        for resp in nr.NOTE_BUTTONS
    }


def _outcome(
    conn: sqlite3.Connection,
    config: Config,
    note: NoteRow,
    response: str,
    today: dt.date,
    histogram: dict[int, int],
    links: list[nr.LinkedNote],
) -> NoteSchedule:
    """The schedule `response` gives `note` (its row as read): the plugin's note formula."""
    own = None
    if note.schedule is None:
        # A note never reviewed may still carry an ease of its own (sr-ease without a due).
        own = notes_store.own_ease(conn, note.id)
    return nr.review_note(
        note.schedule, response, today, histogram, config.scheduler, links=links, own_ease=own
    )


def change_schedule(
    conn: sqlite3.Connection,
    note_id: int,
    schedule: NoteSchedule | None,
    in_note: str | None,
    day: dt.date,
    action: str,
    response: str | None,
    logged: tuple[dict[str, Any], dict[str, Any]],
    undoes: int | None = None,
) -> bool:
    """Set the note's schedule in the deck (None: never reviewed) and log the change
    (`logged`: the entry's before and after snapshots), so none goes unlogged.

    True when the schedule is still to be written into the note: one srs-dl may write
    (the bundled deck's schedules live in the database only) whose frontmatter holds
    another (`in_note`, review_sched_note). The caller holds the write transaction.
    """
    dirty = (
        schedule is not None
        and note_writable(conn, note_id)
        and note_schedule_text(schedule) != in_note
    )
    notes_store.set_note_schedule(conn, note_id, schedule, dirty=dirty)
    before, after = logged
    logstore.append(
        conn,
        card_id=None,
        note_id=note_id,
        day=day,
        action=action,
        response=response,
        before=before,
        after=after,
        undoes=undoes,
    )
    return dirty


def _snap(s: NoteSchedule | None) -> dict[str, Any]:
    if s is None:
        return {"due": None, "interval": None, "ease": None, "state": "new"}
    return {"due": s.due.isoformat(), "interval": s.interval, "ease": s.ease, "state": "review"}


__all__ = [
    "NoteGradeResult",
    "NoteReviewError",
    "NoteRow",
    "find_note",
    "grade_note",
    "list_notes",
    "preview_note",
]


def note_body(path: str) -> str:
    """A note's text to show: its frontmatter (the schedule's keys among them) left out."""

    lines = read_note(path).text.splitlines()
    return "\n".join(lines[frontmatter_end(lines) :]).strip("\n")
