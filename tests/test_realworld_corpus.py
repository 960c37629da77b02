"""Every file of ../shared/corpus/realworld/ parses, in a vault laid out as SOURCES.md
gives its path, with its repository's settings from plugin-settings.json (plugin
defaults for a repository without one); the cards of a dozen files are pinned,
worked out by reading them against the grammar. The corpus has no license: it is
read from ../shared, never copied here."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from note_invariants import check_invariants

from srs_dl.core.notes.grammar import parse_note
from srs_dl.core.notes.model import ParsedNote
from srs_dl.core.notes.settings import from_plugin_data, resolve

_REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "realworld"
_FILES = sorted(p.name for p in _REALWORLD.glob("[0-9]*.md")) or ["<corpus missing>"]
_ROW = re.compile(r"\|\s*\d+\s*\|\s*(\S+\.md)\s*\|\s*([^|]+?)\s*\|\s*`([^`]+)`")


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> Path:
    return shared_dir / "corpus" / "realworld"


@pytest.fixture(scope="module")
def sources(corpus: Path) -> dict[str, tuple[str, str]]:
    """file name -> (repository, path in that repository), from SOURCES.md."""
    rows = {}
    for line in (corpus / "SOURCES.md").read_text("utf-8").splitlines():
        m = _ROW.match(line)
        if m:
            rows[m[1]] = (m[2], m[3])
    return rows


@pytest.fixture(scope="module")
def repo_settings(corpus: Path) -> dict[str, Any]:
    return json.loads((corpus / "plugin-settings.json").read_text("utf-8"))


def _parse(
    corpus: Path,
    sources: dict[str, tuple[str, str]],
    repo_settings: dict[str, Any],
    name: str,
    **overrides: Any,
) -> tuple[str, ParsedNote]:
    repo, path = sources[name]
    settings = resolve(overrides, from_plugin_data(repo_settings.get(repo, {})))
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    text = (corpus / name).read_bytes().decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, parse_note(text, settings, folder_deck=folder)


def _summary(parsed: ParsedNote) -> list[tuple[Any, ...]]:
    out = []
    for q in parsed.questions:
        cards = []
        for c in q.cards:
            s = c.schedule
            sched = (
                None if s is None else (s.due.isoformat() if s.due else None, s.interval, s.ease)
            )
            cards.append((c.front, c.back, sched))
        out.append((q.first_line, q.kind, q.deck, cards))
    return out


def test_every_file_is_in_sources(corpus: Path, sources: dict[str, tuple[str, str]]) -> None:
    names = {p.name for p in corpus.glob("[0-9]*.md")}
    assert len(names) == 75
    assert names <= set(sources)


@pytest.mark.parametrize("name", _FILES)
def test_file_parses_with_its_repository_settings(
    corpus: Path, sources: dict[str, tuple[str, str]], repo_settings: dict[str, Any], name: str
) -> None:
    text, parsed = _parse(corpus, sources, repo_settings, name)
    check_invariants(text, parsed)
    # The same file read as widely as possible must hold up too.
    text, parsed = _parse(
        corpus, sources, repo_settings, name, all_notes=True, dataview_fields=True
    )
    check_invariants(text, parsed)


# (first line, kind, deck, [(front, back, (due, interval, ease) or None), ...]) per question.
PINS: dict[str, list[tuple[Any, ...]]] = {
    "02_natetgmaxwel_cell-division.md": [
        (
            8,
            "inline",
            "flashcards/LFS112",
            [
                ("> up", "[[Cards/Cells\\|Cells]]", None),
            ],
        ),
        (
            9,
            "inline",
            "flashcards/LFS112",
            [
                ("> jump", "", None),
            ],
        ),
        (
            10,
            "inline",
            "flashcards/LFS112",
            [
                ("> down", "[[Cards/Meiosis\\|Meiosis]], [[Cards/Mitosis\\|Mitosis]]", None),
            ],
        ),
    ],
    "12_ehtishams_implicazione.md": [
        (
            32,
            "multiline",
            "nozioni-di-base",
            [
                ("Come si legge questo simbolo $\\Rightarrow$", "Implica", ("2025-07-21", 4, 270)),
            ],
        ),
        (
            37,
            "multiline",
            "nozioni-di-base",
            [
                (
                    "In quale dei casi un implicazione può essere falsa?",
                    "Quando la premessa è vera ma la conclusione è falsa.",
                    ("2025-07-21", 4, 270),
                ),
            ],
        ),
        (
            42,
            "multiline",
            "nozioni-di-base",
            [
                (
                    "Fammi esempio di un'implicazione vera",
                    "correndo non perdo peso $\\Rightarrow$ devo mangiare di più",
                    ("2025-07-21", 4, 270),
                ),
            ],
        ),
        (
            47,
            "multiline",
            "nozioni-di-base",
            [
                (
                    "Fammi un esempio di un'implicazione falsa",
                    "se $x$ è divisibile per 4 $\\Rightarrow$ $x$ è dispari\no\nUso l'acqua per dissipare il calore $\\Rightarrow$ mi serve il calore per genera l'acqua",
                    ("2025-07-21", 4, 270),
                ),
            ],
        ),
    ],
    "13_ehtishams_dimostrazione-per-assurdo.md": [
        (
            42,
            "multiline",
            "nozioni-di-base",
            [
                ("Fai un esercizio con dimostrazione per assurdo", "Fatto", ("2025-07-21", 2, 230)),
            ],
        ),
    ],
    "14_ehtishams_la-proposizione.md": [
        (
            24,
            "multiline",
            "nozioni-di-base",
            [
                (
                    "Cos'è una proposizione ?",
                    "un'affermazione che posso scoprire se è vera o falsa",
                    ("2025-07-21", 2, 230),
                ),
            ],
        ),
        (
            29,
            "multiline",
            "nozioni-di-base",
            [
                (
                    '"Atene è la capitale della Grecia" che valore di verità a questo frase.',
                    "Vera ✅",
                    ("2025-07-21", 4, 270),
                ),
            ],
        ),
        (
            34,
            "multiline",
            "nozioni-di-base",
            [
                (
                    "In matematica ci interessa della proposizione il suo valore di verità o il suo contenuto?",
                    "Solo il suo valore di verità (vera o falsa)\n# References",
                    ("2025-07-21", 4, 270),
                ),
            ],
        ),
    ],
    "16_eklipsorz_react-custom-hook.md": [
        (
            186,
            "inline",
            "develop/React",
            [
                (
                    "React：表格若出現大量重複狀態設定和判斷，重構手段會是什麼？",
                    "`- 建立一個獨立的輸入欄元件並夾雜這些狀態設定和判斷- 建立一個custom hook來包含業務邏輯 `",
                    ("2023-11-29", 134, 210),
                ),
            ],
        ),
        (
            189,
            "inline",
            "develop/React",
            [
                (
                    "React：custom hook 注意事項要保持什麼？",
                    "`盡量讓custom hook保持通用，不可將業務邏輯限制在特定元件`",
                    ("2023-08-30", 194, 250),
                ),
            ],
        ),
    ],
    "36_lichunboa_l08a.md": [
        (
            215,
            "inline",
            "Categories 分类/太妃价格行为",
            [
                ("市场循环的本质是什么？", "多空在“均衡 → 失衡 → 新均衡”的循环中持续竞合。", None),
            ],
        ),
        (
            219,
            "cloze",
            "Categories 分类/太妃价格行为",
            [
                (
                    "[...]：急速 → 窄幅通道 → 宽幅通道 → 区间。",
                    "四阶段：急速 → 窄幅通道 → 宽幅通道 → 区间。",
                    ("2026-01-26", 3, 255),
                ),
            ],
        ),
        (
            224,
            "inline_reversed",
            "Categories 分类/太妃价格行为",
            [
                ("“急速阶段”最重要的交易原则", "只做顺势，避免逆势", None),
                ("只做顺势，避免逆势", "“急速阶段”最重要的交易原则", ("2026-01-26", 4, 270)),
            ],
        ),
        (
            229,
            "multiline_reversed",
            "Categories 分类/太妃价格行为",
            [
                (
                    "趋势为什么会从“单边”逐步走向“双边/区间”？",
                    "顺势方开始提前止盈（追高价值下降） + 逆势方更积极介入 → 回调更深/更久，通道变宽、斜率趋缓，最终回归均衡。",
                    None,
                ),
                (
                    "顺势方开始提前止盈（追高价值下降） + 逆势方更积极介入 → 回调更深/更久，通道变宽、斜率趋缓，最终回归均衡。",
                    "趋势为什么会从“单边”逐步走向“双边/区间”？",
                    None,
                ),
            ],
        ),
        (
            235,
            "cloze",
            "Categories 分类/太妃价格行为",
            [
                (
                    "趋势发起时顺势概率可能 >60%，随着持续时间增长会回归 [...] 的均衡状态。",
                    "趋势发起时顺势概率可能 >60%，随着持续时间增长会回归 50% 的均衡状态。",
                    ("2026-01-27", 4, 272),
                ),
            ],
        ),
    ],
    "61_arminismus_mojo.md": [
        (
            4,
            "multiline",
            "flashcards",
            [
                (
                    "How to use the `let` keyword in Mojo?",
                    "```mojo\ndef func():\n\tlet y = 12 # this is immutable\n```",
                    ("2023-05-20", 2, 230),
                ),
            ],
        ),
        (
            12,
            "multiline",
            "flashcards",
            [
                (
                    "Which one of `let` and `var` are immutable in Mojo?",
                    "`let` is immutable.",
                    ("2023-05-27", 10, 250),
                ),
            ],
        ),
        (
            17,
            "cloze",
            "flashcards",
            [
                (
                    "In `fn`, the arguments are [...], meaning they cannot be changed.",
                    "In `fn`, the arguments are immutable, meaning they cannot be changed.",
                    ("2023-05-27", 10, 250),
                ),
                (
                    "In `fn`, the arguments are immutable, meaning they [...] be changed.",
                    "In `fn`, the arguments are immutable, meaning they cannot be changed.",
                    ("2023-05-27", 10, 250),
                ),
            ],
        ),
    ],
    "66_emibrahimovi_to-do.md": [
        (
            17,
            "inline",
            "flashcards/data-structures",
            [
                ("* #flashcards/data-structures Segment tree", "type", None),
            ],
        ),
        (
            18,
            "inline",
            "flashcards/data-structures",
            [
                ("* #flashcards/data-structures Trie", "type", None),
            ],
        ),
        (
            19,
            "inline",
            "flashcards/data-structures",
            [
                ("* #flashcards/data-structures BST and AVL tree", "type", None),
            ],
        ),
        (
            20,
            "inline",
            "flashcards/data-structures",
            [
                ("* #flashcards/data-structures Fenwick tree", "type", None),
            ],
        ),
        (
            21,
            "inline",
            "flashcards/data-structures",
            [
                ("* #flashcards/data-structures Heap", "type", None),
            ],
        ),
        (
            22,
            "inline",
            "flashcards/data-structures",
            [
                ("* #flashcards/data-structures Binary search", "type", None),
            ],
        ),
    ],
    "73_lichunboa_l09b.md": [
        (
            221,
            "inline",
            "Categories 分类/太妃价格行为",
            [
                (
                    "五大核心磁体是什么？",
                    "前波段高低点、区间上下缘、趋势线/通道线、EMA20、等距运动目标与 50%回调位。",
                    None,
                ),
            ],
        ),
        (
            225,
            "cloze",
            "Categories 分类/太妃价格行为",
            [
                (
                    "区间大致需要维持 [...] 根 K 线以上，才更可被确认（经验规则）。",
                    "区间大致需要维持 20 根 K 线以上，才更可被确认（经验规则）。",
                    None,
                ),
            ],
        ),
        (
            229,
            "inline_reversed",
            "Categories 分类/太妃价格行为",
            [
                ("水平磁体", "更无争议的明确价格位，机构算法更偏好", None),
                ("更无争议的明确价格位，机构算法更偏好", "水平磁体", ("2026-01-26", 3, 268)),
            ],
        ),
        (
            234,
            "multiline_reversed",
            "Categories 分类/太妃价格行为",
            [
                (
                    "为什么不要过早把回调高点/低点当作“重要波段点”？",
                    "因为在未出现“有效突破/跟进”前，该点的支撑/阻力地位不稳；过早标记会导致止损过紧、被震荡洗出。",
                    None,
                ),
                (
                    "因为在未出现“有效突破/跟进”前，该点的支撑/阻力地位不稳；过早标记会导致止损过紧、被震荡洗出。",
                    "为什么不要过早把回调高点/低点当作“重要波段点”？",
                    ("2026-01-25", 2, 230),
                ),
            ],
        ),
    ],
    "74_natetgmaxwel_polymerase-chain-reaction.md": [
        (
            5,
            "inline",
            "flashcards/LFS261",
            [
                ("tags", "on/Science/Biology/Genetics School", None),
            ],
        ),
    ],
    "75_eklipsorz_react.md": [
        (
            114,
            "inline",
            "develop/React",
            [
                (
                    "如果React 專案出現以下訊息：Adjacent JSX elements must be wrapped in an enclosing tag. Did you want a JSX fragment adjacent, which means side-by-side JSX elements, must be wrapped in an in closing tag ，這代表什麼？",
                    "`JSX 元件沒用額外的parent 元件來包覆著`",
                    ("2024-01-13", 302, 250),
                ),
            ],
        ),
        (
            117,
            "inline",
            "develop/React",
            [
                (
                    "如果React 專案出現以下訊息：'addGoalaHandler' is not defined，這代表什麼？",
                    "`使用沒定義的識別字`",
                    ("2023-11-28", 93, 230),
                ),
            ],
        ),
    ],
}


@pytest.mark.parametrize("name", sorted(PINS))
def test_pinned_cards(
    corpus: Path, sources: dict[str, tuple[str, str]], repo_settings: dict[str, Any], name: str
) -> None:
    _, parsed = _parse(corpus, sources, repo_settings, name)
    assert _summary(parsed) == [(line, kind, deck, cards) for line, kind, deck, cards in PINS[name]]


def test_natetgmaxwell_callout_fields(
    corpus: Path, sources: dict[str, tuple[str, str]], repo_settings: dict[str, Any]
) -> None:
    # Plugin defaults: the callout's Dataview fields are cards, counted as such;
    # with dataview_fields they are fields and the note has no card.
    _, parsed = _parse(corpus, sources, repo_settings, "02_natetgmaxwel_cell-division.md")
    assert parsed.dataview_like_cards == 3
    assert any(w.line == 31 and "no card" in w.message for w in parsed.warnings)
    _, parsed = _parse(
        corpus, sources, repo_settings, "02_natetgmaxwel_cell-division.md", dataview_fields=True
    )
    assert parsed.questions == () and parsed.dataview_like_cards == 0
    assert parsed.tags == ("#Uni/LFS103", "#Uni/LFS112", "#flashcards/LFS112")


def test_mojo_card_ending_in_a_fence(
    corpus: Path, sources: dict[str, tuple[str, str]], repo_settings: dict[str, Any]
) -> None:
    _, parsed = _parse(corpus, sources, repo_settings, "61_arminismus_mojo.md")
    assert [q.ends_in_fence for q in parsed.questions] == [True, False, False]
    assert parsed.questions[0].comment is not None and parsed.questions[0].comment.line == 10


@pytest.mark.parametrize(
    "name",
    [
        "32_jonathanec2_windows-command-line.md",  # `;;` cards under a `::` setting
        "46_f1nnsbk_bsds.md",  # tagged #bsds, not a flashcard tag of the repository
        "58_oldwinter_note-zh.md",  # no #记忆闪卡 tag
        "63_aaron-bopp_adrenaline.md",  # a whole-note review, no flashcard tag
    ],
)
def test_files_without_cards(
    corpus: Path, sources: dict[str, tuple[str, str]], repo_settings: dict[str, Any], name: str
) -> None:
    _, parsed = _parse(corpus, sources, repo_settings, name)
    assert parsed.questions == ()


def test_note_schedules(
    corpus: Path, sources: dict[str, tuple[str, str]], repo_settings: dict[str, Any]
) -> None:
    _, parsed = _parse(corpus, sources, repo_settings, "63_aaron-bopp_adrenaline.md")
    assert parsed.note_schedule is not None
    assert (parsed.note_schedule.due, parsed.note_schedule.interval, parsed.note_schedule.ease) == (
        dt.date(2022, 4, 30),
        6,
        247,
    )
    assert parsed.frontmatter_keys == (
        "created",
        "aliases",
        "tags",
        "sr-due",
        "sr-interval",
        "sr-ease",
    )
    assert parsed.tags == ("#created/2021/10/19", "#node/topic/term")
    _, parsed = _parse(corpus, sources, repo_settings, "32_jonathanec2_windows-command-line.md")
    assert parsed.is_review_note and parsed.is_flashcard_note
    assert parsed.note_schedule is not None and parsed.note_schedule.ease == 227


def test_same_line_cloze_comment_with_all_notes(
    corpus: Path, sources: dict[str, tuple[str, str]], repo_settings: dict[str, Any]
) -> None:
    text, parsed = _parse(corpus, sources, repo_settings, "58_oldwinter_note-zh.md", all_notes=True)
    (q,) = parsed.questions
    assert (q.kind, q.first_line, q.last_line) == ("cloze", 7, 7)
    assert q.comment is not None and not q.comment.own_line
    line = text.split("\n")[6]
    assert line[q.comment.start : q.comment.end] == "<!--SR:!2022-08-11,3,250-->"
    assert q.cards[0].front.endswith("[...]")
    assert q.cards[0].schedule is not None and q.cards[0].schedule.interval == 3


def test_bigger_files_in_numbers(
    corpus: Path, sources: dict[str, tuple[str, str]], repo_settings: dict[str, Any]
) -> None:
    counts = {}
    for name in (
        "07_atlinx_group-1.md",
        "28_exyeus_c-stl-vector.md",
        "70_f1nnsbk_big-data-storage-master-flashcards.md",
        "51_ayubswrld_classes.md",
    ):
        _, parsed = _parse(corpus, sources, repo_settings, name)
        counts[name[:2]] = (
            len(parsed.questions),
            sum(len(q.cards) for q in parsed.questions),
            sum(1 for q in parsed.questions for c in q.cards if c.schedule),
        )
    assert counts == {
        "07": (30, 30, 30),
        "28": (35, 42, 0),
        "70": (116, 129, 0),
        "51": (70, 70, 50),
    }
    _, parsed = _parse(corpus, sources, repo_settings, "07_atlinx_group-1.md")
    assert {q.deck for q in parsed.questions} == {"flashcards/verbal/vocab/gregmat/group-1"}
    assert parsed.questions[0].cards[0].front == "abound"
    _, parsed = _parse(corpus, sources, repo_settings, "51_ayubswrld_classes.md")
    assert {q.deck for q in parsed.questions} == {"00 - Flashcards/C++/Classes"}
