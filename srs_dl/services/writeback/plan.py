"""What writing one note would change (`plan_note`), from its bytes on disk; no
writing here (`sync` writes the plans, in batches).

The plan maps the note's dirty cards to its questions by (qhash, sibling) and
rebuilds each such question's comment from all its siblings
(`core.notes.writeback`), and the frontmatter of a reviewed `#review` note
(`core.notes.frontmatter_edit`). A note changed on disk since srs-dl read it, or
read with other settings since, gets no plan: a `NoteOutcome` saying so.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from srs_dl.config import Config
from srs_dl.core.notes.model import NEVER_REVIEWED, Question, SRGroup
from srs_dl.core.notes.settings import ParseSettings
from srs_dl.core.notes.sr_comment import format_group, note_schedule_text, parse_group
from srs_dl.store import reviews as store
from srs_dl.store.cards import CardRow
from srs_dl.store.folders import follows_symlinks
from srs_dl.store.writeback import NoteForWriting
from srs_dl.vault.read import NoteReadError, decode_note, read_bytes, sha1_hex

#: How a note is read: (its parse settings, their key as notes.settings_hash holds
#: it, the note's folder deck), cached per (folder id, directory) during a sync.
ReadContext = tuple[ParseSettings, str, str]
CacheKey = tuple[int | None, str]


@dataclass(frozen=True, slots=True)
class NoteOutcome:
    path: str | None = None
    written: str | None = None
    changed_on_disk: bool = False
    problem: str | None = None


@dataclass
class NotePlan:
    note_id: int
    path: str
    old_hash: str
    new_bytes: bytes
    #: card id -> the group text now in the note for it (None: the never-reviewed marker)
    cards: dict[int, str | None]
    #: The note-review schedule written into the frontmatter, as "due,interval,ease".
    review: str | None
    #: Dirty cards no question of the note matches (the note or settings changed).
    unmatched: int = 0
    #: (line, end_line, card id) of the cards the new comments moved down.
    lines: list[tuple[int, int, int]] = field(default_factory=list)
    #: Its folder was imported following symlinks: a link on its path is written through.
    follow_symlinks: bool = False

    @property
    def real_folder(self) -> str:
        """The folder the write renames in (a followed link's target's)."""
        return os.path.dirname(os.path.realpath(self.path))

    @property
    def new_hash(self) -> str:
        return sha1_hex(self.new_bytes)

    @property
    def new_bytes_differ(self) -> bool:
        return self.new_hash != self.old_hash


def _group_for(card: CardRow | None, parsed: SRGroup | None, base_ease: int) -> SRGroup:
    """The group a sibling's comment gets: its DB schedule; the plugin's marker when new."""
    if card is None:
        return parsed if parsed is not None else SRGroup(NEVER_REVIEWED, 1, base_ease)
    if card.raw_group is not None:
        try:
            return parse_group(card.raw_group)
        except ValueError:
            pass
    if card.due is None or card.interval is None or card.ease is None:
        return SRGroup(NEVER_REVIEWED, 1, base_ease)
    return SRGroup(card.due, card.interval, card.ease)


def plan_note(
    conn: sqlite3.Connection,
    config: Config,
    note: NoteForWriting,
    cache: dict[CacheKey, ReadContext],
) -> NotePlan | NoteOutcome:
    """What writing this note would change, from its bytes on disk; no writing here."""
    # The parser and writer (about 24 ms to import) load with the first note written:
    # a review session that writes nothing back never needs them.
    from srs_dl.core.notes.frontmatter_edit import FrontmatterEditError, set_review_keys
    from srs_dl.core.notes.grammar import parse_note
    from srs_dl.core.notes.writeback import apply_schedules
    from srs_dl.services.importing.worker import qhash

    path = note.path
    if not os.path.lexists(path):
        return NoteOutcome(
            path,
            changed_on_disk=True,
            problem=f"{path}: deleted or renamed since it was read; rescan it",
        )
    try:
        data = read_bytes(path).data
    except NoteReadError as exc:
        return NoteOutcome(path, problem=exc.where(path))
    digest = sha1_hex(data)
    if digest not in (note.hash, note.pending_hash):
        return NoteOutcome(
            path,
            changed_on_disk=True,
            problem=f"{path}: changed on disk since it was read; rescan it",
        )
    try:
        text = decode_note(data, digest=digest)
    except NoteReadError as exc:
        return NoteOutcome(path, problem=exc.where(path))
    settings, skey, folder_deck = note_settings(conn, config, note, cache)
    if note.settings_hash is not None and skey != note.settings_hash:
        # Read with other settings, the note may hold other questions than the cards say.
        return NoteOutcome(
            path,
            changed_on_disk=True,
            problem=f"{path}: its import settings changed since it was read; rescan it",
        )
    parsed = parse_note(text.text, settings, folder_deck=folder_deck)
    cards = [c for c in store.cards_of_note(conn, note.id) if c.state != "deleted"]
    # The note is the version imported, so each card sits at its question's first line;
    # the line also tells apart two questions with the same text.
    at_line: dict[tuple[str, int, int | None], CardRow] = {
        (c.qhash, c.sibling, c.line): c for c in cards
    }
    by_key: dict[tuple[str, int], CardRow] = {}
    for c in cards:
        by_key.setdefault((c.qhash, c.sibling), c)
    dirty = {c.id for c in cards if c.dirty}
    base = config.scheduler.base_ease
    updates = []
    written: dict[int, str | None] = {}
    placed: list[list[CardRow | None]] = []
    for question in parsed.questions:
        qh = qhash(question.text)
        siblings = [
            (at_line.get((qh, c.sibling, question.first_line)) or by_key.get((qh, c.sibling)), c)
            for c in question.cards
        ]
        placed.append([card for card, _ in siblings])
        if not any(card is not None and card.id in dirty for card, _ in siblings):
            continue
        groups = tuple(_group_for(card, pc.schedule, base) for card, pc in siblings)
        for (card, _), group in zip(siblings, groups, strict=True):
            if card is not None:
                written[card.id] = None if group.is_new else format_group(group)
        comment = question.comment
        if comment is None or comment.adopted or comment.groups != groups:
            updates.append((question, groups))
    new_text = text.text
    try:
        if updates:
            new_text = apply_schedules(
                new_text,
                updates,
                same_line=settings.comment_on_same_line,
                callouts=settings.callout_comments,
            )
        review_text = None
        if note.review_dirty and note.review is not None:
            new_text = set_review_keys(new_text, note.review)
            review_text = note_schedule_text(note.review)
    except FrontmatterEditError as exc:
        return NoteOutcome(path, problem=f"{path}:{exc.line}: {exc.reason}")
    except ValueError as exc:
        return NoteOutcome(path, problem=f"{path}: {exc}")
    final = parsed.questions
    if new_text.count("\n") != text.text.count("\n"):
        final = parse_note(new_text, settings, folder_deck=folder_deck).questions
    lines = _moved_lines(parsed.questions, final, placed)
    return NotePlan(
        note.id,
        path,
        digest,
        text.encode(new_text),
        written,
        review_text,
        unmatched=len(dirty - written.keys()),
        lines=lines,
        follow_symlinks=follows_symlinks(note.folder_settings),
    )


def _moved_lines(
    old: Sequence[Question], new: Sequence[Question], placed: Sequence[Sequence[CardRow | None]]
) -> list[tuple[int, int, int]]:
    """(first line, last line, card id) of each card whose lines in the written note are
    not those stored: an inserted comment line pushes every later card down (and a
    write whose commit a crash lost left them stale)."""
    if len(old) != len(new):
        return []
    out: list[tuple[int, int, int]] = []
    for before, after, cards in zip(old, new, placed, strict=True):
        if before.text != after.text:
            return []  # not the same questions: leave the lines to the next import
        for card in cards:
            if card is not None and (card.line, card.end_line) != (
                after.first_line,
                after.last_line,
            ):
                out.append((after.first_line, after.last_line, card.id))
    return out


def note_settings(
    conn: sqlite3.Connection,
    config: Config,
    note: NoteForWriting,
    cache: dict[CacheKey, ReadContext] | None = None,
) -> ReadContext:
    """How a note is read (settings, their key as notes.settings_hash holds it, the
    note's folder deck): exactly as the importer reads it, nested vaults included."""
    # The import pipeline (about 20 ms to import) loads only when a note is written.
    from srs_dl.services.importing.importer import note_settings as importer_note_settings

    key = (note.folder_id, os.path.dirname(note.path))
    if cache is not None and key in cache:
        return cache[key]
    try:
        data = json.loads(note.folder_settings or "{}")
    except ValueError:
        data = {}
    flags = data.get("flags", {}) if isinstance(data, dict) else {}
    result = importer_note_settings(
        config,
        note.folder_path or os.path.dirname(note.path),
        flags if isinstance(flags, dict) else {},
        note.path,
    )
    if cache is not None:
        cache[key] = result
    return result


def diff(plan: NotePlan) -> str:
    """What writing `plan` would change in its note, as a unified diff ("" if the note
    cannot be read again: the dry run lists it all the same)."""
    import difflib  # dry runs only

    try:
        old = read_bytes(plan.path).data.decode("utf-8", errors="replace")
    except NoteReadError:
        return ""
    new = plan.new_bytes.decode("utf-8", errors="replace")
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=plan.path,
            tofile=f"{plan.path} (after sync)",
        )
    )
