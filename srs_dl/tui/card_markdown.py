"""Card text as the Markdown widget should see it: line breaks kept, LaTeX shown
as its source.

Obsidian (its default, "strict line breaks" off) shows a single newline as a
line break, and multi-line answers are written that way; so each line that
continues a paragraph becomes a Markdown hard break (two trailing spaces).

A terminal cannot typeset `$\\beta_1 v_{t-1}$`, and left to Markdown the `_` and
`*` inside it turn into emphasis and the formula is mangled. So math spans
become code: `$...$` inline code, `$$...$$` a `latex` code block. Code spans
and fenced blocks are left exactly as they are.
"""

from __future__ import annotations

import re
from typing import Any

from srs_dl.core.screen_text import screen_text

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def card_markdown(text: str) -> Any:
    """A renderable of the card's text (Rich's Markdown, code highlighted)."""
    from rich.markdown import Markdown

    # A note's control characters (ESC, BEL) are shown, never sent to the terminal.
    return Markdown(
        for_display(screen_text(text)),
        code_theme="monokai",
        inline_code_lexer="text",
        hyperlinks=False,
    )


def for_display(text: str) -> str:
    out: list[str] = []
    fence: str | None = None
    math_block: list[str] | None = None
    for line in text.split("\n"):
        if fence is not None:
            out.append(line)
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            continue
        if math_block is not None:
            if line.rstrip().endswith("$$"):
                math_block.append(line.rstrip()[:-2])
                out.extend(_latex_block(math_block))
                math_block = None
            else:
                math_block.append(line)
            continue
        opened = _FENCE.match(line)
        if opened:
            fence = opened.group(1)
            out.append(line)
            continue
        stripped = line.strip()
        if stripped.startswith("$$") and (
            stripped == "$$" or not stripped[2:].rstrip().endswith("$$")
        ):
            math_block = [stripped[2:]] if stripped != "$$" else []
            continue
        if stripped.startswith("$$") and stripped.endswith("$$") and len(stripped) > 4:
            out.extend(_latex_block([stripped[2:-2]]))
            continue
        out.append(_inline(line))
    if math_block is not None:  # unclosed: show what there is, as source
        out.extend(_latex_block(math_block))
    return "\n".join(_hard_breaks(out))


def _hard_breaks(lines: list[str]) -> list[str]:
    out: list[str] = []
    fence: str | None = None
    for i, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and not line.strip().strip(fence[0]):
                fence = None
            out.append(line)
            continue
        if opened:
            fence = opened.group(1)
            out.append(line)
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if (
            line.strip()
            and following.strip()
            and not _FENCE.match(following)
            and not line.endswith(("  ", "\\"))
        ):
            line += "  "
        out.append(line)
    return out


def _latex_block(lines: list[str]) -> list[str]:
    body = [ln for ln in lines if ln.strip()] or [""]
    return ["```latex", *(ln.strip() for ln in body), "```"]


def _inline(line: str) -> str:
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch == "\\" and i + 1 < n:
            out.append(line[i : i + 2])
            i += 2
            continue
        if ch == "`":
            run = len(line[i:]) - len(line[i:].lstrip("`"))
            close = line.find("`" * run, i + run)
            if close < 0:
                out.append(line[i:])
                break
            out.append(line[i : close + run])
            i = close + run
            continue
        if ch == "$":
            double = line.startswith("$$", i)
            delim = "$$" if double else "$"
            end = _closing(line, i + len(delim), delim)
            if end is not None:
                out.append(_code(line[i + len(delim) : end]))
                i = end + len(delim)
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _closing(line: str, start: int, delim: str) -> int | None:
    """The closing delimiter of a math span, by pandoc's rule: no space just inside
    the dollars, and a single `$` not followed by a digit (so "$5 and $6" stays text)."""
    if start >= len(line) or line[start].isspace():
        return None
    # A code span that starts before the closing dollar wins over the math span.
    tick = line.find("`", start)
    limit = tick if tick >= 0 else len(line)
    j = start
    while True:
        j = line.find(delim, j, limit)
        if j < 0:
            return None
        if line[j - 1] == "\\":
            j += 1
            continue
        if line[j - 1].isspace():
            j += len(delim)
            continue
        after = line[j + len(delim) : j + len(delim) + 1]
        if delim == "$" and after.isdigit():
            j += 1
            continue
        return j


def _code(body: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{ticks}{pad}{body}{pad}{ticks}"


#: What a cloze's front shows in place of each hidden deletion (core.notes.cloze).
CLOZE_GAP = "[...]"


def revealed_cloze(front: str, back: str) -> str:
    """The back of a cloze with the deletions its front hid in bold: the text of the
    back where the front had a gap, found between the front's pieces in order. A
    deletion holding code, math or a line break, or a back that does not read as the
    front with its gaps filled, is left as it is."""
    pieces = front.split(CLOZE_GAP)
    if len(pieces) < 2 or not back.startswith(pieces[0]):
        return back
    out = [pieces[0]]
    pos = len(pieces[0])
    for i, piece in enumerate(pieces[1:], 1):
        last = i == len(pieces) - 1
        end = len(back) - len(piece) if last else back.find(piece, pos + 1) if piece else -1
        if end < pos or (last and not back.endswith(piece)):
            return back
        answer = back[pos:end]
        plain = answer.strip() and not any(c in answer for c in "`$\n*")
        out.append(f"**{answer}**" if plain else answer)
        out.append(piece)
        pos = end + len(piece)
    return "".join(out)
