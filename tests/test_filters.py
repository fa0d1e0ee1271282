"""Filters as query parameters and URL parameters; invalid URL values fall back with a notice."""

from __future__ import annotations

import datetime as dt

from radar.filters import Choices, Filters, from_query_params, to_query_params

CHOICES = Choices(dt.date(2016, 1, 1), dt.date(2026, 11, 1), ("DE", "GB", "US"),
                  ("hn", "sample"))


def test_params_bind_every_filter():
    f = Filters(dt.date(2020, 1, 1), dt.date(2021, 6, 1), ("US",), (), ("senior",))
    assert f.params() == {"date_from": dt.date(2020, 1, 1), "date_to": dt.date(2021, 6, 1),
                          "countries": ["US"], "remote": [], "seniority": ["senior"],
                          "role_family": [], "sources": []}


def test_url_round_trip_reproduces_the_filters():
    f = Filters(dt.date(2020, 1, 1), dt.date(2021, 6, 1), ("DE", "US"), ("remote",), (),
                ("backend",), ("hn",))
    params = to_query_params(f, CHOICES, {"tech_language": "python,go"})
    assert params == {"from": "2020-01", "to": "2021-06", "countries": "DE,US",
                      "remote": "remote", "role_family": "backend", "sources": "hn",
                      "tech_language": "python,go"}
    back, notices = from_query_params(params, CHOICES)
    assert back == f and notices == []


def test_defaults_give_an_empty_url():
    assert to_query_params(CHOICES.defaults(), CHOICES) == {}


def test_invalid_values_fall_back_with_notices():
    params = {"from": "2022-05", "to": "2020-01", "countries": "XX,DE,'; drop table postings;--",
              "remote": "maybe"}
    filters, notices = from_query_params(params, CHOICES)
    assert filters.date_from == CHOICES.first_month and filters.date_to == CHOICES.last_month
    assert filters.countries == ("DE",) and filters.remote == ()
    assert len(notices) == 3
    assert "runs backwards" in notices[0]
    assert "'XX'" in notices[1] and "drop table" in notices[1]
    assert "'maybe'" in notices[2]


def test_malformed_months_are_refused():
    filters, notices = from_query_params({"from": "2020-13", "to": "soon"}, CHOICES)
    assert (filters.date_from, filters.date_to) == (CHOICES.first_month, CHOICES.last_month)
    assert notices == ["from='2020-13' is not a month (YYYY-MM): ignored",
                       "to='soon' is not a month (YYYY-MM): ignored"]


def test_range_is_clipped_to_the_data():
    filters, notices = from_query_params({"from": "2010-01", "to": "2030-01"}, CHOICES)
    assert (filters.date_from, filters.date_to) == (CHOICES.first_month, CHOICES.last_month)
    assert notices == []


def test_describe_and_slug():
    f = Filters(dt.date(2020, 1, 1), dt.date(2021, 6, 1), ("US",), seniority=("senior",))
    assert f.describe() == "2020-01 to 2021-06; countries: US; seniority: senior"
    assert f.slug() == "202001-202106_us_senior"
