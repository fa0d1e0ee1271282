"""The role profile: what a job under the filters asks for, and the same five years earlier.

Streamlit-free rules over the frames of radar/sql/profile_*.sql; the categories shown and their
order live in radar/data/role_profile.toml.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import polars as pl

from radar.filters import Filters

PROFILE_FILE = Path(__file__).parent / "data" / "role_profile.toml"
REQUIREMENT_COLUMNS = ("degree", "degree_equivalent", "min_years_experience")
DEGREE_ORDER = ("none stated", "bachelor or equivalent", "bachelor", "master or equivalent",
                "master", "phd or equivalent", "phd", "not extracted")
YEARS_ORDER = ("0-1", "2", "3-4", "5-6", "7-9", "10+", "not stated")


@dataclass(frozen=True)
class ProfileSpec:
    """Which categories a profile shows (id -> title, in order), how many technologies each,
    and how many years back the comparison looks."""

    categories: dict[str, str]
    top: int
    years_earlier: int


@cache
def spec(path: Path = PROFILE_FILE) -> ProfileSpec:
    """The profile's categories and settings from radar/data/role_profile.toml."""
    raw = tomllib.loads(path.read_text())
    return ProfileSpec({c["id"]: c["title"] for c in raw["categories"]},
                       int(raw["top_per_category"]), int(raw["years_earlier"]))


def shifted(day: dt.date, years: int) -> dt.date:
    """The first of day's month, ``years`` earlier."""
    return dt.date(day.year - years, day.month, 1)


def earlier(filters: Filters, first_month: dt.date, years: int) -> Filters | None:
    """The same filters ``years`` earlier (months shifted, start clamped to the data), or None
    when the shifted range ends before the data begins."""
    start, end = shifted(filters.date_from, years), shifted(filters.date_to, years)
    if end < first_month:
        return None
    return replace(filters, date_from=max(start, first_month), date_to=end)


def category_shares(frame: pl.DataFrame, categories: dict[str, str]) -> pl.DataFrame:
    """One row per profile category, in the profile's order: postings naming any technology of
    it and their share (zero when none did)."""
    rows = frame.filter(pl.col("technology_id").is_null())
    total = int(frame["total"][0]) if frame.height else 0
    found = dict(zip(rows["category"].to_list(), rows["postings"].to_list(), strict=True))
    return pl.DataFrame({
        "category": list(categories), "title": list(categories.values()),
        "postings": [int(found.get(c, 0)) for c in categories],
        "share": [found.get(c, 0) / total if total else None for c in categories]},
        schema={"category": pl.String, "title": pl.String, "postings": pl.Int64,
                "share": pl.Float64})


def top_technologies(frame: pl.DataFrame, top: int, order: list[str]) -> pl.DataFrame:
    """The ``top`` technologies of each category by postings naming them (ties by name), the
    categories in ``order``."""
    rank = {c: i for i, c in enumerate(order)}
    techs = frame.filter(pl.col("technology_id").is_not_null()).with_columns(
        rank=pl.col("category").replace_strict(rank, default=len(order), return_dtype=pl.Int64))
    return (techs.sort(["rank", "postings", "name"], descending=[False, True, False])
            .group_by("category", maintain_order=True).head(top).drop("rank"))


def side_by_side(now: pl.DataFrame, then: pl.DataFrame | None, key: str) -> pl.DataFrame:
    """Two profiles' rows joined on ``key``: share now, share then and the change in
    percentage points (null where a side has no row)."""
    left = now.select(key, *[c for c in ("title", "name", "category") if c in now.columns
                             and c != key], pl.col("postings").alias("postings_now"),
                      pl.col("share").alias("share_now"))
    if then is None:
        right = pl.DataFrame(schema={key: now.schema[key], "postings_then": pl.Int64,
                                     "share_then": pl.Float64})
    else:
        right = then.select(key, pl.col("postings").alias("postings_then"),
                            pl.col("share").alias("share_then"))
    out = left.join(right, on=key, how="left", maintain_order="left")
    if then is not None:  # an earlier profile exists: what it has no row for, it did not name
        out = out.with_columns(pl.col("postings_then").fill_null(0),
                               pl.col("share_then").fill_null(0.0))
    return out.with_columns(change_pp=100 * (pl.col("share_now") - pl.col("share_then")))


def columns_of(frame: pl.DataFrame, table: str) -> set[str]:
    """The columns of one table in the warehouse_columns query's frame."""
    return set(frame.filter(pl.col("table_name") == table)["column_name"].to_list())


def requirements_state(columns: set[str], frame: pl.DataFrame | None) -> str:
    """'missing' when the warehouse has no requirement columns, 'empty' when they are there
    but all null under the filters (not yet extracted), else 'ready'."""
    if not set(REQUIREMENT_COLUMNS) <= columns:
        return "missing"
    if frame is None or frame.is_empty():
        return "empty"
    stated = frame.filter(~pl.col("value").is_in(["not extracted", "not stated"]))
    return "ready" if stated.height else "empty"


def ordered(frame: pl.DataFrame, field: str) -> pl.DataFrame:
    """One requirement's distribution (``field`` 'degree' or 'years') in reading order."""
    order = DEGREE_ORDER if field == "degree" else YEARS_ORDER
    rank = {v: i for i, v in enumerate(order)}
    part = frame.filter(pl.col("field") == field)
    return part.with_columns(rank=pl.col("value").replace_strict(rank, default=len(order))) \
        .sort("rank", "value").drop("rank")


def remote_share(summary: dict) -> float | None:
    """Share of postings marked remote (hybrid not counted) among all under the filters."""
    return summary["remote"] / summary["postings"] if summary["postings"] else None
