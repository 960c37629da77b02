"""Where things live, and the user's TOML config.

Database: `--db`, else $SRS_DL_DB, else `data/srs-dl.db` in a source checkout
(the folder holding pyproject.toml and srs_dl/), else the platform's data
folder (`~/.local/share/srs-dl/srs-dl.db` on Linux).
Config: `--config`, else $SRS_DL_CONFIG, else the platform's config folder
(`~/.config/srs-dl/config.toml` on Linux); a missing file means defaults.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from srs_dl.core.config_schema import SCHEMA, ConfigProblem, check_config
from srs_dl.core.notes.settings import CLOZE_STYLES
from srs_dl.core.scheduling.sm2 import SchedulerSettings

PACKAGE_DIR = Path(__file__).resolve().parent
#: The calendar ends at 9999-12-31: a year's forecast from this day still has dates.
LAST_TODAY = dt.date(9998, 12, 31)
APP_NAME = "srs-dl"


class ConfigError(Exception):
    """A config problem, with a message naming the file."""


class UsageError(ConfigError):
    """A bad command-line value (exit status 2, as argparse's own usage errors)."""


def checkout_root() -> Path | None:
    root = PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "decks").is_dir():
        return root
    return None


def default_db_path() -> Path:
    root = checkout_root()
    if root is not None:
        return root / "data" / "srs-dl.db"
    return Path(platformdirs.user_data_dir(APP_NAME)) / "srs-dl.db"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def bundled_decks_path() -> Path:
    """decks/ of a checkout (editable install) or as packaged into the wheel."""
    for candidate in (PACKAGE_DIR / "decks", PACKAGE_DIR.parent / "decks"):
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"{PACKAGE_DIR}: the bundled decks are missing from this installation")


def resolve_db(flag: str | None) -> Path:
    value = flag or os.environ.get("SRS_DL_DB")
    return Path(value).expanduser() if value else default_db_path()


def resolve_today(flag: str | None) -> dt.date:
    value = flag or os.environ.get("SRS_DL_TODAY")
    if not value:
        return dt.date.today()
    source = "--today" if flag else "SRS_DL_TODAY"
    error = UsageError if flag else ConfigError
    try:
        today = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise error(f"{source}: {value!r} is not a date (YYYY-MM-DD)") from exc
    if today > LAST_TODAY:
        raise error(
            f"{source}: {value} is past {LAST_TODAY}, the last day srs-dl reviews on"
            " (its forecasts and burials need the days after it to be dates)"
        )
    return today


def resolve_now(today: dt.date) -> dt.datetime:
    """The time of a review, with the local timezone: `SRS_DL_NOW` (ISO 8601) if set,
    else now; on a `--today` other than today, that day at the current time of day.
    FSRS schedules to the minute (its learning steps), SM-2 by the day."""
    value = os.environ.get("SRS_DL_NOW")
    if value:
        try:
            fixed = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ConfigError(f"SRS_DL_NOW: {value!r} is not an ISO 8601 time") from exc
        return fixed.astimezone() if fixed.tzinfo is None else fixed
    now = dt.datetime.now().astimezone()
    if now.date() == today:
        return now
    return dt.datetime.combine(today, now.timetz())


@dataclass(frozen=True)
class ReviewSettings:
    new_per_day: int = 20
    reviews_per_day: int = 200
    #: "immediate": a review's comment is written into the note at once; "sync": only on `sync`.
    writeback: str = "immediate"
    #: Anki's "bury new siblings" / "bury review siblings": once a card is answered, the
    #: other cards of its question (a reversed card's other side, a cloze's other
    #: deletions) wait until tomorrow, so one does not give the other away.
    bury_new_siblings: bool = True
    bury_review_siblings: bool = True

    def __post_init__(self) -> None:
        for name in ("bury_new_siblings", "bury_review_siblings"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be true or false")


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    #: A partial ParseSettings layer (field names of ParseSettings).
    parse: dict[str, Any] = field(default_factory=dict)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    #: `[scheduling] algorithm` ("sm2" or "fsrs") and `desired_retention` (FSRS);
    #: None: the vault's own plugin setting decides (services/review/scheduling_choice.py).
    algorithm: str | None = None
    desired_retention: float | None = None
    review: ReviewSettings = field(default_factory=ReviewSettings)
    #: Extra heading-name -> drill kinds entries, on top of the defaults.
    drill_headings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    editor: str | None = None
    #: Unknown keys, one line each naming the file (shown, never fatal).
    warnings: tuple[str, ...] = ()


def load_config(flag: str | None = None) -> Config:
    explicit = flag or os.environ.get("SRS_DL_CONFIG")
    path = Path(explicit).expanduser() if explicit else default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: config file not found")
        return Config(path=None)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    problems = check_config(data)
    errors = [_located(path, text, p) for p in problems if p.is_error]
    if errors:
        # One line per bad value (the CLI prefixes each line).
        raise ConfigError("\n".join(errors))
    warnings = tuple(_located(path, text, p) for p in problems if not p.is_error)
    return _from_toml(path, data, warnings)


_HEADER_RE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")


def _located(path: Path, text: str, problem: ConfigProblem) -> str:
    """`PATH:LINE: message`, the line being where the key is set (PATH: when not found)."""
    section, key = problem.section, problem.key
    key_re = re.compile(r"""^\s*(?:"%s"|'%s'|%s)\s*=""" % ((re.escape(key),) * 3))
    current = ""
    for lineno, line in enumerate(text.splitlines(), 1):
        header = _HEADER_RE.match(line)
        if header:
            current = header.group(1).strip().strip("\"'")
            if current in (key if not section else f"{section}.{key}",):
                return f"{path}:{lineno}: {problem.message}"
            continue
        if current == section and key_re.match(line):
            return f"{path}:{lineno}: {problem.message}"
    return f"{path}: {problem.message}"


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    return value if isinstance(value, dict) else {}


def _from_toml(path: Path, data: dict[str, Any], warnings: tuple[str, ...] = ()) -> Config:
    """A Config from TOML that check_config passed: unknown keys (warned about) dropped."""

    def build(cls: type, section: str) -> Any:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in _section(data, section).items() if k in names}
        try:
            return cls(**values)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: [{section}]: {exc}") from exc

    parse = {k: v for k, v in _section(data, "import").items() if k in SCHEMA["import"]}
    styles = parse.pop("cloze", None)
    if styles is not None:
        names = [styles] if isinstance(styles, str) else styles
        parse.setdefault("cloze_patterns", [CLOZE_STYLES[n] for n in dict.fromkeys(names)])
    headings = _section(data, "drills").get("headings", {})
    editor = data.get("editor")
    scheduling = _section(data, "scheduling")
    algorithm = scheduling.get("algorithm")
    if algorithm is not None and algorithm not in ("sm2", "fsrs"):
        raise ConfigError(
            f'{path}: [scheduling] algorithm must be "sm2" or "fsrs", not {algorithm!r}'
        )
    retention = scheduling.get("desired_retention")
    if retention is not None and (
        isinstance(retention, bool)
        or not isinstance(retention, int | float)
        or not 0 < retention <= 1
    ):
        raise ConfigError(
            f"{path}: [scheduling] desired_retention must be a number above 0 and at most 1, not {retention!r}"
        )
    return Config(
        path=path,
        parse=parse,
        scheduler=build(SchedulerSettings, "scheduling"),
        algorithm=algorithm,
        desired_retention=None if retention is None else float(retention),
        review=build(ReviewSettings, "review"),
        drill_headings={
            str(k): tuple(v) if isinstance(v, list) else (str(v),) for k, v in headings.items()
        },
        editor=str(editor) if editor else None,
        warnings=warnings,
    )
