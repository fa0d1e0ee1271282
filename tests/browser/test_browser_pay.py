"""The Salary, Role profile and Map pages in a real browser on the fixture warehouse: drawn,
numbers as the query layer gives them, and (the `page` fixture checks it) no request leaving
127.0.0.1: the map's outlines ship with the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import pytest
from playwright.sync_api import expect

from radar import pay, profile, queries
from tests.browser.test_browser import metric, open_page, ready

pytestmark = pytest.mark.browser


def test_map_draws_offline(page, app_url, fixture_warehouse):
    open_page(page, f"{app_url}/map?map_tech=python", "Map", charts=1)
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart.locator("text.gtitle")).to_have_text(
        "Share of postings naming Python, by country")
    # One filled area per outline: grey countries in one trace, the three shaded ones apart.
    expect(chart.locator("g.trace.scatter")).to_have_count(5)
    assert chart.locator("path.js-fill").count() >= 4
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    page.goto(f"{app_url}/map?map_tech=python&map_area=us")
    ready(page, 1)
    expect(chart.locator("text.gtitle")).to_have_text(
        "Share of US postings naming Python, by state")
    states = queries.run("map_us_states", queries.choices(fixture_warehouse).defaults(),
                         fixture_warehouse, map_technology="python", states=["NY"])
    assert states["state"].to_list() == ["NY"]  # "New York, NY" in every US fixture posting
    expect(chart.locator("g.trace.scatter")).to_have_count(3)  # grey, New York, colour bar


def test_role_profile_page(page, app_url, fixture_warehouse):
    open_page(page, f"{app_url}/role_profile?from=2025-01&seniority=senior", "Role profile",
              charts=1)
    filters = replace(queries.choices(fixture_warehouse).defaults(),
                      date_from=dt.date(2025, 1, 1), seniority=("senior",))
    summary = queries.run("profile_summary", filters, fixture_warehouse).row(0, named=True)
    label = f"{filters.date_from:%Y-%m} to {filters.date_to:%Y-%m}"
    expect(metric(page, f"Postings ({label})")).to_have_text(f"{summary['postings']:,}")
    share = profile.remote_share(summary)
    expect(metric(page, f"Remote ({label})")).to_have_text(f"{share * 100:.1f}%")
    expect(page.get_by_text("The data does not reach 5 years before 2025-01")).to_be_visible()
    expect(page.get_by_text("not yet extracted", exact=False)).to_be_visible()


def test_salary_in_one_countrys_currency(page, app_url, fixture_warehouse):
    open_page(page, f"{app_url}/salary?countries=US", "Salary")
    ready(page)
    filters = replace(queries.choices(fixture_warehouse).defaults(), countries=("US",))
    rates = pay.rate_rows(["US"], pay.years_of(filters.date_from, filters.date_to))
    row = queries.run("pay_by_country", filters, fixture_warehouse, rates=rates).filter(
        pl.col("country") == "US").row(0, named=True)
    expect(metric(page, "Median advertised annual pay in United States (USD)")).to_have_text(
        f"${row['median_local']:,.0f}")
    expect(page.get_by_text("mixes", exact=False)).to_have_count(0)
