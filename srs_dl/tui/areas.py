"""The TUI's top-level areas, one mode each (app.py builds the modes, the mode bar shows them)."""

#: (mode, module under srs_dl.tui.screens, class, key, title). Stats and browse are H8's.
AREAS: tuple[tuple[str, str, str, str, str], ...] = (
    ("decks", "decks", "DecksScreen", "D", "Decks"),
    ("review", "review", "ReviewScreen", "R", "Review"),
    ("notes", "notes", "NotesScreen", "N", "Notes"),
    ("practice", "practice", "PracticeScreen", "P", "Practice"),
    ("stats", "stats", "StatsScreen", "S", "Stats"),
    ("browse", "browse", "BrowseScreen", "B", "Browse"),
)
