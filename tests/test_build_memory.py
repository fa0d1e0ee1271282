"""The build's write and rollup steps stream: bounded row groups, and rollups that equal their
plain definitions (docs/build.md, docs/scale.md: build memory)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.warehouse import build as b
from etl.warehouse import monthly
from etl.warehouse.monthly import views_of
from etl.warehouse.rollups import BY_MONTH, DIMENSIONS, derived_sql
from etl.warehouse.schema import table_files, table_source


def test_write_sorted_keeps_order_and_bounds_row_groups(tmp_path, monkeypatch):
    monkeypatch.setattr(b, "STREAM_ROWS", 100)
    monkeypatch.setattr(b, "WRITE_GROUP_ROWS", 1000)
    con = duckdb.connect()
    query = "select range as i, 'row ' || range as s from range($n) order by i desc"
    path = tmp_path / "rows.parquet"
    assert b._write_sorted(con, query, {"n": 5500}, path) == 5500
    meta = pq.ParquetFile(path).metadata
    sizes = [meta.row_group(g).num_rows for g in range(meta.num_row_groups)]
    assert sum(sizes) == 5500 and max(sizes) == 1000
    assert pq.read_table(path)["i"].to_pylist() == list(range(5499, -1, -1))
    monkeypatch.setattr(b, "WRITE_GROUP_BYTES", 5_000)  # about 250 rows (20 bytes a row)
    b._write_sorted(con, query, {"n": 5500}, path)
    meta = pq.ParquetFile(path).metadata
    sizes = [meta.row_group(g).num_rows for g in range(meta.num_row_groups)]
    assert sum(sizes) == 5500 and max(sizes) < 1000


def test_rollups_equal_their_plain_definitions(fixture_warehouse):
    con = duckdb.connect()
    p, t = (table_source(fixture_warehouse, n) for n in ("postings", "posting_technologies"))
    dims = ", ".join(f"p.{d}" for d in DIMENSIONS)
    plain = con.sql(f"""
        select date_trunc('month', p.posted_date)::date as month, {dims}, t.category,
               count(distinct p.posting_id) as postings
        from read_parquet($p) p join read_parquet($t) t using (posting_id) group by all""",
                    params={"p": p, "t": t}).fetchall()
    written = con.sql("select * from read_parquet($r)", params={
        "r": table_source(fixture_warehouse, "rollup_categories")}).fetchall()
    assert len(written) > 10
    assert sorted(written, key=str) == sorted(plain, key=str)
    total = con.sql("select sum(postings) from read_parquet($r)", params={
        "r": str(fixture_warehouse / "rollup_postings.parquet")}).fetchall()[0][0]
    assert total == sum(pq.read_metadata(f).num_rows
                        for f in table_files(fixture_warehouse, "postings"))


def test_a_table_that_fails_to_write_is_named_in_the_error(fixture_warehouse, tmp_path):
    # Tags without their technology: the first rollup over the tags cannot be made. DuckDB's
    # own message names a column (or, out of memory, an operator), never the table being made.
    folder = tmp_path / "warehouse"
    shutil.copytree(fixture_warehouse / "postings", folder / "postings")
    (folder / "posting_technologies").mkdir()
    for path in table_files(fixture_warehouse, "posting_technologies"):
        pq.write_table(pq.read_table(path).drop_columns(["technology_id"]),
                       folder / "posting_technologies" / path.name)
    with pytest.raises(duckdb.BinderException, match="^writing the table rollup_technologies: "):
        b.write_rollups(folder)
    assert pq.read_metadata(folder / "rollup_postings.parquet").num_rows > 10  # made before it


def test_month_parts_join_consecutive_months_up_to_the_part_rows(tmp_path):
    folder = tmp_path / "warehouse"
    rows = {"2024-01": 3, "2024-02": 4, "2024-03": 2, "2024-04": 9, "2024-05": 1}
    tables = ("postings", "posting_technologies")
    for table in tables:
        (folder / table).mkdir(parents=True)
        for month, n in rows.items():
            if table == "posting_technologies" and month == "2024-03":
                continue  # a month the second table lacks: an empty stand-in in its place
            pq.write_table(pa.table({"i": pa.array(range(n), pa.int64())}),
                           folder / table / f"{month}.parquet")
    stand_ins = tmp_path / "stand-ins"

    def months(part_rows):
        parts = monthly.month_parts(folder, tables, stand_ins, part_rows)
        assert all(len(p["postings"]) == len(p["posting_technologies"]) for p in parts)
        return [[Path(f).stem for f in p["postings"]] for p in parts]

    # 3+4 fit in 7; 2 starts a part (2+9 would not fit); 9 is over 7, a part alone; then 1
    assert months(7) == [["2024-01", "2024-02"], ["2024-03"], ["2024-04"], ["2024-05"]]
    assert months(1) == [[m] for m in rows]
    assert months(10**9) == [list(rows)]
    tags = monthly.month_parts(folder, tables, stand_ins, 10**9)[0]["posting_technologies"]
    assert tags[2] == str(stand_ins / "posting_technologies.parquet")
    assert pq.read_metadata(tags[2]).num_rows == 0
    con = duckdb.connect()
    views_of(con, monthly.month_parts(folder, tables, stand_ins, 7)[0])
    assert con.sql("select count(*) from postings").fetchall() == [(7,)]
    assert con.sql("select count(*) from posting_technologies").fetchall() == [(7,)]


@pytest.mark.parametrize("part_rows", [1, None], ids=["a month per part", "default parts"])
def test_tables_made_a_month_at_a_time_equal_their_queries_over_whole_tables(fixture_warehouse,
                                                                               tmp_path,
                                                                               monkeypatch,
                                                                               part_rows):
    # The rollups and the derived tables grouped by month are made a part (one or more
    # months' files) at a time (month_parts): the rows must be those of the same query over the
    # whole tables, also for a month with postings but no tags and one with postings but no pay
    # (stand-in files), with a month per part and with the default parts (here: one).
    if part_rows is not None:
        monkeypatch.setattr(monthly, "PART_ROWS", part_rows)
    folder = tmp_path / "warehouse"
    for table in ("postings", "posting_technologies"):
        shutil.copytree(fixture_warehouse / table, folder / table)
    months = [p.stem for p in table_files(folder, "postings")]
    no_tags, no_pay = months[1], months[2]
    tags = folder / "posting_technologies" / f"{no_tags}.parquet"
    assert pq.read_metadata(tags).num_rows > 0
    tags.unlink()
    path = folder / "postings" / f"{no_pay}.parquet"
    postings = pq.read_table(path)
    assert postings["salary_annual_usd"].null_count < postings.num_rows
    column = postings.schema.get_field_index("salary_annual_usd")
    pq.write_table(postings.set_column(column, postings.schema.field(column),
                                       pa.nulls(postings.num_rows, pa.float64())), path)
    counts = b.write_rollups(folder)
    con = duckdb.connect()
    views_of(con, {t: table_source(folder, t)
                   for t in ("postings", "posting_technologies", "salaries")})
    queries = {name: sql.format(dims=", ".join(DIMENSIONS),
                                p_dims=", ".join(f"p.{d}" for d in DIMENSIONS))
               for name, sql in b.ROLLUP_SQL.items()}
    queries.update({name: derived_sql(name) for name in BY_MONTH})
    for name, query in queries.items():
        expected = sorted(map(str, con.sql(query).fetchall()))
        written = sorted(map(str, con.sql("select * from read_parquet($t)", params={
            "t": table_source(folder, name)}).fetchall()))
        assert written == expected, name
        assert counts[name] == len(expected) > 0, name
    months_of = "select distinct strftime(month, '%Y-%m') from read_parquet($t)"
    tagged = {m for (m,) in con.sql(months_of, params={
        "t": table_source(folder, "rollup_technologies")}).fetchall()}
    paid = {m for (m,) in con.sql(months_of, params={
        "t": table_source(folder, "salary_values")}).fetchall()}
    assert no_tags not in tagged and months[0] in tagged and no_pay not in paid
    assert not list((folder / "salaries").glob(f"{no_pay}*"))
