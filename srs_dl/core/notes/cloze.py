"""Cloze deletions in the plugin's pattern notation (v1.15, through its clozecraft library).

A pattern such as `==[123;;]answer[;;hint]==` describes three kinds of deletion:

* simple (`==Paris==`, `==Paris;;city==`): one card per deletion, in pattern
  order then text order;
* classic (`==1;;Paris==`): a number groups deletions, one card per number up to
  the highest one;
* overlapping (`==ash;;Paris==`): one letter per card, a(sk), h(ide), s(how).

The bracket holding digits marks where the number goes, the bracket holding
`hint` where the hint goes, `answer` the deleted text; brackets inside them are
escaped as `\\[`. A text is of the highest-priority kind (classic, overlapping,
simple) any pattern finds in it, and only deletions of that kind count.
Deletions never span lines. Fronts show the asked deletion as `[...]` (or
`[hint]`), the others plain; backs show every answer; no markers in either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM_GROUP_RE = re.compile(r"\[(?:(?:\\\])?[^\]]?)+?\d+(?:(?:\\\])?[^\]]?)+?\]")
_HINT_GROUP_RE = re.compile(r"\[(?:(?:\\\])?[^\]]?)+?hint(?:(?:\\\])?[^\]]?)+?\]")
_JS_SPECIALS_RE = re.compile(r"[.*+?^${}()|\[\]\\]")
_ANSWER = "answer"
_HINT = "hint"

CLASSIC, OVERLAPPING, SIMPLE = "classic", "overlapping", "simple"
_PRIORITY = (CLASSIC, OVERLAPPING, SIMPLE)


def _escape(text: str) -> str:
    # The same characters the plugin escapes, so "answer" is found in the same place.
    return _JS_SPECIALS_RE.sub(lambda m: "\\" + m.group(0), text)


def _inner(bracket: str) -> str:
    inner = bracket[1:-1].replace("\\[", "[").replace("\\]", "]")
    return _escape(inner)


@dataclass(frozen=True, slots=True)
class _Kind:
    regex: re.Pattern[str]
    #: Capture group (1-based) of the answer, hint and number/letters (0: none).
    answer: int
    hint: int
    seq: int


@dataclass(frozen=True, slots=True)
class ClozePattern:
    raw: str
    #: Literal text every deletion contains (a cheap prefilter), "" if none.
    probe: str
    kinds: tuple[tuple[str, _Kind], ...]
    #: Literal text a numbered (classic or overlapping) deletion contains, "" if none.
    seq_probe: str = ""

    def kind(self, name: str) -> _Kind:
        for kind_name, kind in self.kinds:
            if kind_name == name:
                return kind
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Deletion:
    start: int
    end: int
    raw: str
    answer: str
    hint: str | None
    seq: int | str


def compile_pattern(raw: str) -> ClozePattern | None:
    """A pattern string as the plugin's settings hold it; None if it is not a valid pattern."""
    num = _NUM_GROUP_RE.search(raw)
    hint = _HINT_GROUP_RE.search(raw)
    answer_at = raw.find(_ANSWER)
    if num is None or hint is None or answer_at < 0:
        return None
    num_inner = _inner(num.group(0))
    hint_inner = _inner(hint.group(0))
    num_rx = re.sub(r"\d+", lambda _m: r"(\d+)", num_inner)
    seq_rx = re.sub(r"\d+", lambda _m: r"([ash]+)", num_inner)
    after_hint = hint_inner[hint_inner.find(_HINT) + len(_HINT) :]
    if hint_inner.find(_HINT) == 0 or not after_hint:
        hint_rx = hint_inner.replace(_HINT, "(.+?)", 1)
    else:
        hint_rx = hint_inner.replace(_HINT, f"((?:(?!{after_hint}).)+?)", 1)
    hint_rx = "(?:" + hint_rx + ")?"

    first, second = (num, hint) if num.start() < hint.start() else (hint, num)

    def build(num_part: str) -> str:
        parts = {id(num): num_part, id(hint): hint_rx}
        text = (
            _escape(raw[: first.start()])
            + parts[id(first)]
            + _escape(raw[first.end() : second.start()])
            + parts[id(second)]
            + _escape(raw[second.end() :])
        )
        return text.replace(_ANSWER, "(.+?)", 1)

    order = sorted(
        (("answer", answer_at), ("hint", hint.start()), ("seq", num.start())), key=lambda p: p[1]
    )
    with_seq = {name: i + 1 for i, (name, _) in enumerate(order)}
    without_seq = {name: i + 1 for i, (name, _) in enumerate(p for p in order if p[0] != "seq")}
    try:
        kinds = (
            (
                CLASSIC,
                _Kind(
                    re.compile(build(num_rx)), with_seq["answer"], with_seq["hint"], with_seq["seq"]
                ),
            ),
            (
                OVERLAPPING,
                _Kind(
                    re.compile(build(seq_rx)), with_seq["answer"], with_seq["hint"], with_seq["seq"]
                ),
            ),
            (SIMPLE, _Kind(re.compile(build("")), without_seq["answer"], without_seq["hint"], 0)),
        )
    except re.error:
        return None
    cut = min(num.start(), hint.start(), answer_at)
    probe = raw[:cut].replace("\\[", "[").replace("\\]", "]")
    seq_probe = re.sub(r"\d+", "", num.group(0)[1:-1]).replace("\\[", "[").replace("\\]", "]")
    return ClozePattern(raw=raw, probe=probe, kinds=kinds, seq_probe=seq_probe)


class ClozeSet:
    """The cloze patterns of one settings object."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        compiled = [compile_pattern(p) for p in patterns]
        self.patterns: tuple[ClozePattern, ...] = tuple(p for p in compiled if p is not None)
        probes = {p.probe for p in self.patterns}
        # Without a literal probe for every pattern, every line has to be searched.
        self.probes: tuple[str, ...] = tuple(probes) if "" not in probes else ()
        self.always_search = "" in probes

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def kind_of(self, text: str) -> str | None:
        best: str | None = None
        for pattern in self.patterns:
            kinds = pattern.kinds
            if pattern.seq_probe and pattern.seq_probe not in text:
                kinds = kinds[2:]  # only the simple kind can match
            for name, kind in kinds:
                if kind.regex.search(text) is not None:
                    if best is None or _PRIORITY.index(name) < _PRIORITY.index(best):
                        best = name
                    break
        return best

    def line_has_cloze(self, line: str) -> bool:
        if not self.always_search:
            for probe in self.probes:
                if probe in line:
                    break
            else:
                return False
        for pattern in self.patterns:
            # The simple kind first: it also finds almost every numbered deletion.
            for _name, kind in reversed(pattern.kinds):
                if kind.regex.search(line) is not None:
                    return True
        return False

    def deletions(self, text: str) -> tuple[str | None, list[Deletion]]:
        kind_name = self.kind_of(text)
        if kind_name is None:
            return None, []
        found: list[Deletion] = []
        seen_answers: set[int] = set()
        count = 0
        for pattern in self.patterns:
            kind = pattern.kind(kind_name)
            for m in kind.regex.finditer(text):
                answer = m.group(kind.answer)
                raw = m.group(0)
                answer_at = m.start() + raw.find(answer)
                # A second pattern matching the same answer is the same deletion.
                if answer_at in seen_answers:
                    break
                seen_answers.add(answer_at)
                hint = m.group(kind.hint) if kind.hint else None
                if kind_name == SIMPLE:
                    count += 1
                    seq: int | str = count
                elif kind_name == CLASSIC:
                    seq = int(m.group(kind.seq))
                else:
                    seq = m.group(kind.seq)
                found.append(Deletion(m.start(), m.end(), raw, answer, hint, seq))
        return kind_name, found

    def expand(self, text: str) -> list[tuple[str, str]]:
        """(front, back) of each sibling card, in the plugin's sibling order, stripped."""
        if len(self.patterns) == 1:
            pattern = self.patterns[0]
            if not pattern.seq_probe or pattern.seq_probe not in text:
                return _expand_simple(text, pattern.kinds[2][1])
        kind_name, found = self.deletions(text)
        return [(f.strip(), b.strip()) for f, b in self._expand(kind_name, found, text)]

    def _expand(
        self, kind_name: str | None, found: list[Deletion], text: str
    ) -> list[tuple[str, str]]:
        if not found:
            return []
        if kind_name == OVERLAPPING:
            n_cards = max(len(str(d.seq)) for d in found)
        else:
            n_cards = max(int(d.seq) for d in found)
        cards: list[tuple[str, str]] = []
        for index in range(n_cards):
            front = back = text
            for d in found:
                action = _action(kind_name, d, index)
                if action == "a":
                    asked = f"[{d.hint}]" if d.hint else "[...]"
                    front = front.replace(d.raw, asked, 1)
                    back = back.replace(d.raw, d.answer, 1)
                elif action == "h":
                    hidden = f"[{d.hint}]" if d.hint else "[...]"
                    front = front.replace(d.raw, hidden, 1)
                    back = back.replace(d.raw, hidden, 1)
                else:
                    front = front.replace(d.raw, d.answer, 1)
                    back = back.replace(d.raw, d.answer, 1)
            cards.append((front, back))
        return cards


def _expand_simple(text: str, kind: _Kind) -> list[tuple[str, str]]:
    """One pattern, simple deletions only: one card per deletion, in text order.

    Fronts and backs come back stripped."""
    parts = kind.regex.split(text)
    if len(parts) == 1:
        return []
    step = kind.regex.groups + 1
    # seq alternates text between deletions and the deletions' answers.
    seq = parts[::step]
    answers = parts[kind.answer :: step]
    hints = parts[kind.hint :: step] if kind.hint else [None] * len(answers)
    for k in range(len(answers) - 1, -1, -1):
        seq.insert(k + 1, answers[k])
    back = "".join(seq).strip()
    cards: list[tuple[str, str]] = []
    for k, hint in enumerate(hints):
        shown = seq.copy()
        shown[2 * k + 1] = f"[{hint}]" if hint else "[...]"
        cards.append(("".join(shown).strip(), back))
    return cards


def _action(kind_name: str | None, d: Deletion, index: int) -> str:
    if kind_name == OVERLAPPING:
        letters = str(d.seq)
        return letters[index] if index < len(letters) else "s"
    return "a" if d.seq == index + 1 else "s"
