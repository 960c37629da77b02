"""The pure side of export: Markdown as Anki HTML, cloze questions as Anki Cloze text,
rows that read back equal, and Anki's schedule and revlog values."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs_dl.core.interchange import anki_fields
from srs_dl.core.interchange.anki_cloze import cloze_text
from srs_dl.core.interchange.anki_html import to_html
from srs_dl.core.interchange.anki_schedule import LoggedChange, anki_card, revlog_rows
from srs_dl.core.interchange.rows import (
    CARD_FIELDS,
    LOG_FIELDS,
    CardRecord,
    LogRecord,
    RowError,
    card_from_row,
    card_row,
    log_from_row,
    log_json,
    log_row,
)
from srs_dl.core.notes.cloze import ClozeSet

# --- Markdown -> HTML ---


def test_inline_and_display_math_stay_tex_for_mathjax():
    assert to_html("What is $a_1 * b_2$?") == (
        'What is <span class="math inline">\\(a_1 * b_2\\)</span>?'
    )
    assert "\\[m_t = \\beta_1 m_{t-1} &lt; 1\\]" in to_html("$$m_t = \\beta_1 m_{t-1} < 1$$")


def test_code_is_escaped_and_kept_literal():
    html = to_html("```python\nx = a_b * c_d < 3  # $not math$\n```")
    assert html == (
        '<pre><code class="language-python">x = a_b * c_d &lt; 3  # $not math$\n</code></pre>'
    )
    assert to_html("use `[[x]] ==y==`") == "use <code>[[x]] ==y==</code>"


def test_obsidian_links_highlights_and_line_breaks():
    assert to_html("see [[Adam#Bias|bias]], [[RMSprop]] and ==this==") == (
        "see bias, RMSprop and <mark>this</mark>"
    )
    assert to_html("one\ntwo") == "one<br />\ntwo"
    assert to_html("costs $5 and $6") == "costs $5 and $6"
    assert to_html("  ") == ""


# --- cloze ---

_CLOZES = ClozeSet(("==[123;;]answer[;;hint]==",))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Paris is in ==France== and ==Europe;;continent==",
            "Paris is in {{c1::France}} and {{c2::Europe::continent}}",
        ),
        ("==1;;a== b ==2;;c== ==1;;d==", "{{c1::a}} b {{c2::c}} {{c1::d}}"),
        ("a [link](u) and ==a== then ==a==", "a [link](u) and {{c1::a}} then {{c2::a}}"),
    ],
)
def test_cloze_questions_become_anki_cloze_text(text, expected):
    cards = [(k + 1, f, b) for k, (f, b) in enumerate(_CLOZES.expand(text))]
    assert cloze_text(cards) == expected


def test_overlapping_clozes_have_no_anki_form():
    cards = [(k + 1, f, b) for k, (f, b) in enumerate(_CLOZES.expand("==ah;;x== and ==sa;;y=="))]
    assert cards and cloze_text(cards) is None


_WORD = st.text(alphabet="abcxyz []().,", min_size=1, max_size=6).filter(lambda w: w.strip() == w)


@given(st.lists(st.tuples(st.text(alphabet="abc .[]", max_size=5), _WORD), min_size=1, max_size=4))
def test_cloze_text_reveals_the_back_and_asks_what_each_front_asks(parts):
    text = "".join(f"{gap}=={answer}==" for gap, answer in parts) + " end"
    expanded = _CLOZES.expand(text)
    if not expanded:
        return
    result = cloze_text([(k + 1, f, b) for k, (f, b) in enumerate(expanded)])
    if result is None:  # only brackets in the text itself can make it ambiguous
        assert "[" in text
        return
    deletion = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}")
    assert deletion.sub(lambda m: m.group(2), result) == expanded[0][1]

    def asked(m: re.Match[str], k: int) -> str:
        if int(m.group(1)) != k:
            return m.group(2)
        return f"[{m.group(3)}]" if m.group(3) else "[...]"

    for k, (front, _) in enumerate(expanded, start=1):
        assert deletion.sub(lambda m, k=k: asked(m, k), result) == front


# --- rows ---

_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=20)
_GROUPS = st.builds(
    lambda d, i, e: f"2025-03-{d:02d},{i},{e}",
    st.integers(1, 28),
    st.integers(0, 999),
    st.integers(130, 500),
) | st.just("2025-03-14,4,fsrs:s=3.2;d=5.1")
_CARDS = st.builds(
    CardRecord,
    id=st.integers(1, 10**9),
    deck=_TEXT.filter(bool),
    kind=st.sampled_from(["inline", "cloze", "drill", "multiline_reversed"]),
    sibling=st.integers(0, 5),
    front=_TEXT,
    back=_TEXT,
    file=st.none() | _TEXT.filter(bool),
    line=st.none() | st.integers(1, 10**6),
    due=st.none() | st.dates().map(dt.date.isoformat),
    interval=st.none() | st.floats(0, 10**5, allow_nan=False).map(lambda x: round(x, 3)),
    ease=st.none() | st.integers(130, 500),
    state=st.sampled_from(["new", "review", "suspended", "buried"]),
    buried_until=st.none() | st.dates().map(dt.date.isoformat),
    reps=st.integers(0, 1000),
    lapses=st.integers(0, 100),
    group=st.none() | _GROUPS,
    note_group=st.none() | _GROUPS,
    tags=st.lists(st.from_regex(r"#[a-z/]{1,8}", fullmatch=True), max_size=3).map(tuple),
    qhash=st.from_regex(r"[0-9a-f]{16}", fullmatch=True),
)


@given(_CARDS)
def test_a_card_row_reads_back_equal(card):
    row = dict(zip(CARD_FIELDS, card_row(card), strict=True))
    assert card_from_row(row) == card


@given(_CARDS, st.integers(1, 10**6), st.sampled_from(["review", "undo", "schedule"]))
def test_a_log_row_reads_back_equal_from_csv_and_jsonl(card, lid, action):
    snap = {"due": card.due, "interval": card.interval, "ease": card.ease, "state": card.state}
    bare = CardRecord(
        **{
            **card_row_dict(card),
            "due": None,
            "interval": None,
            "ease": None,
            "state": "new",
            "buried_until": None,
            "reps": 0,
            "lapses": 0,
            "group": None,
            "note_group": None,
            "tags": (),
        }
    )
    record = LogRecord(
        lid,
        "2025-03-10T08:00:00.000+00:00",
        "2025-03-10",
        action,
        "good",
        "srs-dl",
        None,
        bare,
        bare.file,
        snap,
        snap,
        {"typed": "1"},
    )
    assert log_from_row(dict(zip(LOG_FIELDS, log_row(record), strict=True))) == record
    assert log_from_row(log_json(record)) == record


def card_row_dict(card: CardRecord) -> dict:
    return {f: getattr(card, f) for f in CardRecord.__dataclass_fields__}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"interval": "-1"}, "interval: '-1' is not a number of days"),
        ({"ease": "2.5"}, "ease: '2.5' is not a whole number"),
        ({"state": "lost"}, "state: 'lost' is not one of"),
        ({"due": "tomorrow"}, "due: 'tomorrow' is not a YYYY-MM-DD date"),
        ({"qhash": ""}, "qhash: missing"),
    ],
)
def test_a_bad_card_row_names_the_field(change, message):
    row = {f: "" for f in CARD_FIELDS} | {"id": "1", "deck": "d", "kind": "inline", "qhash": "ab"}
    with pytest.raises(RowError, match=message):
        card_from_row(row | change)


# --- Anki values ---


def test_anki_card_columns():
    today = dt.date(2025, 3, 10)
    args = dict(reps=3, lapses=1, buried_until=None, today=today, anki_today=4000, new_position=7)
    review = anki_card(state="review", due=dt.date(2025, 3, 13), interval=2.6, ease=250, **args)
    assert (review.type, review.queue, review.due, review.ivl, review.factor) == (
        2,
        2,
        4003,
        3,
        2500,
    )
    fsrs = anki_card(state="review", due=today, interval=4, ease=None, **args)
    assert fsrs.factor == 2500 and fsrs.due == 4000
    new = anki_card(state="suspended", due=None, interval=None, ease=None, **args)
    assert (new.type, new.queue, new.due) == (0, -1, 7)
    args["buried_until"] = dt.date(2025, 3, 11)
    assert anki_card(state="buried", due=today, interval=1, ease=250, **args).queue == -3
    args["buried_until"] = today  # the burial is over
    assert anki_card(state="buried", due=today, interval=1, ease=250, **args).queue == 2


def _change(
    lid, action, response=None, *, at="2025-03-10T08:00:00.000+00:00", undoes=None, before=None
):
    after = {"due": "2025-03-12", "interval": 2.0, "ease": 250, "state": "review"}
    return LoggedChange(
        lid, 9, at, action, response, before or {"state": "review", "interval": 1}, after, undoes
    )


def test_revlog_rows_leave_out_undone_reviews_and_keep_ids_unique():
    rows = revlog_rows(
        [
            _change(1, "review", "good", before={"state": "new"}),
            _change(2, "review", "again"),
            _change(3, "undo", "again", undoes=2),
            _change(4, "reset", "reset"),
            _change(5, "schedule"),
            _change(6, "bury"),
        ]
    )
    assert [(r.ease, r.type) for r in rows] == [(3, 0), (0, 4), (0, 4)]
    base = int(dt.datetime(2025, 3, 10, 8, tzinfo=dt.UTC).timestamp() * 1000)
    assert [r.id for r in rows] == [base, base + 1, base + 2]
    assert rows[0].factor == 2500 and rows[0].ivl == 2 and rows[0].last_ivl == 0


def test_stable_anki_ids():
    assert anki_fields.note_guid(1) == anki_fields.note_guid(1) != anki_fields.note_guid(2)
    assert 1 << 30 <= anki_fields.deck_id("a/b") < 1 << 31
    assert anki_fields.deck_name("a/b/") == "a::b"
    assert anki_fields.tags(("#a/b", "#x y", "#a/b")) == ["a::b", "x_y"]
    assert anki_fields.source("/v/n.md", 3) == "/v/n.md:3"


def test_the_export_core_imports_no_database_files_or_ui():
    # A subprocess: nothing another test imported can hide an import.
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import srs_dl.core.interchange.rows, srs_dl.core.interchange.anki_html\n"
        "import srs_dl.core.interchange.anki_cloze, srs_dl.core.interchange.anki_schedule\n"
        "import srs_dl.core.interchange.anki_fields\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('textual', 'sqlite3', 'rich', 'genanki', 'csv')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_export_commands_do_not_import_textual(tmp_path):
    import subprocess
    import sys

    code = (
        "import contextlib, io, sys\n"
        "from srs_dl.cli import main\n"
        "from srs_dl.store.db import connect\n"
        f"connect({str(tmp_path / 'x.db')!r}).close()\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['--db', {str(tmp_path / 'x.db')!r}, 'export', 'anki', {str(tmp_path / 'x.apkg')!r}])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "x.apkg").stat().st_size > 0


@given(st.text(alphabet="ab1 ,.;:?'\"/()%@+-\n_*#", max_size=30))
def test_plain_text_skips_the_parser_with_the_same_html(text):
    from srs_dl.core.interchange import anki_html

    plain = anki_html._plain(text)
    if plain is not None:
        rendered = anki_html._renderer().render(text).strip()
        assert rendered == f"<p>{plain}</p>"
