"""A small warehouse for the pay, role profile and map tests, built by the real build from
hand-written postings whose medians, premiums and shares are worked out by hand in the tests.

2024-03, all "Senior Backend Engineer" (seniority senior), pay as a single annual figure:
  US (USD): Python 110k, 120k, 130k; Java 90k, 100k, 110k
  DE (EUR): Python 60k, 66k, 72k;   Java 55k, 60k, 65k
  GB (GBP): Python 50k
  US, no pay, remote: PostgreSQL and Docker only (no language)
2023-03, US: Python 100k, 100k; Java 80k, 80k (cells of 2: under a threshold of 3)
2019-03, US: Java with MySQL 90k; PHP with MySQL, no pay (the profile five years earlier)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

PLACES = {"US": "Austin, TX", "DE": "Berlin, Germany", "GB": "London, UK"}
CURRENCY = {"US": "USD", "DE": "EUR", "GB": "GBP"}
PYTHON = "You will build services in Python with PostgreSQL on AWS. We use Git and Docker daily."
JAVA = "You will build services in Java with MySQL. We use Git."
PHP = "You will build services in PHP with MySQL."
PLATFORM = "You will run our platform with PostgreSQL and Docker."

PAID = [  # (month, country, text, annual pay in the country's currency)
    *[(dt.date(2024, 3, 1), "US", PYTHON, p) for p in (110_000, 120_000, 130_000)],
    *[(dt.date(2024, 3, 1), "US", JAVA, p) for p in (90_000, 100_000, 110_000)],
    *[(dt.date(2024, 3, 1), "DE", PYTHON, p) for p in (60_000, 66_000, 72_000)],
    *[(dt.date(2024, 3, 1), "DE", JAVA, p) for p in (55_000, 60_000, 65_000)],
    (dt.date(2024, 3, 1), "GB", PYTHON, 50_000),
    *[(dt.date(2023, 3, 1), "US", PYTHON, 100_000) for _ in range(2)],
    *[(dt.date(2023, 3, 1), "US", JAVA, 80_000) for _ in range(2)],
    (dt.date(2019, 3, 1), "US", JAVA, 90_000),
]
UNPAID = [(dt.date(2024, 3, 1), "US", PLATFORM, "remote"),
          (dt.date(2019, 3, 1), "US", PHP, "onsite")]


def pay_postings() -> list[dict]:
    """The staging rows described in the module docstring."""
    rows = []
    for i, (month, country, text, pay) in enumerate(PAID):
        rows.append({"source_id": f"paid-{i}", "posted_date": month.replace(day=1 + i % 20),
                     "title": "Senior Backend Engineer", "company": f"Paid {i}",
                     "location_raw": PLACES[country], "description": text, "remote": "onsite",
                     "employment_type": "full_time", "url": f"https://example.org/paid/{i}",
                     "salary_min": float(pay), "salary_max": float(pay),
                     "salary_currency": CURRENCY[country], "salary_period": "year"})
    for i, (month, country, text, remote) in enumerate(UNPAID):
        rows.append({"source_id": f"unpaid-{i}", "posted_date": month.replace(day=2),
                     "title": "Senior Backend Engineer", "company": f"Unpaid {i}",
                     "location_raw": PLACES[country], "description": text, "remote": remote,
                     "employment_type": "full_time", "url": f"https://example.org/unpaid/{i}"})
    return rows


class PaySource:
    name = "payfixture"
    title = "Pay test postings"
    kind = "postings"
    licence = "test data"

    def read(self, raw_dir):
        yield from pay_postings()


@pytest.fixture(scope="session")
def pay_warehouse(tmp_path_factory) -> Path:
    """A warehouse built by the real build from PaySource (29 postings, 2019-03 to 2024-03)."""
    from etl.warehouse.build import build
    root = tmp_path_factory.mktemp("pay_wh")
    (root / "raw" / PaySource.name).mkdir(parents=True)
    build(root / "raw", root / "warehouse", loaders={PaySource.name: PaySource()},
          processes=1, log=lambda m: None)
    return root / "warehouse"
