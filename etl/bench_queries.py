"""Query timings at a scale the build cannot reach in a session: a warehouse built by the real
pipeline, replicated in DuckDB to N postings, then every named query timed warm with the
default and with narrow filters (``python -m etl.bench --queries-at 10000000``).

How a warehouse is scaled up (:func:`scale_up`): every posting is copied ``factor`` times. Copy
``i`` (0 is the original) gets the posting id ``<id>-<i>`` (the original keeps its id), the
source id ``<source_id>-<i>``, the company ``<company> #<i>`` (so companies grow with n, as in a
real market), and its posted day moved ``i`` days forward *within its own month* (wrapping to the
month's first day), so every month holds ``factor`` times its postings, the Parquet stays sorted
by posted date and rollup cells keep their shape; its annual pay in USD takes one of five values
within +-0.4% of the original's (copy ``i``: times 1 + (i mod 5 - 2) x 0.002), so a pay cell
holds five times the distinct figures of the base warehouse's (the pre-aggregated pay tables
grow with that; advertised pay is mostly round figures, so real cells hold fewer). Its
technology tags are copied with it. The
result is written sorted and row-grouped like the build's own output, then the build's own
rollup step (:func:`etl.warehouse.build.write_rollups`) runs on it. Texts, titles, pay, places and
tags repeat the original's, so the figures are those of the base warehouse with counts times
``factor``; the cost of reading and aggregating them is that of an n-posting warehouse.
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
from pathlib import Path

import duckdb

from etl.warehouse.build import POSTINGS_GROUP_ROWS, write_rollups
from etl.warehouse.monthly import GROUP_ROWS, write_months
from etl.warehouse.schema import LAYOUT_VERSION, table_files, table_source

# Tables of the build proper (not the rollups write_rollups makes again).
REPLICATED = ("postings", "posting_technologies")


def _copy_query(table: str, factor: int) -> str:
    """The DuckDB query replicating one month of one table ``factor`` times (see the module
    docstring); $src the table's Parquet, $postings the postings', $first and $last the month."""
    suffix = "case when k.i = 0 then '' else '-' || k.i end"
    if table == "postings":
        return f"""
            select p.* replace (
                p.posting_id || {suffix} as posting_id,
                p.source_id || {suffix} as source_id,
                case when k.i = 0 then p.posted_date else (
                    date_trunc('month', p.posted_date)
                    + to_days(((day(p.posted_date) - 1 + k.i)
                               % day(last_day(p.posted_date)))::integer))::date
                end as posted_date,
                case when k.i = 0 or p.company is null then p.company
                     else p.company || ' #' || k.i end as company,
                case when k.i = 0 or p.salary_annual_usd is null then p.salary_annual_usd
                     else round(p.salary_annual_usd * (1 + (k.i % 5 - 2) * 0.002), 2)
                end as salary_annual_usd)
            from read_parquet($src) p, range({factor}) k(i)
            where p.posted_date between $first and $last
            order by posted_date, posting_id"""
    return f"""
        select t.* replace (t.posting_id || {suffix} as posting_id)
        from read_parquet($src) t
        semi join (select posting_id from read_parquet($postings)
                   where posted_date between $first and $last) m using (posting_id),
        range({factor}) k(i)
        order by posting_id, technology_id"""


def _replicate(con: duckdb.DuckDBPyConnection, source: Path, dest: Path, table: str,
                factor: int, months: list) -> int:
    """Write one replicated table a month at a time (memory holds one month's copies) into its
    month files (etl/warehouse/schema.py: the layout), in row groups of about 100,000 rows
    (the postings in the build's, POSTINGS_GROUP_ROWS); returns its rows."""
    import pyarrow.parquet as pq
    schema = pq.read_schema(table_files(source, table)[0])
    rows = 0
    for first, last in months:
        query = _copy_query(table, factor)
        params = {"src": table_source(source, table),
                  "postings": table_source(source, "postings"), "first": first, "last": last}
        rows += write_months(con, f"select *, strftime($first, '%Y-%m') as _month "
                             f"from ({query})", {k: v for k, v in params.items()
                                                  if f"${k}" in query or k == "first"},
                             dest / table, schema, compression="zstd",
                             group_rows=POSTINGS_GROUP_ROWS if table == "postings" else GROUP_ROWS)
    return rows


def scale_up(source: Path, dest: Path, target: int, memory: str = "2GB") -> dict:
    """Write a copy of the warehouse at ``source`` holding about ``target`` postings into
    ``dest`` (see the module docstring); returns its manifest."""
    source = source.resolve()
    manifest = json.loads((source / "manifest.json").read_text())
    base = manifest["row_counts"]["postings"]
    factor = max(1, round(target / base))
    dest.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"set memory_limit = '{memory}'")
    con.execute("set enable_progress_bar = false")
    con.execute(f"set temp_directory = '{str(dest / '_spill').replace(chr(39), '')}'")
    months = con.sql("""
        select distinct date_trunc('month', posted_date)::date as first,
               last_day(posted_date) as last
        from read_parquet($p) order by first""",
                     params={"p": table_source(source, "postings")}).fetchall()
    counts = dict(manifest["row_counts"])
    for table in REPLICATED:
        counts[table] = _replicate(con, source, dest, table, factor, months)
    con.close()
    shutil.rmtree(dest / "_spill", ignore_errors=True)
    rollups = write_rollups(dest)
    for path in source.glob("*.parquet"):
        if path.stem not in REPLICATED and path.stem not in rollups:
            shutil.copy2(path, dest / path.name)
    for folder in ("dedup", "tag_cache"):  # so the scaled warehouse takes appends
        if (source / folder).is_dir():
            shutil.copytree(source / folder, dest / folder)
    counts.update(rollups)
    con = duckdb.connect()
    coverage = [[m, s, e, n, str(lo), str(hi)] for m, s, e, n, lo, hi in con.sql("""
        select strftime(posted_date, '%Y-%m'), source, description = '', count(*),
               min(posted_date), max(posted_date)
        from read_parquet($p) group by all order by 1, 2, 3""",
        params={"p": table_source(dest, "postings")}).fetchall()]
    con.close()
    manifest.update(row_counts=counts, layout=LAYOUT_VERSION, month_coverage=coverage,
                    scaled_up={"from": str(source), "factor": factor, "base_postings": base})
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    return manifest


def query_params(choices) -> dict:
    """The extra parameters every named query may take (those a page would pass)."""
    from etl.bench import pay_query_params
    from etl.warehouse.schema import EARLIEST_POSTED
    return {"earliest": EARLIEST_POSTED, "latest": choices.last_month, "category": "language",
            "technologies": ["python", "go", "java", "php"],
            "technology_id": "python", "month": choices.last_month, "limit": 200,
            "partners": ["postgresql"], **pay_query_params(choices)}


def page_params(name: str, filters, extra: dict) -> dict:
    """A query's extra parameters as its page passes them under these filters: the Salary page
    asks pay_by_technology and pay_by_year for local figures only when one country is
    chosen."""
    from radar import pay
    if name == "pay_by_technology":
        return {**extra, "rates": pay.technology_rates(filters.countries, extra["rates"])}
    if name == "pay_by_year":
        return {**extra, "rates": extra["rates"] if len(filters.countries) == 1 else []}
    return extra


def narrow_filters(warehouse: Path):
    """Narrow filters: the last 12 months of the default range, the commonest country and
    senior postings only."""
    import dataclasses

    from radar import queries
    choices = queries.choices(warehouse)
    defaults = choices.defaults()
    top = queries.run("map_countries", defaults, warehouse, map_technology="")
    country = top["country"][0] if top.height else None
    end = defaults.date_to
    year, month = divmod(end.year * 12 + end.month - 1 - 11, 12)
    start = end.replace(year=year, month=month + 1)
    return dataclasses.replace(defaults, date_from=max(start, defaults.date_from),
                               countries=(country,) if country else (), seniority=("senior",))


def one_dimension_filters(defaults, narrow) -> dict:
    """Views narrowed by one dimension alone, as a user meets them as often as the narrow one
    (narrow_filters): its country over the whole default range, its months, and remote
    postings over the whole range. The goal is put for the default and the narrow view; these
    are printed beside them."""
    import dataclasses

    return {"a country": dataclasses.replace(defaults, countries=narrow.countries),
            "12 months": dataclasses.replace(defaults, date_from=narrow.date_from),
            "remote": dataclasses.replace(defaults, remote=("remote",))}


def _timed(name: str, filters, warehouse: Path, params: dict, warm_runs: int) -> dict:
    """One query under one view: the first call's time, p50 and p95 of the warm calls in
    milliseconds, and the rows returned."""
    from radar import queries
    start = time.perf_counter()
    queries.run(name, filters, warehouse, **params)
    first = time.perf_counter() - start
    warm = []
    # a query far over its goal gets fewer warm calls (at least 5, about 30 s in all); one
    # over 10 s is called once more only, its p50 and p95 that one call
    calls = 1 if first > 10 else max(5, min(warm_runs, int(30 / max(first, 1e-3))))
    for _ in range(calls):
        start = time.perf_counter()
        frame = queries.run(name, filters, warehouse, **params)
        warm.append((time.perf_counter() - start) * 1000)
    return {"first": first * 1000, "p50": statistics.median(warm),
            "p95": statistics.quantiles(warm, n=20)[-1] if len(warm) > 1 else warm[0],
            "rows": frame.height}


def time_queries(warehouse: Path, warm_runs: int = 20, log=print) -> list[dict]:
    """Every named query warm (after one first call), default and narrow filters, and the
    views narrowed by one dimension (one_dimension_filters): the first call's time, p50 and
    p95 in milliseconds, and the rows returned (keys ``<view>_first`` and so on), once the
    technology sets are in memory. ``make bench`` and ``--queries-at`` both time queries
    here."""
    from radar import profile, queries
    from radar import sets as in_memory
    choices = queries.choices(warehouse)
    extra = query_params(choices)
    # The technology sets the app reads in a thread at the first co-mention or learn-next call
    # (radar/sets.py), read first: the queries are timed as the app answers once it has them
    start = time.perf_counter()
    if in_memory.C_PASSES is not None:
        in_memory.index_for(queries.build_key(warehouse), queries.connection(warehouse))
        log(f"  the technology sets read into memory in {time.perf_counter() - start:.1f} s")
    # Postings behind a month's figure: the month is the last of the range being looked at.
    sets = {"default": choices.defaults(), "narrow": narrow_filters(warehouse)}
    others = one_dimension_filters(sets["default"], sets["narrow"])
    columns = profile.columns_of(queries.run("warehouse_columns", warehouse=warehouse),
                                 "postings")
    for label, filters in (sets | others).items():
        log(f"  {label} filters: {filters.describe()}")
    results = []
    for name in queries.query_names():
        if name == "profile_requirements" and not set(profile.REQUIREMENT_COLUMNS) <= columns:
            log(f"  {name:<24} skipped: the warehouse has no requirement columns")
            continue
        row = {"query": name}
        for label, filters in (sets | others).items():
            params = page_params(name, filters, {**extra, "month": filters.date_to})
            row.update({f"{label}_{k}": v for k, v in
                        _timed(name, filters, warehouse, params, warm_runs).items()})
        results.append(row)
        log(f"  {name:<24} default first {row['default_first']:7.1f} p50 "
            f"{row['default_p50']:7.1f} p95 {row['default_p95']:7.1f} ms  | narrow first "
            f"{row['narrow_first']:7.1f} p50 {row['narrow_p50']:7.1f} p95 "
            f"{row['narrow_p95']:7.1f} ms  rows {row['default_rows']} / {row['narrow_rows']}")
        log(f"  {'':<24} one dimension, p50 / p95 ms: " + "  | ".join(
            f"{label} {row[f'{label}_p50']:.1f} / {row[f'{label}_p95']:.1f}" for label in others))
    worst = max(max(r["default_p95"], r["narrow_p95"]) for r in results)
    log(f"  worst warm p95: {worst:.1f} ms (goal <= 100 ms)")
    slowest = max((r[f"{label}_p95"], r["query"], label) for r in results for label in others)
    log(f"  worst warm p95 narrowed by one dimension: {slowest[0]:.1f} ms ({slowest[1]}, "
        f"{slowest[2]})")
    return results


def bench_queries_at(target: int, n: int, processes: int, tmp: Path | None = None,
                     warehouse: Path | None = None, app: bool = False) -> None:
    """Build the n-posting sample (or take ``warehouse``), time the queries on it, scale it up
    to ``target`` postings and time them again (``python -m etl.bench --queries-at N``)."""
    import datetime as dt
    import tempfile

    from etl.bench import bench_build, folder_mb
    from etl.sample import write_sample
    with tempfile.TemporaryDirectory(dir=tmp) as folder:
        root = Path(folder)
        if warehouse is None:
            write_sample(root / "raw" / "sample", n=n, until=dt.date.today().replace(day=1))
            bench_build(root, n, processes)
            warehouse = root / "warehouse"
        base = json.loads((warehouse / "manifest.json").read_text())["row_counts"]["postings"]
        print(f"\nqueries on the built warehouse ({base:,} postings; warm p50/p95 of 20 calls "
              "after one first call; a shared machine makes them noisy):")
        time_queries(warehouse)
        if target <= base:
            return
        start = time.perf_counter()
        manifest = scale_up(warehouse, root / "scaled", target)
        counts = manifest["row_counts"]
        print(f"\nscaled up x{manifest['scaled_up']['factor']} to {counts['postings']:,} postings"
              f" in {time.perf_counter() - start:.0f} s ({folder_mb(root / 'scaled'):,.0f} MB; "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + ")")
        print(f"queries at {counts['postings']:,} postings:")
        time_queries(root / "scaled")
        if app:
            from etl.bench_app import bench_app
            bench_app(root / "scaled")
