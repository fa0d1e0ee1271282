"""The tables the build's rollup step writes beside the rollups so the pay, premium and role
profile queries never read the raw tables, and the postings behind a figure are found without
scanning every tag (issue 11, item 4; docs/scale.md).

Kept apart from build.py so the query layer can derive them (as views over the raw tables) for a
warehouse built before they existed, without importing the build.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from etl.warehouse.monthly import month_parts, naming_table, sql_quoted, views_of, write_by_month
from etl.warehouse.schema import MONTHLY_TABLES, table_source

DIMENSIONS = ("source", "country", "remote", "seniority", "role_family")

# Pre-aggregated pay: each distinct advertised annual pay (USD) of a cell with the number of
# postings at it. Quantiles over these (value, count) rows are exactly those over the postings
# (radar/sql/_macros.sql: weighted_quantile), and advertised pay is mostly round figures, so a
# cell holds few distinct values. Sorted by month, so a date range skips row groups. The SQL
# reads the warehouse tables by name: the query layer runs the same text as views over a
# warehouse built before these tables existed (radar/queries.py).
DERIVED_SQL = {
    "salary_values": """
        select month, {dims}, salary_annual_usd, count(*) as n
        from salaries group by all order by month""",
    # Sorted by category, then month: a page asks for one category's technologies, so with small
    # row groups (ROW_GROUP_ROWS) DuckDB reads only that category's (and months') row groups.
    "salary_technologies": """
        select s.month, {s_dims}, t.technology_id, t.category, s.salary_annual_usd,
               count(*) as n
        from salaries s join posting_technologies t using (posting_id)
        group by all order by category, month, technology_id""",
    # The tags of each technology in date order: the postings behind one technology x month
    # figure are one or two row groups (the tags themselves are sorted by posting id).
    "technology_postings": """
        select t.technology_id, p.posted_date, t.posting_id, t.name, t.surface, t.rule
        from posting_technologies t join (select posting_id, posted_date from postings) p
        using (posting_id)
        order by t.technology_id, p.posted_date, t.posting_id""",
    # The role profile's requirement bands (when the postings have the requirement columns).
    "rollup_requirements": """
        select date_trunc('month', posted_date)::date as month, {dims}, degree,
               degree_equivalent, min_years_experience, count(*) as postings
        from postings group by all order by month""",
    # Co-mentions (issue 11, item 4; docs/scale.md): each distinct set of technologies a cell's
    # postings name (sorted ids) with the postings naming exactly that set. Any count of
    # postings naming some technologies and any of others is a sum over these rows (learn_next's
    # postings naming any known technology, and the pairs of the chosen technologies
    # under filters); the by-month pair table is made from it.
    "technology_sets": """
        select month, {dims}, technologies, count(*) as postings
        from (select posting_id, list(technology_id order by technology_id) as technologies
              from posting_technologies group by posting_id) s
        join (select posting_id, date_trunc('month', posted_date)::date as month, {dims}
              from postings) p using (posting_id)
        group by all order by month""",
    # Postings naming both technologies of a pair per month over all cells (the dashboard's
    # default: no dimension filtered), each pair in both orders (technology_a, technology_b) and
    # (technology_b, technology_a), only pairs that co-occur; made from the sets (each set's
    # pairs weighted by its count), sorted by technology_a then month, so the pairs of a few
    # chosen technologies are a few row groups. Its rows are bounded by months x co-occurring
    # pairs, not by postings or cells: the pairs under a filter are counted at query time from
    # technology_sets (radar/sql/_macros.sql: technology_pairs_in; docs/scale.md).
    "technology_pairs_by_month": """
        select month, technology_a, technology_b, sum(postings) as postings
        from (select month, postings, technology_a,
                     unnest(list_filter(technologies, lambda x: x <> technology_a))
                        as technology_b
              from (select month, postings, technologies, unnest(technologies) as technology_a
                    from technology_sets))
        group by all order by technology_a, month""",
    # Postings naming each technology per month over all cells (rollup_technologies without the
    # dimensions), for the same unfiltered case.
    "technologies_by_month": """
        select month, technology_id, sum(postings) as postings
        from rollup_technologies group by all order by technology_id, month""",
    # US postings per state code (from the location text, as map_us_states reads it; the page's
    # list of states is applied by the query) and per state code x technology.
    "rollup_us_states": """
        select date_trunc('month', posted_date)::date as month, {dims},
               nullif(regexp_extract(location_raw, ',\\s*([A-Z]{{2}})\\b', 1), '') as code,
               count(*) as postings
        from postings where country = 'US' group by all order by month""",
    "rollup_us_state_technologies": """
        select p.month, {dims}, p.code, t.technology_id, count(*) as postings
        from (select posting_id, date_trunc('month', posted_date)::date as month, {dims},
                     nullif(regexp_extract(location_raw, ',\\s*([A-Z]{{2}})\\b', 1), '') as code
              from postings where country = 'US') p
        join posting_technologies t using (posting_id)
        group by all order by month""",
    # Each source's postings per month, dates and coverage, for coverage_by_source.
    "rollup_sources": """
        select source, date_trunc('month', posted_date)::date as month, count(*) as postings,
               min(posted_date) as first_date, max(posted_date) as last_date,
               count(salary_annual_usd) filter (where not salary_is_estimate) as with_salary,
               count(*) filter (where country is not null) as with_country
        from postings group by all order by month""",
}
REQUIREMENT_COLUMNS = ("degree", "degree_equivalent", "min_years_experience")

# Rows per Parquet row group of a derived table (100,000 when not named): DuckDB skips a row
# group whose min/max of the sort keys fall outside a query's filters, so the small tables the
# pay and profile queries read get small row groups (a year of 11 is about a tenth of a table;
# they hold about 0.1-0.8M rows at 10M postings, so their footers stay small).
ROW_GROUP_ROWS = {"salary_values": 10_000, "salary_technologies": 20_000,
                  "rollup_requirements": 10_000}


# The derived tables grouped (or ordered) by month first, made a part at a time as the rollups
# are (etl/warehouse/monthly.py: write_by_month): over 10 million postings at once, the tag index's
# join and sort spilled 8 GB to disk. The others are ordered by technology first and read
# smaller tables (salaries, the sets, the rollups).
BY_MONTH = ("salary_values", "technology_postings", "rollup_requirements", "technology_sets",
            "rollup_us_states", "rollup_us_state_technologies", "rollup_sources")


def derived_sql(name: str) -> str:
    """The SQL of one derived table, over the warehouse tables by name."""
    return DERIVED_SQL[name].format(dims=", ".join(DIMENSIONS),
                                       s_dims=", ".join(f"s.{d}" for d in DIMENSIONS))


def derived_tables_for(columns: set[str]) -> list[str]:
    """The derived tables a warehouse whose postings have these columns gets."""
    return [name for name in DERIVED_SQL
            if name != "rollup_requirements" or set(REQUIREMENT_COLUMNS) <= columns]


def write_derived_tables(con: duckdb.DuckDBPyConnection, folder: Path,
                         memory: str = "1GB") -> dict[str, int]:
    """Write the pre-aggregated pay and requirement tables and the tag index (after
    ``salaries``); their row counts. DuckDB streams each into Parquet, spilling a sort to disk
    beyond ``memory``."""
    spill = folder / ".derived-spill"
    con.execute(f"set memory_limit = '{memory}'")
    con.execute("set enable_progress_bar = false")
    con.execute(f"set temp_directory = '{sql_quoted(spill)}'")
    whole = {table: table_source(folder, table) for table in
             ("postings", "salaries", "posting_technologies", "rollup_technologies")}
    views_of(con, whole)
    parts = month_parts(folder, ("postings", "salaries", "posting_technologies"),
                        spill / "stand-ins")
    columns = {c for (c,) in con.sql("select column_name from (describe postings)").fetchall()}
    counts = {}
    try:
        for name in derived_tables_for(columns):
            path = folder / f"{name}.parquet"
            with naming_table(name):
                if name in BY_MONTH:
                    counts[name] = _write_by_month(con, name, parts, folder)
                    views_of(con, whole)  # write_by_month leaves them on its last month
                    if name in MONTHLY_TABLES:
                        path = folder / name / "*.parquet"
                else:
                    con.execute(f"copy ({derived_sql(name)}) to '{sql_quoted(path)}' "
                                "(format parquet, compression zstd, row_group_size "
                                f"{ROW_GROUP_ROWS.get(name, 100_000)})")
                    counts[name] = con.sql("select count(*) from read_parquet("
                                           f"'{sql_quoted(path)}')").fetchall()[0][0]
            # a later table may be made from this one (the pairs from technology_sets)
            con.sql(f"create or replace view {name} as select * from "
                    f"read_parquet('{sql_quoted(path)}')")
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    return counts


def _write_by_month(con: duckdb.DuckDBPyConnection, name: str, parts: list[dict[str, list[str]]],
                    folder: Path) -> int:
    """Write one derived table of BY_MONTH a part (of whole months) at a time; its rows."""
    query, group = derived_sql(name), ROW_GROUP_ROWS.get(name, 100_000)
    if name in MONTHLY_TABLES:  # the tag index: a file per month (schema.py)
        return write_by_month(
            con, f"select *, strftime(posted_date, '%Y-%m') as _month from ({query}) "
            "order by _month, technology_id, posted_date, posting_id", parts, folder / name,
            monthly=True, group_rows=group, compression="zstd")
    return write_by_month(con, query, parts, folder / f"{name}.parquet", group_rows=group,
                          compression="zstd")
