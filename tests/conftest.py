"""Shared fixtures. Tests that need ../shared skip when it is absent, and fail
instead when SRS_DL_REQUIRE_SHARED=1 (as .ci/run sets), so a missing corpus
can never pass silently."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"


def _require_shared() -> bool:
    return os.environ.get("SRS_DL_REQUIRE_SHARED", "") not in ("", "0")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder beside the checkout (corpus, specs, tools)."""
    if not (SHARED / "corpus").is_dir():
        if _require_shared():
            pytest.fail(f"{SHARED} is missing and SRS_DL_REQUIRE_SHARED=1")
        pytest.skip(f"{SHARED} is absent")
    return SHARED


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT
