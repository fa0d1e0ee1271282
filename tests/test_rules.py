"""The rules of radar/rules.py against the fixture warehouse, with numbers worked out by hand.

Fixture (tests/conftest.py): 6 postings a month, 2023-01 to 2025-12; posting i of a month names
Python when i is even, Go (written "Golang") when i % 3 == 0 from 2024-06, PostgreSQL when
i % 4 == 0, MySQL when i % 4 == 1, AWS when i % 5 in (0, 1), GCP when i % 5 == 2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import pytest

from radar import queries, rules
from radar.filters import Filters

ALL = Filters(dt.date(2023, 1, 1), dt.date(2025, 12, 1))


@pytest.fixture()
def ranking(fixture_warehouse):
    return lambda filters=ALL: queries.run("tech_ranking", filters, fixture_warehouse,
                                           category="")


def test_risers_need_enough_postings(ranking):
    # Go: 2 of 6 postings a month in 2025 (share 1/3), 2 a month from 2024-06 to 2024-12
    # (14 of 72): +13.89 pp, but only 24 postings in the last 12 months.
    assert rules.risers(ranking()).is_empty()
    risen = rules.risers(ranking(), min_postings=24)
    assert risen["technology_id"].to_list() == ["go"]
    assert risen["change_pp"][0] == pytest.approx(100 * (2 / 6 - 14 / 72))
    assert rules.risers(ranking(), min_postings=25).is_empty()


def test_nothing_else_moves(ranking):
    # every other technology names the same postings each month: change 0, neither list
    assert rules.fallers(ranking(), min_postings=1).is_empty()
    changes = dict(zip(*rules.comparable(ranking())[["technology_id", "change_pp"]], strict=True))
    assert changes.pop("go") == pytest.approx(13.888889)
    assert set(changes) == {"python", "postgresql", "mysql", "aws", "gcp"}
    assert all(abs(v) < 1e-9 for v in changes.values())


def test_fallers_largest_fall_first_and_ties_by_id():
    frame = pl.DataFrame({"technology_id": ["a", "b", "c", "d", "e"],
                          "change_pp": [-1.0, -3.0, -3.0, 2.0, None],
                          "recent_postings": [50, 40, 29, 90, 90]})
    assert rules.fallers(frame)["technology_id"].to_list() == ["b", "a"]  # c has 29 < 30
    assert rules.fallers(frame, min_postings=29, limit=2)["technology_id"].to_list() == ["b", "c"]
    assert rules.risers(frame)["technology_id"].to_list() == ["d"]


def test_fallers_in_a_narrower_window(ranking):
    # 2024-01..2025-12 against nothing before: the range must span 24 months to compare.
    short = replace(ALL, date_from=dt.date(2025, 1, 1))
    assert rules.comparable(ranking(short)).is_empty()
    assert rules.risers(ranking(short), min_postings=1).is_empty()
