"""The command palette (ctrl+p): every action of the current screen, whatever has the focus.

The hits are the bindings of the focused widget, its containers, the screen and the
app, in that order, then the few Textual commands worth keeping (theme, screenshot,
maximize). Unlike the footer, the list keeps the keys a text box would swallow
(`k` in the answer box): the palette runs the action itself, so they work from it.
Textual's own provider is left out: its "Quit" and "Keys" would repeat ours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

#: Textual's system commands that ours do not already cover.
KEPT_SYSTEM_COMMANDS = ("Theme", "Maximize", "Minimize", "Screenshot")


@dataclass(frozen=True)
class ScreenBinding:
    """One action the screen offers: where it runs, its binding, and every key for it."""

    node: DOMNode
    binding: Binding
    keys: tuple[str, ...]


def screen_bindings(screen: Screen) -> list[ScreenBinding]:
    """Every described binding (ours all carry an id) of the focused widget, its
    containers, `screen` and the app, whose action fits the moment: one entry per
    (node, action), with the keys that run it in the order they are declared.

    Textual's `active_bindings` drops the keys the focused widget would take as
    text; this keeps them, so the palette and the help list what the screen can
    do, not just what the keys can reach from the focused widget."""
    app = screen.app
    focused = screen.focused
    nodes: list[DOMNode] = (
        list(focused.ancestors_with_self) if focused is not None else [screen, app]
    )
    out: dict[tuple[int, str], ScreenBinding] = {}
    for node in nodes:
        for _key, binding in node._bindings:
            if not binding.description or binding.system or not binding.id:
                continue
            # None is Textual's "shown but disabled": not an action to offer either.
            if not app._check_action_state(binding.action, node):
                continue
            key = app.get_key_display(binding) or binding.key
            ident = (id(node), binding.action)
            if ident in out:
                known = out[ident]
                if key not in known.keys:
                    out[ident] = ScreenBinding(node, known.binding, (*known.keys, key))
                continue
            out[ident] = ScreenBinding(node, binding, (key,))
    return list(out.values())


class ScreenActions(Provider):
    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        out: list[tuple[str, str, Callable[[], object]]] = []
        seen: set[str] = set()
        app = self.app
        screen = self.screen
        for entry in screen_bindings(screen):
            binding, node = entry.binding, entry.node
            if binding.action in ("command_palette", "app.command_palette"):
                continue
            if not _fits(node, binding.action):
                continue
            where = "" if isinstance(node, App) else f"{screen.title or ''}".strip()
            name = f"{where}: {binding.description}" if where else binding.description
            if name in seen:
                continue
            seen.add(name)
            keys = ", ".join(entry.keys)
            help_text = f"{binding.tooltip} (key: {keys})" if binding.tooltip else f"key: {keys}"
            out.append((name, help_text, partial(app.run_action, binding.action, node)))
        for command in app.get_system_commands(screen):
            if command.title in KEPT_SYSTEM_COMMANDS and command.title not in seen:
                seen.add(command.title)
                out.append((command.title, command.help, command.callback))
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
