"""Export and interchange, pure: card and log rows as files show them, the HTML Anki
shows, and Anki's schedule and revlog values (no SQLite, no files, no clock)."""
