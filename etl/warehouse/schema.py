"""Every warehouse table's schema, in one place: the canonical posting schema (every source is
normalised to these columns before tagging), the technology tags, the quarantine, and the tables
of the non-posting sources (survey, Indeed index). The query layer learns them here."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

import pyarrow as pa

REMOTE = ("remote", "hybrid", "onsite", "unknown")
SENIORITY = ("intern", "junior", "mid", "senior", "lead", "unknown")
ROLE_FAMILY = ("backend", "frontend", "fullstack", "data", "devops", "mobile", "other")
EMPLOYMENT_TYPE = ("full_time", "part_time", "contract", "internship", "temporary", "unknown")
SALARY_PERIOD = ("year", "month", "week", "day", "hour")
DEGREE = ("none_stated", "bachelor", "master", "phd")


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    nullable: bool
    doc: str


POSTING_COLUMNS: tuple[Column, ...] = (
    Column("posting_id", pa.string(), False, "stable id: hash of source + source_id"),
    Column("source", pa.string(), False, "source loader name (sample, hn, linkedin, ...)"),
    Column("source_id", pa.string(), False, "the posting's id in its source"),
    Column("posted_date", pa.date32(), False, "date the posting was published"),
    Column("title", pa.string(), False, "job title as posted"),
    Column("company", pa.string(), True, "employer name"),
    Column("location_raw", pa.string(), True, "location text as posted"),
    Column("country", pa.string(), True, "ISO 3166-1 alpha-2 code, null when unknown"),
    Column("city", pa.string(), True, "city name, null when unknown"),
    Column("remote", pa.string(), False, "remote / hybrid / onsite / unknown"),
    Column("seniority", pa.string(), False, "intern / junior / mid / senior / lead / unknown"),
    Column("role_family", pa.string(), False,
           "backend / frontend / fullstack / data / devops / mobile / other"),
    Column("employment_type", pa.string(), False,
           "full_time / part_time / contract / internship / temporary / unknown"),
    Column("degree", pa.string(), True,
           "lowest degree asked for: none_stated / bachelor / master / phd (null: not read)"),
    Column("degree_equivalent", pa.bool_(), True,
           "true when equivalent experience is accepted instead of the degree"),
    Column("min_years_experience", pa.int16(), True,
           "minimum years of experience asked for (the total; see docs/requirements.md)"),
    Column("salary_min", pa.float64(), True, "advertised minimum, in salary_currency per period"),
    Column("salary_max", pa.float64(), True, "advertised maximum, in salary_currency per period"),
    Column("salary_currency", pa.string(), True, "ISO 4217 code"),
    Column("salary_period", pa.string(), True, "year / month / week / day / hour"),
    Column("salary_annual_usd", pa.float64(), True,
           "annualised midpoint converted to USD at the posting year's average rate"),
    Column("salary_is_estimate", pa.bool_(), False,
           "true when the figure is the source's estimate, not advertised pay"),
    Column("salary_is_outlier", pa.bool_(), False,
           "true when salary_annual_usd is outside the plausible range (kept, not charted)"),
    Column("description", pa.string(), False, "plain-text description (HTML removed)"),
    Column("url", pa.string(), True, "link to the posting"),
    Column("ingested_at", pa.timestamp("ms", tz="UTC"), False, "when the build read the row"),
)

POSTINGS_SCHEMA = pa.schema([pa.field(c.name, c.type, c.nullable) for c in POSTING_COLUMNS])
COLUMN_NAMES = tuple(c.name for c in POSTING_COLUMNS)

ALLOWED_VALUES: dict[str, tuple[str, ...]] = {
    "remote": REMOTE,
    "seniority": SENIORITY,
    "role_family": ROLE_FAMILY,
    "employment_type": EMPLOYMENT_TYPE,
    "salary_period": SALARY_PERIOD,
    "degree": DEGREE,
}


def posting_id(source: str, source_id: str) -> str:
    """Stable posting id: the first 16 hex digits of sha1("source:source_id")."""
    return hashlib.sha1(f"{source}:{source_id}".encode()).hexdigest()[:16]


# Posting dates outside this range are not job postings of the web era but broken dates
# (9999-12-31, 0001-01-01, a Unix time read as milliseconds): such rows go to quarantine.
EARLIEST_POSTED = dt.date(1995, 1, 1)
FUTURE_DAYS = 7  # a posting may be dated a few days after the build (time zones, scheduled ads)
_FUTURE = dt.timedelta(days=FUTURE_DAYS)  # made once: two a posting cost 6,000 instructions


def latest_posted(today: dt.date) -> dt.date:
    """The latest plausible posting date for a build run on today."""
    return today + _FUTURE


def posted_date_problem(posted: dt.date, today: dt.date) -> str | None:
    """Why a posting date is not plausible (before 1995, or more than a few days after today)."""
    if posted < EARLIEST_POSTED:
        return f"posted_date {posted.isoformat()} is before {EARLIEST_POSTED.isoformat()}"
    if posted > latest_posted(today):
        return (f"posted_date {posted.isoformat()} is more than {FUTURE_DAYS} days after "
                f"the build date {today.isoformat()}")
    return None


# (name, nullable, allowed values or None) of each posting column that can fail a check, for
# posting_problems: a column that may be null and takes any value has none to fail
_COLUMN_CHECKS = tuple((c.name, c.nullable, ALLOWED_VALUES.get(c.name)) for c in POSTING_COLUMNS
                       if not c.nullable or c.name in ALLOWED_VALUES)


def posting_problems(row: dict) -> list[str]:
    """What is wrong with a normalised posting row; empty when it fits the schema."""
    problems = []
    for name, nullable, allowed in _COLUMN_CHECKS:
        value = row.get(name)
        if value is None or (not nullable and isinstance(value, str) and not value.strip()):
            if not nullable:
                problems.append(f"{name} is missing")
            continue
        if allowed and value not in allowed:
            problems.append(f"{name}={value!r} is not one of {', '.join(allowed)}")
    country = row.get("country")
    if country is not None and not (isinstance(country, str) and len(country) == 2
                                    and country.isupper()):
        problems.append(f"country={country!r} is not an ISO 3166 alpha-2 code")
    posted = row.get("posted_date")
    if posted is not None and not isinstance(posted, dt.date):
        problems.append(f"posted_date={posted!r} is not a date")
    elif posted is not None:
        read_at = row.get("ingested_at")
        today = read_at.date() if isinstance(read_at, dt.datetime) else dt.date.today()
        why = posted_date_problem(posted, today)
        if why:
            problems.append(why)
    lo, hi = row.get("salary_min"), row.get("salary_max")
    if lo is not None and hi is not None and lo > hi:
        problems.append(f"salary_min {lo} is above salary_max {hi}")
    if lo is not None and lo < 0:
        problems.append(f"salary_min {lo} is negative")
    return problems


# --- the other warehouse tables -----------------------------------------------------------------

QUARANTINE_SCHEMA = pa.schema([("source", pa.string()), ("file", pa.string()), ("row", pa.string()),
                               ("reason", pa.string()), ("raw", pa.string())])
TECH_SCHEMA = pa.schema([("posting_id", pa.string()), ("technology_id", pa.string()),
                         ("name", pa.string()), ("category", pa.string()),
                         ("parent", pa.string()), ("surface", pa.string()),
                         ("rule", pa.string()), ("mentions", pa.int32())])
RESPONDENTS_SCHEMA = pa.schema([
    pa.field("year", pa.int16(), False), pa.field("respondent_id", pa.int64(), False),
    pa.field("country", pa.string()), pa.field("country_name", pa.string()),
    pa.field("dev_types", pa.list_(pa.string())), pa.field("is_backend", pa.bool_(), False),
    pa.field("comp_usd", pa.float64())])
TECHNOLOGIES_SCHEMA = pa.schema([
    pa.field("year", pa.int16(), False), pa.field("respondent_id", pa.int64(), False),
    pa.field("technology_id", pa.string(), False), pa.field("category", pa.string(), False),
    pa.field("answer", pa.string(), False)])
INDEX_SCHEMA = pa.schema([
    pa.field("date", pa.date32(), False), pa.field("country", pa.string(), False),
    pa.field("sector", pa.string()), pa.field("variable", pa.string(), False),
    pa.field("index_value", pa.float64(), False), pa.field("index_nsa", pa.float64()),
    pa.field("file", pa.string(), False)])

# --- the warehouse's layout on disk -------------------------------------------------------------
# The tables whose size grows with the number of postings are folders of one Parquet file per
# calendar month of the posting date, ``<table>/YYYY-MM.parquet`` (a posting's technology tags in
# its posting's month), each sorted within the month as the single file was, so an append
# rewrites only the months it touches and hard-links the others (docs/build.md, "Month files").
# A table with no rows is one empty file, ``<table>/empty.parquet``. Every other table is one
# ``<table>.parquet``. LAYOUT_VERSION is the manifest's ``layout``: a warehouse of an earlier
# layout (single files, or without year folders) is still read, but an append refuses it.
# The rollup tables with the most rows (one per cell of month x dimensions x technology, or per
# distinct technology set: 3.5M-27.7M each at 10M postings) are folders of one file per calendar
# year of their ``month``, ``<table>/YYYY.parquet``, each file in the single file's order, so
# an append rewrites only the years it touches (docs/build.md, "Year files"); a query over every
# year opens a dozen files, not one per month.
LAYOUT_VERSION = 3
MONTHLY_TABLES = ("postings", "posting_technologies", "salaries", "technology_postings")
YEARLY_TABLES = ("rollup_technologies", "rollup_categories", "salary_technologies",
                 "salary_technology_cells", "technology_sets", "rollup_us_state_technologies")
FOLDER_TABLES = MONTHLY_TABLES + YEARLY_TABLES
EMPTY_MONTH_FILE = "empty.parquet"


def month_name(day: dt.date) -> str:
    """The month file's stem of a date: ``YYYY-MM``."""
    return f"{day.year:04d}-{day.month:02d}"


def year_name(day: dt.date) -> str:
    """The year file's stem of a date: ``YYYY``."""
    return f"{day.year:04d}"


# a query's own last "order by" and its keys (names and columns only: never inside a call)
_LAST_ORDER = re.compile(r"\s+order\s+by\s+([\w.,\s]+?)\s*$", re.IGNORECASE)


def last_order(query: str) -> str | None:
    """The keys of query's own last ``order by``, as written (over lines or not: each run of
    white space one space); None when it ends in none."""
    found = _LAST_ORDER.search(query)
    return " ".join(found.group(1).split()) if found else None


def unordered(query: str) -> str:
    """query without its own last ``order by``: for a query whose rows a wrapper sorts again
    (DuckDB sorts both times; the outer sort alone gives the order)."""
    return _LAST_ORDER.sub("", query)


def in_year_files(query: str, order: str) -> str:
    """A year-file table's rows as its writer takes them (monthly.write_months and
    write_by_month): each row's year, the file it goes to, as ``_month``; ordered by year and
    within it by ``order`` (the table's own order, so the query's own sort is dropped)."""
    return (f"select *, strftime(month, '%Y') as _month from ({unordered(query)}) "
            f"order by _month, {order}")


def table_path(folder, name: str):
    """Where a warehouse table is: its month or year folder when it has one, else
    ``<name>.parquet``."""
    parts = folder / name
    return parts if name in FOLDER_TABLES and parts.is_dir() else folder / f"{name}.parquet"


def table_exists(folder, name: str) -> bool:
    """Whether the warehouse has the table (in either layout)."""
    return table_path(folder, name).exists()


def table_files(folder, name: str) -> list:
    """The Parquet files of a table, month (or year) files in their order."""
    path = table_path(folder, name)
    return sorted(path.glob("*.parquet")) if path.is_dir() else [path]


def table_source(folder, name: str) -> str:
    """What DuckDB's read_parquet reads for a table: a month or year folder's glob or the
    file."""
    path = table_path(folder, name)
    return str(path / "*.parquet") if path.is_dir() else str(path)


def month_files(folder, name: str) -> dict[str, object]:
    """A folder table's files by month (``YYYY-MM``; a year folder's by year, ``YYYY``),
    without the empty-table file."""
    path = folder / name
    return {p.stem: p for p in sorted(path.glob("*.parquet")) if p.name != EMPTY_MONTH_FILE}


def read_table(folder, name: str, columns: list[str] | None = None) -> pa.Table:
    """A whole table as Arrow (its month files in month order), in either layout."""
    import pyarrow.parquet as pq

    return pa.concat_tables([pq.read_table(f, columns=columns)
                             for f in table_files(folder, name)])
