"""Text from a note, a file name or a config, made safe to put on a terminal.

A note is anyone's text: an ESC or a BEL in it would reach the terminal as a
command (set the title, write the clipboard through OSC 52, blink), and a `[`
would be read as Textual markup (`[@click=app.quit]` is a live link, `[/]` with
nothing to close raises). Every such string reaches the screen through
`screen_text`: control characters become visible placeholders, and in markup
every `[` is escaped. Newlines and tabs are text, not commands, and stay.
"""

from __future__ import annotations

import re

#: C0 controls but tab and newline, DEL, and the C1 controls (CSI, OSC, ... as one code point).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_search = CONTROL_RE.search
_C1_RE = re.compile(r"[\x7f-\x9f]")
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_PICTURES[0x7F] = "\u2421"


def control_placeholder(ch: str) -> str:
    """What is shown for a control character: its Unicode control picture (ESC is
    shown as \u241b, BEL as \u2407), a C1 control as `\\x9b`."""
    code = ord(ch)
    return _PICTURES.get(code) or f"\\x{code:02x}"


def _picture(m: re.Match[str]) -> str:
    return control_placeholder(m.group(0))


def screen_text(text: str, *, markup: bool = False) -> str:
    """`text` with control characters shown, never sent; with `markup`, also every `[`
    escaped so that Textual shows the text as it is (for notify(), Label, Static)."""
    # Most text holds no control at all: one search, no copy (the CLI shows every line so).
    if _search(text) is not None:
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        text = CONTROL_RE.sub(_picture, text)
    if markup:
        # Textual's markup reads `\[` as a bracket whatever follows; nothing else is escaped.
        text = text.replace("[", "\\[")
    return text


def json_text(text: str) -> str:
    """A line of JSON with DEL and the C1 controls escaped as JSON spells them: json.dumps
    escapes the C0 ones itself, but with ensure_ascii=False leaves `\\x9b` (a CSI) raw.
    Any other control (none in JSON json.dumps wrote) is shown as `screen_text` shows it."""
    return screen_text(_C1_RE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text))
