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


# --- A small warehouse built by the real build from hand-written postings -----------------------

FIXTURE_COUNTRIES = ("US", "DE", "GB")
FIXTURE_LOCATIONS = {"US": "New York, NY", "DE": "Berlin, Germany", "GB": "London, UK"}
FIXTURE_PAY = {"US": ("USD", 100_000, 140_000), "DE": ("EUR", 60_000, 80_000),
               "GB": ("GBP", 50_000, 70_000)}
PER_MONTH = 6


def fixture_months() -> list:
    import datetime as dt
    return [dt.date(y, m, 1) for y in (2023, 2024, 2025) for m in range(1, 13)]


def fixture_postings() -> list[dict]:
    """Staging rows with a known pattern of mentions, countries and pay (see the rules below)."""
    import datetime as dt
    rows = []
    for month in fixture_months():
        for i in range(PER_MONTH):
            country = FIXTURE_COUNTRIES[i % 3]
            stack = []
            if i % 2 == 0:
                stack.append("Python")
            if i % 3 == 0 and month >= dt.date(2024, 6, 1):
                stack.append("Golang")
            if i % 4 == 0:
                stack.append("PostgreSQL")
            if i % 4 == 1:
                stack.append("MySQL")
            if i % 5 in (0, 1):
                stack.append("AWS")
            if i % 5 == 2:
                stack.append("GCP")
            title = ("Senior Backend Engineer" if i % 2 else "Backend Developer")
            text = (f"We are hiring. You will build services with {', '.join(stack) or 'care'}. "
                    "We offer a good team.")
            row = {"source_id": f"{month:%Y%m}-{i}", "posted_date": month.replace(day=1 + i),
                   "title": title, "company": f"Company {month:%Y%m}-{i}",
                   "location_raw": FIXTURE_LOCATIONS[country], "description": text,
                   "remote": "remote" if i == 5 else "onsite", "employment_type": "full_time",
                   "url": f"https://example.org/{month:%Y%m}/{i}"}
            if i % 3 == 0:
                currency, low, high = FIXTURE_PAY[country]
                row.update(salary_min=float(low + 1000 * (month.month - 1)),
                           salary_max=float(high), salary_currency=currency,
                           salary_period="year")
            rows.append(row)
    rows.append({"source_id": "bad-1", "posted_date": None, "title": "No date",
                 "description": "x"})
    return rows


class FixtureSource:
    name = "fixture"
    title = "Test fixture postings"
    kind = "postings"
    licence = "test data"

    def read(self, raw_dir):
        yield from fixture_postings()


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory) -> Path:
    """A warehouse built by the real build from FixtureSource (216 postings, 2023-01 to 2025-12)."""
    from etl.warehouse.build import build
    root = tmp_path_factory.mktemp("fixture_wh")
    (root / "raw" / "fixture").mkdir(parents=True)
    build(root / "raw", root / "warehouse", loaders={"fixture": FixtureSource()},
          processes=1, log=lambda m: None)
    return root / "warehouse"


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    """A warehouse built by the real build from a generated sample (4,000 postings, seed 11,
    through 2026-06)."""
    import datetime as dt

    from etl.sample import write_sample
    from etl.warehouse.build import build
    root = tmp_path_factory.mktemp("sample_wh")
    write_sample(root / "raw" / "sample", seed=11, n=4000, until=dt.date(2026, 6, 30))
    build(root / "raw", root / "warehouse", log=lambda m: None, processes=1)
    return root / "warehouse"


@pytest.fixture()
def app_for(monkeypatch):
    """A function making an AppTest of app.py on a given warehouse (120 s timeout).

    AppTest resets PagesManager.uses_pages_directory before every run, and with a pages/ folder
    beside app.py it then reruns the chosen page alone, as a v1 multipage app would, skipping
    app.py and its sidebar. The real server clears the flag when st.navigation is first called;
    the patch does the same for AppTest.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    original = PagesManager.__init__

    def without_pages_directory(self, *args, **kwargs):
        PagesManager.uses_pages_directory = False
        original(self, *args, **kwargs)

    monkeypatch.setattr(PagesManager, "__init__", without_pages_directory)
    monkeypatch.chdir(PROJECT_ROOT)

    def make(warehouse: Path, query_params: dict | None = None) -> AppTest:
        monkeypatch.setenv("HIRING_RADAR_WAREHOUSE", str(warehouse))
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
        for key, value in (query_params or {}).items():
            at.query_params[key] = value
        return at

    return make


@pytest.fixture()
def app_test(app_for, fixture_warehouse):
    """A function making an AppTest of app.py on the fixture warehouse."""
    return lambda query_params=None: app_for(fixture_warehouse, query_params)


# The pay, role profile and map tests' warehouse (tests/pay_fixture.py).
from tests.pay_fixture import pay_warehouse  # noqa: E402, F401
