"""The warehouse's month files (issue 11 item 3; etl/warehouse/schema.py, docs/build.md "Month
files"): the tables that grow with the postings are one Parquet file per month, sorted within
the month, and the largest rollups one file per year; an append rewrites only the months (and
years) it touches and hard-links the others; the query
layer answers the same from either layout; a warehouse of the old layout is refused by an
append, not misread."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.bench_queries import query_params
from etl.sample import write_sample
from etl.sources import sources
from etl.warehouse import build as build_module
from etl.warehouse.append import AppendRefused, append, order_in_file
from etl.warehouse.build import ROLLUP_SQL, build
from etl.warehouse.monthly import views_of, write_months
from etl.warehouse.rollups import DERIVED_SQL, derived_sql, order_of, tag_index_query
from etl.warehouse.schema import (
    EMPTY_MONTH_FILE,
    FOLDER_TABLES,
    LAYOUT_VERSION,
    MONTHLY_TABLES,
    YEARLY_TABLES,
    in_year_files,
    last_order,
    month_files,
    read_table,
    table_files,
    table_source,
    unordered,
)
from radar import queries

NEW_FILE = "postings-zz-2025-12.jsonl.gz"


def _loaders() -> dict:
    return {"sample": sources()["sample"]}


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    """(root, the build before the append, the appended warehouse, a full build of the same)."""
    root = tmp_path_factory.mktemp("months")
    sample = root / "raw" / "sample"
    write_sample(sample, n=1500, until=dt.date(2025, 12, 1))
    last_year = sample / "postings-2025.jsonl.gz"
    with gzip.open(last_year, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    december = [r for r in records if r["published_at"].startswith("2025-12")]
    assert len(december) > 10
    for path, rows in ((last_year, [r for r in records if r not in december]),
                       (root / NEW_FILE, december)):
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in rows)
    build(root / "raw", root / "wh", loaders=_loaders(), processes=1, log=lambda m: None)
    before = (root / "wh").resolve()
    shutil.copy(root / NEW_FILE, sample / NEW_FILE)
    manifest = append(root / "raw", root / "wh", loaders=_loaders(), processes=1,
                      log=lambda m: None)
    build(root / "raw", root / "full", loaders=_loaders(), processes=1, log=lambda m: None)
    return root, before, (root / "wh").resolve(), manifest


def test_a_build_writes_one_sorted_file_per_month(warehouses):
    _, before, _, _ = warehouses
    manifest = json.loads((before / "manifest.json").read_text())
    assert manifest["layout"] == LAYOUT_VERSION
    for table in MONTHLY_TABLES:
        assert (before / table).is_dir() and not (before / f"{table}.parquet").exists()
    files = month_files(before, "postings")
    assert len(files) > 12 and "2025-11" in files and "2025-12" not in files
    con = duckdb.connect()
    total = 0
    for month, path in files.items():
        rows = pq.read_table(path, columns=["posting_id", "posted_date"]).to_pylist()
        assert {f"{r['posted_date']:%Y-%m}" for r in rows} == {month}
        keys = [(r["posted_date"], r["posting_id"]) for r in rows]
        assert keys == sorted(keys)
        # each tag file holds the tags of its month's postings, sorted by posting
        tags = pq.read_table(before / "posting_technologies" / path.name,
                             columns=["posting_id", "technology_id"]).to_pylist()
        pairs = [(t["posting_id"], t["technology_id"]) for t in tags]
        assert pairs == sorted(pairs) and {p for p, _ in pairs} <= {r["posting_id"] for r in rows}
        total += len(rows)
    assert total == manifest["row_counts"]["postings"]
    assert sum(r[3] for r in manifest["month_coverage"]) == total
    tag_rows = sum(pq.read_metadata(f).num_rows for f in table_files(before,
                                                                      "posting_technologies"))
    assert tag_rows == manifest["row_counts"]["posting_technologies"]
    index = con.sql(f"""select count(*) from read_parquet('{before}/technology_postings/*.parquet',
                        filename = true)
                        where strftime(posted_date, '%Y-%m') <> regexp_extract(filename,
                              '([0-9-]+)[.]parquet$', 1)""").fetchall()[0][0]
    assert index == 0
    for path in table_files(before, "technology_postings"):  # the tag index, by technology
        keys = con.sql(f"select technology_id, posted_date, posting_id from read_parquet('{path}')"
                       ).fetchall()
        assert keys == sorted(keys), path


def test_a_file_table_is_sorted_once(warehouses):
    """The writers sort a year or month file table's rows themselves (in_year_files, the tag
    index's month order): its query's own sort is dropped, not run first."""
    _, before, _, _ = warehouses
    con = duckdb.connect()
    views_of(con, {t: table_source(before, t) for t in
                   ("postings", "posting_technologies", "salaries", "rollup_technologies",
                    "rollup_categories", "salary_technologies")})
    wrapped = {name: in_year_files(derived_sql(name), order_of(name))
               for name in DERIVED_SQL if name in YEARLY_TABLES}
    wrapped["technology_postings"] = tag_index_query(derived_sql("technology_postings"))
    assert set(wrapped) == {"salary_technologies", "salary_technology_cells", "technology_sets",
                            "rollup_us_state_technologies", "technology_postings"}
    for name, query in wrapped.items():
        plan = con.sql("explain " + query).fetchall()[0][1]
        assert plan.count("Order By:") == 1, name
        assert derived_sql(name).count("order by") > unordered(derived_sql(name)).count("order by")
    assert unordered("select list(a order by a) as l from t") == \
        "select list(a order by a) as l from t"
    assert unordered("select a from t\n  ORDER BY a, t.b  ") == "select a from t"
    assert last_order("select a, b from t\n order by a,\n          t.b\n") == "a, t.b"
    assert unordered("select a, b from t\n order by a,\n          t.b\n") == "select a, b from t"


def test_a_build_writes_the_largest_rollups_one_sorted_file_per_year(warehouses):
    _, before, _, _ = warehouses
    con = duckdb.connect()
    for table in YEARLY_TABLES:
        assert (before / table).is_dir() and not (before / f"{table}.parquet").exists()
        files = month_files(before, table)
        assert list(files) == [str(y) for y in range(2016, 2026)], table
        order = order_in_file(table, pq.read_schema(files["2025"]).names, "month")
        for year, path in files.items():
            months = con.sql(f"select distinct year(month) from read_parquet('{path}')")
            assert months.fetchall() == [(int(year),)], (table, year)
            stored = con.sql(f"select {order} from read_parquet('{path}')").fetchall()
            assert stored == sorted(stored, key=lambda row: tuple(
                (v is None, v) for v in row)), (table, year)  # nulls last, as DuckDB sorts
            # sorted by every group key: no two rows tie (sorted, so no two neighbours are
            # equal), so the order is the same from run to run
            assert all(a != b for a, b in zip(stored, stored[1:], strict=False)), (table, year)


def test_month_and_year_files_carry_bloom_filters_of_technologies(warehouses):
    """Every row group of a month or year file with technology_id has a bloom filter of that
    column (pyarrow writes none unless asked; DuckDB's own files have them): it excludes an id
    no row holds and keeps the ids a file holds. The append's files too."""
    _, before, after, _ = warehouses
    con = duckdb.connect()
    checked = set()
    for folder in (before, after):
        for table in FOLDER_TABLES:
            for path in table_files(folder, table):
                if "technology_id" not in pq.read_schema(path).names or \
                        path.name == EMPTY_MONTH_FILE:
                    continue
                source = f"'{path}'"
                blooms = con.sql(f"select row_group_id, bloom_filter_length from "
                                 f"parquet_metadata({source}) where path_in_schema = "
                                 "'technology_id'").fetchall()
                assert blooms and all(length and length > 0 for _, length in blooms), path
                held = con.sql(f"select min(technology_id), max(technology_id) from "
                               f"read_parquet({source})").fetchall()[0]
                for technology, absent in ((held[0], False), (held[1], False),
                                           ("no-such-technology", True)):
                    excludes = con.sql(f"select bloom_filter_excludes from parquet_bloom_probe("
                                       f"{source}, 'technology_id', $t)", params={"t": technology})
                    assert {e for (e,) in excludes.fetchall()} == {absent}, (path, technology)
                checked.add(table)
    assert checked == {"posting_technologies", "technology_postings", "rollup_technologies",
                       "salary_technologies", "salary_technology_cells",
                       "rollup_us_state_technologies"}


def test_an_append_links_the_untouched_years_and_rewrites_the_touched(warehouses):
    _, before, after, _ = warehouses
    for table in YEARLY_TABLES:
        old, new = month_files(before, table), month_files(after, table)
        assert set(new) == set(old), table
        for year, path in old.items():
            if year != "2025":
                assert os.path.samefile(path, new[year]), (table, year)
        assert new["2025"].stat().st_nlink == 1 and not os.path.samefile(old["2025"],
                                                                          new["2025"])
        december = duckdb.connect().sql(
            f"select count(*) from read_parquet('{new['2025']}') where month = '2025-12-01'")
        assert december.fetchall()[0][0] > 0, table


def test_an_append_links_the_untouched_months_and_rewrites_the_touched(warehouses):
    _, before, after, manifest = warehouses
    assert manifest["appended"][-1]["months_touched"] == ["2025-12"]
    for table in ("postings", "posting_technologies", "salaries", "technology_postings"):
        old, new = month_files(before, table), month_files(after, table)
        assert set(new) == set(old) | {"2025-12"}, table
        for month, path in old.items():
            # the same file (a hard link), so byte-identical
            assert os.path.samefile(path, new[month]), (table, month)
            assert path.read_bytes() == new[month].read_bytes()
        assert new["2025-12"].stat().st_nlink == 1
    december = pq.read_table(month_files(after, "postings")["2025-12"])
    assert december.num_rows == manifest["row_counts"]["postings"] - sum(
        pq.read_metadata(p).num_rows for p in month_files(before, "postings").values())


def test_an_append_equals_a_full_build_file_by_file(warehouses):
    root, _, after, manifest = warehouses
    full = (root / "full").resolve()
    for table in MONTHLY_TABLES:
        assert set(month_files(after, table)) == set(month_files(full, table))
        for month, path in month_files(full, table).items():
            want = pq.read_table(path)
            got = pq.read_table(month_files(after, table)[month])
            drop = [c for c in ("ingested_at",) if c in want.column_names]
            assert got.drop_columns(drop).equals(want.drop_columns(drop)), (table, month)
    full_manifest = json.loads((full / "manifest.json").read_text())
    assert manifest["month_coverage"] == full_manifest["month_coverage"]


def test_every_rollup_holds_the_same_rows_in_the_same_order_after_an_append(warehouses):
    """The rollup and derived tables of the appended warehouse and of a full build of the same
    files: the same rows in the same order, file by file (each table is sorted by all its group
    keys, so no two rows tie and the order is the same whoever writes it, and run to run)."""
    root, _, after, _ = warehouses
    full = (root / "full").resolve()
    names = [n for n in (*ROLLUP_SQL, *DERIVED_SQL) if n not in MONTHLY_TABLES
             and n != "technology_postings"]  # the tag index: by technology, date and posting
    assert len(names) == 22
    for name in names:
        files = {p.name: p for p in table_files(full, name)}  # a year's file, or the table's
        theirs = {p.name: p for p in table_files(after, name)}
        assert set(files) == set(theirs), name
        for key, path in files.items():
            want, got = pq.read_table(path), pq.read_table(theirs[key])
            assert got.column_names == want.column_names, (name, key)
            for column in want.column_names:  # values in order (an append writes every
                # column as nullable)
                assert got[column].equals(want[column]), (name, key, column)


def test_every_named_query_answers_the_same_after_an_append(warehouses):
    root, _, after, _ = warehouses
    full = (root / "full").resolve()
    choices = queries.choices(full)
    assert choices == queries.choices(after)
    extra = query_params(choices)
    compared = 0
    for name in queries.query_names():
        want = queries.run(name, choices.defaults(), full, **extra)
        got = queries.run(name, choices.defaults(), after, **extra)
        if "ingested_at" in want.columns:
            want, got = want.drop("ingested_at"), got.drop("ingested_at")
        assert got.sort(got.columns).equals(want.sort(want.columns)), name
        compared += want.height > 0
    assert compared > 15


def test_the_query_layer_reads_the_single_file_layout_the_same(warehouses, tmp_path):
    root, _, after, _ = warehouses
    old = tmp_path / "old"
    shutil.copytree(after, old, ignore=shutil.ignore_patterns(*FOLDER_TABLES))
    for table in FOLDER_TABLES:
        pq.write_table(read_table(after, table), old / f"{table}.parquet")
    manifest = json.loads((old / "manifest.json").read_text())
    manifest.pop("layout"), manifest.pop("month_coverage")
    (old / "manifest.json").write_text(json.dumps(manifest))
    choices = queries.choices(after)
    for name in ("postings_by_month", "tech_share_by_month", "postings_behind",
                 "postings_together", "salary_over_time", "kpis"):
        want = queries.run(name, choices.defaults(), after, **query_params(choices))
        got = queries.run(name, choices.defaults(), old, **query_params(choices))
        assert want.height and got.equals(want), name
    # ... but an append refuses it, naming the layout, and leaves it as it was
    (old / "raw").mkdir()
    with pytest.raises(AppendRefused, match=f"layout 1, not {LAYOUT_VERSION}"):
        append(root / "raw", old, loaders=_loaders(), log=lambda m: None)
    assert json.loads((old / "manifest.json").read_text()) == manifest


def test_month_writer_splits_rows_by_month_and_marks_an_empty_table(tmp_path):
    con = duckdb.connect()
    schema = pa.schema([("posted_date", pa.date32()), ("n", pa.int64())])
    rows = write_months(con, """
        select d::date as posted_date, i as n, strftime(d, '%Y-%m') as _month
        from (select date '2025-01-20' + to_days(i::integer) as d, i from range(0, 60) t(i))
        order by d""", {}, tmp_path / "t", schema)
    assert rows == 60
    files = month_files(tmp_path, "t")
    assert list(files) == ["2025-01", "2025-02", "2025-03"]
    assert [pq.read_metadata(p).num_rows for p in files.values()] == [12, 28, 20]
    assert pq.read_table(files["2025-02"])["n"].to_pylist() == list(range(12, 40))
    assert write_months(con, "select date '2025-01-01' as posted_date, 1::bigint as n, "
                        "'2025-01' as _month where false", {}, tmp_path / "e", schema) == 0
    assert [p.name for p in (tmp_path / "e").iterdir()] == [EMPTY_MONTH_FILE]
    assert month_files(tmp_path, "e") == {}
    assert pq.read_schema(tmp_path / "e" / EMPTY_MONTH_FILE).equals(schema)


def _postings_groups(folder) -> list[list[tuple[int, dt.date, dt.date]]]:
    """(rows, first date, last date) of each row group of each postings month file."""
    out = []
    for path in month_files(folder, "postings").values():
        meta = pq.read_metadata(path)
        column = meta.schema.names.index("posted_date")
        out.append([(meta.row_group(g).num_rows,
                     meta.row_group(g).column(column).statistics.min,
                     meta.row_group(g).column(column).statistics.max)
                    for g in range(meta.num_row_groups)])
    return out


def test_the_postings_are_written_in_row_groups_of_days(tmp_path, monkeypatch):
    # a month's postings in row groups of POSTINGS_GROUP_ROWS at most, in date order, so a
    # query for a month's latest postings skips the groups of its earlier days; an append's
    # months as a build's
    monkeypatch.setattr(build_module, "POSTINGS_GROUP_ROWS", 2)
    sample = tmp_path / "raw" / "sample"
    write_sample(sample, n=600, until=dt.date(2025, 12, 1))
    last_year = sample / "postings-2025.jsonl.gz"
    with gzip.open(last_year, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    late = [r for r in records if r["published_at"] >= "2025-11"]
    with gzip.open(last_year, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in records if r not in late)
    build(tmp_path / "raw", tmp_path / "wh", loaders=_loaders(), processes=1,
          log=lambda m: None)
    with gzip.open(sample / NEW_FILE, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in late)
    append(tmp_path / "raw", tmp_path / "wh", loaders=_loaders(), processes=1,
           log=lambda m: None)
    months = _postings_groups((tmp_path / "wh").resolve())
    assert sum(len(groups) > 1 for groups in months) > 10  # months of more than 2 postings
    for groups in months:
        assert max(rows for rows, _, _ in groups) <= 2
        assert all(a[2] <= b[1] for a, b in zip(groups, groups[1:], strict=False))
    november = month_files((tmp_path / "wh").resolve(), "postings")["2025-11"]
    assert pq.read_metadata(november).num_row_groups > 1  # written by the append
