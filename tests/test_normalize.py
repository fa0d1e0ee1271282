"""Staging rows -> schema rows: places, seniority, role family, remote, salary, rejections."""

from __future__ import annotations

import datetime as dt

import pytest

from etl.sources.base import RecordProblem
from etl.transforms.normalize import (
    place_from_location,
    posting_row,
    remote_from_text,
    role_family_from_title,
    seniority_from_title,
)
from etl.transforms.salary import annual_usd, units_per_usd
from etl.warehouse.schema import COLUMN_NAMES, posting_id

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize("location, country, city", [
    ("Berlin, Germany", "DE", "Berlin"), ("London, UK", "GB", "London"),
    ("Remote (US)", "US", None), ("Remote - EU", None, None), ("Toronto, ON", "CA", "Toronto"),
    ("Hybrid — Amsterdam", "NL", "Amsterdam"), ("San Francisco, CA", "US", "San Francisco"),
    ("NYC | REMOTE", "US", "New York"), ("Bengaluru, India", "IN", "Bangalore"),
    ("Austin, TX", "US", "Austin"), ("Zürich", "CH", "Zurich"), (None, None, None),
    ("Springfield, IL", "US", None), ("Paris, TX", "US", None), ("Cambridge, MA", "US", None),
    ("London, ON", "CA", None), ("Vancouver, WA", "US", None), ("Paris, France", "FR", "Paris"),
    ("London, UK or Austin, TX", "GB", "London"), ("Vancouver, BC", "CA", "Vancouver"),
    ("Amsterdam + Boulder, CO", "NL", "Amsterdam"), ("Dublin, CA, USA", "US", None),
    ("London, Remote OK", "GB", "London"), ("Vancouver & Victoria, BC, Canada", "CA", "Vancouver"),
    ("New York, NY & Toronto, ON", "US", "New York"), ("Tokyo and California", "JP", "Tokyo"),
    ("Toronto, CA", "CA", "Toronto"), ("Gurgaon, IN", "IN", "Gurgaon"),
    ("Boston, MA and Munich, Germany", "US", "Boston"), ("Vienna, VA", "US", None),
])
def test_place_from_location(location, country, city):
    place = place_from_location(location)
    assert (place.country, place.city) == (country, city)


@pytest.mark.parametrize("title, level, family", [
    ("Senior Backend Engineer (Python)", "senior", "backend"),
    ("Junior PHP Developer", "junior", "backend"),
    ("Staff Software Engineer, Platform", "senior", "backend"),
    ("Lead Java Developer", "lead", "backend"),
    ("Backend Engineering Intern", "intern", "backend"),
    ("Full-Stack Developer", "unknown", "fullstack"),
    ("Data Engineer", "unknown", "data"),
    ("Site Reliability Engineer", "unknown", "devops"),
    ("Frontend Developer", "unknown", "frontend"),
    ("iOS Developer", "unknown", "mobile"),
    ("Software Engineer II", "mid", "other"),
    ("Principal Golang Engineer", "lead", "backend"),
])
def test_title_rules(title, level, family):
    assert seniority_from_title(title) == level
    assert role_family_from_title(title) == family


def test_remote_from_location_title_then_text():
    assert remote_from_text("Remote (US)", "Engineer", "") == "remote"
    assert remote_from_text("Berlin", "Engineer (Hybrid)", "") == "hybrid"
    assert remote_from_text("Berlin", "Engineer", "This is a fully remote role.") == "remote"
    assert remote_from_text("Berlin", "Engineer", "Nice office.") == "unknown"


def staging(**kw) -> dict:
    row = {"source_id": "42", "posted_date": dt.date(2024, 3, 5), "title": "Senior Go Developer",
           "description": "Build APIs.", "location_raw": "Munich, Germany"}
    row.update(kw)
    return row


def test_posting_row_fills_every_column():
    row = posting_row(staging(salary_min=70_000.0, salary_max=90_000.0,
                              salary_currency="EUR", salary_period="year"), "src", NOW)
    assert tuple(row) == COLUMN_NAMES
    assert row["posting_id"] == posting_id("src", "42")
    assert (row["country"], row["city"], row["seniority"]) == ("DE", "Munich", "senior")
    expected = round(80_000 / units_per_usd("EUR", 2024), 2)
    assert row["salary_annual_usd"] == expected == annual_usd(70_000, 90_000, "EUR", "year", 2024)
    assert row["salary_is_outlier"] is False


def test_salary_text_is_parsed_with_the_country_currency():
    row = posting_row(staging(salary_text="€85k–€110k"), "src", NOW)
    assert (row["salary_min"], row["salary_max"], row["salary_currency"]) == (85_000, 110_000,
                                                                                "EUR")
    assert row["salary_period"] == "year"


def test_hourly_pay_is_annualised_and_outliers_flagged():
    row = posting_row(staging(salary_min=60.0, salary_max=60.0, salary_currency="USD",
                                 salary_period="hour"), "src", NOW)
    assert row["salary_annual_usd"] == 60 * 2080
    row = posting_row(staging(salary_min=5.0, salary_max=5.0, salary_currency="USD",
                                 salary_period="year"), "src", NOW)
    assert row["salary_is_outlier"] is True


@pytest.mark.parametrize("change, reason", [
    ({"title": "  "}, "title is missing"),
    ({"source_id": None}, "source_id is missing"),
    ({"posted_date": "2024-13-01"}, "posted_date '2024-13-01' is not a date"),
    ({"salary_min": 9.0, "salary_max": 1.0, "salary_currency": "USD", "salary_period": "year"},
     "salary_min 9.0 is above salary_max 1.0"),
    ({"remote": "sometimes"}, "remote='sometimes' is not one of remote, hybrid, onsite, unknown"),
])
def test_bad_rows_are_refused_with_a_reason(change, reason):
    with pytest.raises(RecordProblem) as refused:
        posting_row(staging(**change), "src", NOW)
    assert refused.value.reason == reason


def test_pay_stated_only_in_the_description_is_found():
    text = ("Strong PHP.\nWe raised $50M in our Series C.\n"
            "Compensation: INR 17,00,000 - 24,00,000 per annum\n")
    row = posting_row(staging(description=text, location_raw="Bangalore, India"), "src", NOW)
    assert (row["salary_min"], row["salary_max"], row["salary_currency"],
            row["salary_period"]) == (1_700_000, 2_400_000, "INR", "year")


def test_numbers_that_are_not_pay_are_left_alone():
    text = "We raised $50M.\nOur base is Berlin; 10k users a day.\n401k matching."
    row = posting_row(staging(description=text), "src", NOW)
    assert row["salary_min"] is None and row["salary_annual_usd"] is None


def test_a_pay_line_needs_no_pay_word_when_it_names_a_currency():
    row = posting_row(staging(description="Great team.\n£14,000–£18,000 DOE\n",
                                 location_raw="Leeds, UK"), "src", NOW)
    assert (row["salary_min"], row["salary_max"], row["salary_currency"]) == (14_000, 18_000,
                                                                                "GBP")
