"""Exchange rates: the Federal Reserve's averages shipped in etl/data/reference, and the rest."""

from __future__ import annotations

import csv
import filecmp

import pytest

from etl.transforms.salary import (
    FX_CURRENCIES,
    FX_MONTHLY,
    FX_NOT_IN_FED,
    FX_YEARLY,
    fed_currency_codes,
    fed_yearly_rates,
    fx_rates,
    units_per_usd,
)


# The Fed's G.5A release of 2024-02-01, 2023 annual averages (EUR and GBP in USD per unit).
@pytest.mark.parametrize(("currency", "usd_per_unit"), [("EUR", 1.0817), ("GBP", 1.2440)])
def test_fed_2023_averages_quoted_in_usd_per_unit(currency, usd_per_unit):
    rate = units_per_usd(currency, 2023)
    if currency == "EUR":  # from the yearly file: the published figure to its 4 decimals
        assert round(1 / rate, 4) == usd_per_unit
    else:  # the pound has no yearly row: the mean of 12 monthly averages of daily rates
        assert abs(1 / rate - usd_per_unit) < 0.0002


@pytest.mark.parametrize(("currency", "units"), [
    ("CAD", 1.3494), ("INR", 82.5708), ("JPY", 140.5001)])
def test_fed_2023_averages_quoted_in_units_per_usd(currency, units):
    assert units_per_usd(currency, 2023) == units


def test_usd_is_one_in_every_year():
    assert units_per_usd("USD", 1990) == units_per_usd("USD", 2026) == 1.0


def test_every_fed_country_maps_to_an_iso_code():
    codes = fed_currency_codes()
    with FX_YEARLY.open(newline="") as fh:
        yearly = {r["Country"] for r in csv.DictReader(fh)}
    assert set(codes) - {"United Kingdom"} == yearly - {"Venezuela"}
    assert len(set(codes.values())) == len(codes) == 21
    assert all(len(c) == 3 and c.isupper() for c in codes.values())


def test_united_kingdom_years_are_averages_of_their_months():
    rates = fed_yearly_rates()
    assert {y for c, y in rates if c == "GBP"} == set(range(1971, 2027))
    with FX_MONTHLY.open(newline="") as fh:
        months = [float(r["Exchange rate"]) for r in csv.DictReader(fh)
                  if r["Country"] == "United Kingdom" and r["Date"].startswith("2016-")]
    assert len(months) == 12
    assert 1 / rates[("GBP", 2016)] == pytest.approx(sum(1 / m for m in months) / 12)
    assert 1.34 < 1 / rates[("GBP", 2016)] < 1.37  # the Brexit-vote year


def test_a_year_missing_from_the_yearly_file_comes_from_its_months(tmp_path):
    yearly = tmp_path / "y.csv"
    yearly.write_text("Date,Country,Value\n2023-01-01,Euro,0.9245\n")
    monthly = tmp_path / "m.csv"
    monthly.write_text("Date,Country,Exchange rate\r\n2023-01-01,Euro,0.9\r\n"
                       "2024-01-01,Euro,0.8\r\n2024-02-01,Euro,1.0\r\n")
    rates = fed_yearly_rates(yearly, monthly, FX_CURRENCIES)
    assert rates[("EUR", 2023)] == 0.9245  # the yearly figure wins over the month
    assert rates[("EUR", 2024)] == pytest.approx(1 / ((1 / 0.8 + 1 / 1.0) / 2))


def test_a_malformed_reference_row_names_file_and_row(tmp_path):
    yearly = tmp_path / "y.csv"
    yearly.write_text("Date,Country,Value\n2023-01-01,Euro,0.9245\n2024-01-01,Euro,n/a\n")
    with pytest.raises(ValueError, match=r"y\.csv: row 3: 2024-01-01,Euro,n/a"):
        fed_yearly_rates(yearly, FX_MONTHLY, FX_CURRENCIES)


def test_currencies_the_fed_does_not_publish_come_from_the_other_table():
    with FX_NOT_IN_FED.open(newline="") as fh:
        others = {r["currency"] for r in csv.DictReader(fh)}
    assert {"PLN", "CZK", "HUF", "RON", "ILS", "TRY", "AED"} <= others
    assert not others & set(fed_currency_codes().values())
    assert units_per_usd("AED", 2019) == pytest.approx(3.6725)
    assert 3.5 < units_per_usd("PLN", 2023) < 4.7


def test_years_outside_the_tables_use_the_nearest():
    assert units_per_usd("EUR", 1990) == units_per_usd("EUR", 1999)
    assert units_per_usd("EUR", 2040) == fx_rates()[("EUR", 2026)]
    assert units_per_usd("XXX", 2023) is None


def test_rates_are_positive_and_have_no_wild_jumps():
    """A yearly average moves by less than half, except where devaluations are real."""
    volatile = {"ARS", "TRY", "NGN", "EGP", "UAH", "BRL", "MXN", "KRW", "THB", "MYR", "ZAR"}
    rates = fx_rates()
    for (currency, year), rate in rates.items():
        assert rate > 0
        previous = rates.get((currency, year - 1))
        if previous and currency not in volatile and year >= 2000:
            assert 0.67 < rate / previous < 1.5, (currency, year)


def test_shipped_tables_are_the_shared_reference_files_unchanged(shared_data):
    for name in ("fx_yearly.csv", "fx_monthly.csv", "cpi_us_monthly.csv"):
        assert filecmp.cmp(shared_data / "reference" / name,
                           FX_YEARLY.parent / name, shallow=False), name
