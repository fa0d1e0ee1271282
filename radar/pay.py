"""Pay as people earn it: local currency, real terms and the pay premium of a technology.

Streamlit-free rules over the frames of the pay queries (radar/sql/pay_*.sql). Every figure
starts as the warehouse's ``salary_annual_usd`` (annualised midpoint, converted at the posting
year's average rate); a country's own currency comes back through the same yearly rate, so it
is exact for postings advertised in that currency.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import polars as pl

from etl.paths import ETL_DATA
from etl.transforms.normalize import currency_of
from etl.transforms.salary import units_per_usd

REFERENCE_DIR = ETL_DATA / "reference"
CPI_TABLE = REFERENCE_DIR / "cpi_us_monthly.csv"
CPI_NAME = ("US CPI-U, all items, US city average, not seasonally adjusted "
            "(BLS series CUUR0000SA0, 1982-84 = 100), annual average of the months")
MIN_CELL_POSTINGS = 10  # a premium cell is shown only when both sides have at least this many
Z95 = 1.959964


@cache
def cpi_annual(path: Path = CPI_TABLE) -> dict[int, float]:
    """The US CPI-U per year: the mean of the year's monthly index values (a part year's mean
    for the latest year)."""
    sums: dict[int, list[float]] = defaultdict(list)
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            sums[int(row["Date"][:4])].append(float(row["Index"]))
    return {year: sum(values) / len(values) for year, values in sorted(sums.items())}


@cache
def cpi_months(path: Path = CPI_TABLE) -> dict[int, int]:
    """How many monthly index values each year of the CPI table has (12 for a full year)."""
    with path.open(newline="") as fh:
        counts: dict[int, int] = defaultdict(int)
        for row in csv.DictReader(fh):
            counts[int(row["Date"][:4])] += 1
    return dict(counts)


def real_terms(frame: pl.DataFrame, base_year: int | None = None,
               columns: Iterable[str] = ("p25_usd", "median_usd", "p75_usd")) -> pl.DataFrame:
    """The frame (one row per ``year``) with ``<column>_real``: US dollars of ``base_year``
    (default: the frame's last year), deflated with the US CPI-U; null where a year has no CPI."""
    cpi = cpi_annual()
    if frame.is_empty():
        return frame.with_columns([pl.lit(None, pl.Float64).alias(f"{c}_real") for c in columns])
    base_year = base_year or int(frame["year"].max())
    if base_year not in cpi:
        raise ValueError(f"no US CPI for the base year {base_year}")
    factor = pl.col("year").replace_strict({y: cpi[base_year] / v for y, v in cpi.items()},
                                           default=None, return_dtype=pl.Float64)
    return frame.with_columns([(pl.col(c) * factor).alias(f"{c}_real") for c in columns])


def local_currency(countries: Iterable[str]) -> str | None:
    """The currency pay is shown in: the country's own when exactly one is chosen, else None
    (several markets: per country side by side, pooled only in USD with a warning)."""
    chosen = list(countries)
    return currency_of(chosen[0]) if len(chosen) == 1 else None


def technology_rates(countries: Iterable[str], rates: list[dict]) -> list[dict]:
    """The rates pay_by_technology needs: the rows when pay is shown in one country's currency,
    else none (its local quartiles are not shown, and with no rates and no dimension narrowed
    it reads the build's whole-range quartiles: radar/sql/pay_by_technology.sql)."""
    return rates if local_currency(countries) is not None else []


def mixes_markets(countries_with_pay: Iterable[str]) -> bool:
    """True when a pooled figure would mix more than one country's pay."""
    return len(set(countries_with_pay)) > 1


def rate_rows(countries: Iterable[str], years: Iterable[int]) -> list[dict]:
    """The $rates parameter of the pay queries: units of each country's currency per US dollar
    for each year (the rate the build converted with); countries of unknown currency left out."""
    rows = []
    for country in sorted(set(countries)):
        currency = currency_of(country)
        if not currency:
            continue
        for year in sorted(set(years)):
            units = units_per_usd(currency, year)
            if units is not None:
                rows.append({"country": country, "year": int(year), "units": float(units)})
    return rows


def premium_cells(cells: pl.DataFrame, min_n: int = MIN_CELL_POSTINGS) -> pl.DataFrame:
    """The cells (technology x country x seniority x year) where both sides have at least
    ``min_n`` postings, with each cell's premium: the median of those naming the technology
    over the median of those not naming it, minus 1, and its standard error (delta method on
    the two medians, each standard error read off its order-statistic 95% interval)."""
    kept = cells.filter((pl.col("n_with") >= min_n) & (pl.col("n_without") >= min_n)
                        & (pl.col("median_without") > 0))
    ratio = pl.col("median_with") / pl.col("median_without")
    se_with = (pl.col("high_with") - pl.col("low_with")) / (2 * Z95)
    se_without = (pl.col("high_without") - pl.col("low_without")) / (2 * Z95)
    return kept.with_columns(
        premium=ratio - 1,
        premium_se=ratio * ((se_with / pl.col("median_with")) ** 2
                            + (se_without / pl.col("median_without")) ** 2).sqrt(),
        difference_usd=pl.col("median_with") - pl.col("median_without"))


def premium(cells: pl.DataFrame, min_n: int = MIN_CELL_POSTINGS) -> pl.DataFrame:
    """The pay premium per technology: cell premiums weighted by the postings naming the
    technology in each cell, with a 95% interval (normal approximation), the number of cells
    and postings behind it. Technologies without a cell over ``min_n`` are left out."""
    shown = premium_cells(cells, min_n)
    schema = {"technology_id": pl.String, "cells": pl.UInt32, "n_with": pl.Int64,
              "n_without": pl.Int64, "premium": pl.Float64, "low": pl.Float64,
              "high": pl.Float64, "difference_usd": pl.Float64}
    if shown.is_empty():
        return pl.DataFrame(schema=schema)
    w = pl.col("n_with").cast(pl.Float64)
    out = shown.group_by("technology_id").agg(
        cells=pl.len(), n_with=pl.col("n_with").sum(), n_without=pl.col("n_without").sum(),
        premium=(w * pl.col("premium")).sum() / w.sum(),
        se=((w ** 2) * pl.col("premium_se") ** 2).sum().sqrt() / w.sum(),
        difference_usd=(w * pl.col("difference_usd")).sum() / w.sum())
    return (out.with_columns(low=pl.col("premium") - Z95 * pl.col("se"),
                             high=pl.col("premium") + Z95 * pl.col("se"))
            .select(list(schema)).cast(schema).sort("premium", descending=True))


def median_interval_ranks(n: int) -> tuple[int, int]:
    """The 1-based ranks of the order statistics bounding the median's 95% interval, as
    radar/sql/pay_premium_cells.sql picks them: n/2 -/+ 0.98 sqrt(n), clamped to 1..n."""
    return (max(1, math.floor(n / 2 - 0.98 * math.sqrt(n))),
            min(n, math.ceil(n / 2 + 1 + 0.98 * math.sqrt(n))))


def years_of(date_from, date_to) -> range:
    """The calendar years a date range touches."""
    return range(date_from.year, date_to.year + 1)
