"""The command palette (ctrl+p): every action that fits the current screen.

The hits are the screen's active bindings (its own, its focused widget's and
the app's), so the palette always matches the footer and the help screen and
never offers an action the screen cannot take right now.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider


class ScreenActions(Provider):
    def _actions(self) -> list[tuple[str, str, partial[Any]]]:
        out: list[tuple[str, str, partial[Any]]] = []
        seen: set[str] = set()
        app = self.app
        for active in self.screen.active_bindings.values():
            binding = active.binding
            # Ours carry an id; Textual's own (scrolling, focus) are not worth a command.
            if not binding.description or binding.system or not binding.id or not active.enabled:
                continue
            if not _fits(active.node, binding.action):
                continue
            if binding.action in ("command_palette", "app.command_palette"):
                continue
            where = "" if isinstance(active.node, App) else f"{self.screen.title or ''}".strip()
            name = f"{where}: {binding.description}" if where else binding.description
            if name in seen:
                continue
            seen.add(name)
            key = app.get_key_display(binding)
            help_text = f"{binding.tooltip} (key: {key})" if binding.tooltip else f"key: {key}"
            out.append((name, help_text, partial(app.run_action, binding.action, active.node)))
        return out

    async def discover(self) -> Hits:
        for name, help_text, callback in self._actions():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


def _fits(node: object, action: str) -> bool:
    """A screen that keeps its footer stable says through `available` which of its
    actions fit the moment (see ReviewScreen.check_action)."""
    available = getattr(node, "available", None)
    if available is None:
        return True
    from textual.actions import parse

    _target, name, params = parse(action)
    return bool(available(name, params))
