"""Card text (Obsidian Markdown) as the HTML an Anki field holds.

Math stays TeX for Anki's MathJax: `$x$` becomes `\\(x\\)` and `$$x$$` becomes
`\\[x\\]`, its characters HTML-escaped but otherwise untouched (Markdown must not
read `a_1 * b_2` as emphasis). Code spans and blocks are escaped and kept in
`<code>` / `<pre>`; wikilinks show their alias or target, as Obsidian's reading
view does, and `==highlights==` become `<mark>`.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

#: `[[target|alias]]`, `[[target#heading]]`, `![[embed]]`: the text a reader sees.
_WIKILINK_RE = re.compile(r"(!?)\[\[([^\]\n|]+?)(?:\|([^\]\n]+))?\]\]")
_HIGHLIGHT_RE = re.compile(r"==(?=\S)(.+?)(?<=\S)==")


def _math(content: str, options: dict[str, Any]) -> str:
    text = html.escape(content.strip(), quote=False)
    return f"\\[{text}\\]" if options.get("display_mode") else f"\\({text}\\)"


@cache
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "breaks": True})
    md.enable("table")
    md.enable("strikethrough")
    dollarmath_plugin(md, allow_space=False, allow_digits=False, double_inline=True, renderer=_math)
    return md


def _wikilink(match: re.Match[str]) -> str:
    target, alias = match.group(2), match.group(3)
    shown = alias if alias else target.replace("#", " > ").strip()
    return shown


def _protect(text: str) -> str:
    """Obsidian-only syntax rewritten before Markdown reads the text (code excluded)."""
    out: list[str] = []
    # Split off fenced blocks and code spans: their text is literal.
    for k, part in enumerate(re.split(r"(```.*?```|`[^`\n]+`)", text, flags=re.DOTALL)):
        if k % 2:
            out.append(part)
            continue
        part = _WIKILINK_RE.sub(_wikilink, part)
        part = _HIGHLIGHT_RE.sub(r"<mark>\1</mark>", part)
        out.append(part)
    return "".join(out)


#: Text Markdown leaves as it is: no markup characters, no line that could open a
#: block (list, heading, quote, indented code), no blank line. Most card sides are
#: such plain prose, and skipping the parser for them halves an export's time.
_PLAIN_RE = re.compile(r"[A-Za-z0-9 ,.;:?'\"/()%@+\-]+(?:\n[A-Za-z0-9 ,.;:?'\"/()%@+\-]+)*")
_BLOCK_RE = re.compile(r"(?:^|\n)[ 0-9+\-]| (?:\n|$)")


def _plain(text: str) -> str | None:
    if not _PLAIN_RE.fullmatch(text) or _BLOCK_RE.search(text):
        return None
    return text.replace('"', "&quot;").replace("\n", "<br />\n")


def to_html(text: str) -> str:
    """The HTML Anki shows for one side of a card."""
    if not text.strip():
        return ""
    plain = _plain(text)
    if plain is not None:
        return plain
    rendered = _renderer().render(_protect(text)).strip()
    # A one-paragraph card reads better without the paragraph's margins.
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return rendered
