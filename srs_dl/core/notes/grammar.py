"""Cards from a note's text: the Obsidian Spaced Repetition plugin's grammar (v1.15).

`parse_note(text, settings, folder_deck=...)` is pure: text in, a ParsedNote out,
never an exception (odd input gives ParseWarnings). Lines are split on `\\n` (a
`\\r` before it is dropped; columns never count it). The rules, as the plugin has
them unless marked *srs-dl*:

* The note is read line by line in paragraphs (runs of non-blank lines; a fenced
  code block, ``` or ~~~ at the start of a line, is kept whole, blank lines
  included, and nothing inside it counts).
* `q::a` / `q:::a` on one line (longest separator wins; *srs-dl*: the separator
  is the first one outside inline code). The lines above it in its paragraph are
  not part of it. A comment on the same line, or on the next line if that line
  starts with `<!--SR:` (*srs-dl*: and holds a `-->`), is its schedule; so is a
  comment in the plugin's `> [!sr|card-metadata]` callout on the lines after it
  (its `useCalloutsForSchedulingComments`), and (*srs-dl*) for a card quoted with
  `>`, a next line holding only `> <!--SR:...-->`.
* Multi-line: a line that is exactly the separator (`?`, reversed `??`) after
  some text makes the paragraph a card: front above, back below, to the blank
  line (or to the end-marker line when one is set; blank lines then stay in the
  card). A heading or tag line directly above joins the question. A comment
  anywhere in the paragraph is its schedule (the first one; others warn), but
  not in a code fence, except that a card whose fence is never closed takes a
  comment ending its last line (the one srs-dl writes there), as the plugin does.
* Clozes: a paragraph whose line holds a deletion (see cloze.py) is a cloze card.
* `Question.text` is the card's lines without comments (or the plugin's
  `> [!sr|card-metadata]` callout), each right-stripped; `first_line`/`last_line`
  are its first and last such lines.
* A tag at the very start of a question is its deck and is not part of its
  front; otherwise the deck is the flashcard tags of the nearest tag line above
  (not inside a card), else the frontmatter flashcard tags, else the first
  flashcard tag of the note; with folders as decks, the note's folder.
  Only notes with a flashcard tag give cards (or, with folders as decks, notes
  in a folder), unless `all_notes`: a note without a flashcard tag then files its
  cards under its first tag that is not a review tag, else its folder, else
  `DEFAULT_DECK`. The plugin files a card under every tag of its tag line; srs-dl
  keeps them all in `Question.decks` and uses the first as `Question.deck`.
  A note at the vault root with folders as decks uses the tag rules.
* *srs-dl*, with a warning: a line starting with `<!--` hides only itself (or
  the lines up to its `-->`; the `-->` of a `<!--SR:...-->` comment closes no
  HTML comment, so writing a schedule never hides a card), never the next line;
  an unclosed one hides only its line. A `key:: value` line inside a multi-line
  answer stays in the answer. A scheduling comment that starts the paragraph
  after a card without one, separated from it only by blank lines, belongs to
  that card (adopted), even when the rest of that paragraph is a card (the
  plugin gives it to that one). With `dataview_fields`, `key:: value` lines whose key is a lowercase word (also in
  a callout, `> key:: value`) are fields, not cards; with it off they are cards
  and are counted in `ParsedNote.dataview_like_cards`.
* More groups in a comment than the question has cards: the extra groups stay in
  `Comment.groups` (not in any card) with a warning. A malformed comment: the
  question keeps its Comment (so it can be rewritten) with no groups, its cards
  get no schedule from it (the importer keeps one it holds), and a warning
  names the line.
* A multi-line card with an empty front is no card (warning; the plugin makes
  one from `??` or a longer separator alone). An empty inline front or back is
  kept, as in the plugin.
* The plugin counts an SM-2 interval with parseInt; srs-dl keeps the written
  fraction (`7.5`) so an untouched group is written back byte for byte.
"""

from __future__ import annotations

import re
from functools import lru_cache

from srs_dl.core.notes import frontmatter as fm_mod
from srs_dl.core.notes.cloze import ClozeSet
from srs_dl.core.notes.model import CardKind, Heading, ParsedNote, ParseWarning
from srs_dl.core.notes.questions import (
    DEFAULT_DECK,
    SR_METADATA_CALLOUT,
    Compiled,
    QuestionSink,
    RawQuestion,
    Scan,
    assemble,
    in_inline_code,
)
from srs_dl.core.notes.settings import ParseSettings
from srs_dl.core.notes.sr_comment import COMMENT_RE, unclosed_comment
from srs_dl.core.notes.tags import (
    heading_in_line,
    links_in_line,
    normalize_tag,
    tag_matcher,
    tags_in_line,
)

_ML, _MLR, _CLOZE = "multiline", "multiline_reversed", "cloze"
_DATAVIEW_KEY_RE = re.compile(r"[ \t]*(?:>[ \t]*)*[a-z][a-z0-9_-]*")
#: A line holding only a scheduling comment behind a `>` quote (`> <!--SR:...-->`).
_QUOTED_COMMENT_RE = re.compile(r"^(?:>[ \t]?)+[ \t]*<!--SR:.*?-->[ \t]*$")
_FENCE_RE = re.compile(r"`+|~+")
_BLOCK_ID_END_RE = re.compile(r" \^[a-zA-Z0-9-]+$")


@lru_cache(maxsize=64)
def _compile(settings: ParseSettings) -> Compiled:
    seps: list[tuple[str, CardKind]] = [
        (settings.inline_sep, "inline"),
        (settings.inline_reversed_sep, "inline_reversed"),
    ]
    # Longest first; a stable sort keeps the basic separator first on a tie.
    inline = tuple(sorted(((s, k) for s, k in seps if s), key=lambda p: -len(p[0])))
    probe = None
    if inline:
        shortest = inline[-1][0]
        if all(shortest in s for s, _ in inline):
            probe = shortest
    flashcard_tags = tuple(normalize_tag(t) for t in settings.flashcard_tags if t.strip())
    review_tags = tuple(normalize_tag(t) for t in settings.review_tags if t.strip())
    return Compiled(
        inline=inline,
        inline_probe=probe,
        ml_sep=settings.multiline_sep.strip() or None,
        mlr_sep=settings.multiline_reversed_sep.strip() or None,
        end_marker=settings.end_marker.strip() or None,
        cloze=ClozeSet(tuple(settings.cloze_patterns)),
        flashcard_tags=flashcard_tags,
        review_tags=review_tags,
        is_flashcard_tag=tag_matcher(flashcard_tags),
        is_review_tag=tag_matcher(review_tags),
    )


def _find_inline(
    line: str, seps: tuple[tuple[str, CardKind], ...]
) -> tuple[int, str, CardKind] | None:
    """The longest separator's first occurrence outside inline code."""
    has_code = "`" in line
    for sep, kind in seps:
        idx = line.find(sep)
        while idx >= 0:
            if not has_code or not in_inline_code(line, idx, idx + len(sep)):
                return idx, sep, kind
            idx = line.find(sep, idx + 1)
    return None


def _scan(lines: list[str], start: int, c: Compiled, dataview_fields: bool) -> Scan:
    """One pass over the lines: question spans, tags, headings, links, comments."""
    out = Scan()
    raws = out.raws
    warnings = out.warnings
    sr_lines = out.sr_lines
    inline = c.inline
    probe = c.inline_probe
    ml, mlr, endm = c.ml_sep, c.mlr_sep, c.end_marker
    cloze = c.cloze
    cloze_on = bool(cloze)
    cloze_always = cloze.always_search
    cloze_probes = cloze.probes
    cloze_probe = cloze_probes[0] if len(cloze_probes) == 1 else None
    seps_on = ml is not None or mlr is not None
    # Every separator line holds this text: lines without it need no strip().
    sep_probe = None
    if ml is not None and mlr is not None:
        if ml in mlr:
            sep_probe = ml
        elif mlr in ml:
            sep_probe = mlr
    elif seps_on:
        sep_probe = ml if ml is not None else mlr
    n = len(lines)
    para = -1  # first line of the current paragraph's text
    kind: str | None = None
    i = start
    while i < n:
        line = lines[i]
        if not line or line.isspace():
            if kind is None:
                para = -1
            elif endm is None:
                raws.append(RawQuestion(kind, para, i - 1))
                kind = None
                para = -1
            i += 1
            continue
        c0 = line[0]
        if c0 == "<" and line.startswith("<!--") and not line.startswith("<!--SR:"):
            i = _skip_html_comment(lines, i, out)
            continue
        if endm is not None and line.strip() == endm:
            if kind is not None:
                raws.append(RawQuestion(kind, para, i - 1))
                kind = None
            para = -1
            i += 1
            continue
        if para < 0:
            para = i
        if "#" in line:
            if c0 == "#":
                h = heading_in_line(line)
                if h is not None:
                    out.headings.append(Heading(i + 1, h[0], h[1]))
            found_tags = tags_in_line(line)
            if found_tags:
                out.tag_lines.append((i, found_tags))
        if "[[" in line:
            out.links.extend(links_in_line(line))
        if "<!--SR:" in line:
            sr_lines.append(i)
        if inline and (probe is None or probe in line):
            hit = _find_inline(line, inline)
            if hit is not None:
                col, sep, ikind = hit
                if kind == _ML or kind == _MLR:
                    warnings.append(
                        ParseWarning(
                            i + 1,
                            f"'{sep}' line kept in the multi-line answer above it (the plugin "
                            "makes it a card of its own and loses the multi-line card)",
                        )
                    )
                    i += 1
                    continue
                field_like = sep == "::" and _DATAVIEW_KEY_RE.fullmatch(line, 0, col) is not None
                if field_like and dataview_fields:
                    i += 1
                    continue
                last = i
                sr_next = -1
                if i + 1 < n:
                    nxt = lines[i + 1]
                    # Only a whole comment, or one never closed that reads as one
                    # (srs-dl closes it in place): any other broken `<!--SR:` line the
                    # card took would be pushed off it by the comment srs-dl writes.
                    if nxt.startswith("<!--SR:") and (
                        nxt.find("-->", 7) >= 0 or unclosed_comment(nxt) is not None
                    ):
                        last = sr_next = i + 1
                    elif c0 == ">" and _QUOTED_COMMENT_RE.match(nxt):
                        # srs-dl: a quoted card's comment, quoted as the card is.
                        last = sr_next = i + 1
                    elif nxt.startswith(SR_METADATA_CALLOUT):
                        j = i + 2
                        while j < n and lines[j].startswith(">"):
                            if "<!--SR:" in lines[j]:
                                last = sr_next = j
                                break
                            j += 1
                raws.append(RawQuestion(ikind, i, last, sep, sr_next, field_like))
                kind = None
                para = -1
                i = last + 1
                continue
        if seps_on and (sep_probe is None or sep_probe in line):
            s = line.strip()
            if s == ml:
                if para < i:
                    kind = _ML
                i += 1
                continue
            if s == mlr:
                if para < i:
                    kind = _MLR
                i += 1
                continue
        if (c0 == "`" or c0 == "~") and (line.startswith("```") or line.startswith("~~~")):
            m = _FENCE_RE.match(line)
            closer = m.group(0) if m is not None else line[:3]
            j = i + 1
            while j < n and not lines[j].startswith(closer):
                j += 1
            if j < n:
                out.fence_closes.add(j)
                i = j + 1
            else:
                warnings.append(ParseWarning(i + 1, "code fence never closed: it runs to the end"))
                if kind is not None:
                    tail = _fence_tail_comment(lines, i)
                    if tail > i:  # the opening line itself is already in sr_lines
                        sr_lines.append(tail)
                i = n
            continue
        if kind is None and cloze_on:
            if cloze_probe is not None:
                if cloze_probe in line and cloze.line_has_cloze(line):
                    kind = _CLOZE
            elif cloze_always or any(p in line for p in cloze_probes):
                if cloze.line_has_cloze(line):
                    kind = _CLOZE
        i += 1
    if kind is not None:
        raws.append(RawQuestion(kind, para, n - 1))
    return out


def _fence_tail_comment(lines: list[str], fence: int) -> int:
    """The line of the scheduling comment ending a card whose code fence (opened at
    line `fence`) is never closed, or -1.

    Such a card runs to the end of the note; as in the plugin, a comment that ends
    its text is its schedule, fence or not: the comment srs-dl writes after the
    card (on its own line, or at the end of its last line before a block id) is
    read back instead of joining the answer."""
    j = len(lines) - 1
    while j > fence and (not lines[j] or lines[j].isspace()):
        j -= 1
    line = lines[j]
    if "<!--SR:" not in line:
        return -1
    body = line.rstrip()
    m = _BLOCK_ID_END_RE.search(body)
    if m is not None:
        body = body[: m.start()]
    ends = [c.end() for c in COMMENT_RE.finditer(body)]
    return j if ends and ends[-1] == len(body) else -1


def _skip_html_comment(lines: list[str], i: int, out: Scan) -> int:
    """Skips an HTML comment starting line i; returns the next line to read.

    Where the plugin reads it differently (it skips the next line too, or hides
    the rest of the note) the span is noted; a warning follows only if a card
    is lost that way (see questions.py)."""
    n = len(lines)
    if "-->" in lines[i]:
        end = i
        if i + 1 < n and lines[i + 1].strip():
            out.swallowed.append(i + 1)
    else:
        end = i + 1
        while end < n and not _closes_html_comment(lines[end]):
            end += 1
        if end >= n:
            end = i
            out.hides_rest.append((i, -1))
        else:
            out.hides_rest.append((i, end))
    out.html_lines.update(range(i, end + 1))
    return end + 1


def _closes_html_comment(line: str) -> bool:
    """The line holds a `-->` that is not the end of a scheduling comment.

    A `<!--SR:...-->` comment is self-contained: were its `-->` to close an HTML
    comment left open above, writing a card's schedule would hide that card."""
    if "-->" not in line:
        return False
    if "<!--SR:" not in line:
        return True
    return "-->" in COMMENT_RE.sub("", line)


def parse_note(
    text: str, settings: ParseSettings, *, folder_deck: str = "", sink: QuestionSink | None = None
) -> ParsedNote:
    """Everything srs-dl reads from one note. `folder_deck`: the note's folder ("" at the root).

    With `sink`, each question is handed to it (see questions.QuestionSink) instead
    of becoming a Question in `ParsedNote.questions`, which is then empty: an import
    turns a large vault's questions straight into rows. A parser bug then raises
    (the caller drops what the sink got), where without a sink it is a warning."""
    if sink is not None:
        return _parse(text, settings, folder_deck, sink)
    try:
        return _parse(text, settings, folder_deck, sink)
    except Exception as exc:  # pragma: no cover - a safety net; tests check it never fires
        return ParsedNote(
            warnings=(ParseWarning(1, f"internal parser error: {exc!r}; note skipped"),)
        )


def _parse(
    text: str, settings: ParseSettings, folder_deck: str, sink: QuestionSink | None
) -> ParsedNote:
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    fm = fm_mod.read_frontmatter(lines)
    c = _compile(settings)
    scan = _scan(lines, fm.line_count, c, settings.dataview_fields)
    return assemble(lines, fm, scan, c, settings, folder_deck.strip("/"), sink)


__all__ = ["DEFAULT_DECK", "SR_METADATA_CALLOUT", "QuestionSink", "parse_note"]
