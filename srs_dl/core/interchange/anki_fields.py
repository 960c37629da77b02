"""What each Anki note of an export holds: its fields' HTML, its deck and tags, and
the stable numbers Anki matches on (note GUIDs, deck ids), all from srs-dl's data.

A note's GUID comes from the id of its first card, which srs-dl keeps through
edits, moves and renames of the question (services.card_merge): importing a new
export into Anki updates the notes it already has instead of adding copies.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass

from srs_dl.core.drills.drill import Drill
from srs_dl.core.drills.formatting import answer_text
from srs_dl.core.drills.output import steps_markdown
from srs_dl.core.interchange.anki_html import to_html

_GUID_CHARS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
)


def stable_int(text: str, low: int, high: int) -> int:
    """A number in [low, high) fixed by `text` (deck and model ids want one)."""
    digest = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    return low + digest % (high - low)


def note_guid(first_card_id: int) -> str:
    """An Anki note GUID (base-91 text, as Anki writes them) for srs-dl's question."""
    number = int.from_bytes(hashlib.sha256(f"srs-dl card {first_card_id}".encode()).digest()[:8])
    out = ""
    while number:
        number, digit = divmod(number, len(_GUID_CHARS))
        out = _GUID_CHARS[digit] + out
    return out or _GUID_CHARS[0]


def deck_name(deck: str) -> str:
    """srs-dl's `a/b` deck is Anki's `a::b`."""
    return "::".join(part for part in deck.split("/") if part) or "Default"


def deck_id(deck: str) -> int:
    return stable_int(f"srs-dl deck {deck}", 1 << 30, 1 << 31)


def tags(note_tags: tuple[str, ...]) -> list[str]:
    """A note's `#tags` as Anki tags (`#a/b` -> `a::b`; Anki tags hold no spaces)."""
    out: list[str] = []
    for tag in note_tags:
        name = "::".join(p for p in tag.lstrip("#").split("/") if p)
        name = "_".join(name.split())
        if name and name not in out:
            out.append(name)
    return out


def source(path: str | None, line: int | None) -> str:
    """The Source field: where the card is in the vault."""
    if not path:
        return ""
    where = f"{path}:{line}" if line else path
    return html.escape(where, quote=False)


@dataclass(frozen=True, slots=True)
class DrillFields:
    front: str
    back: str
    about: str


def drill_seed(deck: str, kind: str) -> int:
    """The seed of the one sample a drill card exports: fixed by the card's deck and
    kind, so every export shows the same numbers."""
    return stable_int(f"srs-dl drill {deck} {kind}", 0, 1 << 63)


def drill_fields(drill: Drill, seed: int) -> DrillFields:
    front = to_html("  \n".join(drill.prompt.splitlines()))
    back = to_html(f"**Answer:** `{answer_text(drill.answer)}`\n\n{steps_markdown(drill.steps)}")
    about = html.escape(
        f"One sample of the generated drill “{drill.topic}” ({drill.kind}), drawn with"
        f" seed {seed}. srs-dl draws new numbers at every review; Anki shows these.",
        quote=False,
    )
    return DrillFields(front, back, about)
