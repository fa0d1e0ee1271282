"""The build's write and rollup steps stream: bounded row groups, and rollups that equal their
plain definitions (docs/build.md, docs/scale.md: build memory)."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq

from etl.warehouse import build as b
from etl.warehouse.rollups import DIMENSIONS
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
        "r": str(fixture_warehouse / "rollup_categories.parquet")}).fetchall()
    assert len(written) > 10
    assert sorted(written, key=str) == sorted(plain, key=str)
    total = con.sql("select sum(postings) from read_parquet($r)", params={
        "r": str(fixture_warehouse / "rollup_postings.parquet")}).fetchall()[0][0]
    assert total == sum(pq.read_metadata(f).num_rows
                        for f in table_files(fixture_warehouse, "postings"))
