"""Shared fixtures: the real public files beside the project, and small warehouses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(
    os.environ.get("HIRING_RADAR_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data")
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public files (../shared/data); skips the test when it is absent."""
    if not (SHARED_DATA / "README.md").is_file():
        pytest.skip(f"real data folder {SHARED_DATA} is absent (it sits beside the project in "
                    "developer sessions and CI; set HIRING_RADAR_SHARED_DATA to point elsewhere)")
    return SHARED_DATA
