"""Output for `srs-dl drills`: plain text (the default: the questions, then the
answers with the formula and the worked lines), JSON lines (`--json`, the
drills contract, extended in docs/drills.md) or a Markdown worksheet with an
answer key and worked steps (`--markdown`). Pure string functions: the same
count, seed and mode always give the same bytes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from srs_dl.core.drills.answers import CheckResult
from srs_dl.core.drills.catalog import drill_series
from srs_dl.core.drills.drill import FORMULA, Drill, StepsTable
from srs_dl.core.drills.formatting import answer_text


def check_json(result: CheckResult) -> dict[str, Any]:
    """A checked answer: right or not (null: not an answer), the message, and the
    common mistake it matches (its name and what it is), if any."""
    return {
        "ok": result.ok,
        "message": result.message,
        "mistake": result.mistake,
        "mistake_description": result.diagnosis,
    }


def drill_json(drill: Drill, checked: CheckResult | None = None) -> str:
    """One line; floats in their shortest exact form, so answers are the exact float64."""
    data = drill.to_json()
    if checked is not None:
        data["check"] = check_json(checked)
    return json.dumps(data, ensure_ascii=False, allow_nan=False)


def drills_jsonl(
    count: int, seed: int, kinds: Sequence[str] | None = None, mode: str = FORMULA
) -> str:
    """`count` lines covering `kinds` (all when None) in turn; the same count
    and seed always give the same bytes."""
    return "".join(drill_json(d) + "\n" for d in drill_series(count, seed, kinds, mode))


def solution_text(drill: Drill) -> list[str]:
    """The formula, then one line per step with the numbers in."""
    return [f"Formula: {drill.formula}", *drill.worked]


def drills_text(drills: Sequence[Drill], title: str) -> str:
    """Plain text to read in a terminal: the questions, then the answers."""
    rule = "-" * 72
    parts = [title, ""]
    for i, d in enumerate(drills, 1):
        parts += [f"{i}. {d.topic} ({d.kind})", rule, d.prompt, ""]
    parts += ["Answers", "=======", ""]
    for i, d in enumerate(drills, 1):
        parts += [f"{i}. {answer_text(d.answer)}"]
        parts += [f"   {line}" for line in solution_text(d)]
        parts.append("")
    return "\n".join(parts)


def _cell(x: str | int) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


def steps_markdown(steps: StepsTable) -> str:
    lines = [
        "| " + " | ".join(_cell(c) for c in steps.columns) + " |",
        "|" + "---|" * len(steps.columns),
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in steps.rows]
    return "\n".join(lines)


def _prompt_markdown(prompt: str) -> str:
    # Each line of a prompt is a statement of its own: keep the breaks in Markdown.
    return "  \n".join(prompt.splitlines())


def title(count: int, seed: int) -> str:
    return f"Drills: {count} question{'' if count == 1 else 's'}, seed {seed}"


def drills_markdown(
    count: int, seed: int, kinds: Sequence[str] | None = None, mode: str = FORMULA
) -> str:
    drills = drill_series(count, seed, kinds, mode)
    return worksheet(drills, title(count, seed))


def worksheet(drills: Sequence[Drill], title: str) -> str:
    parts = [
        f"# {title}",
        "Work each one out by hand or with a calculator, keeping at least 4 significant "
        "figures in every intermediate result. The answer key with the worked steps follows "
        "the questions.",
    ]
    for i, d in enumerate(drills, 1):
        parts += [f"## {i}. {d.topic} (`{d.kind}`)", _prompt_markdown(d.prompt)]
    parts.append("# Answer key")
    for i, d in enumerate(drills, 1):
        parts += [
            f"## {i}. {d.topic} (`{d.kind}`)",
            f"**Answer:** `{answer_text(d.answer)}`",
            f"**Formula:** {d.formula}",
            "\n".join(f"    {line}" for line in d.worked),
            steps_markdown(d.steps),
        ]
    return "\n\n".join(parts) + "\n"
