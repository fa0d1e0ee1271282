"""Pay queries and rules on the pay fixture warehouse (tests/pay_fixture.py), numbers by hand:
local-currency pay, the pooled figure's warning rule, real vs nominal with the CPI-U, the
pay premium with its interval and cell threshold."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from etl.transforms.salary import units_per_usd
from radar import pay, queries
from radar.filters import Filters

YEAR_2024 = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 1))
BOTH_YEARS = Filters(dt.date(2023, 1, 1), dt.date(2024, 12, 1))


def rates_for(*countries: str) -> list[dict]:
    return pay.rate_rows(countries, range(2019, 2025))


def test_cpi_is_the_bls_annual_average():
    """BLS publishes CPI-U (CUUR0000SA0) annual averages 258.811 (2020), 304.702 (2023),
    313.689 (2024): the table's monthly means give the same."""
    cpi = pay.cpi_annual()
    assert cpi[2020] == pytest.approx(258.811, abs=5e-4)
    assert cpi[2023] == pytest.approx(304.702, abs=5e-4)
    assert cpi[2024] == pytest.approx(313.689, abs=5e-4)
    assert pay.cpi_months()[2024] == 12


def test_pay_by_country_in_each_currency(pay_warehouse):
    frame = queries.run("pay_by_country", YEAR_2024, warehouse=pay_warehouse,
                        rates=rates_for("US", "DE", "GB"))
    rows = {r["country"]: r for r in frame.iter_rows(named=True)}
    # US 90, 100, 110, 110, 120, 130 k: median (110 + 110) / 2; p25 at position 1.25.
    assert rows["US"]["postings"] == 6
    assert rows["US"]["median_usd"] == pytest.approx(110_000)
    assert rows["US"]["p25_usd"] == pytest.approx(102_500)
    assert rows["US"]["median_local"] == pytest.approx(110_000)
    # DE 55, 60, 60, 65, 66, 72 k EUR: median (60 + 65) / 2 in euros, whatever the rate.
    assert rows["DE"]["median_local"] == pytest.approx(62_500)
    assert rows["DE"]["median_usd"] == pytest.approx(62_500 / units_per_usd("EUR", 2024))
    assert rows["GB"]["median_local"] == pytest.approx(50_000)
    pooled = rows[None]
    assert pooled["postings"] == 13 and pooled["median_local"] is None
    assert pay.mixes_markets(frame["country"].drop_nulls())
    assert not pay.mixes_markets(["US"])
    assert pay.local_currency(["DE"]) == "EUR" and pay.local_currency(["DE", "US"]) is None


def test_one_country_over_time_nominal_and_real(pay_warehouse):
    us = Filters(BOTH_YEARS.date_from, BOTH_YEARS.date_to, countries=("US",))
    frame = queries.run("pay_by_year", us, warehouse=pay_warehouse, rates=rates_for("US"))
    assert frame["year"].to_list() == [2023, 2024]
    assert frame["postings"].to_list() == [4, 6]
    # 2023: 80, 80, 100, 100 k -> 90 k; 2024: 110 k.
    assert frame["median_usd"].to_list() == pytest.approx([90_000, 110_000])
    real = pay.real_terms(frame)
    # In 2024 dollars: 90,000 x 313.6888 / 304.7016 (CPI-U annual averages) = 92,654.6.
    assert real["median_usd_real"].to_list() == pytest.approx([92_654.6, 110_000], abs=0.1)
    in_2020 = pay.real_terms(frame, base_year=2020)
    assert in_2020["median_usd_real"][1] == pytest.approx(110_000 * 258.8112 / 313.6888,
                                                          abs=0.5)
    de = Filters(YEAR_2024.date_from, YEAR_2024.date_to, countries=("DE",))
    local = queries.run("pay_by_year", de, warehouse=pay_warehouse, rates=rates_for("DE"))
    assert local["median_local"].to_list() == pytest.approx([62_500])


def test_premium_cells_and_intervals(pay_warehouse):
    cells = queries.run("pay_premium_cells", BOTH_YEARS, warehouse=pay_warehouse,
                        technologies=["python", "java"])
    python = cells.filter(pl.col("technology_id") == "python").sort("country", "year")
    # GB has Python postings only: no cell. US 2023: 2 against 2.
    assert python.select("country", "year", "n_with", "n_without").rows() == [
        ("DE", 2024, 3, 3), ("US", 2023, 2, 2), ("US", 2024, 3, 3)]
    us = python.row(2, named=True)
    assert (us["median_with"], us["median_without"]) == (120_000, 100_000)
    # n = 3: ranks max(1, floor(1.5 - 1.70)) = 1 and min(3, ceil(2.5 + 1.70)) = 3.
    assert pay.median_interval_ranks(3) == (1, 3)
    assert (us["low_with"], us["high_with"]) == (110_000, 130_000)
    assert (us["low_without"], us["high_without"]) == (90_000, 110_000)
    # n = 100: floor(50 - 9.8) = 40 and ceil(51 + 9.8) = 61, the textbook pair.
    assert pay.median_interval_ranks(100) == (40, 61)


def test_premium_weighted_over_cells(pay_warehouse):
    cells = queries.run("pay_premium_cells", BOTH_YEARS, warehouse=pay_warehouse,
                        technologies=["python", "java"])
    table = pay.premium(cells, min_n=3)
    python = table.filter(pl.col("technology_id") == "python").row(0, named=True)
    # US 2024: 120 / 100 - 1 = 0.20; DE 2024: 66 / 60 - 1 = 0.10; US 2023 (2 vs 2) not shown.
    # Weights 3 and 3 (postings naming Python): 0.15.
    assert python["cells"] == 2 and python["n_with"] == 6 and python["n_without"] == 6
    assert python["premium"] == pytest.approx(0.15)
    # Standard errors: each median's from its interval, width / 3.92.
    se = 20_000 / (2 * pay.Z95)
    us_se = 1.2 * math.hypot(se / 120_000, se / 100_000)
    de_se = 1.1 * math.hypot(12_000 / (2 * pay.Z95) / 66_000, 10_000 / (2 * pay.Z95) / 60_000)
    assert us_se == pytest.approx(0.07970, abs=1e-5) and de_se == pytest.approx(0.06921, abs=1e-5)
    half = pay.Z95 * math.hypot(3 * us_se, 3 * de_se) / 6
    assert (python["low"], python["high"]) == pytest.approx((0.15 - half, 0.15 + half))
    assert python["low"] == pytest.approx(0.0466, abs=1e-4)
    java = table.filter(pl.col("technology_id") == "java").row(0, named=True)
    # Java is the other side of the same cells: 100 / 120 - 1 and 60 / 66 - 1.
    assert java["premium"] == pytest.approx(((100 / 120 - 1) + (60 / 66 - 1)) / 2)
    assert pay.premium(cells, min_n=4).is_empty()
    with_2023 = pay.premium(cells, min_n=2).filter(pl.col("technology_id") == "python")
    # US 2023: 100 / 80 - 1 = 0.25 joins with weight 2: (3 x .2 + 3 x .1 + 2 x .25) / 8.
    assert with_2023["premium"][0] == pytest.approx((0.6 + 0.3 + 0.5) / 8)


def test_real_terms_needs_a_cpi_year():
    frame = pl.DataFrame({"year": [1900, 2024], "median_usd": [1.0, 2.0], "p25_usd": [1.0, 1.0],
                          "p75_usd": [1.0, 3.0]})
    out = pay.real_terms(frame)
    assert out["median_usd_real"].to_list() == [None, 2.0]
    with pytest.raises(ValueError, match="no US CPI for the base year 1800"):
        pay.real_terms(frame, base_year=1800)


def test_pay_by_technology_in_local_currency(pay_warehouse):
    germany = Filters(YEAR_2024.date_from, YEAR_2024.date_to, countries=("DE",))
    frame = queries.run("pay_by_technology", germany, warehouse=pay_warehouse,
                        category="language", rates=rates_for("DE"))
    rows = {r["technology_id"]: r for r in frame.iter_rows(named=True)}
    # Python 60, 66, 72 k EUR; Java 55, 60, 65 k EUR.
    assert rows["python"]["median_local"] == pytest.approx(66_000)
    assert rows["python"]["p25_local"] == pytest.approx(63_000)
    assert rows["java"]["median_local"] == pytest.approx(60_000)
    assert rows["java"]["median_usd"] == pytest.approx(60_000 / units_per_usd("EUR", 2024))
    no_rates = queries.run("pay_by_technology", germany, warehouse=pay_warehouse,
                           category="language", rates=[])
    assert no_rates["median_local"].to_list() == [None, None]
