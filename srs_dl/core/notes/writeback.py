"""Writing scheduling comments back into note text, changing nothing else.

The plugin rewrites a whole question when it saves a schedule (trimming trailing
whitespace, moving a block id); srs-dl touches only the comment:
- a question that has a comment: the `<!--SR:...-->` span is replaced where it is;
- one that has none: the comment goes on a new line after the card's last line
  (that line's own line ending; the plugin's default), or at the end of that line
  after one space (`same_line`, the plugin's `cardCommentOnSameLine`), before a
  trailing block id ` ^id` as the plugin puts it; always on the next line after a
  closing code fence (the plugin's `isCardCommentsOnSameLine`), and wherever a
  comment on that line would not be read back (`Question.ends_in_fence`: an HTML
  comment line, the separator; or a line holding a `<!--SR:` never closed);
- with `callouts` (the plugin's `useCalloutsForSchedulingComments`), a new comment
  goes in the plugin's callout, on the two lines after the card, byte for byte as
  the plugin writes them: `> [!sr|card-metadata] ` and `>  <!--SR:...-->` (a
  comment already in a callout, or quoted as `> <!--SR:...-->` under a quoted
  card, is replaced where it is, its `> ` kept);
- an adopted comment (cut off from its card by a blank line) is removed from its
  line with the one space just before it (the separator the writer adds; other
  whitespace is the user's), the whole line going if nothing but spaces and tabs
  was left on it; the new comment then goes after the card as above.

Lines end at "\\n" (a "\\r" before it belongs to the line ending), as the parser
reads them; columns are offsets into a line without its ending.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from srs_dl.core.notes.model import Question, SRGroup
from srs_dl.core.notes.questions import SR_METADATA_CALLOUT as CALLOUT
from srs_dl.core.notes.sr_comment import format_comment

_BLOCK_ID_AT_END = re.compile(r" \^[a-zA-Z0-9-]+$")
_COMMENT_START = "<!--SR:"


class _Op(NamedTuple):
    #: Line index, +0.5 for "after that line": operations run from the bottom up.
    key: float
    order: int
    kind: str
    line: int
    start: int = 0
    end: int = 0
    text: str = ""


def split_lines(text: str) -> list[tuple[str, str]]:
    """(content, ending) per line; the last line's ending is "" (after a final
    newline that line is empty)."""
    pieces = text.split("\n")
    out = [(p[:-1], "\r\n") if p.endswith("\r") else (p, "\n") for p in pieces[:-1]]
    out.append((pieces[-1], ""))
    return out


def _default_ending(lines: list[tuple[str, str]]) -> str:
    for _, ending in lines:
        if ending:
            return ending
    # A note of one line: a "\n" after a "\r" that ends it would make that "\r" its
    # line ending; "\r\n" keeps the line as it was.
    return "\r\n" if lines[-1][0].endswith("\r") else "\n"


def apply_schedules(
    text: str,
    updates: Sequence[tuple[Question, tuple[SRGroup, ...]]],
    *,
    same_line: bool = False,
    callouts: bool = False,
) -> str:
    """`text` with each question's comment set to its groups.

    `text` must be exactly the text the questions were parsed from; a comment
    span that does not hold a scheduling comment raises ValueError (the note has
    changed since it was parsed). Updates are applied bottom-up so that none
    shifts another.
    """
    lines = split_lines(text)
    default_ending = _default_ending(lines)
    ops: list[_Op] = []
    seen: set[int] = set()
    for order, (question, groups) in enumerate(updates):
        if not groups:
            raise ValueError(f"line {question.first_line}: no schedule groups to write")
        if question.first_line in seen:
            raise ValueError(f"line {question.first_line}: two updates for one question")
        seen.add(question.first_line)
        if not 1 <= question.last_line <= len(lines):
            raise ValueError(f"line {question.last_line}: beyond the end of the note")
        new_comment = format_comment(groups)
        comment = question.comment
        if comment is not None:
            _check_comment(lines, comment.line, comment.start, comment.end)
            i = comment.line - 1
            if not comment.adopted:
                ops.append(_Op(i, order, "replace", i, comment.start, comment.end, new_comment))
                continue
            ops.append(_Op(i, order, "remove", i, comment.start, comment.end))
        last = question.last_line - 1
        if callouts:
            ops.append(
                _Op(last + 0.5, order, "insert_after", last, text=f"{CALLOUT} \n>  {new_comment}")
            )
        elif same_line and not question.ends_in_fence and not _opens_comment(lines[last][0]):
            ops.append(_Op(last, order, "append", last, text=new_comment))
        else:
            ops.append(_Op(last + 0.5, order, "insert_after", last, text=new_comment))

    for op in sorted(ops, key=lambda o: (o.key, o.order), reverse=True):
        content, ending = lines[op.line]
        if op.kind == "replace":
            lines[op.line] = (content[: op.start] + op.text + content[op.end :], ending)
        elif op.kind == "remove":
            _remove_comment(lines, op.line, op.start, op.end, default_ending)
        elif op.kind == "append":
            # A block id must stay at the end of its line; the plugin puts the comment before it.
            m = _BLOCK_ID_AT_END.search(content)
            at = m.start() if m else len(content)
            lines[op.line] = (content[:at] + " " + op.text + content[at:], ending)
        else:
            new_lines = op.text.split("\n")
            if ending:
                lines[op.line + 1 : op.line + 1] = [(t, ending) for t in new_lines]
            else:
                # The card is the last line and the text has no final newline: the
                # comment becomes the last line, still without one.
                lines[op.line] = (content, default_ending)
                lines[op.line + 1 : op.line + 1] = [(t, default_ending) for t in new_lines]
                lines[-1] = (lines[-1][0], "")
    return "".join(content + ending for content, ending in lines)


def _opens_comment(content: str) -> bool:
    """The line holds a `<!--SR:` never closed: a comment appended to it would close
    that one instead, and be read as part of it."""
    k = content.rfind(_COMMENT_START)
    return k >= 0 and content.find("-->", k + len(_COMMENT_START)) < 0


def _check_comment(lines: list[tuple[str, str]], line: int, start: int, end: int) -> None:
    if not 1 <= line <= len(lines):
        raise ValueError(f"line {line}: scheduling comment beyond the end of the note")
    span = lines[line - 1][0][start:end]
    # A comment never closed (read for its schedule, see sr_comment.unclosed_comment)
    # is replaced by a closed one.
    closed = span.endswith("-->") or "-->" not in span
    if not (0 <= start < end and span.startswith(_COMMENT_START) and closed):
        raise ValueError(
            f"line {line}: no scheduling comment at columns {start}-{end}; "
            "the note changed since it was read"
        )


def _remove_comment(
    lines: list[tuple[str, str]], i: int, start: int, end: int, default_ending: str
) -> None:
    content, ending = lines[i]
    # Only the one space the writer puts before a comment it appends goes with it:
    # any other whitespace there is the user's.
    cut = start - 1 if start > 0 and content[start - 1] == " " else start
    rest = content[:cut] + content[end:]
    if rest.strip(" \t"):
        lines[i] = (rest, ending)
        return
    # The line held only the comment: it goes, ending included.
    del lines[i]
    if not ending and i > 0:
        # It was the last line, without a final newline: keep the text without one.
        # Only the ending the writer would add before such a comment (the note's
        # first one) goes with it: a "\r" the note does not end its lines with is
        # the user's and stays.
        prev, prev_ending = lines[i - 1]
        keep = "\r" if prev_ending == "\r\n" and default_ending == "\n" else ""
        lines[i - 1] = (prev + keep, "")
