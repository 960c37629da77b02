"""Issue 10, security: nothing from a note or a config file is ever evaluated, the
database is readable by its owner only, and SQL is always parameterised.

The source checks read srs_dl/ with `ast` (so a word in a docstring or a comment is
not code): no eval/exec/compile/__import__, no pickle, marshal, shelve or YAML
loader, no shell (os.system, os.popen, shell=True), and every SQL string built with
an f-string, `%` or `.format` interpolates only what was audited below as a fixed
identifier or a run of `?` placeholders. A new interpolation fails the test until
someone reads it and adds it to SQL_AUDITED with the reason it is safe.
"""

from __future__ import annotations

import ast
import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "srs_dl"
TODAY = "2026-03-01"


def sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


FORBIDDEN_CALLS = {
    "eval",
    "exec",
    "compile",
    "__import__",
    "breakpoint",
    "os.system",
    "os.popen",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "pty.spawn",
    "yaml.load",
    "yaml.unsafe_load",
    "yaml.full_load",
    "pickle.load",
    "pickle.loads",
    "marshal.loads",
    "shelve.open",
}
FORBIDDEN_PREFIXES = ("os.exec", "os.spawn", "os.posix_spawn")
FORBIDDEN_MODULES = {
    "pickle",
    "cPickle",
    "_pickle",
    "marshal",
    "shelve",
    "dill",
    "yaml",
    "jinja2",
    "code",
    "codeop",
}
#: Modules imported by a name computed at run time: each maps a fixed table to a module.
DYNAMIC_IMPORTS = {
    "srs_dl/cli.py": "COMMAND_MODULES names the modules under srs_dl.commands that register commands",
    "srs_dl/tui/app.py": "AREAS names the screen modules under srs_dl.tui.screens",
    "srs_dl/core/drills/__init__.py": "_HOME maps each public name to a drills submodule",
}


def test_nothing_is_evaluated_or_run_through_a_shell() -> None:
    problems = []
    for rel, tree in sources():
        for node in ast.walk(tree):
            where = f"{rel}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call):
                name = _dotted(node.func)
                if name in FORBIDDEN_CALLS or name.startswith(FORBIDDEN_PREFIXES):
                    problems.append(f"{where}: calls {name}()")
                for kw in node.keywords:
                    if kw.arg == "shell" and not (
                        isinstance(kw.value, ast.Constant) and kw.value.value is False
                    ):
                        problems.append(f"{where}: shell={ast.unparse(kw.value)}")
                if name in ("importlib.import_module", "import_module") and not (
                    node.args and isinstance(node.args[0], ast.Constant)
                ):
                    if rel not in DYNAMIC_IMPORTS:
                        problems.append(f"{where}: imports a module named at run time")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
                for n in names:
                    if n.split(".")[0] in FORBIDDEN_MODULES:
                        problems.append(f"{where}: imports {n}")
    assert problems == []


# --- SQL ------------------------------------------------------------------------------------

SQL_WORDS = (
    "SELECT ",
    "INSERT ",
    "UPDATE ",
    "DELETE ",
    "PRAGMA ",
    " WHERE ",
    " FROM ",
    " VALUES",
    "CREATE ",
    "DROP ",
    "ALTER ",
    " SET ",
    "ORDER BY",
)

#: (file, interpolated expression) -> why it is a fixed identifier or placeholders only.
#: Module constants holding fixed SQL text, and ", ".join() of such a tuple or of "?"s,
#: are recognised by the scan itself and need no entry.
SQL_AUDITED: dict[tuple[str, str], str] = {
    ("srs_dl/store/db.py", "BUSY_TIMEOUT_MS"): "an int constant (PRAGMA takes no parameters)",
    ("srs_dl/store/db.py", "index + 1"): "an int: the migration number",
    ("srs_dl/store/cards.py", "STORED_COLUMNS"): "', '.join(StoredCard._fields): a NamedTuple's"
    " field names",
    ("srs_dl/store/cards.py", "where"): "deck_clause(): fixed SQL with ? placeholders",
    ("srs_dl/store/export.py", "where"): "store.cards.deck_clause() with its column"
    " qualified (fixed SQL with ? placeholders), or fixed text",
    ("srs_dl/store/cards.py", "table"): "next_id(conn, table) is called with 'notes'/'cards'",
    ("srs_dl/store/cards.py", "marks"): "a run of ? placeholders",
    ("srs_dl/store/cards.py", "sets"): "'col = ?' for constant column names",
    ("srs_dl/store/log.py", "marks"): "a run of ? placeholders",
    ("srs_dl/store/log.py", "sql"): "the query built just above from constants and ?s",
    ("srs_dl/store/notes.py", "', '.join(cols)"): "constant column names",
    ("srs_dl/store/notes.py", "sets"): "'col = ?' for constant column names",
    ("srs_dl/store/reviews.py", "cond"): "fixed condition strings from due_reviews/new_cards",
    ("srs_dl/store/reviews.py", "where"): "deck_clause(): fixed SQL with ? placeholders",
    ("srs_dl/store/reviews.py", "ex_sql"): "' AND id NOT IN (?, ...)'",
    ("srs_dl/store/reviews.py", "order"): "fixed ORDER BY strings from due_reviews/new_cards",
    ("srs_dl/store/reviews.py", "marks"): "a run of ? placeholders",
    ("srs_dl/store/reviews.py", "assignments"): "'col = ?' for the fixed snapshot columns",
    ("srs_dl/store/import_chunks.py", "name"): "an index name read from sqlite_master, quoted",
    ("srs_dl/store/import_chunks.py", "_COPY_FROM_CHUNK"): "a module constant's fixed SQL",
    ("srs_dl/store/import_chunks.py", "BULK_CACHE_KIB"): "an int constant (PRAGMA takes no"
    " parameters)",
    ("srs_dl/store/import_chunks.py", "self.cache_size"): "the int PRAGMA cache_size returned,"
    " set back",
    ("srs_dl/store/import_chunks.py", "CHUNK_DB"): "a module constant: the chunk's schema name",
    ("srs_dl/store/review_notes.py", "','.join('?' * len(folders))"): "a run of ? placeholders",
    ("srs_dl/store/browse.py", "marks"): "a run of ? placeholders",
    ("srs_dl/store/decks.py", "where"): "deck_clause(): fixed SQL with ? placeholders",
}


def _sql_text(node: ast.AST) -> str:
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""


def _looks_like_sql(text: str) -> bool:
    padded = f" {text} "
    return any(word in padded for word in SQL_WORDS)


def _constant_text(node: ast.AST) -> bool:
    """A str made of literals only ("a" "b", "a" + "b")."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _constant_text(node.left) and _constant_text(node.right)
    return isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values)


def module_constants() -> dict[str, set[str]]:
    """Per module: names bound once, at module level, to fixed text or a tuple of it,
    with those imported from another srs_dl module (`from srs_dl.x import NAME`)."""
    trees = dict(sources())
    own: dict[str, set[str]] = {}
    for rel, tree in trees.items():
        bound: dict[str, int] = {}
        for node in ast.walk(tree):
            for t in node.targets if isinstance(node, ast.Assign) else []:
                if isinstance(t, ast.Name):
                    bound[t.id] = bound.get(t.id, 0) + 1
        fixed = set()
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if not isinstance(target, ast.Name) or bound.get(target.id, 0) > 1:
                continue
            if _constant_text(value) or (
                isinstance(value, ast.Tuple | ast.List)
                and all(_constant_text(e) for e in value.elts)
            ):
                fixed.add(target.id)
        own[rel] = fixed
    result = {rel: set(names) for rel, names in own.items()}
    for rel, tree in trees.items():
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("srs_dl"):
                src = (node.module or "").replace(".", "/") + ".py"
                for alias in node.names:
                    if alias.name in own.get(src, set()):
                        result[rel].add(alias.asname or alias.name)
    return result


def _fixed(expr: ast.AST, constants: set[str]) -> bool:
    if _constant_text(expr) or (isinstance(expr, ast.Name) and expr.id in constants):
        return True
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "join"
        and _constant_text(expr.func.value)
        and len(expr.args) == 1
    ):
        arg = expr.args[0]
        if isinstance(arg, ast.Name):
            return arg.id in constants
        if isinstance(arg, ast.GeneratorExp | ast.ListComp):
            return _constant_text(arg.elt)
    return False


def _interpolated(node: ast.AST) -> list[ast.AST]:
    """The values a node puts into SQL text: f-string fields, `%`, `.format`, `+`."""
    if isinstance(node, ast.JoinedStr) and _looks_like_sql(_sql_text(node)):
        return [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod)
        and _looks_like_sql(_sql_text(node.left))
    ):
        return [node.right]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and _looks_like_sql(_sql_text(node.func.value))
    ):
        return [*node.args, *(k.value for k in node.keywords)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        sides = (node.left, node.right)
        if any(_looks_like_sql(_sql_text(side)) for side in sides):
            # an f-string or a nested + is scanned on its own
            return [side for side in sides if not isinstance(side, ast.JoinedStr | ast.BinOp)]
    return []


def sql_interpolations() -> list[tuple[str, int, str]]:
    """(file, line, expression) for each value put into SQL text other than fixed text."""
    found = []
    constants = module_constants()
    for rel, tree in sources():
        for node in ast.walk(tree):
            for expr in _interpolated(node):
                if not _fixed(expr, constants[rel]):
                    found.append((rel, getattr(node, "lineno", 0), ast.unparse(expr)))
    return found


def test_sql_interpolates_only_audited_identifiers_and_placeholders() -> None:
    found = sql_interpolations()
    assert found, "the scan finds nothing: it would pass whatever the code did"
    new = [f"{rel}:{line}: {expr}" for rel, line, expr in found if (rel, expr) not in SQL_AUDITED]
    assert new == [], (
        "SQL built from values nobody audited: read each, and either pass the"
        " value as a ? parameter or add it to SQL_AUDITED with the reason it is"
        f" safe: {new}"
    )


def test_the_sql_scan_flags_user_values() -> None:
    """The scanner itself: what it must flag, and what it lets through."""
    code = ast.parse(
        'COLUMNS = "id, front"\n'
        "def f(conn, front, path, deck, n):\n"
        "    conn.execute(f\"SELECT * FROM cards WHERE front = '{front}'\")\n"
        "    conn.execute(\"DELETE FROM notes WHERE path = '%s'\" % path)\n"
        "    conn.execute(\"UPDATE cards SET deck = '{}'\".format(deck))\n"
        '    conn.execute("SELECT * FROM cards WHERE deck = " + deck)\n'
        '    conn.execute(f"SELECT {COLUMNS} FROM cards WHERE id IN'
        " ({', '.join('?' for _ in n)})\", n)\n"
    )
    flagged = [
        ast.unparse(e)
        for node in ast.walk(code)
        for e in _interpolated(node)
        if not _fixed(e, {"COLUMNS"})
    ]
    assert sorted(flagged) == ["deck", "deck", "front", "path"]


# --- the running program --------------------------------------------------------------------

# A shell, Python or a template engine running one of these creates a file named PWNED-*
# in the current folder (each srs-dl process runs in tmp_path).
PAYLOADS = [
    "$(touch PWNED-shell)",
    "`touch PWNED-backticks`",
    "; touch PWNED-semicolon",
    "__import__('os').system('touch PWNED-python')",
    "{{7*7}} ${7*7} {0.__class__} %(x)s",
    "'); DROP TABLE cards; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
]


def _srs(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "srs_dl", *args],
        capture_output=True,  # noqa: S603
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.umask(0),
    )


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A vault, its plugin settings and a config full of things a shell, Python or a
    template engine would run; every srs-dl process gets a umask of 0."""
    vault = tmp_path / "vault"
    plugin = vault / ".obsidian" / "plugins" / "obsidian-spaced-repetition"
    plugin.mkdir(parents=True)
    lines = [
        "---",
        f"tags: [flashcards, {json.dumps(PAYLOADS[0])}]",
        f"sr-due: {PAYLOADS[3]}",
        'x: !!python/object/apply:os.system ["touch PWNED-yaml"]',
        "---",
        "#flashcards",
        "",
    ]
    for i, p in enumerate(PAYLOADS):
        lines += [f"Payload {i} {p}::{p}", ""]
    lines += [f"A cloze =={PAYLOADS[3]}== here", "", f"Front {PAYLOADS[1]}", "?", PAYLOADS[0], ""]
    (vault / 'it\'s a "note" $(touch PWNED-name).md').write_text("\n".join(lines), encoding="utf-8")
    (plugin / "data.json").write_text(
        json.dumps(
            {
                "settings": {
                    "flashcardTags": ["#flashcards", PAYLOADS[0]],
                    "noteFoldersToIgnore": [PAYLOADS[3]],
                    "singleLineCardSeparator": "::",
                }
            }
        ),
        encoding="utf-8",
    )
    config = tmp_path / "config.toml"
    config.write_text(
        f"editor = {json.dumps(PAYLOADS[0])}\n"
        "[import]\n"
        f'flashcard_tags = ["#flashcards", {json.dumps(PAYLOADS[2])}]\n'
        "[drills.headings]\n"
        f'{json.dumps(PAYLOADS[3])} = ["adam"]\n',
        encoding="utf-8",
    )
    env = dict(
        os.environ,
        SRS_DL_DB=str(tmp_path / "deck.db"),
        SRS_DL_TODAY=TODAY,
        SRS_DL_CONFIG=str(config),
    )
    env.pop("SRS_DL_DEBUG", None)
    return vault, env


def test_notes_and_config_are_data_never_code(
    hostile: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    vault, env = hostile
    imported = _srs(["import", str(vault)], env, tmp_path)
    assert imported.returncode == 0, imported.stderr
    listing = _srs(["cards", "--json"], env, tmp_path)
    cards = [json.loads(line) for line in listing.stdout.splitlines()]
    note_cards = [c for c in cards if c["file"]]
    ids = [str(c["id"]) for c in note_cards]
    for args in (
        ["grade", "good", *ids],
        ["sync"],
        ["due", "--json"],
        ["history", ids[0]],
        ["stats", "--json"],
        ["drills", "--count", "3", "--seed", "1", "--json"],
        ["cards", "--deck", PAYLOADS[5]],
        ["notes", "--json"],
    ):
        done = _srs(args, env, tmp_path)
        assert done.returncode == 0, f"{args}: {done.stderr}"
        assert "Traceback" not in done.stderr
    assert sorted(tmp_path.rglob("PWNED*")) == [], "something from a note or the config ran"
    backs = {c["back"] for c in note_cards}
    for p in PAYLOADS:  # plain text in the deck, whole
        assert p in backs, p
    # An injected deck filter matches nothing and damages nothing.
    injected = _srs(["cards", "--deck", "x' OR '1'='1", "--json"], env, tmp_path)
    assert injected.returncode == 0 and injected.stdout == "", injected.stdout
    conn = sqlite3.connect(env["SRS_DL_DB"])
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM cards").fetchone()[0] == len(cards)
    finally:
        conn.close()


def test_the_editor_command_is_split_not_run_through_a_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from srs_dl.tui.editor import editor_command, run_editor

    out = tmp_path / "argv.json"
    recorder = tmp_path / "record.py"
    recorder.write_text(
        f"import json, sys\nopen({str(out)!r}, 'w').write(json.dumps(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    note = str(tmp_path / "a $(touch pwned) `touch pwned2`; touch pwned3.md")
    argv = editor_command(f"{sys.executable} {recorder} --flag", note, 12)
    monkeypatch.chdir(tmp_path)
    assert run_editor(argv) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == ["--flag", "+12", note]
    assert not any(p.name.startswith("pwned") for p in tmp_path.iterdir())


def test_database_is_readable_by_its_owner_only(
    hostile: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    vault, env = hostile
    db = Path(env["SRS_DL_DB"])
    assert _srs(["import", str(vault)], env, tmp_path).returncode == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o600, oct(db.stat().st_mode)
    # WAL files, while a connection holds them open, get the database file's mode.
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA journal_mode").fetchone()
        conn.execute("SELECT count(*) FROM cards").fetchone()
        for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            if extra.exists():
                assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0, extra
    finally:
        conn.close()
    # A database made readable by others (a copy, a restore) is put back to owner-only.
    os.chmod(db, 0o644)
    assert _srs(["cards", "--json"], env, tmp_path).returncode == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
