"""`srs-dl drills` (issue 21 item 3, issue 16's JSON fields) through srs_dl.cli.main, and
the plots of a drill's own computation (issue 21 item 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from srs_dl.cli import main
from srs_dl.core.drills import KINDS, generate, rng_for
from srs_dl.core.drills.formatting import answer_text
from srs_dl.tui.drill_series import plot_for


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SRS_DL_DB", str(tmp_path / "deck.db"))
    monkeypatch.setenv("SRS_DL_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text("", encoding="utf-8")


def test_plain_text_is_the_default_and_count_and_seed_are_optional(capsys) -> None:  # noqa: ANN001
    assert main(["drills", "--count", "5", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Drills: 5 questions, seed 1\n")
    assert "1. Mini-batch gradient descent (minibatch)" in out and "\nAnswers\n" in out
    assert "Formula: " in out and "{" not in out.splitlines()[0]
    assert main(["drills"]) == 0  # five drills, a fresh seed that the title gives back
    title = capsys.readouterr().out.splitlines()[0]
    assert title.startswith("Drills: 5 questions, seed ") and "(again: --seed " in title
    seed = int(title.rsplit("--seed ", 1)[1].rstrip(")"))
    assert main(["drills", "--count", "1", "--seed", str(seed)]) == 0
    assert capsys.readouterr().out.startswith(f"Drills: 1 question, seed {seed}\n")


def test_json_says_the_mode_and_the_checked_mistake(capsys) -> None:  # noqa: ANN001
    assert main(["drills", "--count", "1", "--seed", "4", "--kind", "rmsprop", "--json"]) == 0
    drill = json.loads(capsys.readouterr().out)
    assert drill["mode"] == "formula" and drill["formula"] in drill["prompt"] and drill["worked"]
    again = generate("rmsprop", rng_for(4, 0))
    inside = next(m for m in again.mistakes if m.name == "eps_inside_root")
    args = ["drills", "--count", "1", "--seed", "4", "--kind", "rmsprop", "--json"]
    assert main([*args, "--mode", "recall", "--answer", answer_text(inside.answer)]) == 0
    recalled = json.loads(capsys.readouterr().out)
    assert recalled["mode"] == "recall" and recalled["formula"] not in recalled["prompt"]
    assert recalled["params"] == drill["params"] and recalled["answer"] == drill["answer"]
    assert recalled["check"] == {
        "ok": False,
        "message": recalled["check"]["message"],
        "mistake": "eps_inside_root",
        "mistake_description": "putting eps inside the square root",
    }
    assert main([*args, "--answer", answer_text(again.answer)]) == 0
    assert json.loads(capsys.readouterr().out)["check"]["ok"] is True


def test_bad_drills_arguments_are_one_line_usage_errors(capsys) -> None:  # noqa: ANN001
    assert main(["drills", "--count", "1", "--answer", "1", "--answer", "2", "--json"]) == 2
    assert "2 answers for 1 drills" in capsys.readouterr().err
    assert main(["drills", "--count", "1", "--answer", "1"]) == 2
    assert "use it with --json" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["drills", "--mode", "guess"])


def test_markdown_title_counts_one_question() -> None:
    from srs_dl.core.drills.output import drills_markdown

    assert drills_markdown(1, 3).startswith("# Drills: 1 question, seed 3\n")


@pytest.mark.parametrize("kind", ["momentum", "nesterov", "rmsprop", "adam", "adamw"])
def test_the_optimizer_plot_is_the_drills_own_weights(kind: str) -> None:
    drill = generate(kind, rng_for(21, 0))
    figure = plot_for(drill)
    assert figure is not None and len(figure.series) == len(drill.params["w0"])
    for i, series in enumerate(figure.series):
        assert series.y[0] == drill.params["w0"][i]
        assert series.y[-1] == pytest.approx(drill.answer[i], rel=1e-12)
        assert list(series.x) == list(range(len(drill.params["grads"]) + 1))


def test_batch_norm_plots_the_batch_before_and_after() -> None:
    drill = generate("batchnorm", rng_for(21, 1))
    figure = plot_for(drill)
    assert figure is not None
    before = [s for s in figure.series if s.label.endswith("before")]
    after = [s for s in figure.series if s.label.endswith("after")]
    assert [list(s.y) for s in before] == drill.params["z"]
    assert [y for s in after for y in s.y] == pytest.approx([x for r in drill.answer for x in r])
    inference = plot_for(generate("batchnorm_inference", rng_for(21, 2)))
    assert inference is not None and inference.series
    warmup = generate("warmup_cosine", rng_for(21, 3))
    marked = plot_for(warmup).series[-1]
    assert marked.x == [float(warmup.params["step"])] and marked.y[0] == pytest.approx(
        warmup.answer
    )


def test_every_kind_plots_or_says_it_has_no_plot() -> None:
    for kind in KINDS:
        figure = plot_for(generate(kind, rng_for(22, 0)))
        assert figure is None or figure.series, kind
