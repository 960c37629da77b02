"""The end of a review session: how many cards, how long, answers by button."""

from __future__ import annotations

from textual.widgets import Static

from srs_dl.tui.widgets.grade_bar import BUTTONS

_COLOUR = {"again": "$error", "hard": "$warning", "good": "$success", "easy": "$primary"}


def duration_text(seconds: float) -> str:
    if seconds < 60:
        return "under a minute"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class SessionSummary(Static):
    DEFAULT_CSS = """
    SessionSummary { height: auto; padding: 1 3; border: round $success; margin: 1 4; }
    """

    def show(
        self, deck: str | None, reviewed: int, seconds: float, by_button: dict[str, int]
    ) -> None:
        where = f"deck [b]{deck}[/b]" if deck else "all decks"
        if not reviewed:
            self.update(
                f"[b]Nothing to review[/b] in {where} today.\n\n"
                "[dim]D[/] decks   [dim]P[/] practise drills   [dim]N[/] notes due"
            )
            return
        lines = [
            f"[b]Session done[/b]: {reviewed} card{'s' if reviewed != 1 else ''} in "
            f"{duration_text(seconds)} ({where}).",
            "",
        ]
        widest = max(by_button.values(), default=0) or 1
        for response in BUTTONS:
            n = by_button.get(response, 0)
            bar = "█" * round(24 * n / widest) if n else ""
            lines.append(f"  {response.title():<6} {n:>4}  [{_COLOUR[response]}]{bar}[/]")
        lines += [
            "",
            "Nothing more is due here today.   "
            "[dim]D[/] decks   [dim]P[/] practise drills   [dim]u[/] undo the last",
        ]
        self.update("\n".join(lines))
