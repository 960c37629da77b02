"""From the spans the line scan found (grammar.py) to Question objects: text,
front and back, scheduling comments (adopted ones too), decks."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from srs_dl.core.notes.cloze import ClozeSet
from srs_dl.core.notes.fast_init import new_card, new_comment, new_question
from srs_dl.core.notes.frontmatter import Frontmatter, note_schedule
from srs_dl.core.notes.model import (
    Card,
    CardKind,
    Comment,
    Heading,
    ParsedNote,
    ParseWarning,
    Question,
    SRGroup,
)
from srs_dl.core.notes.settings import ParseSettings
from srs_dl.core.notes.sr_comment import (
    COMMENT_RE,
    card_schedule,
    comment_only,
    parse_groups,
    without_comments,
)
from srs_dl.core.notes.tags import QUESTION_TAG_RE, deck_of_tag

#: Deck of a card when neither tags nor folder give one (`all_notes` at the vault root).
DEFAULT_DECK = "default"
#: The plugin's callout for scheduling comments (`useCalloutsForSchedulingComments`).
SR_METADATA_CALLOUT = "> [!sr|card-metadata]"

_BLOCK_ID_RE = re.compile(r" (\^[a-zA-Z0-9-]+)$")


@dataclass(frozen=True, slots=True)
class Compiled:
    """Settings turned into what the scan needs (cached per ParseSettings)."""

    inline: tuple[tuple[str, CardKind], ...]
    inline_probe: str | None
    ml_sep: str | None
    mlr_sep: str | None
    end_marker: str | None
    cloze: ClozeSet
    flashcard_tags: tuple[str, ...]
    review_tags: tuple[str, ...]
    is_flashcard_tag: Callable[[str], bool]
    is_review_tag: Callable[[str], bool]


#: Where the builder puts each question instead of a Question (see grammar.parse_note):
#: (kind, decks, first_line, last_line, text, sides, comment), 1-based lines,
#: `sides` the (front, back) of each card in sibling order.
QuestionSink = Callable[
    [str, tuple[str, ...], int, int, str, list[tuple[str, str]], "Comment | None"], None
]


class RawQuestion:
    """A question as the line scan found it (0-based lines, `last` includes its comment)."""

    __slots__ = ("kind", "first", "last", "sep", "sr_next", "field_like")

    def __init__(
        self,
        kind: str,
        first: int,
        last: int,
        sep: str = "",
        sr_next: int = -1,
        field_like: bool = False,
    ) -> None:
        self.kind = kind
        self.first = first
        self.last = last
        self.sep = sep
        self.sr_next = sr_next
        self.field_like = field_like


class Scan:
    """What one pass over a note's lines found."""

    __slots__ = (
        "raws",
        "tag_lines",
        "headings",
        "links",
        "sr_lines",
        "html_lines",
        "fence_closes",
        "warnings",
        "swallowed",
        "hides_rest",
    )

    def __init__(self) -> None:
        self.raws: list[RawQuestion] = []
        self.tag_lines: list[tuple[int, list[str]]] = []
        self.headings: list[Heading] = []
        self.links: list[str] = []
        self.sr_lines: list[int] = []
        self.html_lines: set[int] = set()
        self.fence_closes: set[int] = set()
        self.warnings: list[ParseWarning] = []
        #: Lines the plugin skips because the line above starts with `<!--`.
        self.swallowed: list[int] = []
        #: HTML comments after which the plugin reads nothing: (first line, last line or -1).
        self.hides_rest: list[tuple[int, int]] = []


def in_inline_code(line: str, start: int, end: int) -> bool:
    return line.count("`", 0, start) % 2 == 1 and line.count("`", end) % 2 == 1


def find_separator(line: str, sep: str) -> int:
    """First occurrence of `sep` outside inline code, or -1."""
    idx = line.find(sep)
    if idx < 0 or "`" not in line:
        return idx
    while idx >= 0 and in_inline_code(line, idx, idx + len(sep)):
        idx = line.find(sep, idx + 1)
    return idx


def assemble(
    lines: Sequence[str],
    fm: Frontmatter,
    scan: Scan,
    c: Compiled,
    settings: ParseSettings,
    folder_deck: str,
    sink: QuestionSink | None = None,
) -> ParsedNote:
    warnings: list[ParseWarning] = list(fm.warnings)
    schedule, schedule_warnings = note_schedule(fm)
    warnings.extend(schedule_warnings)
    body_tags = [t for _, found in scan.tag_lines for t in found]
    tags = tuple(dict.fromkeys([*fm.tags, *body_tags]))
    is_flashcard = any(c.is_flashcard_tag(t) for t in tags)
    is_review = any(c.is_review_tag(t) for t in tags)
    questions: tuple[Question, ...] = ()
    field_like = 0
    if settings.all_notes or is_flashcard or (settings.folders_as_decks and folder_deck):
        builder = _Builder(lines, fm, scan, c, settings, folder_deck, tags)
        questions = builder.build(sink)
        field_like = builder.field_like
        builder.html_warnings()
        warnings.extend(scan.warnings)
        warnings.extend(builder.warnings)
    warnings.sort(key=lambda w: w.line)
    return ParsedNote(
        questions=questions,
        tags=tags,
        headings=tuple(scan.headings),
        links=tuple(scan.links),
        is_flashcard_note=is_flashcard,
        is_review_note=is_review,
        note_schedule=schedule,
        warnings=tuple(warnings),
        dataview_like_cards=field_like,
        frontmatter_keys=fm.keys,
    )


class _Builder:
    def __init__(
        self,
        lines: Sequence[str],
        fm: Frontmatter,
        scan: Scan,
        c: Compiled,
        settings: ParseSettings,
        folder_deck: str,
        tags: tuple[str, ...],
    ) -> None:
        self.lines = lines
        self.scan = scan
        self.c = c
        self.settings = settings
        self.folder_deck = folder_deck
        self.warnings: list[ParseWarning] = []
        self.field_like = 0
        raws = scan.raws
        self.firsts = [r.first for r in raws]
        # Flashcard tag lines outside every question hold decks for the questions below.
        groups: list[tuple[int, list[str]]] = []
        first_flashcard: str | None = None
        fm_decks = [deck_of_tag(t) for t in fm.tags if c.is_flashcard_tag(t)]
        fm_decks = [d for d in fm_decks if d]
        if fm_decks:
            first_flashcard = fm_decks[0]
        for line_no, found in scan.tag_lines:
            decks = [deck_of_tag(t) for t in found if c.is_flashcard_tag(t)]
            decks = [d for d in decks if d]
            if not decks:
                continue
            if first_flashcard is None:
                first_flashcard = decks[0]
            k = bisect.bisect_right(self.firsts, line_no) - 1
            if k >= 0 and line_no <= raws[k].last:
                continue
            groups.append((line_no, decks))
        self.groups = groups
        self.group_lines = [g[0] for g in groups]
        self.fm_decks = fm_decks
        self.first_flashcard = first_flashcard
        fallback = ""
        for t in tags:
            if not c.is_review_tag(t):
                fallback = deck_of_tag(t)
                if fallback:
                    break
        self.fallback = fallback or folder_deck or DEFAULT_DECK
        self._deck_cache: dict[int, tuple[str, ...]] = {}
        #: Per question: a scheduling comment line lies inside its span.
        self.has_sr: list[bool] = []

    def html_warnings(self) -> None:
        """Warnings for the cards the plugin loses to its HTML comment handling."""
        raws = self.scan.raws
        if not raws:
            return
        for line_no in self.scan.swallowed:
            k = bisect.bisect_right(self.firsts, line_no) - 1
            if k >= 0 and line_no <= raws[k].last:
                self.warnings.append(
                    ParseWarning(
                        line_no + 1,
                        "the plugin skips this line because the line above starts "
                        "with '<!--' (losing its card); srs-dl reads it",
                    )
                )
        for first, last in self.scan.hides_rest:
            if raws[-1].first > first:
                if last < 0:
                    msg = (
                        "HTML comment never closed: srs-dl skips only this line (the plugin "
                        "skips the rest of the note and its cards)"
                    )
                else:
                    msg = (
                        f"HTML comment over lines {first + 1}-{last + 1} skipped (the plugin "
                        "skips the rest of the note and its cards)"
                    )
                self.warnings.append(ParseWarning(first + 1, msg))

    # --- scheduling comments -------------------------------------------------

    def _read_comment(self, line_no: int, adopted: bool) -> Comment | None:
        src = self.lines[line_no]
        m = COMMENT_RE.search(src)
        if m is None:
            self.warnings.append(
                ParseWarning(line_no + 1, "'<!--SR:' without '-->': not a scheduling comment")
            )
            return None
        try:
            groups: tuple[SRGroup, ...] = parse_groups(m.group(1))
        except ValueError as exc:
            self.warnings.append(
                ParseWarning(
                    line_no + 1,
                    f"malformed scheduling comment: {exc}; "
                    "its schedule is not read from this comment",
                )
            )
            groups = ()
        start, end = m.span()
        own = (start == 0 or src[:start].isspace()) and (end == len(src) or src[end:].isspace())
        return new_comment(line_no + 1, start, end, own, adopted, groups)

    def _comments(self) -> list[Comment | None]:
        """Each question's comment: the first one inside its span (for a one-line card,
        its line then the next line); the others are extra or orphans."""
        raws = self.scan.raws
        sr = self.scan.sr_lines
        n_sr = len(sr)
        p = 0
        comments: list[Comment | None] = []
        has_sr = self.has_sr
        lines = self.lines
        for idx, r in enumerate(raws):
            comment: Comment | None = None
            seen = False
            if p < n_sr:
                while p < n_sr and sr[p] < r.first:
                    self._orphan(sr[p], comments)
                    p += 1
                if (
                    p < n_sr
                    and sr[p] == r.first
                    and r.sr_next < 0
                    and idx > 0
                    and comments[idx - 1] is None
                    and comment_only(lines[r.first])
                    and self._cut_off(raws[idx - 1].last, r.first)
                ):
                    # A comment opening the paragraph after a card without one, past a
                    # blank line: the card above lost it (the plugin gives it to this one).
                    comments[idx - 1] = self._adopt(r.first, raws[idx - 1])
                    p += 1
                    seen = True
                while p < n_sr and sr[p] <= r.last:
                    line_no = sr[p]
                    p += 1
                    seen = True
                    if comment is None:
                        comment = self._read_comment(line_no, adopted=False)
                    elif COMMENT_RE.search(lines[line_no]) is not None:
                        self.warnings.append(
                            ParseWarning(
                                line_no + 1,
                                f"second scheduling comment of the card at line "
                                f"{r.first + 1} ignored",
                            )
                        )
            if r.sr_next >= 0:
                if comment is None:
                    comment = self._read_comment(r.sr_next, adopted=False)
                else:
                    self.warnings.append(
                        ParseWarning(
                            r.sr_next + 1,
                            f"second scheduling comment of the card at line {r.first + 1} ignored",
                        )
                    )
            comments.append(comment)
            has_sr.append(seen)
        while p < n_sr:
            self._orphan(sr[p], comments)
            p += 1
        return comments

    def _cut_off(self, card_last: int, line_no: int) -> bool:
        """Only blank lines, at least one, between a card's last line and `line_no`."""
        lines = self.lines
        return line_no - card_last >= 2 and all(
            not lines[j].strip() for j in range(card_last + 1, line_no)
        )

    def _adopt(self, line_no: int, r: RawQuestion) -> Comment | None:
        comment = self._read_comment(line_no, adopted=True)
        if comment is not None:
            self.warnings.append(
                ParseWarning(
                    line_no + 1,
                    f"scheduling comment adopted by the card at line {r.first + 1} "
                    "(a blank line cuts it off: the plugin would not give it to that card)",
                )
            )
        return comment

    def _orphan(self, line_no: int, comments: list[Comment | None]) -> None:
        raws = self.scan.raws
        k = bisect.bisect_right(self.firsts, line_no) - 1
        if COMMENT_RE.search(self.lines[line_no]) is None:
            self.warnings.append(
                ParseWarning(line_no + 1, "'<!--SR:' without '-->': not a scheduling comment")
            )
            return
        if (
            k >= 0
            and k < len(comments)
            and comments[k] is None
            and self._cut_off(raws[k].last, line_no)
        ):
            comments[k] = self._adopt(line_no, raws[k])
            return
        self.warnings.append(
            ParseWarning(line_no + 1, "scheduling comment belongs to no card; ignored")
        )

    # --- questions -----------------------------------------------------------

    def _text_lines(self, r: RawQuestion, has_sr: bool) -> tuple[list[int] | None, list[str]]:
        """A multi-line or cloze question's lines (their numbers, None when they run
        on from r.first, and texts), without comments or the metadata callout."""
        lines = self.lines
        if not has_sr:
            # The metadata callout always holds a comment: without one, every line counts.
            texts = [line.rstrip() for line in lines[r.first : r.last + 1]]
            while texts and not texts[-1]:
                texts.pop()
            return None, texts
        # Only lines the scan read as comments lose them (`<!--SR:` in a fence is code).
        sr = self.scan.sr_lines
        numbers: list[int] = []
        texts = []
        in_callout = False
        for j in range(r.first, r.last + 1):
            src = lines[j]
            if in_callout:
                if src.startswith(">"):
                    if "<!--SR:" in src:
                        in_callout = False
                    continue
                in_callout = False
            if src.startswith(SR_METADATA_CALLOUT):
                in_callout = True
                continue
            if "<!--SR:" in src and _holds(sr, j):
                src = without_comments(src)
                if not src.strip():
                    continue
            numbers.append(j)
            texts.append(src.rstrip())
        while texts and not texts[-1]:
            texts.pop()
            numbers.pop()
        html = self.scan.html_lines
        if html and numbers and numbers[0] in html:
            # HTML comments opening a paragraph are no part of its card, after a comment line too.
            k = next((k for k, j in enumerate(numbers) if j not in html), len(numbers))
            del numbers[:k], texts[:k]
        return numbers, texts

    def build(self, sink: QuestionSink | None = None) -> tuple[Question, ...]:
        """The questions; with `sink`, each goes there instead (the tuple is then empty)."""
        comments = self._comments()
        lines = self.lines
        html = self.scan.html_lines
        fence_closes = self.scan.fence_closes
        sep_lines = (self.c.ml_sep, self.c.mlr_sep)
        cloze = self.c.cloze
        seps = {"multiline": self.c.ml_sep, "multiline_reversed": self.c.mlr_sep}
        decks_of = self._decks
        deck_cache = self._deck_cache
        group_lines = self.group_lines
        bisect_left = bisect.bisect_left
        out: list[Question] = []
        for r, comment, has_sr in zip(self.scan.raws, comments, self.has_sr, strict=True):
            kind = r.kind
            if kind == "inline" or kind == "inline_reversed":
                src = lines[r.first]
                if "<!--SR:" in src:
                    src = without_comments(src)
                text = actual = src.rstrip()
                first = last = r.first
                next_line = False
            else:
                numbers, texts = self._text_lines(r, has_sr)
                if not texts:
                    continue
                text = "\n".join(texts)
                if numbers is None:
                    first = r.first
                    last = first + len(texts) - 1
                    if html and not html.isdisjoint(range(first, last + 1)):
                        actual = "\n".join([t for j, t in enumerate(texts, first) if j not in html])
                    else:
                        actual = text
                else:
                    first = numbers[0]
                    last = numbers[-1]
                    if html and not html.isdisjoint(numbers):
                        actual = "\n".join(
                            [t for j, t in zip(numbers, texts, strict=True) if j not in html]
                        )
                    else:
                        actual = text
                # A comment at the end of the last line would not be read back when that
                # line closes a fence, is an HTML comment or the separator: the next line then.
                next_line = (
                    last in fence_closes
                    or last in html
                    or (kind != "cloze" and texts[-1].strip() in sep_lines)
                )
            topic: str | None = None
            if actual[:1] == "#" or actual[:1].isspace():
                stripped = actual.lstrip()
                m = QUESTION_TAG_RE.match(stripped)
                if m is not None:
                    topic = m.group(0)
                    actual = stripped[m.end() :].lstrip()
            if "^" in actual:
                m = _BLOCK_ID_RE.search(actual)
                if m is not None:
                    actual = actual[: m.start()].rstrip()
            sides: list[tuple[str, str]]
            if kind == "inline" or kind == "inline_reversed":
                sep = r.sep
                idx = actual.find(sep) if "`" not in actual else find_separator(actual, sep)
                if idx < 0:
                    sides = []
                else:
                    front = actual[:idx].strip()
                    back = actual[idx + len(sep) :].strip()
                    sides = [(front, back)] if kind == "inline" else [(front, back), (back, front)]
            elif kind == "cloze":
                sides = cloze.expand(actual)
            else:
                # Unchanged text: its lines are at hand, no need to split it again.
                sides = _split_lines(
                    texts if actual is text else actual.split("\n"),
                    seps[kind],
                    kind == "multiline_reversed",
                )
            if not sides:
                self.warnings.append(
                    ParseWarning(first + 1, f"{kind} card without a front; skipped")
                )
                continue
            if r.field_like:
                self.field_like += 1
            if comment is not None and len(comment.groups) > len(sides):
                self.warnings.append(
                    ParseWarning(
                        comment.line,
                        f"scheduling comment has {len(comment.groups)} groups for "
                        f"{len(sides)} card(s); the extra ones are kept but belong "
                        "to no card",
                    )
                )
            if topic is None:
                k = bisect_left(group_lines, first) - 1 if group_lines else -1
                decks = deck_cache.get(k) or decks_of(first, None)
            else:
                decks = decks_of(first, topic)
            if sink is not None:
                sink(kind, decks, first + 1, last + 1, text, sides, comment)
                continue
            if comment is None:
                if len(sides) == 1:
                    cards: tuple[Card, ...] = (new_card(0, sides[0][0], sides[0][1], None),)
                else:
                    cards = tuple([new_card(k, f, b, None) for k, (f, b) in enumerate(sides)])
            else:
                groups = comment.groups
                n_groups = len(groups)
                cards = tuple(
                    [
                        new_card(k, f, b, card_schedule(groups[k]) if k < n_groups else None)
                        for k, (f, b) in enumerate(sides)
                    ]
                )
            out.append(
                new_question(
                    kind,  # type: ignore[arg-type]  # the scanner makes only CardKind values
                    decks[0],
                    first + 1,
                    last + 1,
                    text,
                    cards,
                    comment,
                    next_line,
                    decks,
                )
            )
        return tuple(out)

    def _decks(self, first: int, topic: str | None) -> tuple[str, ...]:
        if topic is not None and not self.settings.folders_as_decks:
            deck = deck_of_tag(topic)
            if deck:
                return (deck,)
        k = bisect.bisect_left(self.group_lines, first) - 1 if self.group_lines else -1
        cached = self._deck_cache.get(k)
        if cached is None:
            cached = self._deck_cache[k] = self._note_decks(k)
        return cached

    def _note_decks(self, k: int) -> tuple[str, ...]:
        if self.settings.folders_as_decks and self.folder_deck:
            return (self.folder_deck,)
        if k >= 0:
            return tuple(self.groups[k][1])
        if self.fm_decks:
            return tuple(self.fm_decks)
        if self.first_flashcard is not None:
            return (self.first_flashcard,)
        return (self.fallback,)


def _holds(ordered: list[int], item: int) -> bool:
    k = bisect.bisect_left(ordered, item)
    return k < len(ordered) and ordered[k] == item


def _split_lines(parts: list[str], sep: str | None, reversed_: bool) -> list[tuple[str, str]]:
    """(front, back) around the first line that is the separator; [] without a front."""
    for k, part in enumerate(parts):
        if part.strip() == sep:
            front = "\n".join(parts[:k]).strip()
            if not front:
                return []
            back = "\n".join(parts[k + 1 :]).strip()
            return [(front, back), (back, front)] if reversed_ else [(front, back)]
    return []
