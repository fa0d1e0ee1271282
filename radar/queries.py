"""The query layer: named SQL files run against the Parquet warehouse, results as Polars frames.

Knows nothing of Streamlit. One DuckDB connection per warehouse build holds views over the
Parquet files and the filter macros; every call takes its own cursor, so sessions and threads
never share an open result. Values are always bound parameters, never SQL text.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import threading
import warnings
from functools import cache
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from etl.paths import DEFAULT_WAREHOUSE
from etl.warehouse.monthly import sql_quoted
from etl.warehouse.rollups import ANSWER_TABLES, QUANTILE_MACROS, derived_sql, derived_tables_for
from etl.warehouse.schema import (
    EARLIEST_POSTED,
    FOLDER_TABLES,
    INDEX_SCHEMA,
    MONTHLY_TABLES,
    RESPONDENTS_SCHEMA,
    TECHNOLOGIES_SCHEMA,
    YEARLY_TABLES,
    latest_posted,
    table_exists,
    table_source,
)
from radar import rules, sets
from radar.filters import Choices, Filters, month_start

SQL_DIR = Path(__file__).parent / "sql"
# Tables of non-posting sources; a warehouse without them gets empty ones of the same schema,
# so the survey and index queries simply return no rows.
OPTIONAL_TABLES = {"survey_respondents": RESPONDENTS_SCHEMA,
                   "survey_technologies": TECHNOLOGIES_SCHEMA, "indeed_index": INDEX_SCHEMA}

_lock = threading.Lock()
_connections: dict[tuple[str, float], duckdb.DuckDBPyConnection] = {}
# run executes each statement and reads its rows as Arrow: DuckDB binds the statement once, where
# cursor.sql binds it to describe the relation and again to run it (14-20 ms of the larger
# queries' planning at 10M postings, docs/scale.md). DuckDB warns that Arrow read from an
# executed statement copies its rows: a named query returns a few thousand rows at most.
ARROW_COPY_WARNING = "Arrow output on a DB-API result makes an extra copy"
warnings.filterwarnings("ignore", message=ARROW_COPY_WARNING, category=UserWarning)


class WarehouseMissing(FileNotFoundError):
    """The warehouse folder or its manifest is not there."""


@cache
def sql_text(name: str) -> str:
    """The text of a named query, ``radar/sql/<name>.sql``."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {SQL_DIR}")
    return path.read_text()


# The statement put first in every query that names $whole_upto: which end of the build's
# whole-range answers (pay_quartiles_whole and the tables beside it) answers the filters, or
# null (_macros.sql: whole_pay_upto; the dashboard's default view); and which end of the
# quartiles per dimension value answers them ($dimension_upto: dimension_pay_upto, a view
# narrowed to one value of one dimension over the default range).
WHOLE_UPTO = ("select whole_pay_upto($date_from, $date_to, $countries, $remote, $seniority, "
              "$role_family, $sources) as whole_upto, "
              "dimension_pay_upto($date_from, $date_to, $countries, $remote, $seniority, "
              "$role_family, $sources) as dimension_upto")


@cache
def statements(name: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The statements of a named query with the parameters each uses; most queries are one
    statement. In a query of several, each statement before the last returns one row whose
    columns become named parameters of the statements after it: DuckDB skips a month file of
    a table only on a value known when the statement is planned, not on one the statement
    computes (docs/scale.md, "Month files a query opens"). A query naming $whole_upto gets
    WHOLE_UPTO as its first statement."""
    found = duckdb.extract_statements(sql_text(name))
    if len(found) == 1:
        steps = ((sql_text(name), frozenset(found[0].named_parameters)),)
    else:
        steps = tuple((s.query, frozenset(s.named_parameters)) for s in found)
    if any("whole_upto" in names for _, names in steps):
        (first,) = duckdb.extract_statements(WHOLE_UPTO)
        steps = ((WHOLE_UPTO, frozenset(first.named_parameters)), *steps)
    return steps


def query_names() -> list[str]:
    """Every named query (macro files excluded)."""
    return sorted(p.stem for p in SQL_DIR.glob("*.sql") if not p.stem.startswith("_"))


def duckdb_memory() -> str:
    """DuckDB's memory limit in the app: $HIRING_RADAR_DUCKDB_MEMORY, else 512MB."""
    return os.environ.get("HIRING_RADAR_DUCKDB_MEMORY") or "512MB"


def warehouse_path() -> Path:
    """The warehouse the app reads: $HIRING_RADAR_WAREHOUSE, else data/warehouse."""
    return Path(os.environ.get("HIRING_RADAR_WAREHOUSE") or DEFAULT_WAREHOUSE)


def resolved(warehouse: Path | str | None) -> Path:
    """The build folder a warehouse path points at now (the link resolved)."""
    path = Path(warehouse or warehouse_path()).resolve()
    if not (path / "manifest.json").is_file():
        raise WarehouseMissing(f"no warehouse at {path}: run `make run` or `python -m etl build`")
    return path


def build_key(warehouse: Path | str | None = None) -> tuple[str, float]:
    """The current build of a warehouse as (its folder, its manifest's modification time): a new
    build, or an append, is a new key."""
    folder = resolved(warehouse)
    return str(folder), (folder / "manifest.json").stat().st_mtime


def connection(warehouse: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """The shared connection for the warehouse's current build (views and macros set up)."""
    return connection_for(build_key(warehouse))


def connection_for(key: tuple[str, float]) -> duckdb.DuckDBPyConnection:
    """The shared connection for a build (build_key), made on first use."""
    folder = Path(key[0])
    with _lock:
        con = _connections.get(key)
        if con is None:
            con = duckdb.connect(":memory:")
            # The app server's share of memory: DuckDB spills joins, sorts and aggregates to a
            # temporary folder beyond this, so the server stays small on a large warehouse.
            con.execute(f"set memory_limit = '{duckdb_memory()}'")
            spill = Path(tempfile.gettempdir()) / "hiring-radar-duckdb"
            con.execute(f"set temp_directory = '{sql_quoted(spill)}'")
            # Parquet footers (row-group statistics) parsed once, not at every query's
            # planning: at 10M the tag index's footer alone cost about 20 ms CPU per query,
            # salary_technologies' 40-50 ms. Set globally: a plain SET holds for this
            # connection only, not for the cursor each query runs on (run). A new build is a
            # new folder, so a new connection.
            con.execute("set global parquet_metadata_cache = true")
            tables = {p.stem for p in folder.glob("*.parquet")}
            tables |= {t for t in FOLDER_TABLES if (folder / t).is_dir()}
            for table in sorted(tables):  # a month or year folder or a file (schema.py)
                con.sql(f"create view {table} as select * from read_parquet("
                        f"'{sql_quoted(table_source(folder, table))}')")
            for table, schema in OPTIONAL_TABLES.items():
                if not table_exists(folder, table):
                    # not schema.empty_table(): that imports pandas (2 s of a cold start)
                    con.from_arrow(pa.Table.from_batches([], schema)).create(table)
            con.execute(QUANTILE_MACROS)
            _derive_missing_rollups(con, folder)
            views = {v for (v,) in con.sql("select view_name from duckdb_views()").fetchall()}
            for table in MONTHLY_TABLES + YEARLY_TABLES:
                if table in views:
                    con.sql(_files_macro(folder, table))
            con.sql(sql_text("_macros"))
            _connections[key] = con
        return con


def _derive_missing_rollups(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Views in place of the pre-aggregated tables a warehouse built before them lacks: the
    build's own SQL over the raw tables (the same answers, at the raw tables' cost). The answer
    tables (ANSWER_TABLES) come together: when one is missing, each is an empty stand-in, so
    the queries compute what they would hold."""
    columns = {c for (c,) in con.sql("select column_name from (describe postings)").fetchall()}
    answers = all(table_exists(folder, name) for name in ANSWER_TABLES)
    for name in derived_tables_for(columns):
        if name in ANSWER_TABLES and not answers:  # the queries compute instead
            con.sql(f"create or replace view {name} as select * from ({derived_sql(name)}) "
                    "limit 0")
        elif not table_exists(folder, name):
            con.sql(f"create view {name} as select * from ({derived_sql(name)})")


# The file stem's format of each folder table's files, by the macro's suffix (schema.py).
_FILE_STEMS = {"months": "%Y-%m", "years": "%Y"}


def _files_macro(folder: Path, table: str) -> str:
    """The table macro ``<table>_of_months(first, last)`` (a month-file table) or
    ``<table>_of_years(first, last)`` (a year-file table): the rows of the table's files from
    the month (year) of date ``first`` through that of ``last``. A scan opens every file of its
    glob even when row-group statistics skip all their rows (about 0.2 ms CPU a file: 28 ms
    for the 132 months of the sample at every call; the narrow pay premium's rows of
    salary_technologies at 10M 54 ms from its eleven year files, 43 ms from the two it
    needs), so a query that reads a few months or years of a folder names them;
    DuckDB drops the other files while planning when the dates are bound parameters. Callers
    still filter on their dates: a table kept as one file (or derived as a view) is returned
    whole."""
    unit = "months" if table in MONTHLY_TABLES else "years"
    stem = _FILE_STEMS[unit]
    if (folder / table).is_dir():
        body = (f"select * exclude (filename) from read_parquet("
                f"'{sql_quoted(Path(table_source(folder, table)))}', filename = true) "
                "where parse_filename(filename, true) "
                f"between strftime(first::date, '{stem}') and strftime(last::date, '{stem}')")
    else:
        body = f"select * from {table}"
    return f"create or replace macro {table}_of_{unit}(first, last) as table {body}"


# Parameters a query takes from a count made in the app's memory (radar/sets.py), by query:
# a function of (the build's key, its connection, the parameters so far) giving more.
COUNTED_IN_MEMORY = {"learn_next": sets.learn_next_counts, "co_mentions": sets.pair_counts,
                     "tech_pairs": sets.pair_counts, "postings_together": sets.together_counts}


def run(name: str, filters: Filters | None = None, warehouse: Path | str | None = None,
        **params) -> pl.DataFrame:
    """Run the named query with the filters' parameters plus extra named ones; a Polars frame."""
    bound = dict(filters.params()) if filters else {}
    bound.update(params)
    *steps, (text, names) = statements(name)
    key = build_key(warehouse)
    con = connection_for(key)
    if name in COUNTED_IN_MEMORY:
        bound.update(COUNTED_IN_MEMORY[name](key, con, bound))
    cursor = con.cursor()
    try:
        for step, step_names in steps:  # parameters of the statements after it
            row = cursor.execute(step, {k: bound[k] for k in step_names if k in bound}
                                 ).fetchall()
            if len(row) != 1:
                raise ValueError(f"query {name!r}: a statement before the last returned "
                                 f"{len(row)} rows, not one")
            bound.update(zip((d[0] for d in cursor.description), row[0], strict=True))
        cursor.execute(text, {k: bound[k] for k in names if k in bound})
        return pl.from_arrow(cursor.to_arrow_table())
    finally:
        cursor.close()


def manifest(warehouse: Path | str | None = None) -> dict:
    """The warehouse's manifest.json."""
    return json.loads((resolved(warehouse) / "manifest.json").read_text())


def choices(warehouse: Path | str | None = None) -> Choices:
    """The values each filter can take in this warehouse."""
    today = dt.date.today()
    earliest, latest = EARLIEST_POSTED, month_start(latest_posted(today))
    options = run("filter_options", warehouse=warehouse, earliest=earliest,
                  latest=latest).row(0, named=True)
    techs = run("technology_list", warehouse=warehouse)["technology_id"].to_list()
    built_on = dt.date.fromisoformat(manifest(warehouse)["built_at"][:10])
    first, last = options["first_month"], options["last_month"]
    if first is None or last is None:  # no posting with a plausible date
        first = last = month_start(today)
    return Choices(first_month=first, last_month=last,
                   countries=tuple(options["countries"]), sources=tuple(options["sources"]),
                   technologies=tuple(techs),
                   last_complete_month=rules.last_complete_month(first, last, built_on))
