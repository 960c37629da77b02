"""Output for `srs-dl drills`: JSON lines (`--json`, the drills contract) or a
Markdown worksheet with an answer key and worked steps (`--markdown`).
Pure string functions: the same count and seed always give the same bytes."""

from __future__ import annotations

import json
from collections.abc import Sequence

from srs_dl.core.drills.catalog import drill_series
from srs_dl.core.drills.drill import Drill, StepsTable
from srs_dl.core.drills.formatting import answer_text


def drill_json(drill: Drill) -> str:
    """One line; floats in their shortest exact form, so answers are the exact float64."""
    return json.dumps(drill.to_json(), ensure_ascii=False, allow_nan=False)


def drills_jsonl(count: int, seed: int, kinds: Sequence[str] | None = None) -> str:
    """`count` lines covering `kinds` (all when None) in turn; the same count
    and seed always give the same bytes."""
    return "".join(drill_json(d) + "\n" for d in drill_series(count, seed, kinds))


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


def drills_markdown(count: int, seed: int, kinds: Sequence[str] | None = None) -> str:
    drills = drill_series(count, seed, kinds)
    return worksheet(drills, f"Drills: {count} questions, seed {seed}")


def worksheet(drills: Sequence[Drill], title: str) -> str:
    parts = [
        f"# {title}",
        "Work each one out by hand or with a calculator, keeping every digit "
        "of the intermediate results. The answer key with the worked steps follows the questions.",
    ]
    for i, d in enumerate(drills, 1):
        parts += [f"## {i}. {d.topic} (`{d.kind}`)", _prompt_markdown(d.prompt)]
    parts.append("# Answer key")
    for i, d in enumerate(drills, 1):
        parts += [
            f"## {i}. {d.topic} (`{d.kind}`)",
            f"**Answer:** `{answer_text(d.answer)}`",
            steps_markdown(d.steps),
        ]
    return "\n\n".join(parts) + "\n"
