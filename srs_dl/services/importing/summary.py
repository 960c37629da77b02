"""What an import did: counts, warnings and hints, for the CLI's line and the TUI's dialog."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportSummary:
    files_scanned: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    notes_changed: int = 0
    notes_deleted: int = 0
    cards_new: int = 0
    cards_changed: int = 0
    cards_unchanged: int = 0
    cards_deleted: int = 0
    schedules_from_notes: int = 0
    warnings: list[str] = field(default_factory=list)
    #: `key:: value` cards that look like Dataview fields, in folders where
    #: the `dataview_fields` setting is off.
    dataview_like_cards: int = 0
    dry_run: bool = False
    cancelled: bool = False
    #: Paths given that do not exist (the CLI exits 1 for them).
    missing: list[str] = field(default_factory=list)

    def line(self) -> str:
        head = "dry run, nothing stored: " if self.dry_run else ""
        tail = "; cancelled" if self.cancelled else ""
        n = len(self.warnings)
        return (
            f"{head}{self.files_scanned} files scanned, {self.files_skipped} skipped as unchanged,"
            f" {self.files_failed} failed; cards: {self.cards_new} new,"
            f" {self.cards_changed} changed, {self.cards_unchanged} unchanged,"
            f" {self.cards_deleted} deleted; {self.schedules_from_notes} schedule"
            f"{'' if self.schedules_from_notes == 1 else 's'} from notes;"
            f" {n} warning{'' if n == 1 else 's'}{tail}"
        )

    def hints(self) -> list[str]:
        if not self.dataview_like_cards:
            return []
        n = self.dataview_like_cards
        one = n == 1
        return [
            f"{n} card{'' if one else 's'} look{'s' if one else ''} like"
            f" {'a Dataview field' if one else 'Dataview fields'} (`key:: value`, such as"
            f" `up:: [[note]]`); --dataview-fields skips {'it' if one else 'them'}"
            " (or dataview_fields = true under [import] in the config)"
        ]

    @property
    def changed(self) -> bool:
        return bool(
            self.notes_changed
            or self.notes_deleted
            or self.cards_new
            or self.cards_changed
            or self.cards_deleted
        )
