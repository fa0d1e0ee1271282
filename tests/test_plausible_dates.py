"""Posting dates must be plausible: the build quarantines dates before 1995 or more than a few
days after the build, and the app stays up on a warehouse that holds them anyway."""

from __future__ import annotations

import datetime as dt
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.sources.base import RecordProblem
from etl.transforms.normalize import posting_row
from etl.warehouse.schema import FUTURE_DAYS, month_name, posting_problems, read_table
from radar import queries
from tests.apptest_pages import open_address

READ_AT = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)


def staging(posted) -> dict:
    return {"source_id": "1", "title": "Backend Engineer", "posted_date": posted,
            "description": "Python and PostgreSQL", "location_raw": "Berlin, Germany"}


@pytest.mark.parametrize(("posted", "reason"), [
    (dt.date(9999, 12, 31), "posted_date 9999-12-31 is more than 7 days after the build date"),
    (dt.date(1, 1, 1), "posted_date 0001-01-01 is before 1995-01-01"),
    (dt.date(1994, 12, 31), "posted_date 1994-12-31 is before 1995-01-01"),
    (dt.date(2026, 6, 23), "posted_date 2026-06-23 is more than 7 days after the build date"),
    (dt.datetime(9999, 12, 31, 23, 59), "posted_date 9999-12-31 is more than"),
])
def test_implausible_dates_are_refused_with_their_reason(posted, reason):
    with pytest.raises(RecordProblem) as refused:
        posting_row(staging(posted), "own", READ_AT)
    assert refused.value.reason.startswith(reason)


@pytest.mark.parametrize("posted", [dt.date(1995, 1, 1), dt.date(2011, 4, 1),
                                    READ_AT.date() + dt.timedelta(days=FUTURE_DAYS)])
def test_plausible_dates_are_kept(posted):
    row = posting_row(staging(posted), "own", READ_AT)
    assert row["posted_date"] == posted
    assert posting_problems(row) == []


def test_schema_check_names_the_date_problem():
    row = posting_row(staging(dt.date(2020, 1, 1)), "own", READ_AT)
    row["posted_date"] = dt.date(3000, 1, 1)
    assert posting_problems(row) == ["posted_date 3000-01-01 is more than 7 days after the "
                                     "build date 2026-06-15"]


EXTREMES = (dt.date(9999, 12, 31), dt.date(1, 1, 1))


@pytest.fixture(scope="module")
def extreme_warehouse(fixture_warehouse, tmp_path_factory):
    """The fixture warehouse with postings dated 9999-12-31 and 0001-01-01 written into its
    Parquet files, as an older or foreign pipeline could leave them."""
    folder = tmp_path_factory.mktemp("extreme") / "warehouse"
    shutil.copytree(fixture_warehouse.resolve(), folder)
    postings = read_table(folder, "postings")
    extra = postings.slice(0, len(EXTREMES)).to_pylist()
    for row, day in zip(extra, EXTREMES, strict=True):
        row.update(posting_id=f"extreme-{day.year}", source_id=f"extreme-{day.year}",
                   posted_date=day)
    for row in extra:  # each in its own month file, as the build writes them
        pq.write_table(pa.Table.from_pylist([row], postings.schema),
                       folder / "postings" / f"{month_name(row['posted_date'])}.parquet")
    rollup = pq.read_table(folder / "rollup_postings.parquet")
    extra = rollup.slice(0, len(EXTREMES)).to_pylist()
    for row, day in zip(extra, EXTREMES, strict=True):
        row["month"] = day.replace(day=1)
    pq.write_table(pa.concat_tables([rollup, pa.Table.from_pylist(extra, rollup.schema)]),
                   folder / "rollup_postings.parquet")
    return folder


def test_choices_offer_only_plausible_months(extreme_warehouse):
    months = queries.run("postings_by_month", queries.choices(extreme_warehouse).defaults(),
                         extreme_warehouse)
    assert months.height > 0
    choices = queries.choices(extreme_warehouse)
    assert (choices.first_month, choices.last_month) == (dt.date(2023, 1, 1),
                                                          dt.date(2025, 12, 1))


@pytest.mark.parametrize("page", ["overview", "languages", "salary", "report", "data", "about"])
def test_every_page_stays_up_on_a_warehouse_with_extreme_dates(app_for, extreme_warehouse, page):
    at = app_for(extreme_warehouse)
    at.run()
    assert not at.exception, at.exception
    if page == "languages":
        open_address(at, page)
    elif page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    slider = at.sidebar.select_slider(key="f_months")
    assert len(slider.options) == 36  # 2023-01 .. 2025-12, not 27,431 months
    assert slider.value == (dt.date(2023, 1, 1), dt.date(2025, 12, 1))
