"""The bundled deck (decks/): the cards it is meant to give, and the numbers on them.

decks/ is two vaults (decks/README.md says why): the topic notes with the
plugin's `?` separator, and decks/your-notes-style/ with `-?-`, each with its
own plugin settings file, read here exactly as an import reads it.

Formula cards end with a line `Example (`kernel`): name = value, ... → out = value`;
every such line is recomputed with the app's own kernel and the printed result
must be the kernel's result correctly rounded to the digits shown.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

DECKS = Path(__file__).resolve().parent.parent / "decks"
SUB_VAULT = "your-notes-style"
VAULTS = {"main": DECKS, "sub": DECKS / SUB_VAULT}
SETTINGS_FILE = Path(".obsidian/plugins/obsidian-spaced-repetition/data.json")

TECHNIQUE_HEADINGS = (
    "Mini-batch gradient descent",
    "Exponentially weighted averages",
    "Bias correction",
    "Momentum",
    "RMSprop",
    "Adam",
    "Learning-rate decay",
    "Hyperparameter search",
    "Batch normalisation",
    "SGD with weight decay",
)

#: The cards each note is meant to give, by kind (siblings counted: a reversed
#: card is 2, a cloze one per deletion or group), and the deck they go to.
INTENDED: dict[str, tuple[str, dict[str, int]]] = {
    "Optimising a deep net.md": ("flashcards/dl/optim", {"multiline": 2, "inline": 1}),
    "Mini-batch gradient descent.md": (
        "flashcards/dl/optim/minibatch",
        {"multiline": 7, "inline": 6, "cloze": 4, "inline_reversed": 4},
    ),
    "Exponentially weighted averages.md": (
        "flashcards/dl/optim/ewa",
        {"multiline": 4, "inline": 5, "cloze": 2, "inline_reversed": 2, "multiline_reversed": 2},
    ),
    "Momentum.md": (
        "flashcards/dl/optim/momentum",
        {"multiline": 3, "inline": 4, "cloze": 2, "multiline_reversed": 2},
    ),
    "RMSprop.md": (
        "flashcards/dl/optim/rmsprop",
        {"multiline": 4, "inline": 2, "cloze": 3, "inline_reversed": 2},
    ),
    "Adam.md": (
        "flashcards/dl/optim/adam",
        {"multiline": 3, "inline": 4, "cloze": 3, "inline_reversed": 2, "multiline_reversed": 4},
    ),
    "Learning-rate decay.md": (
        "flashcards/dl/optim/lr-decay",
        {"multiline": 4, "inline": 6, "cloze": 3, "multiline_reversed": 2},
    ),
    "Hyperparameter search.md": (
        "flashcards/dl/optim/hyperparameters",
        {"multiline": 5, "inline": 2, "cloze": 3, "multiline_reversed": 4},
    ),
    "Batch normalisation.md": (
        "flashcards/dl/optim/batchnorm",
        {"multiline": 6, "inline": 11, "cloze": 4, "multiline_reversed": 2},
    ),
    "SGD with weight decay.md": (
        "flashcards/dl/optim/weight-decay",
        {"multiline": 3, "inline": 4, "cloze": 2, "multiline_reversed": 2},
    ),
    f"{SUB_VAULT}/Stochastic gradient descent in PyTorch.md": (
        "flashcards/dl/optim/weight-decay",
        {"multiline": 4},
    ),
}

#: Notes in decks/ that are not flashcard notes.
NOT_CARD_NOTES = ("README.md",)

#: The plugin's own names for the settings the deck sets (SRSettings, v1.15).
PLUGIN_KEYS = {
    "flashcardTags",
    "convertFoldersToDecks",
    "cardCommentOnSameLine",
    "singleLineCardSeparator",
    "singleLineReversedCardSeparator",
    "multilineCardSeparator",
    "multilineReversedCardSeparator",
    "multilineCardEndMarker",
    "convertHighlightsToClozes",
    "convertBoldTextToClozes",
    "convertCurlyBracketsToClozes",
    "clozePatterns",
    "tagsToReview",
    "noteFoldersToIgnore",
}

FIELD_LINE = re.compile(r"^[a-z][a-z0-9_-]*:: ")


# ---------------------------------------------------------------- the notes


def _vault_of(rel: str) -> str:
    return "sub" if rel.startswith(f"{SUB_VAULT}/") else "main"


def _note_paths() -> list[str]:
    return sorted(
        p.relative_to(DECKS).as_posix()
        for p in DECKS.rglob("*.md")
        if not any(part.startswith(".") for part in p.relative_to(DECKS).parts)
    )


def _read(rel: str) -> str:
    return (DECKS / rel).read_text(encoding="utf-8")


def test_every_note_is_accounted_for() -> None:
    assert sorted([*INTENDED, *NOT_CARD_NOTES]) == _note_paths()


def test_every_technique_heading_is_present() -> None:
    headings: Counter[str] = Counter()
    for rel in INTENDED:
        if _vault_of(rel) == "main":
            for line in _read(rel).splitlines():
                if line.startswith("## "):
                    headings[line[3:].strip()] += 1
    missing = [h for h in TECHNIQUE_HEADINGS if headings[h] == 0]
    assert not missing, f"technique headings missing from decks/: {missing}"


def test_plugin_settings_files_use_the_plugins_format() -> None:
    for name, root in VAULTS.items():
        raw = json.loads((root / SETTINGS_FILE).read_text(encoding="utf-8"))
        assert set(raw) == {"settings"}, name
        settings = raw["settings"]
        unknown = set(settings) - PLUGIN_KEYS - {"dataview_fields"}
        assert not unknown, f"{name}: not plugin keys: {unknown}"
        assert settings["dataview_fields"] is True
    main = json.loads((DECKS / SETTINGS_FILE).read_text(encoding="utf-8"))["settings"]
    sub = json.loads((VAULTS["sub"] / SETTINGS_FILE).read_text(encoding="utf-8"))["settings"]
    assert main["multilineCardSeparator"] == "?"
    assert sub["multilineCardSeparator"] == "-?-"
    # The main vault must not read the -?- note with its own `?` settings.
    assert f"{SUB_VAULT}/" in main["noteFoldersToIgnore"]


# ------------------------------------------------------ the worked examples


@dataclass(frozen=True)
class Example:
    where: str
    line: int
    text: str
    kernel: str
    args: dict[str, Any]
    #: Output name -> the printed value as written (its digits set the precision).
    outputs: dict[str, str]


EXAMPLE_RE = re.compile(r"Example \(`(?P<kernel>\w+)`\): (?P<args>.+?) → (?P<outs>.+?)\s*$")
NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")

KERNELS: dict[str, tuple[str, str]] = {
    "ema": ("srs_dl.core.compute.ema", "ema"),
    "sgd": ("srs_dl.core.compute.optimizers", "sgd"),
    "sgd_weight_decay": ("srs_dl.core.compute.optimizers", "sgd_weight_decay"),
    "momentum": ("srs_dl.core.compute.optimizers", "momentum"),
    "rmsprop": ("srs_dl.core.compute.optimizers", "rmsprop"),
    "adam": ("srs_dl.core.compute.optimizers", "adam"),
    "inverse_time": ("srs_dl.core.compute.decay", "inverse_time"),
    "exponential": ("srs_dl.core.compute.decay", "exponential"),
    "inverse_sqrt": ("srs_dl.core.compute.decay", "inverse_sqrt"),
    "staircase": ("srs_dl.core.compute.decay", "staircase"),
    "log_scale": ("srs_dl.core.compute.sampling", "log_scale"),
    "one_minus_log_scale": ("srs_dl.core.compute.sampling", "one_minus_log_scale"),
    "batchnorm_train": ("srs_dl.core.compute.batchnorm", "batchnorm_train"),
    "batchnorm_inference": ("srs_dl.core.compute.batchnorm", "batchnorm_inference"),
    "num_updates": ("srs_dl.core.compute.minibatch", "num_updates"),
}
OPTIMIZERS = {"sgd", "sgd_weight_decay", "momentum", "rmsprop", "adam"}


def _split_top_level(text: str) -> list[str]:
    """Split at the commas that are not inside brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "[") - (ch == "]")
        if ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def _pairs(text: str, where: str) -> dict[str, str]:
    out = {}
    for part in _split_top_level(text):
        m = re.fullmatch(r"(\w+) = (.+)", part)
        assert m, f"{where}: cannot read {part!r} as `name = value`"
        out[m.group(1)] = m.group(2)
    return out


def _literal(text: str) -> Any:
    # Only literals: a card's text is data, never code.
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        if re.fullmatch(r"[A-Za-z_]\w*", text):
            return text
        raise


def _collect_examples() -> list[Example]:
    found = []
    for rel in INTENDED:
        for no, line in enumerate(_read(rel).splitlines(), start=1):
            if "Example (`" not in line:
                continue
            where = f"{rel}:{no}"
            m = EXAMPLE_RE.search(line)
            assert m, f"{where}: malformed worked example"
            args = {k: _literal(v) for k, v in _pairs(m.group("args"), where).items()}
            found.append(
                Example(
                    where, no, m.group(0), m.group("kernel"), args, _pairs(m.group("outs"), where)
                )
            )
    return found


EXAMPLES = _collect_examples()


def _call(ex: Example) -> Any:
    module, name = KERNELS[ex.kernel]
    fn = getattr(importlib.import_module(module), name)
    args = dict(ex.args)
    if ex.kernel in OPTIMIZERS and not isinstance(args["w0"], list):
        # One weight written as a number; its gradients as one number per step.
        args["w0"] = [args["w0"]]
        args["grads"] = [[g] for g in args["grads"]]
    return fn(**args)


def _outputs(kernel: str, result: Any) -> dict[str, Any]:
    if kernel == "ema":
        return {"V": result.v[-1], "V_corrected": result.v_corrected[-1]}
    if kernel in OPTIMIZERS:
        return {"w": result.final}
    if kernel.startswith("batchnorm"):
        return {"z_tilde": result.out}
    return {"*": result}


def _tolerance(number: str) -> float:
    """Half a unit in the last digit printed: the printed value must be the correctly rounded one."""
    mantissa, _, exponent = number.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (-decimals + (int(exponent) if exponent else 0))


def test_the_deck_has_worked_examples_for_every_kernel() -> None:
    assert len(EXAMPLES) >= 20
    assert {ex.kernel for ex in EXAMPLES} == set(KERNELS)


@pytest.mark.parametrize("ex", EXAMPLES, ids=[ex.where for ex in EXAMPLES])
def test_worked_example_agrees_with_its_kernel(ex: Example) -> None:
    assert ex.kernel in KERNELS, f"{ex.where}: no kernel named {ex.kernel}"
    available = _outputs(ex.kernel, _call(ex))
    for name, printed in ex.outputs.items():
        if "*" in available:
            assert len(ex.outputs) == 1, f"{ex.where}: {ex.kernel} has a single result"
            computed = available["*"]
        else:
            assert name in available, f"{ex.where}: {ex.kernel} has no output {name!r}"
            computed = available[name]
        got = np.asarray(computed, dtype=np.float64).ravel()
        digits = NUMBER_RE.findall(printed)
        assert len(digits) == got.size, f"{ex.where}: {name} printed {printed}, kernel gives {got}"
        for text, value in zip(digits, got, strict=True):
            if ex.kernel == "num_updates":
                assert value == int(text), f"{ex.where}: {name} = {text}, kernel gives {value}"
            else:
                assert abs(value - float(text)) <= _tolerance(text) * (1 + 1e-9), (
                    f"{ex.where}: {name} = {text}, kernel gives {value!r}"
                )


def test_the_tolerance_rejects_a_wrongly_rounded_number() -> None:
    # 0.119747... is printed 0.1197; 0.1198 or 0.12 with a wrong digit must not pass.
    assert abs(0.11974738784767575 - 0.1197) <= _tolerance("0.1197")
    assert abs(0.11974738784767575 - 0.1198) > _tolerance("0.1198")
    assert _tolerance("1e-4") == pytest.approx(0.5e-4)


# ---------------------------------------------- the cards, through the parser


def _settings(vault: str, **overrides: Any) -> Any:
    """The vault's settings as an import reads them (from_plugin_data, plus srs-dl's
    own dataview_fields key), with `overrides` on top."""
    from srs_dl.core.notes.settings import resolve
    from srs_dl.services.importing.importer import plugin_layer

    warnings: list[str] = []
    layer = plugin_layer(str(VAULTS[vault]), warnings)
    assert warnings == []
    return resolve(overrides, layer)


def _parse(rel: str, vault: str | None = None, **overrides: Any) -> Any:
    from srs_dl.core.notes.grammar import parse_note

    return parse_note(_read(rel), _settings(vault or _vault_of(rel), **overrides))


def _kinds(note: Any) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for q in note.questions:
        counts[q.kind] += len(q.cards)
    return dict(counts)


def _cards(note: Any) -> list[tuple[Any, Any]]:
    return [(q, c) for q in note.questions for c in q.cards]


def test_vault_settings_are_read_from_the_plugin_files() -> None:
    main, sub = _settings("main"), _settings("sub")
    assert (main.multiline_sep, main.multiline_reversed_sep) == ("?", "??")
    assert sub.multiline_sep == "-?-"
    assert main.dataview_fields and sub.dataview_fields
    assert f"{SUB_VAULT}/" in main.ignore_folders
    assert main.flashcard_tags == ("#flashcards",)


@pytest.mark.parametrize("rel", list(INTENDED))
def test_note_gives_the_intended_cards_without_warnings(rel: str) -> None:
    note = _parse(rel)
    assert note.warnings == (), [f"{rel}:{w.line}: {w.message}" for w in note.warnings]
    deck, kinds = INTENDED[rel]
    assert note.is_flashcard_note
    assert _kinds(note) == kinds
    assert {q.deck for q in note.questions} == {deck}
    assert note.dataview_like_cards == 0


def test_the_deck_size_and_every_syntax() -> None:
    total: Counter[str] = Counter()
    for rel in INTENDED:
        total.update(_kinds(_parse(rel)))
    assert 80 <= sum(total.values()) <= 150
    assert set(total) == {"inline", "inline_reversed", "multiline", "multiline_reversed", "cloze"}
    # `-?-` cards exist, in their own vault.
    assert (
        _kinds(_parse(f"{SUB_VAULT}/Stochastic gradient descent in PyTorch.md"))["multiline"] == 4
    )


@pytest.mark.parametrize("rel", NOT_CARD_NOTES)
def test_readme_gives_no_cards(rel: str) -> None:
    note = _parse(rel)
    assert not note.is_flashcard_note
    assert note.questions == ()


def test_the_dash_question_note_gives_no_cards_with_the_main_settings() -> None:
    # Why decks/ ignores the sub-vault: with `?` its `-?-` lines are plain text.
    note = _parse(f"{SUB_VAULT}/Stochastic gradient descent in PyTorch.md", vault="main")
    assert _kinds(note) == {}


@pytest.mark.parametrize("rel", list(INTENDED))
def test_dataview_fields_become_cards_only_without_the_setting(rel: str) -> None:
    """The plugin reads `up:: [[...]]` as a card; with dataview_fields off, srs-dl must too."""
    fields = sum(1 for line in _read(rel).splitlines() if FIELD_LINE.match(line))
    assert fields >= 1
    plain = _parse(rel, dataview_fields=False)
    assert sum(_kinds(plain).values()) == sum(INTENDED[rel][1].values()) + fields
    assert plain.dataview_like_cards == fields


def test_every_worked_example_is_on_a_card() -> None:
    for ex in EXAMPLES:
        rel = ex.where.rsplit(":", 1)[0]
        note = _parse(rel)
        backs = [c.back for q, c in _cards(note) if q.first_line <= ex.line <= q.last_line]
        assert any(ex.text in back for back in backs), f"{ex.where}: example not on a card's back"


CORRECTIONS = {
    "RMSprop: eps inside the denominator": ("RMSprop.md", "sqrt(S_dW) + eps"),
    "RMSprop: squared gradients, not weights": ("RMSprop.md", "squared weights"),
    "torch momentum is beta, not dampening": ("Momentum.md", "dampening"),
    "weight_decay is an L2 penalty of λ/2": ("SGD with weight decay.md", "λ/2 * sum(w²)"),
    "internal covariate shift": ("Batch normalisation.md", "covariant"),
}


@pytest.mark.parametrize("slip", list(CORRECTIONS))
def test_each_slip_is_corrected_on_a_card(slip: str) -> None:
    rel, phrase = CORRECTIONS[slip]
    backs = [c.back for _, c in _cards(_parse(rel)) if "Correction:" in c.back]
    assert any(phrase in back for back in backs), slip


def _one(rel: str, front_start: str) -> Any:
    """The question whose first card's front is front_start, or else starts with it."""
    questions = [q for q in _parse(rel).questions if q.cards]
    matches = [q for q in questions if q.cards[0].front == front_start] or [
        q for q in questions if q.cards[0].front.startswith(front_start)
    ]
    assert len(matches) == 1, f"{rel}: {len(matches)} questions start with {front_start!r}"
    return matches[0]


SCHEDULED = [
    ("Exponentially weighted averages.md", "What is bias correction", [("2025-11-03", 21, 270)]),
    ("Momentum.md", "Why does momentum allow", [("2026-01-15", 45, 290)]),
    ("Adam.md", "Adam", [("2025-10-28", 12, 250), ("2025-11-09", 25, 270)]),
    ("Adam.md", "Adam's defaults", [("2025-10-30", 9, 250), None, ("2025-11-12", 30, 290)]),
    ("Learning-rate decay.md", "What is staircase", [("2025-12-01", 18, 250)]),
    ("Hyperparameter search.md", "How do you sample beta", [("2025-11-20", 16, 250)]),
    (
        f"{SUB_VAULT}/Stochastic gradient descent in PyTorch.md",
        "Stochastic gradient descent in PyTorch",
        [("2025-03-02", 8, 250)],
    ),
]


@pytest.mark.parametrize(("rel", "front", "schedules"), SCHEDULED, ids=[s[1] for s in SCHEDULED])
def test_scheduling_comments_are_read(rel: str, front: str, schedules: list[Any]) -> None:
    q = _one(rel, front)
    assert q.comment is not None and not q.comment.adopted
    got = [
        None
        if c.schedule is None
        else (c.schedule.due.isoformat(), c.schedule.interval, c.schedule.ease)
        for c in q.cards
    ]
    assert got == schedules


def test_only_the_intended_cards_carry_schedules() -> None:
    scheduled = sum(1 for rel in INTENDED for q in _parse(rel).questions if q.comment is not None)
    assert scheduled == len(SCHEDULED)


def test_cloze_group_hides_its_deletions_together() -> None:
    q = _one("Adam.md", "Adam's defaults")
    assert q.kind == "cloze" and len(q.cards) == 3
    first, second, third = (c.front for c in q.cards)
    assert first.count("[...]") == 2 and "1e-8" in first
    assert second.count("[...]") == 1 and "0.9" in second and "0.999" in second
    assert "has to be tuned" not in third and "0.9" in third
    back = q.cards[0].back
    assert all(c.back == back for c in q.cards)
    assert "==" not in back and ";;" not in back


def test_the_never_reviewed_marker_is_a_new_card() -> None:
    q = _one("Adam.md", "Adam's defaults")
    assert q.comment is not None
    assert q.comment.groups[1].due == dt.date(2000, 1, 1)
    assert q.cards[1].schedule is None


# ------------------------------------------------------- the first-run import


def test_first_run_imports_both_vaults_without_warnings(tmp_path: Path) -> None:
    import hashlib

    from srs_dl.config import Config
    from srs_dl.services.importing.importer import ensure_bundled
    from srs_dl.store.db import connect

    def digest() -> dict[str, str]:
        return {rel: hashlib.sha1((DECKS / rel).read_bytes()).hexdigest() for rel in INTENDED}

    before = digest()
    conn = connect(tmp_path / "deck.db")
    summary = ensure_bundled(conn, Config(), dt.date(2025, 11, 1))
    assert summary is not None
    assert summary.warnings == [] and summary.dataview_like_cards == 0
    # The -?- note is imported too, as a vault of its own with its own settings
    # (decks/ itself ignores that folder: decks/README.md).
    (sub_cards,) = conn.execute(
        "SELECT count(*) FROM cards JOIN notes ON notes.id = cards.note_id WHERE notes.path LIKE ?",
        (f"%/{SUB_VAULT}/%",),
    ).fetchone()
    assert sub_cards == 4, f"the first run must import decks/{SUB_VAULT}/ as a vault too"
    by_kind = dict(
        conn.execute(
            "SELECT kind, count(*) FROM cards WHERE note_id IS NOT NULL GROUP BY kind"
        ).fetchall()
    )
    want: Counter[str] = Counter()
    for _, kinds in INTENDED.values():
        want.update(kinds)
    assert by_kind == dict(want)
    # Never written back: the bundled notes are read, not changed.
    assert digest() == before
    assert conn.execute("SELECT count(*) FROM folders WHERE writeback = 1").fetchone() == (0,)
