"""A vault's Spaced Repetition plugin settings file (its data.json), read as JSON.

The import reads it to parse notes as the plugin would, and grading reads it again
for the vault's algorithm: it is a file the user edits, so neither keeps it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

PLUGIN_DATA = os.path.join(".obsidian", "plugins", "obsidian-spaced-repetition", "data.json")


@dataclass(frozen=True, slots=True)
class PluginData:
    path: str
    #: The file's top-level JSON object (None: no file, unreadable, or not an object).
    data: dict[str, Any] | None
    #: One line naming the file (and line) when it exists but cannot be used.
    problem: str | None = None


def read_plugin_data(vault_root: str) -> PluginData:
    path = os.path.join(vault_root, PLUGIN_DATA)
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read().decode("utf-8"))
    except FileNotFoundError:
        return PluginData(path, None)
    except json.JSONDecodeError as exc:
        return PluginData(
            path,
            None,
            f"{path}:{exc.lineno}: invalid JSON ({exc.msg}); the plugin's settings there are not used",
        )
    except (OSError, UnicodeDecodeError) as exc:
        return PluginData(path, None, f"{path}: cannot read the plugin settings ({exc}); not used")
    return PluginData(path, data if isinstance(data, dict) else None)


@lru_cache(maxsize=64)
def _read_cached(vault_root: str, mtime_ns: int, size: int) -> PluginData:
    del mtime_ns, size  # the cache key: a changed file is read again
    return read_plugin_data(vault_root)


def read_plugin_data_cached(vault_root: str) -> PluginData:
    """As read_plugin_data, but read again only when the file's mtime or size
    changed: grading asks for it on every review."""
    try:
        st = os.stat(os.path.join(vault_root, PLUGIN_DATA))
    except OSError:
        return PluginData(os.path.join(vault_root, PLUGIN_DATA), None)
    return _read_cached(vault_root, st.st_mtime_ns, st.st_size)
