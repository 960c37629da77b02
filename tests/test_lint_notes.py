"""`srs-dl lint` on notes: the user's note, the bundled deck, the real-world
corpus, right formulas and seeded mistakes (mutants), the CLI's output and exit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from srs_dl.cli import main
from srs_dl.core.drills.headings import kinds_for_heading
from srs_dl.core.lint import Finding, Linter

PROJECT = Path(__file__).resolve().parents[1]
LINTER = Linter(kinds_for_heading)


def _errors(text: str) -> list[Finding]:
    return [f for f in LINTER.lint_text(text) if f.severity == "error"]


def _line_of(text: str, fragment: str) -> int:
    (n,) = [i + 1 for i, line in enumerate(text.splitlines()) if fragment in line]
    return n


# --- the user's note ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_path(shared_dir: Path) -> Path:
    (path,) = sorted((shared_dir / "corpus" / "seed").glob("*.md"))
    return path


def test_user_note_has_exactly_the_two_errors(seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    rmsprop, weight_decay = _errors(text)
    assert rmsprop.line == _line_of(text, "W := W - alpha * dW / sqrt( S_dW ) + epsilon")
    assert rmsprop.technique == "RMSprop"
    assert rmsprop.message.startswith(
        "RMSprop update: epsilon is added after the division; PyTorch and the course add it"
        " to sqrt(S_dW) in the denominator (with W = 0, dW = 0, S_dW = 0 yours gives NaN,"
        " theirs 0)"
    )
    assert rmsprop.suggestion == "W := W - alpha * dW / (sqrt(S_dW) + epsilon)"
    assert weight_decay.line == _line_of(text, "+ lambda_l2 * l2_norm")
    assert weight_decay.technique == "SGD weight decay"
    assert "(λ / 2) * sum(w^2)" in weight_decay.message
    assert "yours gives 0.9998, weight_decay = 0.01 gives 0.9999" in weight_decay.message
    assert weight_decay.suggestion == "loss = criterion(outputs, targets) + lambda_l2 / 2 * l2_norm"


def test_user_note_infos_are_conventions_not_errors(seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    infos = [f for f in LINTER.lint_text(text) if f.severity == "info"]
    assert [f.line for f in infos] == [_line_of(text, "V_dW = beta * V_dW + (1-beta) * dW")]
    assert "course's convention" in infos[0].message


def test_user_note_is_not_written(seed_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = seed_path.read_bytes()
    assert main(["lint", str(seed_path)]) == 1
    assert seed_path.read_bytes() == before


def test_bundled_deck_has_no_error() -> None:
    for path in sorted((PROJECT / "decks").rglob("*.md")):
        assert _errors(path.read_text(encoding="utf-8")) == [], path.name


def test_realworld_corpus_has_no_error(shared_dir: Path) -> None:
    paths = sorted((shared_dir / "corpus" / "realworld").glob("*.md"))
    assert len(paths) >= 75
    for path in paths:
        assert _errors(path.read_text(encoding="utf-8")) == [], path.name


# --- right formulas and mutants ----------------------------------------------------------------

RIGHT: dict[str, tuple[str, list[str]]] = {
    "ema": (
        "## Exponentially weighted averages",
        [
            "V_t = beta * V_{t-1} + (1 - beta) * theta_t",
            "- V_i = V_i-1 * beta  +  theta_i * (1 - beta)",
            "V_corrected = V_t / (1 - beta^t)",
        ],
    ),
    "momentum": (
        "## Gradient descent with momentum",
        [
            "V_dW = beta * V_dW + (1 - beta) * dW",
            "v = momentum * v + g",
            "W = W - alpha * V_dW     b = b - alpha * V_db",
        ],
    ),
    "rmsprop": (
        "## RMSprop",
        [
            "S_dW := beta * S_dW + (1-beta) * dW^2    (element wise)",
            "W := W - alpha * dW / (sqrt(S_dW) + epsilon)",
            "`W = W - lr * g / (np.sqrt(s) + eps)`",
        ],
    ),
    "adam": (
        "## Adam",
        [
            "V_dW = beta1 * V_dW + (1-beta1) * dW",
            "S_dW = beta2 * S_dW + (1-beta2) * dW^2",
            "Vcorrected_dW = V_dW / (1-beta1^t)",
            "Scorrected_dW = S_dW / (1-beta2^t)",
            "W := W - alpha * Vcorrected_dW / (sqrt(Scorrected_dW) + epsilon))",
            "W = W - alpha * (V_dW / (1 - beta1^t)) / (sqrt(S_dW / (1 - beta2^t)) + eps)",
            "m_hat = m / (1 - beta1**t)     v_hat = v / (1 - beta2**t)",
        ],
    ),
    "decay": (
        "## Learning rate decay",
        [
            "alpha = 1 / (1 + decayRate * epochNumber) * alpha0",
            "alpha = 0.95 ^ epochNumber * alpha0",
            "alpha = k / sqrt(epochNum) * alpha0",
            "alpha = alpha0 * drop^floor(epoch / epochs_per_drop)",
        ],
    ),
    "weight_decay": (
        "## SGD with weight decay\n\noptimizer = optim.SGD(model.parameters(), lr=0.1, weight_decay=0.01)",
        [
            "w = w - lr * (g + weight_decay * w)",
            "loss = criterion(outputs, targets) + weight_decay / 2 * sum(w^2)",
            "loss = loss + 0.005 * sum(w ** 2)",
        ],
    ),
}

# (technique, the seeded mistake, what kind of mistake)
MUTANTS: list[tuple[str, str, str]] = [
    ("ema", "V_t = (1 - beta) * V_{t-1} + beta * theta_t", "beta and 1-beta swapped"),
    ("ema", "V_t = beta * V_{t-1} + theta_t", "1-beta missing"),
    ("ema", "V_corrected = V_t / (1 - beta^(t-1))", "t from 0"),
    ("ema", "V_corrected = V_t", "missing bias correction"),
    ("ema", "V_corrected = V_t / (1 - beta)", "beta^t vs beta"),
    ("momentum", "V_dW = (1 - beta) * V_dW + beta * dW", "beta and 1-beta swapped"),
    ("momentum", "V_dW = beta * V_dW + (1 - beta) * dW^2", "squared vs not"),
    ("momentum", "W = W - alpha * dW", "gradient instead of V"),
    ("momentum", "W = W + alpha * V_dW", "sign"),
    ("rmsprop", "W := W - alpha * dW / sqrt( S_dW ) + epsilon", "eps placement"),
    ("rmsprop", "W = W - alpha * dW / sqrt(S_dW + eps)", "eps inside the root"),
    ("rmsprop", "W = W - alpha * dW / (S_dW + eps)", "no square root"),
    ("rmsprop", "S_dW = beta * S_dW + (1 - beta) * dW", "squared vs not"),
    ("rmsprop", "S_dW = (1 - beta) * S_dW + beta * dW^2", "beta and 1-beta swapped"),
    ("adam", "V_dW = (1 - beta1) * V_dW + beta1 * dW", "beta and 1-beta swapped"),
    ("adam", "S_dW = beta2 * S_dW + (1 - beta2) * dW", "squared vs not"),
    ("adam", "Vcorrected_dW = V_dW / (1 - beta1^(t-1))", "t from 0"),
    ("adam", "Scorrected_dW = S_dW", "missing bias correction"),
    ("adam", "Vcorrected_dW = V_dW / (1 - beta2^t)", "beta1 vs beta2"),
    ("adam", "W = W - alpha * V_dW / (sqrt(S_dW) + eps)", "missing bias correction"),
    ("adam", "W = W - alpha * Vcorrected_dW / sqrt(Scorrected_dW) + eps", "eps placement"),
    ("decay", "alpha = alpha0 / (1 + decay_rate * (epoch - 1))", "t from 1"),
    ("decay", "alpha = 0.95 ^ (epochNumber + 1) * alpha0", "t from 1"),
    ("decay", "alpha = k / epochNum * alpha0", "squared vs not (root)"),
    ("decay", "alpha = alpha0 * drop^(epoch / epochs_per_drop)", "no floor"),
    ("weight_decay", "w = w - lr * (g + 2 * weight_decay * w)", "lambda vs lambda/2"),
    ("weight_decay", "w = w - lr * g - weight_decay * w", "decay not scaled by lr"),
    (
        "weight_decay",
        "loss = criterion(outputs, targets) + weight_decay * sum(w^2)",
        "lambda vs lambda/2",
    ),
    ("weight_decay", "loss = loss + 0.01 * sum(w ** 2)", "lambda vs lambda/2"),
    ("weight_decay", "loss = loss + weight_decay / 2 * sum(w)", "squared vs not"),
]


def _note(technique: str, line: str) -> str:
    heading, _ = RIGHT[technique]
    if technique == "weight_decay":
        # The claim of equivalence: the optimizer's values in the same paragraph.
        heading, optimizer = heading.split("\n\n")
        return f"# Notes\n\n{heading}\n\nSome text.\n{optimizer}\n- {line}\n"
    return f"# Notes\n\n{heading}\n\nSome text.\n- {line}\n"


@pytest.mark.parametrize("technique", sorted(RIGHT))
def test_right_formulas_pass(technique: str) -> None:
    heading, lines = RIGHT[technique]
    text = heading + "\n" + "\n".join(lines) + "\n"
    assert _errors(text) == []
    # Every right formula is actually checked: each one alone, against its own
    # mutation (a changed number), is flagged.
    for line in lines:
        assert _errors(f"{heading}\n{line}\n") == [], line


def test_at_least_25_mutants_over_every_technique() -> None:
    assert len(MUTANTS) >= 25
    for technique in RIGHT:
        assert sum(1 for t, _, _ in MUTANTS if t == technique) >= 3, technique


@pytest.mark.parametrize(("technique", "mutant", "kind"), MUTANTS)
def test_every_mutant_is_caught(technique: str, mutant: str, kind: str) -> None:
    text = _note(technique, mutant)
    errors = _errors(text)
    assert len(errors) == 1, (kind, errors)
    (error,) = errors
    assert error.line == text.splitlines().index(f"- {mutant}") + 1
    assert error.suggestion
    # The suggestion, put in place of the mistake, passes.
    fixed = text.replace(f"- {mutant}", f"- {error.suggestion}")
    assert _errors(fixed) == [], error.suggestion


def test_mistakes_are_named() -> None:
    (e,) = _errors(_note("adam", "W = W - alpha * V_dW / (sqrt(S_dW) + eps)"))
    assert "without bias correction" in e.message
    (e,) = _errors(_note("ema", "V_t = (1 - beta) * V_{t-1} + beta * theta_t"))
    assert "swapped" in e.message
    (e,) = _errors(_note("rmsprop", "S_dW = beta * S_dW + (1 - beta) * dW"))
    assert "dW is not squared" in e.message
    (e,) = _errors(_note("decay", "alpha = 0.95 ^ (epochNumber + 1) * alpha0"))
    assert e.suggestion == "alpha = 0.95^epochNumber * alpha0"


def test_momentum_conventions_are_info() -> None:
    text = "## Momentum\nv = momentum * v + g\nV_dW = beta * V_dW + (1 - beta) * dW\n"
    findings = LINTER.lint_text(text)
    assert [f.severity for f in findings] == ["info", "info"]
    assert "PyTorch's convention" in findings[0].message
    assert "course's convention" in findings[1].message


def test_unknown_shapes_are_skipped() -> None:
    text = (
        "## Adam\n- W = W - alpha * foo(V_dW)\n- Z_tilde^[l] = gamma^[l] * Z\n"
        "- W = W - alpha * V_dW * unknown_name\n- alpha = 0.001\n"
    )
    assert LINTER.lint_text(text) == []


def test_a_technique_named_in_the_text_only() -> None:
    text = "## Notes\n\nIn Adam the update is\nW = W - lr * m / (sqrt(v) + eps)\n"
    (e,) = _errors(text)
    assert e.technique == "Adam" and "without bias correction" in e.message


def test_config_headings_name_techniques() -> None:
    linter = Linter(lambda h: ("rmsprop",) if "Hinton" in h else kinds_for_heading(h))
    text = "## Hinton's trick\nW = W - alpha * dW / sqrt(S_dW) + eps\n"
    assert [f.technique for f in linter.lint_text(text)] == ["RMSprop"]
    assert Linter(kinds_for_heading).lint_text(text) == []


# --- the command -------------------------------------------------------------------------


def test_cli_exit_codes_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.md"
    good.write_text("## RMSprop\nW = W - alpha * dW / (sqrt(S_dW) + eps)\n", encoding="utf-8")
    bad = tmp_path / "sub" / "bad.md"
    bad.parent.mkdir()
    bad.write_text("## RMSprop\n\nW = W - alpha * dW / sqrt(S_dW) + eps\n", encoding="utf-8")
    db = tmp_path / "x.db"
    assert main(["--db", str(db), "lint", str(good)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["--db", str(db), "lint", "--json", str(tmp_path)]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    obj = json.loads(line)
    assert set(obj) >= {"file", "line", "technique", "severity", "message", "suggestion"}
    assert obj["file"] == str(tmp_path / "sub" / "bad.md")
    assert (obj["line"], obj["technique"], obj["severity"]) == (3, "RMSprop", "error")
    assert obj["suggestion"] == "W = W - alpha * dW / (sqrt(S_dW) + eps)"
    assert main(["--db", str(db), "lint", str(bad)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{bad}:3: RMSprop update: eps is added after the division")
    assert out.count("\n") == 1


def test_cli_info_lines_and_bad_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note = tmp_path / "m.md"
    note.write_text("## Momentum\nV_dW = beta * V_dW + (1 - beta) * dW\n", encoding="utf-8")
    db = tmp_path / "x.db"
    assert main(["--db", str(db), "lint", str(note)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["--db", str(db), "lint", "--info", str(note)]) == 0
    assert capsys.readouterr().out.startswith(f"info: {note}:2: Momentum average:")
    assert main(["--db", str(db), "lint", str(tmp_path / "missing.md")]) == 1
    assert (
        capsys.readouterr().err.strip()
        == f"srs-dl: {tmp_path / 'missing.md'}: no such file or folder"
    )
    binary = tmp_path / "b.md"
    binary.write_bytes(b"\x00\x01")
    assert main(["--db", str(db), "lint", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert f"{binary}:1: binary file" in err
    # No PATH and no database: a one-line error.
    assert main(["--db", str(db), "lint"]) == 1
    assert "no database yet" in capsys.readouterr().err


def test_cli_lints_the_imported_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "n.md").write_text(
        "#flashcards\n\n## RMSprop\nW = W - alpha * dW / sqrt(S_dW) + eps\n\nq::a\n",
        encoding="utf-8",
    )
    db = tmp_path / "x.db"
    assert main(["--db", str(db), "import", str(vault)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "lint"]) == 1
    assert f"{vault / 'n.md'}:4: RMSprop update" in capsys.readouterr().out


def test_code_forms_cs231n() -> None:
    rmsprop = (
        "## RMSprop\n```python\ncache = decay_rate * cache + (1 - decay_rate) * dx**2\n"
        "x += - learning_rate * dx / (np.sqrt(cache) + eps)\n```\n"
    )
    assert LINTER.lint_text(rmsprop) == []
    assert _errors(rmsprop.replace("(np.sqrt(cache) + eps)", "np.sqrt(cache) + eps"))
    velocity = "## Momentum\nv = mu * v - learning_rate * dx\nx += v\n"
    (info,) = LINTER.lint_text(velocity)
    assert info.severity == "info" and "velocity convention" in info.message
    adam = (
        "## Adam\nm = beta1*m + (1-beta1)*dx\nv = beta2*v + (1-beta2)*(dx**2)\n"
        "x += - learning_rate * m / (np.sqrt(v) + eps)\n"
    )
    (e,) = _errors(adam)
    assert e.line == 4 and "without bias correction" in e.message
    assert e.suggestion == (
        "x = x - learning_rate * m / (1 - beta1^t) / (sqrt(v / (1 - beta2^t)) + eps)"
    )
    assert _errors(adam.replace(adam.splitlines()[3], e.suggestion)) == []


def test_step_by_step_schedules_are_skipped() -> None:
    assert LINTER.lint_text("## Learning rate decay\nlr = lr * 0.95\nalpha = alpha * gamma\n") == []


def test_cli_reads_the_configs_heading_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = tmp_path / "n.md"
    note.write_text("## Hinton's lecture 6e\nW = W - alpha * dW / sqrt(S_dW) + eps\n", "utf-8")
    config = tmp_path / "config.toml"
    config.write_text('[drills.headings]\n"Hinton\'s lecture 6e" = ["rmsprop"]\n', "utf-8")
    db = str(tmp_path / "x.db")
    assert main(["--db", db, "lint", str(note)]) == 0
    assert main(["--db", db, "--config", str(config), "lint", str(note)]) == 1
    assert f"{note}:2: RMSprop update" in capsys.readouterr().out


def test_adam_paper_names_whatever_the_order() -> None:
    # v is the second moment as soon as the paragraph writes an m, even later.
    text = (
        "## Adam\nv_t = beta2 * v + (1 - beta2) * g^2\nm_t = beta1 * m + (1 - beta1) * g\n"
        "m_hat = m_t / (1 - beta1^t)\nv_hat = v_t / (1 - beta2^t)\n"
        "w = w - lr * m_hat / (sqrt(v_hat) + eps)\n"
    )
    assert LINTER.lint_text(text) == []
    (e,) = _errors(text.replace("(1 - beta2) * g^2", "(1 - beta2) * g"))
    assert e.line == 2 and "g is not squared" in e.message
