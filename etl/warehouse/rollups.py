"""The pre-aggregated tables the build's rollup step writes beside the rollups, so the pay,
premium and role profile queries never read the raw tables (issue 11, item 4).

Kept apart from build.py so the query layer can derive them (as views over the raw tables) for a
warehouse built before they existed, without importing the build.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

DIMENSIONS = ("source", "country", "remote", "seniority", "role_family")

# Pre-aggregated pay: each distinct advertised annual pay (USD) of a cell with the number of
# postings at it. Quantiles over these (value, count) rows are exactly those over the postings
# (radar/sql/_macros.sql: weighted_quantile), and advertised pay is mostly round figures, so a
# cell holds few distinct values. Sorted by month, so a date range skips row groups. The SQL
# reads the warehouse tables by name: the query layer runs the same text as views over a
# warehouse built before these tables existed (radar/queries.py).
PAY_ROLLUP_SQL = {
    "salary_values": """
        select month, {dims}, salary_annual_usd, count(*) as n
        from salaries group by all order by month""",
    "salary_technologies": """
        select s.month, {s_dims}, t.technology_id, t.category, s.salary_annual_usd,
               count(*) as n
        from salaries s join posting_technologies t using (posting_id)
        group by all order by month""",
    # The role profile's requirement bands (when the postings have the requirement columns).
    "rollup_requirements": """
        select date_trunc('month', posted_date)::date as month, {dims}, degree,
               degree_equivalent, min_years_experience, count(*) as postings
        from postings group by all order by month""",
}
REQUIREMENT_COLUMNS = ("degree", "degree_equivalent", "min_years_experience")


def pay_rollup_sql(name: str) -> str:
    """The SQL of one pre-aggregated table, over the warehouse tables by name."""
    return PAY_ROLLUP_SQL[name].format(dims=", ".join(DIMENSIONS),
                                       s_dims=", ".join(f"s.{d}" for d in DIMENSIONS))


def pay_rollups_for(columns: set[str]) -> list[str]:
    """The pre-aggregated tables a warehouse whose postings have these columns gets."""
    return [name for name in PAY_ROLLUP_SQL
            if name != "rollup_requirements" or set(REQUIREMENT_COLUMNS) <= columns]


def write_pay_rollups(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    """Write the pre-aggregated pay and requirement tables (after ``salaries``); row counts."""
    for table in ("postings", "salaries", "posting_technologies"):
        path = str(folder / f"{table}.parquet").replace("'", "''")
        con.sql(f"create or replace view {table} as select * from read_parquet('{path}')")
    columns = {c for (c,) in con.sql("select column_name from (describe postings)").fetchall()}
    import pyarrow.parquet as pq
    counts = {}
    for name in pay_rollups_for(columns):
        table = con.sql(pay_rollup_sql(name)).arrow()
        table = table.read_all() if hasattr(table, "read_all") else table
        pq.write_table(table, folder / f"{name}.parquet", row_group_size=100_000)
        counts[name] = table.num_rows
    return counts
