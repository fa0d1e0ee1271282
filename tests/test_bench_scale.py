"""The scale-up behind `python -m etl.bench --queries-at N` (etl/bench_queries.py): a warehouse
copied factor times keeps its months, its shape and its figures, counts times factor."""

from __future__ import annotations

import json

import duckdb
import pytest

from etl.bench_queries import narrow_filters, page_params, scale_up
from radar import queries


@pytest.fixture(scope="module")
def scaled(fixture_warehouse, tmp_path_factory):
    dest = tmp_path_factory.mktemp("scaled") / "warehouse"
    base = json.loads((fixture_warehouse / "manifest.json").read_text())["row_counts"]
    manifest = scale_up(fixture_warehouse, dest, target=base["postings"] * 3)
    return dest, manifest, base


def test_counts_are_the_base_times_the_factor(scaled):
    dest, manifest, base = scaled
    assert manifest["scaled_up"]["factor"] == 3
    counts = manifest["row_counts"]
    assert counts["postings"] == 3 * base["postings"]
    assert counts["posting_technologies"] == 3 * base["posting_technologies"]
    assert counts["salaries"] == 3 * base["salaries"]
    con = duckdb.connect()
    ids = con.sql(f"select count(distinct posting_id) from '{dest}/postings/*.parquet'").fetchall()
    assert ids[0][0] == counts["postings"]


def test_months_and_shape_are_kept(scaled, fixture_warehouse):
    dest, _, _ = scaled
    filters = queries.choices(fixture_warehouse).defaults()
    before = queries.run("postings_by_month", filters, fixture_warehouse)
    after = queries.run("postings_by_month", filters, dest)
    assert after["month"].to_list() == before["month"].to_list()
    assert after["postings"].to_list() == [3 * n for n in before["postings"]]
    ranking = queries.run("tech_ranking", filters, fixture_warehouse, category="")
    scaled_ranking = queries.run("tech_ranking", filters, dest, category="")
    assert scaled_ranking["technology_id"].to_list() == ranking["technology_id"].to_list()
    assert scaled_ranking["share"].to_list() == pytest.approx(ranking["share"].to_list())


def test_sorted_by_date_and_pay_within_its_band(scaled, fixture_warehouse):
    dest, _, _ = scaled
    con = duckdb.connect()
    dates = [d for (d,) in con.sql(f"select posted_date from '{dest}/postings/*.parquet'")
             .fetchall()]
    assert dates == sorted(dates)
    pay = con.sql(f"""
        select max(abs(s.salary_annual_usd / b.salary_annual_usd - 1))
        from '{dest}/postings/*.parquet' s
        join '{fixture_warehouse}/postings/*.parquet' b
          on s.posting_id like b.posting_id || '%'
        where b.salary_annual_usd is not null""").fetchall()[0][0]
    assert 0 < pay <= 0.0041


def test_narrow_filters_are_a_year_of_the_commonest_country(fixture_warehouse):
    narrow = narrow_filters(fixture_warehouse)
    defaults = queries.choices(fixture_warehouse).defaults()
    assert narrow.date_to == defaults.date_to
    assert (narrow.date_to.year - narrow.date_from.year) * 12 + narrow.date_to.month \
        - narrow.date_from.month == 11
    assert len(narrow.countries) == 1 and narrow.seniority == ("senior",)


def test_pay_queries_get_local_rates_as_the_salary_page_passes_them(fixture_warehouse):
    """pay_by_technology and pay_by_year get exchange rates only with one country chosen (the
    Salary page), the other queries the bench's parameters as they are."""
    rates = [{"country": "US", "year": 2025, "units": 1.0},
             {"country": "DE", "year": 2025, "units": 0.9}]
    extra = {"rates": rates, "limit": 200}
    defaults = queries.choices(fixture_warehouse).defaults()
    narrow = narrow_filters(fixture_warehouse)
    assert page_params("pay_by_year", defaults, extra)["rates"] == []
    assert page_params("pay_by_year", narrow, extra)["rates"] == rates
    assert page_params("pay_by_technology", defaults, extra)["rates"] == []
    assert page_params("pay_by_country", defaults, extra) == extra
