"""The pay, premium, role profile and postings-behind queries read pre-aggregated tables and a
tag index (the build's rollup step, etl/warehouse/rollups.py): each gives the same answer as
the same question asked of the raw tables (tests/raw_sql/, the queries as they were before), on
a synthetic sample warehouse built by the real build and on the hand-made pay warehouse."""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from etl.warehouse.rollups import ANSWER_TABLES, QUANTILE_MACROS
from etl.warehouse.schema import read_table, table_files, table_path, table_source
from radar import geo, pay, profile, queries

RAW_SQL = Path(__file__).parent / "raw_sql"
RAW_QUERIES = sorted(p.stem for p in RAW_SQL.glob("*.sql"))
# The pay values (value, n) per cell, and per technology by every dimension and by country and
# seniority alone (etl/warehouse/rollups.py).
PAY_TABLES = ("salary_values", "salary_technologies", "salary_technology_cells")
# The co-mention, by-month, US state and source tables (etl/warehouse/rollups.py).
CO_MENTION_TABLES = ("technology_sets", "technology_pairs_by_month",
                     "technologies_by_month", "technologies_by_dimension",
                     "categories_by_month", "rollup_us_states",
                     "rollup_us_state_technologies", "rollup_sources")


def extra_params(choices) -> dict:
    """The non-filter parameters the pages pass, for every query that takes them."""
    return {"category": "", "technologies": ["python", "go", "java", "php", "postgresql"],
            "technology_id": "python", "limit": 10_000, "partners": ["postgresql"],
            "rates": pay.rate_rows(choices.countries, pay.years_of(choices.first_month,
                                                                   choices.last_month)),
            "categories": list(profile.spec().categories), "map_technology": "python",
            "states": list(geo.us_states())}


def filter_sets(warehouse: Path) -> dict:
    """Default filters, narrow ones (a year, one country, senior), others (remote, role), one
    dimension alone (two countries) and one value of one dimension (remote postings, the
    stored quartiles per dimension value)."""
    choices = queries.choices(warehouse)
    base = choices.defaults()
    country, second = queries.run("map_countries", base, warehouse,
                                  map_technology="")["country"][:2]
    year_ago = base.date_to.replace(year=base.date_to.year - 1)
    return {"default": base,
            "narrow": replace(base, date_from=year_ago, countries=(country,),
                              seniority=("senior",)),
            "other": replace(base, remote=("remote", "hybrid"), role_family=("backend",)),
            "one dimension": replace(base, countries=(country, second)),
            "one value": replace(base, remote=("remote",)),
            "empty": replace(base, countries=("ZZ",))}


def raw_answer(name: str, filters, warehouse: Path, **params) -> pl.DataFrame:
    """The question asked of the raw tables: the query's text before pre-aggregation."""
    text = (RAW_SQL / f"{name}.sql").read_text()
    bound = {**filters.params(), **params}
    cursor = queries.connection(warehouse).cursor()
    try:
        return cursor.sql(text, params={k: v for k, v in bound.items()
                                        if f"${k}" in text}).pl()
    finally:
        cursor.close()


def assert_same(new: pl.DataFrame, old: pl.DataFrame, label: str) -> None:
    """Same columns and rows in the same order; floats equal to 1e-9 relative."""
    assert new.columns == old.columns, label
    assert new.height == old.height, f"{label}: {new.height} rows, raw {old.height}"
    for column in old.columns:
        for i, (a, b) in enumerate(zip(new[column].to_list(), old[column].to_list(),
                                       strict=True)):
            if isinstance(b, float) and a is not None:
                assert math.isclose(a, b, rel_tol=1e-9), f"{label} {column} row {i}: {a} != {b}"
            else:
                assert a == b, f"{label} {column} row {i}: {a!r} != {b!r}"


def check_all(warehouse: Path) -> int:
    """Every pre-aggregated query against its raw twin under every filter set; rows compared."""
    choices = queries.choices(warehouse)
    params = extra_params(choices)
    compared = 0
    for label, filters in filter_sets(warehouse).items():
        for name in RAW_QUERIES:
            kw = {**params, "month": filters.date_to}
            for category in ("", "language"):
                kw["category"] = category
                # the Salary page asks pay_by_technology for local figures with one country
                # only: without rates, unnarrowed, it reads the whole-range quartiles
                for rates in ([params["rates"], []] if name == "pay_by_technology"
                              else [params["rates"]]):
                    kw["rates"] = rates
                    new = queries.run(name, filters, warehouse, **kw)
                    old = raw_answer(name, filters, warehouse, **kw)
                    assert_same(new, old, f"{name} [{label}, category {category!r}, "
                                f"{len(rates)} rates]")
                    compared += new.height
    return compared


def test_raw_twins_are_the_queries_that_moved():
    for name in RAW_QUERIES:
        assert queries.sql_text(name) != (RAW_SQL / f"{name}.sql").read_text(), name
        assert "salaries_in(" not in queries.sql_text(name), name  # the raw pay rows
    assert "listings_in(" not in queries.sql_text("profile_requirements")


def test_co_mention_queries_never_read_the_tags_row_by_row():
    for name in ("co_mentions", "tech_pairs", "learn_next", "map_us_states",
                 "coverage_by_source"):
        text = queries.sql_text(name)
        assert name in RAW_QUERIES, name
        for raw in (r"listings_in\(", r"posting_technologies", r"from postings\b"):
            assert not re.search(raw, text), (name, raw)


def test_sample_warehouse_preaggregated_equals_raw(sample_warehouse):
    assert (sample_warehouse / "salary_values.parquet").is_file()
    assert check_all(sample_warehouse) > 500


def test_pay_warehouse_preaggregated_equals_raw(pay_warehouse):
    assert check_all(pay_warehouse) > 10


def test_tag_index_is_every_tag_in_technology_and_date_order(sample_warehouse):
    con = duckdb.connect()
    index = f"'{sample_warehouse}/technology_postings/*.parquet'"
    tags = f"'{sample_warehouse}/posting_technologies/*.parquet'"
    assert con.sql(f"select count(*) from {index}").fetchall() == \
        con.sql(f"select count(*) from {tags}").fetchall()
    # sorted by technology and date within each month file (schema.py: the layout)
    keys = con.sql(f"select filename, technology_id, posted_date from read_parquet({index}, "
                   "filename = true)").fetchall()
    assert keys == sorted(keys)
    assert con.sql(f"""select count(*) from {index} i join {tags} t
                       using (posting_id, technology_id, surface, rule)""").fetchall() == \
        con.sql(f"select count(*) from {tags}").fetchall()


def test_preaggregated_tables_are_smaller_than_the_raw(sample_warehouse):
    con = duckdb.connect()
    rows = {name: con.sql(f"select count(*), sum(n) from '{table_source(sample_warehouse, name)}'")
            .fetchall()[0] for name in ("salary_values", "salary_technologies")}
    salaries = con.sql(f"select count(*) from '{sample_warehouse}/salaries/*.parquet'"
                       ).fetchall()[0]
    assert rows["salary_values"][1] == salaries[0]  # every paid posting counted once
    assert rows["salary_values"][0] < salaries[0]


def test_pay_by_country_and_seniority_is_read_summed_over_the_other_dimensions(
        sample_warehouse, tmp_path):
    """salary_technology_cells holds salary_technologies' pay values summed over source, remote
    status and role family (its order in each year file: tests/test_month_layout.py); the pay
    queries read it exactly when a country or seniority is narrowed and none of those three (a
    copy without the one table or the other shows which was read), with the same answers."""
    con = duckdb.connect()
    cells, values = (table_source(sample_warehouse, t) for t in PAY_TABLES[2:0:-1])
    keys = "month, country, seniority, technology_id, category, salary_annual_usd"
    summed = con.sql(f"select {keys}, sum(n) from '{values}' group by all order by all")
    stored = con.sql(f"select {keys}, n from '{cells}' order by all").fetchall()
    assert stored == summed.fetchall() and len(stored) > 1000
    assert con.sql(f"select count(*) from '{values}'").fetchall()[0][0] > len(stored)
    choices = queries.choices(sample_warehouse)
    base = choices.defaults()
    params = {**extra_params(choices), "technologies": ["python", "go"]}
    country = queries.run("map_countries", base, sample_warehouse, map_technology="")["country"][0]
    year_ago = base.date_to.replace(year=base.date_to.year - 1)
    # (one value of one dimension over the whole range reads neither: the stored quartiles
    # per dimension value answer it, test_whole_range_quartiles_answer_the_default_view)
    by_cells = {"a country, a year": replace(base, countries=(country,), date_from=year_ago),
                "senior, a year": replace(base, seniority=("senior",), date_from=year_ago)}
    by_all = {"remote or hybrid": replace(base, remote=("remote", "hybrid")),
              "a year": replace(base, date_from=year_ago),
              "a role family and a country": replace(base, role_family=("backend",),
                                                     countries=(country,))}
    for emptied, answered, unanswered in ((PAY_TABLES[1], by_cells, by_all),
                                          (PAY_TABLES[2], by_all, by_cells)):
        copy = tmp_path / emptied
        shutil.copytree(sample_warehouse.resolve(), copy)
        empty = pq.read_schema(table_files(copy, emptied)[0]).empty_table()
        shutil.rmtree(copy / emptied)
        pq.write_table(empty, copy / f"{emptied}.parquet")
        for views, same in ((answered, True), (unanswered, False)):
            for label, filters in views.items():
                for name, column in (("pay_by_technology", "postings"),
                                     ("salary_by_technology", "postings"),
                                     ("learn_next", "paid_postings")):
                    want = queries.run(name, filters, sample_warehouse, **params)
                    got = queries.run(name, filters, copy, **params)
                    assert want[column].sum() > 50, (name, label)
                    if same:
                        assert_same(got, want, f"{name} without {emptied} [{label}]")
                    else:
                        assert got[column].sum() == 0, (name, label, emptied)


def test_one_dimension_reads_the_technologies_summed_by_dimension(sample_warehouse, tmp_path):
    """technologies_by_dimension holds rollup_technologies' postings per month, technology and
    value of each dimension (the others summed); technology_counts_in reads it exactly when
    one dimension alone is narrowed (a copy without rollup_technologies' rows answers those
    views as before, and finds nothing in a view narrowing two)."""
    con = duckdb.connect()
    rollup = table_source(sample_warehouse, "rollup_technologies")
    stored = con.sql(f"select dimension, value, month, technology_id, postings from "
                     f"'{sample_warehouse}/technologies_by_dimension.parquet'").fetchall()
    summed = con.sql(" union all ".join(
        f"select '{d}', {d}, month, technology_id, sum(postings) from '{rollup}' "
        f"where {d} is not null group by all" for d in
        ("source", "country", "remote", "seniority", "role_family"))).fetchall()
    assert sorted(stored) == sorted(summed) and len(stored) > 1000
    assert stored == sorted(stored)  # by dimension, value, month, technology
    copy = tmp_path / "copy"
    shutil.copytree(sample_warehouse.resolve(), copy)
    empty = pq.read_schema(table_files(copy, "rollup_technologies")[0]).empty_table()
    shutil.rmtree(copy / "rollup_technologies")
    pq.write_table(empty, copy / "rollup_technologies.parquet")
    choices = queries.choices(sample_warehouse)
    base = choices.defaults()
    year_ago = base.date_to.replace(year=base.date_to.year - 1)
    one = {"two countries": replace(base, countries=choices.countries[:2]),
           "remote": replace(base, remote=("remote",)),
           "senior": replace(base, seniority=("senior",)),
           "a role family, a year": replace(base, role_family=("backend",), date_from=year_ago),
           "a source": replace(base, sources=choices.sources[:1])}
    two = {"a country, remote": replace(base, countries=choices.countries[:1],
                                        remote=("remote",))}
    for views, same in ((one, True), (two, False)):
        for label, filters in views.items():
            want = queries.run("tech_ranking", filters, sample_warehouse, category="")
            got = queries.run("tech_ranking", filters, copy, category="")
            assert want["postings"].sum() > 50, label
            if same:
                assert_same(got, want, f"tech_ranking [{label}]")
            else:
                assert got["postings"].sum() == 0, label


def test_a_warehouse_without_the_tables_derives_them(sample_warehouse, tmp_path):
    """A warehouse built before the pre-aggregated tables existed: views over the raw tables
    give the same answers."""
    old = tmp_path / "old"
    shutil.copytree(sample_warehouse.resolve(), old)
    for name in (*PAY_TABLES, "rollup_requirements", "technology_postings",
                 *CO_MENTION_TABLES, *ANSWER_TABLES):
        path = table_path(old, name)
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    assert check_all(old) > 500


def test_a_warehouse_with_some_answer_tables_computes(sample_warehouse, tmp_path):
    """A warehouse built when only the first answer table existed (pay_quartiles_whole): the
    answer tables come together, so every pay query computes there, from the pay tables."""
    old = tmp_path / "old"
    shutil.copytree(sample_warehouse.resolve(), old)
    for name in ANSWER_TABLES:
        if name != "pay_quartiles_whole":
            table_path(old, name).unlink()
    assert (old / "pay_quartiles_whole.parquet").is_file()
    con = queries.connection(old)
    assert [con.sql(f"select count(*) from {name}").fetchall()[0][0]
            for name in ANSWER_TABLES] == [0] * len(ANSWER_TABLES)
    assert check_all(old) > 500


def test_whole_range_quartiles_answer_the_default_view(sample_warehouse, tmp_path):
    """The build's whole-range pay quartiles (pay_quartiles_whole) hold, for the last month
    with pay and the one before, every technology's quartiles and the market's over all months
    through it, and its sums per cell of country x seniority x year (salary_cells_whole, and
    per technology salary_technology_cells_whole) the pay values through either end, and
    pay_year_quartiles_whole every technology's and the market's quartiles per year and
    pay_premium_whole every technology's premium cells through either end;
    the pay queries read them (not the pay tables) exactly when no dimension is narrowed and
    the date range takes those months, and compute otherwise; with one value of one dimension
    narrowed over those months, the queries of quartiles read the quartiles per dimension value
    (pay_quartiles_by_dimension) instead."""
    con = duckdb.connect()
    stored = pl.from_arrow(con.sql(
        f"select * from '{sample_warehouse}/pay_quartiles_whole.parquet'").arrow())
    months = sorted({m for (m,) in con.sql(
        f"select distinct month from '{sample_warehouse}/salary_values.parquet'").fetchall()})
    assert sorted(set(stored["upto_month"])) == months[-2:]
    assert set(stored["first_month"]) == {months[0]}
    for end, after in ((months[-1], None), (months[-2], months[-1])):
        rows = stored.filter(pl.col("upto_month") == end)
        assert set(rows["next_month"]) == {after}
        paid = con.sql(f"select technology_id, sum(n) from "
                       f"'{table_source(sample_warehouse, 'salary_technologies')}' "
                       f"where month <= $end group by all", params={"end": end}).fetchall()
        assert dict(rows.filter(pl.col("technology_id").is_not_null())
                    .select("technology_id", "postings").iter_rows()) == dict(paid)
        market = rows.filter(pl.col("technology_id").is_null()).row(0, named=True)
        values = con.sql(f"select quantile_cont(salary_annual_usd, [0.25, 0.5, 0.75]), count(*) "
                         f"from '{sample_warehouse}/salaries/*.parquet' where month <= $end",
                         params={"end": end}).fetchall()[0]
        assert market["postings"] == values[1] > 100
        for got, want in zip((market["p25"], market["median"], market["p75"]), values[0],
                             strict=True):
            assert math.isclose(got, want, rel_tol=1e-12)
    # the quartiles per dimension value: every value with pay of each dimension, through
    # either end, each technology's and the market's postings with pay (the quartiles
    # themselves are compared with the raw queries' below and in check_all)
    by_value = con.sql(
        f"select upto_month, dimension, value, technology_id, postings "
        f"from '{sample_warehouse}/pay_quartiles_by_dimension.parquet'").fetchall()
    raw_by_value = []
    for dimension in ("source", "country", "remote", "seniority", "role_family"):
        for end in months[-2:]:
            raw_by_value += con.sql(
                f"select $end::date, '{dimension}', {dimension}, technology_id, sum(n) "
                f"from '{table_source(sample_warehouse, 'salary_technologies')}' "
                f"where month <= $end and {dimension} is not null group by all "
                f"union all select $end::date, '{dimension}', {dimension}, null, sum(n) "
                f"from '{sample_warehouse}/salary_values.parquet' "
                f"where month <= $end and {dimension} is not null group by all",
                params={"end": end}).fetchall()
    assert sorted(by_value, key=str) == sorted(raw_by_value, key=str)
    assert {d for _, d, *_ in by_value} == {"source", "country", "remote", "seniority",
                                            "role_family"}
    last = months[-1]
    for name, keys, table in (
            ("salary_cells_whole", "country, seniority, year(month)", "salary_values"),
            ("salary_technology_cells_whole", "technology_id, country, seniority, year(month)",
             "salary_technologies")):
        stored_sums = con.sql(
            f"select {keys.replace('year(month)', 'year')}, sum(n_all), sum(n_before), "
            f"count(distinct last_month), count(*) from '{sample_warehouse}/{name}.parquet' "
            "group by all order by all").fetchall()
        raw_sums = con.sql(
            f"select {keys}, sum(n), coalesce(sum(n) filter (where month < $last), 0), 1, "
            f"count(distinct salary_annual_usd) from '{table_source(sample_warehouse, table)}' "
            "group by all order by all", params={"last": last}).fetchall()
        assert stored_sums == raw_sums and len(raw_sums) > 20, name
        assert con.sql(f"select any_value(last_month) from "
                       f"'{sample_warehouse}/{name}.parquet'").fetchall() == [(last,)]
    # A copy whose pay tables hold no rows: only the stored answers can give the default view
    # its figures; a narrowed view (or a range that is not the whole) finds nothing to compute.
    copy = tmp_path / "copy"
    shutil.copytree(sample_warehouse.resolve(), copy)
    for name in PAY_TABLES:  # a year folder or a file
        empty = pq.read_schema(table_files(copy, name)[0]).empty_table()
        shutil.rmtree(copy / name, ignore_errors=True)
        pq.write_table(empty, copy / f"{name}.parquet")
    choices = queries.choices(sample_warehouse)
    base = choices.defaults()
    params = {**extra_params(choices), "technologies": ["python"], "rates": []}
    ranges = {"default": base,
              "through the month before the last with pay": replace(base, date_to=months[-2]),
              "to a later month": replace(base, date_to=months[-1].replace(year=2030)),
              "from before the first": replace(base, date_from=dt.date(2000, 1, 1))}
    narrowed = {"a later start": replace(base, date_from=months[1]),
                "through two months before the last": replace(base, date_to=months[-3]),
                "two seniorities": replace(base, seniority=("senior", "junior")),
                "senior, in a source": replace(base, seniority=("senior",),
                                               sources=("sample",))}
    # one value of one dimension over the whole range: the quartiles per dimension value
    # (pay_quartiles_by_dimension) answer the queries that read quartiles; the others compute
    one_value = {"senior": replace(base, seniority=("senior",)),
                 "a source": replace(base, sources=("sample",)),
                 "remote, through the month before the last with pay":
                     replace(base, remote=("remote",), date_to=months[-2])}
    by_value = {"salary_by_technology", "pay_by_technology", "learn_next", "profile_summary"}
    rates = extra_params(choices)["rates"]
    every_technology = queries.run("technology_list", warehouse=sample_warehouse)[
        "technology_id"].to_list()
    # (query, extra parameters): the yearly and per-country sums convert at any rates, and
    # salary_over_time reads the market's (no technology) or the technologies' sums
    asked = [("salary_by_technology", {}), ("pay_by_technology", {}), ("learn_next", {}),
             ("pay_by_year", {}), ("pay_by_year", {"rates": rates}), ("pay_by_country", {}),
             ("pay_by_country", {"rates": rates}), ("salary_over_time", {}),
             ("salary_over_time", {"technologies": []}),
             ("salary_over_time", {"technologies": every_technology}),
             ("pay_premium_cells", {"technologies": ["python", "java", "go", "postgresql"]}),
             ("pay_premium_cells", {"technologies": every_technology}), ("profile_summary", {})]
    for label, filters in {**ranges, **narrowed, **one_value}.items():
        for name, more in asked:
            got = queries.run(name, filters, copy, **{**params, **more})
            want = raw_answer(name, filters, sample_warehouse, **{**params, **more})
            paid = {"learn_next": "paid_postings", "pay_premium_cells": "n_with",
                    "profile_summary": "with_pay"}.get(name, "postings")
            if label in ranges or (label in one_value and name in by_value):
                assert want[paid].sum() > 100, (name, label)
                if more.get("rates"):
                    assert want["median_local"].is_not_null().sum() > 0, (name, label)
                assert_same(got, want, f"{name} {more.keys()} [{label}]")
            elif name == "learn_next":  # the counts are there; no pay to compute from
                assert got[paid].sum() == 0 and got["market_paid"].sum() == 0, label
            else:  # pay_by_country always has its pooled row, profile_summary its one row
                assert got[paid].sum() == 0, (name, label)
    # with local figures asked for, pay_by_technology computes (nothing, in the copy)
    assert queries.run("pay_by_technology", base, copy,
                       **{**params, "rates": extra_params(choices)["rates"]}).is_empty()


def test_weighted_quantile_is_quantile_cont():
    """The macro over (value, n) rows equals quantile_cont over the rows they stand for (to
    floating-point rounding: the interpolation may differ in the last bit)."""
    rng = random.Random(5)
    con = duckdb.connect()
    con.sql(QUANTILE_MACROS)  # shared by the build and the queries
    for trial in range(200):
        values = [rng.choice([50_000.0, 61_250.5, 75_000.0, 99_999.99, 120_000.0,
                              rng.uniform(1e4, 5e5)]) for _ in range(rng.randint(1, 40))]
        con.register("raw", pl.DataFrame({"v": values}))
        q = rng.choice([0.25, 0.5, 0.75, 0.1, 0.9])
        want = con.sql(f"select quantile_cont(v, {q}) from raw").fetchall()[0][0]
        got = con.sql(f"""
            with w as (select v, count(*) as n from raw group by v),
                 r as (select *, sum(n) over (order by v) as upto, sum(n) over () as total
                       from w)
            select weighted_quantile(v, upto, total, {q}) from r""").fetchall()[0][0]
        # the same order statistics and interpolation; the last bit may round differently
        assert math.isclose(got, want, rel_tol=1e-12), (trial, values, q)


def test_banded_quantile_is_quantile_cont():
    """Counting per band of 1,000 first and sorting only the bands that hold the ranks (as
    learn_next and pay_by_technology do) gives quantile_cont over the rows the (value, n) rows
    stand for: ties, one row, values on band edges, groups whose ranks fall in different
    bands, a group whose every value is in one band."""
    rng = random.Random(7)
    con = duckdb.connect()
    con.sql(QUANTILE_MACROS)  # shared by the build and the queries
    edges = [999.99, 1000.0, 1000.01, 1999.99, 2000.0, 2000.0, 150_000.0, 150_999.99]
    groups = {0: [42_000.0], 1: [5_000.0] * 7, 2: [1000.0, 1999.99, 1500.0], 3: edges}
    for g in range(4, 60):
        groups[g] = [rng.choice([*edges, round(rng.uniform(1e4, 4e5), 2),
                                 float(rng.randrange(20, 300) * 1000)])
                     for _ in range(rng.randint(1, 80))]
    con.register("raw", pl.DataFrame({"g": [g for g, vs in groups.items() for _ in vs],
                                      "v": [v for vs in groups.values() for v in vs]}))
    for q in (0.25, 0.5, 0.75, 0.1, 0.9):
        want = con.sql(f"select g, quantile_cont(v, {q}), count(*) from raw group by g "
                       "order by g").fetchall()
        got = con.sql(f"""
            with w as (select g, v, count(*)::double as n from raw group by all),
            bands as (
                select g, band, n, sum(n) over (partition by g order by band) as upto,
                       sum(n) over (partition by g) as total
                from (select g, pay_band(v) as band, sum(n) as n from w group by all)),
            ranked as (
                select w.g, w.v, b.total,
                       b.upto - b.n + sum(w.n) over (partition by w.g, b.band order by w.v)
                           as upto
                from w join bands b on b.g = w.g and b.band = pay_band(w.v)
                where holds_quantile(b.upto, b.n, b.total, {q}))
            select g, weighted_quantile(v, upto, total, {q}), any_value(total)::bigint
            from ranked group by g order by g""").fetchall()
        assert len(got) == len(groups)
        for (g, a, n), (g2, b, n2) in zip(got, want, strict=True):
            assert (g, n) == (g2, n2) and math.isclose(a, b, rel_tol=1e-12), (q, g, a, b)


def test_technology_sets_are_ordered_by_month_country_and_seniority(sample_warehouse):
    """A view narrowed to one country or seniority reads that part of each month's sets: the
    build orders them so (in row groups of 10,000, ROW_GROUP_ROWS)."""
    sets = pl.from_arrow(read_table(sample_warehouse, "technology_sets",
                                    columns=["month", "country", "seniority"]))
    assert sets.height > 1_000 and sets["country"].n_unique() > 3
    assert sets.equals(sets.sort(["month", "country", "seniority"], nulls_last=True))


def test_pair_table_counts_the_postings_naming_both(sample_warehouse):
    """Every pair that co-occurs in a month, in both orders, with the postings naming both: the
    count a self-join of the tags gives per month; no pair table per cell is written (filtered
    pairs are counted from the sets at query time); the technology sets count every tagged
    posting once."""
    con = duckdb.connect()
    tags = f"'{sample_warehouse}/posting_technologies/*.parquet'"
    months = (f"(select posting_id, date_trunc('month', posted_date)::date as month "
              f"from '{sample_warehouse}/postings/*.parquet')")
    want = con.sql(f"""select m.month, a.technology_id, b.technology_id, count(*)
                       from {tags} a join {tags} b using (posting_id) join {months} m
                       using (posting_id)
                       where a.technology_id <> b.technology_id group by all order by all
                    """).fetchall()
    got = con.sql(f"""select month, technology_a, technology_b, postings::bigint
                      from '{sample_warehouse}/technology_pairs_by_month.parquet'
                      order by all""").fetchall()
    assert len(want) > 1000 and got == want
    assert not (sample_warehouse / "technology_pairs.parquet").exists()
    keys = con.sql(f"select technology_a, month from "
                   f"'{sample_warehouse}/technology_pairs_by_month.parquet'").fetchall()
    assert keys == sorted(keys)  # the pairs of a few technologies are a few row groups
    sets = con.sql(f"""select sum(postings), sum(postings * len(technologies)), count(*)
                       from '{table_source(sample_warehouse, "technology_sets")}'
                    """).fetchall()[0]
    tagged = con.sql(f"select count(distinct posting_id), count(*) from {tags}").fetchall()[0]
    assert sets[:2] == tagged
    assert sets[2] <= tagged[0]


@pytest.mark.parametrize("limit", [1, 20])
def test_postings_together_lists_the_latest_from_the_months_that_hold_them(sample_warehouse,
                                                                           limit):
    """The latest few postings (the page shows 20) are read from the last months only, and are
    those the raw query lists; the count of all matching postings is the raw one."""
    params = {**extra_params(queries.choices(sample_warehouse)), "limit": limit}
    for label, filters in filter_sets(sample_warehouse).items():
        for partners in (["postgresql"], []):
            kw = {**params, "partners": partners, "month": filters.date_to}
            new = queries.run("postings_together", filters, sample_warehouse, **kw)
            old = raw_answer("postings_together", filters, sample_warehouse, **kw)
            assert_same(new, old, f"postings_together [{label}, {partners}, limit {limit}]")
            assert label != "default" or new.height == limit  # the list was cut


@pytest.mark.parametrize("known", [["python"], ["python", "go"], [],
                                   ["python", "java", "aws", "postgresql"], ["go", "go"]])
def test_learn_next_with_one_known_technology_or_several_equals_raw(sample_warehouse, known):
    """Without narrowing (or with one known technology) the counts come from the pair and
    month tables, less the extra counts of the sets naming several known technologies; with
    narrowing and several, from the cells' sets: both give the raw answer (a technology listed
    twice counts once)."""
    params = {**extra_params(queries.choices(sample_warehouse)), "technologies": known}
    for label, filters in filter_sets(sample_warehouse).items():
        kw = {**params, "month": filters.date_to}
        new = queries.run("learn_next", filters, sample_warehouse, **kw)
        old = raw_answer("learn_next", filters, sample_warehouse, **kw)
        assert_same(new, old, f"learn_next [{label}, {known}]")
        if label == "default":
            assert new.height > 20 and new["with_known"].sum() > (0 if known else -1)
            assert (new["known_total"] > 0).all() == bool(known)


@pytest.mark.parametrize("partners", [["postgresql", "redis"], ["python"]],
                         ids=["two partners", "the technology itself"])
def test_postings_together_with_two_partners_or_itself_equals_raw(sample_warehouse, partners):
    params = {**extra_params(queries.choices(sample_warehouse)), "limit": 20,
              "technology_id": "python", "partners": partners}
    for label, filters in filter_sets(sample_warehouse).items():
        kw = {**params, "month": filters.date_to}
        new = queries.run("postings_together", filters, sample_warehouse, **kw)
        old = raw_answer("postings_together", filters, sample_warehouse, **kw)
        assert_same(new, old, f"postings_together [{label}, {partners}]")
        assert label != "default" or new["matching"][0] > 20
