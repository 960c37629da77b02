"""The Anki note types an export uses, built with genanki.

genanki (kerrickstaley/genanki) writes the package's collection: its schema, note
types, decks, notes and cards; the schedule and revlog go in afterwards with SQL
(store.anki_collection). The model ids are fixed forever: Anki matches note types
by id, so a re-import must meet the same ones.
"""

from __future__ import annotations

import genanki

_CSS = """\
.card { font-family: sans-serif; font-size: 20px; text-align: center; color: black;
  background-color: white; }
pre { text-align: left; background: #f4f4f4; padding: 0.5em; overflow-x: auto; }
code { font-family: monospace; }
table { margin: auto; border-collapse: collapse; }
td, th { border: 1px solid #aaa; padding: 0.2em 0.5em; }
.source, .about { font-size: 12px; color: #777; margin-top: 1em; }
"""

_SOURCE = '<div class="source">{{Source}}</div>'
_FRONT_FIELDS = [{"name": "Front"}, {"name": "Back"}, {"name": "Source"}]


def _forward() -> dict[str, str]:
    # A fresh dict per model: genanki writes each template's `ord` into it.
    return {
        "name": "Card 1",
        "qfmt": "{{Front}}",
        "afmt": '{{FrontSide}}<hr id="answer">{{Back}}' + _SOURCE,
    }


BASIC = genanki.Model(
    1_742_306_101,
    "srs-dl Basic",
    fields=_FRONT_FIELDS,
    templates=[_forward()],
    css=_CSS,
)

REVERSED = genanki.Model(
    1_742_306_102,
    "srs-dl Basic (and reversed card)",
    fields=_FRONT_FIELDS,
    templates=[
        _forward(),
        {
            "name": "Card 2",
            "qfmt": "{{Back}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Front}}' + _SOURCE,
        },
    ],
    css=_CSS,
)

CLOZE = genanki.Model(
    1_742_306_103,
    "srs-dl Cloze",
    fields=[{"name": "Text"}, {"name": "Source"}],
    templates=[
        {
            "name": "Cloze",
            "qfmt": "{{cloze:Text}}",
            "afmt": "{{cloze:Text}}" + _SOURCE,
        }
    ],
    css=_CSS,
    model_type=genanki.Model.CLOZE,
)

DRILL = genanki.Model(
    1_742_306_104,
    "srs-dl Drill sample",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "About"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<div class="about">{{About}}</div>',
        }
    ],
    css=_CSS,
)
