"""Finding the notes under a folder: os.scandir, nothing read but directory entries.

Skipped: hidden files and folders (`.obsidian/`, `.trash/`, ...), anything not
named `*.md`, and what the vault's plugin settings ignore (`noteFoldersToIgnore`:
the plugin ignores a path that starts with an entry, or that matches it as a
glob such as `**/*.excalidraw.md`; paths are relative to the vault's root).

A folder inside with a `.obsidian/` of its own is another vault, with its own
plugin settings: it is reported in `vaults`, not walked.

Symlinks: one that points inside the imported folder is skipped (its target is
imported under its own path, so nothing is imported twice); one that leads out
of it is followed only when asked; loops are detected by the real paths of the
folders already walked. Every problem is one line for the user; a folder that
cannot be listed is reported in `unreadable_dirs`, so the notes srs-dl knew
there are not taken for deleted.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from stat import S_ISREG
from typing import NamedTuple

_Dir = tuple[str, str, tuple[str, ...], str]


class FoundNote(NamedTuple):
    """A note the walk found (a tuple: a vault has thousands)."""

    path: str  # absolute, as walked (through any followed symlink)
    size: int
    mtime_ns: int
    #: The folder relative to the vault's root, "/"-separated ("" at the root).
    folder: str


@dataclass
class WalkResult:
    notes: list[FoundNote] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: Folders inside holding a `.obsidian/` of their own: vaults, not walked here.
    vaults: list[str] = field(default_factory=list)
    #: Paths whose content is unknown (an unreadable folder, a symlink not followed):
    #: notes srs-dl knew there are not gone.
    unreadable_dirs: list[str] = field(default_factory=list)


def is_note_name(name: str) -> bool:
    return not name.startswith(".") and name[-3:].lower() == ".md" and len(name) > 3


def _glob_regex(pattern: str) -> str:
    """A minimatch-style glob as a regex: `*`, `?` stay within a path segment,
    `**` crosses them (`**/` also matches no folder at all), `[..]`, `{a,b}`."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**/", i):
                out.append("(?:[^/]*/)*")
                i += 3
                continue
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end + 1
                continue
        elif c == "{":
            end = pattern.find("}", i)
            if end < 0:
                out.append(re.escape(c))
            else:
                parts = pattern[i + 1 : end].split(",")
                out.append("(?:" + "|".join(_glob_regex(p) for p in parts) + ")")
                i = end + 1
                continue
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class IgnoreRules:
    """The plugin's `noteFoldersToIgnore`: a prefix or a glob, over vault-relative paths."""

    prefixes: tuple[str, ...]
    globs: tuple[re.Pattern[str], ...]

    @classmethod
    def compile(cls, patterns: Sequence[str]) -> IgnoreRules:
        cleaned = tuple(p.strip() for p in patterns if p and p.strip())
        globs = []
        for p in cleaned:
            if any(ch in p for ch in "*?[{"):
                try:
                    globs.append(re.compile(_glob_regex(p) + r"\Z"))
                except re.error:
                    continue
        return cls(prefixes=cleaned, globs=tuple(globs))

    def file_ignored(self, rel: str) -> bool:
        return any(rel.startswith(p) for p in self.prefixes) or any(
            g.match(rel) for g in self.globs
        )

    def folder_ignored(self, rel: str) -> bool:
        # Every file under the folder starts with "rel/": the prefix rule prunes exactly.
        probe = rel + "/"
        return any(probe.startswith(p) for p in self.prefixes)


def _rel(path: str, base: str) -> str:
    if path == base:
        return ""
    rel = os.path.relpath(path, base)
    if rel.startswith(".."):
        return ""
    return rel.replace(os.sep, "/")


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def walk_notes(
    root: str,
    *,
    base: str,
    ignore: IgnoreRules,
    skip: Collection[str] = (),
    follow_symlinks: bool = False,
    cancelled: Callable[[], bool] | None = None,
) -> WalkResult:
    """The notes under the folder `root` (absolute), sorted by path.

    `base` is the vault's root (for ignore rules and folder decks); `skip` holds
    absolute paths (folders or files) imported on their own, left to their walk.
    """
    result = WalkResult()
    real_root = os.path.realpath(root)
    seen_dirs: set[str] = {real_root}
    skip_set = set(skip)
    # (walked path, its real path, the real paths of the folders above it, vault-relative path)
    stack: list[_Dir] = [(root, real_root, (), _rel(root, base))]
    notes = result.notes
    while stack:
        if cancelled is not None and cancelled():
            break
        folder, real_folder, ancestors, folder_rel = stack.pop()
        try:
            it = os.scandir(folder)
        except OSError as exc:
            result.problems.append(
                f"{folder}: cannot list the folder ({exc.strerror or exc}); its notes are kept"
                " as they were"
            )
            result.unreadable_dirs.append(folder)
            continue
        with it:
            for entry in it:
                name = entry.name
                if name.startswith("."):
                    continue
                path = entry.path
                if path in skip_set:
                    continue
                try:
                    if entry.is_symlink():
                        _symlink(
                            entry,
                            result,
                            stack,
                            real_root,
                            real_folder,
                            ancestors,
                            seen_dirs,
                            folder_rel,
                            ignore,
                            follow_symlinks,
                        )
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        if os.path.isdir(os.path.join(path, ".obsidian")):
                            # A vault of its own, with its own settings: the caller
                            # walks it separately (even if this vault ignores it).
                            result.vaults.append(path)
                            continue
                        rel = f"{folder_rel}/{name}" if folder_rel else name
                        if ignore.folder_ignored(rel):
                            continue
                        real = os.path.join(real_folder, name)
                        stack.append((path, real, ancestors + (real_folder,), rel))
                        seen_dirs.add(real)
                        continue
                    if not is_note_name(name):
                        continue
                    rel = f"{folder_rel}/{name}" if folder_rel else name
                    if ignore.prefixes and ignore.file_ignored(rel):
                        continue
                    st = entry.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue  # removed while we walked
                except OSError as exc:
                    result.problems.append(f"{path}: cannot read ({exc.strerror or exc}); skipped")
                    result.unreadable_dirs.append(path)
                    continue
                if not S_ISREG(st.st_mode):
                    # A FIFO would block the read forever; a device is no note either.
                    result.problems.append(f"{path}: not a regular file; skipped")
                    result.unreadable_dirs.append(path)
                    continue
                notes.append(FoundNote(path, st.st_size, st.st_mtime_ns, folder_rel))
    notes.sort(key=lambda n: n.path)
    return result


def _symlink(
    entry: os.DirEntry[str],
    result: WalkResult,
    stack: list[_Dir],
    real_root: str,
    real_folder: str,
    ancestors: tuple[str, ...],
    seen_dirs: set[str],
    folder_rel: str,
    ignore: IgnoreRules,
    follow: bool,
) -> None:
    path, name = entry.path, entry.name
    try:
        st = os.stat(path)
    except OSError as exc:
        result.unreadable_dirs.append(path)
        if exc.errno == errno.ELOOP:
            result.problems.append(f"{path}: symlink loop; not followed")
        elif exc.errno == errno.ENOENT:
            result.problems.append(f"{path}: broken symlink (its target is missing); skipped")
        else:
            result.problems.append(f"{path}: cannot follow the symlink ({exc.strerror}); skipped")
        return
    target = os.path.realpath(path)
    is_dir = os.path.isdir(target)
    if not is_dir and not is_note_name(name):
        return
    if _inside(target, real_root):
        if is_dir and (target in ancestors or target == real_folder):
            result.problems.append(
                f"{path}: symlink loop (it points to a folder above it); not followed"
            )
        # Otherwise the target is imported under its own path.
        return
    if not follow:
        result.unreadable_dirs.append(path)
        result.problems.append(
            f"{path}: symlink to {target}, outside the imported folder; not followed"
            " (--follow-symlinks follows it)"
        )
        return
    rel = f"{folder_rel}/{name}" if folder_rel else name
    if is_dir:
        if target in seen_dirs:
            if target in ancestors or target == real_folder:
                result.problems.append(
                    f"{path}: symlink loop (it points to a folder above it); not followed"
                )
            return
        if ignore.folder_ignored(rel):
            return
        seen_dirs.add(target)
        stack.append((path, target, ancestors + (real_folder,), rel))
        return
    if ignore.prefixes and ignore.file_ignored(rel):
        return
    if not S_ISREG(st.st_mode):
        result.problems.append(f"{path}: not a regular file; skipped")
        result.unreadable_dirs.append(path)
        return
    # The folder deck of a linked note is the folder the link sits in.
    result.notes.append(FoundNote(path, st.st_size, st.st_mtime_ns, folder_rel))


def find_vault_root(start: str) -> str | None:
    """The nearest folder at or above `start` holding `.obsidian/` (the vault's root)."""
    current = start
    while True:
        if os.path.isdir(os.path.join(current, ".obsidian")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
