"""Where a note states formulas: the lines that define or update something,
with the techniques their section and paragraph name.

A formula line starts (after a list marker, a quote marker or a backtick) with
`NAME =`, `NAME :=` or `NAME ==`; prose that merely quotes a formula
("Correction: written as W = ...") does not, and is left alone. A block is a
run of non-blank lines (a fenced code block stays inside its block), so a
card's question, code and answer are read together: the values a block gives
an optimizer (`optim.SGD(..., lr=0.01, weight_decay=0.01)`) and the names it
assigns numbers (`lambda_l2 = 0.01`) or defines (`l2_norm = sum(...)`) hold
for the formulas after them in that block.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from srs_dl.core.lint.expr import ExprError, Statement, names_in, read_statements

#: Drill kinds (core/drills/headings.py) to the technique lint checks.
KIND_TECHNIQUES: Mapping[str, str] = {
    "ema": "ema",
    "momentum": "momentum",
    "rmsprop": "rmsprop",
    "adam": "adam",
    "lr_decay": "decay",
    "sgd_weight_decay": "weight_decay",
    "l2_equivalent": "weight_decay",
}

#: How a paragraph's text names a technique when its heading does not.
_NAMED_IN_TEXT: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("weight_decay", re.compile(r"weight[_ ]decay|optim\.SGD\b|\bL2[ -]regulari[sz]", re.I)),
    ("adam", re.compile(r"\badam\b", re.I)),
    ("rmsprop", re.compile(r"\brms[ _-]?prop", re.I)),
    ("momentum", re.compile(r"\bmomentum\b", re.I)),
    (
        "ema",
        re.compile(
            r"exponential(?:ly)?[ -]weighted|\bmoving average|\bE[W]?MA\b|bias[ -]correct", re.I
        ),
    ),
    (
        "decay",
        re.compile(r"learning[ -]rate (?:decay|schedul)|\blr[ _]decay|\bdecay[ _]?rate", re.I),
    ),
)

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# List markers, quote markers, checkboxes and an opening backtick or dollar.
_LEAD = re.compile(r"^\s*(?:(?:[-*+]|\d+[.)])\s+|>\s*|\[[ xX]\]\s+)*[`$]?")
_OPTIMIZER_CALL = re.compile(r"\b(?:SGD|Adam|AdamW|RMSprop)\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
_KEYWORD_NUMBER = re.compile(r"\b([A-Za-z_]\w*)\s*=\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")


@dataclass(frozen=True, slots=True)
class FormulaLine:
    #: 1-based line number in the note.
    line: int
    #: The line's text from the formula's start (the list marker dropped).
    text: str
    statements: tuple[Statement, ...]
    #: Techniques to try, in order: the heading's, then those the text names.
    techniques: tuple[str, ...]
    #: Numbers the block gives an optimizer's keyword arguments (lr, weight_decay...).
    keywords: Mapping[str, float]
    #: Whether the block mentions weight decay (an L2 loss is compared with it only then).
    mentions_weight_decay: bool
    #: The statements of this block before this line, for names they define.
    earlier: tuple[Statement, ...] = field(default=())
    #: Every name the block's formulas use (Adam's m and v are read as the paper's
    #: moments when the block writes an m anywhere).
    block_names: tuple[str, ...] = field(default=())


def _techniques_in(text: str) -> list[str]:
    return [name for name, pattern in _NAMED_IN_TEXT if pattern.search(text)]


def _keywords(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for call in _OPTIMIZER_CALL.finditer(text):
        for key, number in _KEYWORD_NUMBER.findall(call.group(1)):
            out[key] = float(number)
    return out


def _formula_text(line: str) -> str | None:
    lead = _LEAD.match(line)
    rest = line[lead.end() :] if lead else line
    if lead and lead.group().endswith(("`", "$")):
        closing = rest.find(lead.group()[-1])
        rest = rest[:closing] if closing >= 0 else rest
    return rest if rest[:1].isalpha() or rest[:1] in "αβεηθλμρ" else None


def find_formulas(text: str, heading_kinds: Callable[[str], tuple[str, ...]]) -> list[FormulaLine]:
    """Every formula line of a note, with what the lines around it say.
    `heading_kinds` maps a heading's text to drill kinds (the drills' table)."""
    lines = text.splitlines()
    start = _after_frontmatter(lines)
    # First pass: sections (heading techniques) and blocks (line ranges).
    heading_of: list[tuple[str, ...]] = [()] * len(lines)
    current: tuple[str, ...] = ()
    blocks: list[tuple[int, int]] = []
    block_start: int | None = None
    in_fence = False
    for i in range(start, len(lines)):
        line = lines[i]
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            m = _HEADING.match(line)
            if m:
                kinds = heading_kinds(m.group(2))
                current = tuple(
                    dict.fromkeys(KIND_TECHNIQUES[k] for k in kinds if k in KIND_TECHNIQUES)
                )
        heading_of[i] = current
        blank = not line.strip() and not in_fence
        if blank or (not in_fence and _HEADING.match(line)):
            if block_start is not None:
                blocks.append((block_start, i))
                block_start = None
            continue
        if block_start is None:
            block_start = i
    if block_start is not None:
        blocks.append((block_start, len(lines)))

    out: list[FormulaLine] = []
    for first, end in blocks:
        block_text = "\n".join(lines[first:end])
        named = _techniques_in(block_text)
        keywords = _keywords(block_text)
        mentions = bool(re.search(r"weight[_ ]decay", block_text, re.I))
        found: list[tuple[int, str, list[Statement]]] = []
        for i in range(first, end):
            formula = _formula_text(lines[i])
            if formula is None:
                continue
            try:
                statements = read_statements(formula)
            except ExprError:
                continue
            if statements:
                found.append((i, formula, statements))
        names = tuple(
            dict.fromkeys(
                name
                for _i, _f, statements in found
                for s in statements
                for name in (s.target, *(n.name for n in names_in(s.value)))
            )
        )
        earlier: list[Statement] = []
        for i, formula, statements in found:
            techniques = tuple(dict.fromkeys((*heading_of[i], *named)))
            out.append(
                FormulaLine(
                    line=i + 1,
                    text=formula,
                    statements=tuple(statements),
                    techniques=techniques,
                    keywords=keywords,
                    mentions_weight_decay=mentions,
                    earlier=tuple(earlier),
                    block_names=names,
                )
            )
            earlier.extend(statements)
    return out


def _after_frontmatter(lines: list[str]) -> int:
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                return i + 1
    return 0
