"""Salary figures: annualise a posted range and convert it to USD with a dated rate table.

The rate table ``etl/data/fx_units_per_usd.csv`` holds yearly average exchange rates (units of the
currency per US dollar), rounded, compiled from the US Federal Reserve's G.5A annual release;
rows marked ``provisional`` are estimates for years not yet published. The parser for salaries
written as text (``parse_salary_text``) lives here too.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

FX_TABLE = Path(__file__).parent / "data" / "fx_units_per_usd.csv"

# Periods per year used to annualise: a working year of 52 weeks, 260 days, 2080 hours.
PERIODS_PER_YEAR = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}

# Annual USD pay outside this range is kept but flagged, never charted.
PLAUSIBLE_ANNUAL_USD = (3_000.0, 1_500_000.0)


@cache
def fx_rates(path: Path = FX_TABLE) -> dict[tuple[str, int], float]:
    """Units of currency per USD keyed by (currency, year)."""
    with path.open(newline="") as fh:
        return {(r["currency"], int(r["year"])): float(r["units_per_usd"])
                for r in csv.DictReader(fh)}


def units_per_usd(currency: str, year: int) -> float | None:
    """The year's average rate for currency, the nearest year's when that year is not listed."""
    rates = fx_rates()
    if (currency, year) in rates:
        return rates[(currency, year)]
    years = sorted(y for (c, y) in rates if c == currency)
    if not years:
        return None
    nearest = min(years, key=lambda y: abs(y - year))
    return rates[(currency, nearest)]


def annual_amount(amount: float, period: str) -> float:
    """An amount per period expressed per year (hourly x2080, daily x260, monthly x12)."""
    return amount * PERIODS_PER_YEAR[period]


def annual_usd(salary_min: float | None, salary_max: float | None, currency: str | None,
               period: str | None, year: int) -> float | None:
    """Annualised midpoint of a posted range in USD, or None when it cannot be computed."""
    if currency is None or period not in PERIODS_PER_YEAR:
        return None
    figures = [v for v in (salary_min, salary_max) if v is not None]
    if not figures:
        return None
    rate = units_per_usd(currency, year)
    if rate is None:
        return None
    midpoint = sum(figures) / len(figures)
    return round(annual_amount(midpoint, period) / rate, 2)


def is_outlier(annual_usd_value: float | None) -> bool:
    """Whether an annual USD figure is outside the plausible range for a salary."""
    if annual_usd_value is None:
        return False
    low, high = PLAUSIBLE_ANNUAL_USD
    return not (low <= annual_usd_value <= high)
