"""The warehouse build: tables, counts, quarantine, manifest, atomic swap."""

from __future__ import annotations

import json
import os
import threading

import duckdb
import pyarrow.parquet as pq
import pytest

from etl.warehouse.build import build
from etl.warehouse.schema import POSTINGS_SCHEMA, read_table, table_source
from tests.conftest import PER_MONTH, FixtureSource, fixture_months


def test_tables_and_counts(fixture_warehouse):
    folder = fixture_warehouse.resolve()
    postings = read_table(folder, "postings")
    assert postings.schema.equals(POSTINGS_SCHEMA)
    assert postings.num_rows == len(fixture_months()) * PER_MONTH == 216
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["row_counts"]["postings"] == 216
    assert manifest["row_counts"]["quarantine"] == 1
    assert manifest["sample_only"] is False
    assert manifest["sources"][0]["rows_read"] == 216
    assert manifest["sources"][0]["rejected"] == 1
    assert manifest["taxonomy_version"]
    assert [str(d) for d in manifest["date_range"]] == ["2023-01-01", "2025-12-06"]


def test_technologies_found_in_text(fixture_warehouse):
    con = duckdb.connect()
    path = table_source(fixture_warehouse, "posting_technologies")
    counts = dict(con.sql("select technology_id, count(*) from read_parquet($p) group by 1",
                          params={"p": path}).fetchall())
    # Python: i in {0, 2, 4} of 6 per month; Go ("Golang"): i in {0, 3} from 2024-06 (19 months)
    assert counts["python"] == 36 * 3
    assert counts["go"] == 19 * 2
    assert counts["postgresql"] == 36 * 2 and counts["mysql"] == 36 * 2
    assert counts["aws"] == 36 * 3 and counts["gcp"] == 36
    surfaces = dict(con.sql("select technology_id, any_value(surface) from read_parquet($p) "
                            "group by 1", params={"p": path}).fetchall())
    assert surfaces["go"] == "Golang"


def test_quarantine_names_the_problem(fixture_warehouse):
    rows = pq.read_table(fixture_warehouse / "quarantine.parquet").to_pylist()
    assert len(rows) == 1
    assert rows[0]["source"] == "fixture" and rows[0]["row"] == "bad-1"
    assert rows[0]["reason"] == "posted_date None is not a date"


def test_rollups_add_up(fixture_warehouse):
    con = duckdb.connect()
    total = con.sql("select sum(postings) from read_parquet($p)",
                    params={"p": str(fixture_warehouse / "rollup_postings.parquet")}).fetchall()[0]
    assert total[0] == 216
    paid = con.sql("select count(*) from read_parquet($p)",
                   params={"p": table_source(fixture_warehouse, "salaries")}).fetchall()[0]
    assert paid[0] == 36 * 2  # i in {0, 3} carry pay


class ExplodingSource(FixtureSource):
    def read(self, raw_dir):
        yield from list(super().read(raw_dir))[:5]
        raise RuntimeError("disk on fire")


def test_a_failed_build_leaves_the_previous_warehouse(tmp_path):
    (tmp_path / "raw" / "fixture").mkdir(parents=True)
    warehouse = tmp_path / "warehouse"
    build(tmp_path / "raw", warehouse, loaders={"fixture": FixtureSource()}, processes=1,
          log=lambda m: None)
    before = warehouse.resolve()
    with pytest.raises(RuntimeError, match="disk on fire"):
        build(tmp_path / "raw", warehouse, loaders={"fixture": ExplodingSource()}, processes=1,
              log=lambda m: None)
    assert warehouse.resolve() == before
    assert read_table(warehouse, "postings").num_rows == 216
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".warehouse-")]
    assert leftovers == [before.name]


def test_a_table_that_fails_to_write_fails_the_build_and_is_named(tmp_path, monkeypatch):
    import etl.warehouse.build as b
    (tmp_path / "raw" / "fixture").mkdir(parents=True)
    warehouse = tmp_path / "warehouse"
    build(tmp_path / "raw", warehouse, loaders={"fixture": FixtureSource()}, processes=1,
          log=lambda m: None)
    before = warehouse.resolve()
    written = b.write_months_of

    def failing(con, queries, folder, *args, **kwargs):
        if folder.name == "posting_technologies":
            con.sql("select * from no_such_table")
        return written(con, queries, folder, *args, **kwargs)

    monkeypatch.setattr(b, "write_months_of", failing)
    with pytest.raises(duckdb.CatalogException,
                       match="^writing the table posting_technologies: .*no_such_table"):
        build(tmp_path / "raw", warehouse, loaders={"fixture": FixtureSource()}, processes=1,
              log=lambda m: None)
    assert warehouse.resolve() == before  # the previous warehouse stays, whole
    assert read_table(warehouse, "postings").num_rows == 216
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".warehouse-")]
    assert leftovers == [before.name]


def test_months_deduplicated_two_at_once_give_one_at_a_time_results(sample_warehouse, tmp_path,
                                                                    monkeypatch):
    # The first two months must be worked on together: one after the other, the first waits at
    # the barrier alone and the build fails. The results must be those of one month at a time.
    import etl.warehouse.build as b
    raw = sample_warehouse.parent / "raw"
    monkeypatch.setattr(b, "MONTH_THREADS", 1)
    alone = build(raw, tmp_path / "alone", processes=1, log=lambda m: None)
    monkeypatch.setattr(b, "MONTH_THREADS", 2)
    both = threading.Barrier(2, timeout=60)
    calls = []
    work = b._month_drops_of

    def meeting(path, dropped_rows, with_keys):
        calls.append(path.name)
        if len(calls) <= 2:
            both.wait()
        return work(path, dropped_rows, with_keys)

    monkeypatch.setattr(b, "_month_drops_of", meeting)
    paired = build(raw, tmp_path / "paired", processes=1, log=lambda m: None)
    assert len(calls) == len(set(calls)) > 24  # every month once
    removed = [[(s["name"], s["duplicates_same_id"], s["duplicates_near_or_cross"])
                for s in m["sources"]] for m in (alone, paired)]
    assert removed[1] == removed[0] and removed[0][0][2] > 100
    assert paired["row_counts"] == alone["row_counts"]
    keys = [pq.read_table(folder / b.DROPPED_KEYS) for folder in (tmp_path / "alone",
                                                                   tmp_path / "paired")]
    assert keys[0].num_rows == removed[0][0][2]  # the keys of every row a month's links drop
    assert keys[1].equals(keys[0])  # the same rows in the same order


def test_rebuild_swaps_and_keeps_one_previous_build(tmp_path):
    (tmp_path / "raw" / "fixture").mkdir(parents=True)
    warehouse = tmp_path / "warehouse"
    folders = []
    for _ in range(3):
        build(tmp_path / "raw", warehouse, loaders={"fixture": FixtureSource()}, processes=1,
              log=lambda m: None)
        folders.append(warehouse.resolve())
        os.utime(folders[-1])
    assert os.path.islink(warehouse)
    kept = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".warehouse-"))
    assert kept == sorted({folders[-1].name, folders[-2].name})


def test_no_raw_data_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="no postings found under"):
        build(tmp_path / "raw", tmp_path / "warehouse", loaders={"fixture": FixtureSource()},
              log=lambda m: None)
    assert not (tmp_path / "warehouse").exists()


def test_a_changed_taxonomy_retags_everything(tmp_path, monkeypatch):
    from etl.transforms.tagger import TAXONOMY_PATH, Tagger
    from etl.warehouse import build as build_module

    (tmp_path / "raw" / "fixture").mkdir(parents=True)
    warehouse = tmp_path / "warehouse"
    first = build(tmp_path / "raw", warehouse, loaders={"fixture": FixtureSource()},
                  processes=1, log=lambda m: None)
    assert first["taxonomy_version"] == Tagger.default().version
    # A new release of the taxonomy: Golang is no longer an alias of Go.
    text = TAXONOMY_PATH.read_text()
    changed = tmp_path / "taxonomy.toml"
    changed.write_text(text.replace('version = "', 'version = "test-', 1)
                       .replace('"golang", ', "").replace(', "golang"', ""))
    other = Tagger.from_file(changed)
    monkeypatch.setattr(build_module.Tagger, "default", classmethod(lambda cls: other))
    second = build(tmp_path / "raw", warehouse, loaders={"fixture": FixtureSource()},
                   processes=1, log=lambda m: None)
    assert second["taxonomy_version"] == other.version != first["taxonomy_version"]
    con = duckdb.connect()
    go = con.sql("select count(*) from read_parquet($p) where technology_id = 'go'",
                 params={"p": table_source(warehouse, "posting_technologies")}).fetchall()[0][0]
    assert go == 0
