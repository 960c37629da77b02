"""Where things live, and the user's TOML config.

Database: `--db`, else $SRS_DL_DB, else `data/srs-dl.db` in a source checkout
(the folder holding pyproject.toml and srs_dl/), else the platform's data
folder (`~/.local/share/srs-dl/srs-dl.db` on Linux).
Config: `--config`, else $SRS_DL_CONFIG, else the platform's config folder
(`~/.config/srs-dl/config.toml` on Linux); a missing file means defaults.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from srs_dl.core.scheduling.sm2 import SchedulerSettings

PACKAGE_DIR = Path(__file__).resolve().parent
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
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        source = "--today" if flag else "SRS_DL_TODAY"
        error = UsageError if flag else ConfigError
        raise error(f"{source}: {value!r} is not a date (YYYY-MM-DD)") from exc


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
    review: ReviewSettings = field(default_factory=ReviewSettings)
    #: Extra heading-name -> drill kinds entries, on top of the defaults.
    drill_headings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    editor: str | None = None


def load_config(flag: str | None = None) -> Config:
    explicit = flag or os.environ.get("SRS_DL_CONFIG")
    path = Path(explicit).expanduser() if explicit else default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: config file not found")
        return Config(path=None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    return _from_toml(path, data)


def _section(path: Path, data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    return value


def _from_toml(path: Path, data: dict[str, Any]) -> Config:
    import dataclasses

    def build(cls: type, section: str) -> Any:
        values = _section(path, data, section)
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(values) - names
        if unknown:
            raise ConfigError(f"{path}: [{section}] has unknown keys: {', '.join(sorted(unknown))}")
        try:
            return cls(**values)
        except TypeError as exc:
            raise ConfigError(f"{path}: [{section}]: {exc}") from exc

    headings = _section(path, data, "drills").get("headings", {})
    if not isinstance(headings, dict):
        raise ConfigError(f"{path}: [drills] headings must be a table of name = [kinds]")
    editor = data.get("editor")
    return Config(
        path=path,
        parse=dict(_section(path, data, "import")),
        scheduler=build(SchedulerSettings, "scheduling"),
        review=build(ReviewSettings, "review"),
        drill_headings={
            str(k): tuple(v) if isinstance(v, list) else (str(v),) for k, v in headings.items()
        },
        editor=str(editor) if editor else None,
    )
