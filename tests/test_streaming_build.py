"""The streaming build: batch function, batch size and processes do not change the warehouse;
first seen and the month rule hold across sources."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa

from etl.warehouse import build as build_module
from etl.warehouse.build import (
    KEYS_SCHEMA,
    STAGED_POSTINGS_SCHEMA,
    STAGED_TECH_SCHEMA,
    STAGING_SCHEMA,
    build,
    process_batch,
)
from etl.warehouse.schema import read_table
from tests.conftest import FixtureSource, fixture_postings

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TABLES = ("postings", "posting_technologies", "rollup_postings", "rollup_technologies",
          "salaries", "quarantine")


def staging_batch(rows: list[dict]) -> pa.RecordBatch:
    records = [{"seq": i, "_file": "f", "_row": str(i), **row} for i, row in enumerate(rows)]
    return pa.RecordBatch.from_pylist(records, schema=STAGING_SCHEMA)


def test_the_batch_function_is_pure_and_arrow_in_arrow_out():
    batch = staging_batch([r for r in fixture_postings() if r["posted_date"]][:30])
    first, second = process_batch(batch, "fixture", NOW), process_batch(batch, "fixture", NOW)
    assert first.postings.schema.equals(STAGED_POSTINGS_SCHEMA)
    assert first.technologies.schema.equals(STAGED_TECH_SCHEMA)
    assert first.keys.schema.equals(KEYS_SCHEMA)
    assert first.postings.num_rows == first.keys.num_rows == 30
    assert first.postings.equals(second.postings) and first.keys.equals(second.keys)
    assert first.technologies.equals(second.technologies)
    assert first.postings.column("row").to_pylist() == list(range(30))


def test_the_batch_function_refuses_rows_with_a_reason():
    rows = [{"source_id": "x1", "posted_date": dt.date(2024, 1, 1), "title": " ",
             "description": "text"}]
    done = process_batch(staging_batch(rows), "fixture", NOW)
    assert done.postings.num_rows == 0
    assert [(r.row, r.reason) for r in done.rejected] == [("0", "title is missing")]


def _tables(warehouse) -> dict[str, list[dict]]:
    out = {}
    for name in TABLES:
        table = read_table(warehouse, name)
        out[name] = sorted(table.drop_columns(
            [c for c in ("ingested_at",) if c in table.column_names]).to_pylist(), key=repr)
    return out


def test_batch_size_and_processes_do_not_change_the_warehouse(tmp_path, monkeypatch):
    (tmp_path / "raw" / "fixture").mkdir(parents=True)
    build(tmp_path / "raw", tmp_path / "one", loaders={"fixture": FixtureSource()},
          processes=1, log=lambda m: None)
    monkeypatch.setattr(build_module, "BATCH_ROWS", 7)
    build(tmp_path / "raw", tmp_path / "many", loaders={"fixture": FixtureSource()},
          processes=2, log=lambda m: None)
    one, many = _tables(tmp_path / "one"), _tables(tmp_path / "many")
    assert len(one["postings"]) == 216 and len(one["posting_technologies"]) > 216
    assert one == many


class TwoSightings(FixtureSource):
    """Each fixture posting twice: once as posted, once a month later (a later snapshot)."""

    name = "snap"

    def read(self, raw_dir):
        rows = [r for r in fixture_postings() if r["posted_date"]][:24]
        for row in rows:
            yield {**row, "posted_date": row["posted_date"] + dt.timedelta(days=31)}
        yield from rows


class Copies(FixtureSource):
    """The first 12 fixture postings again from another board: 6 in the same month as the
    original, 6 a month later (a repost that counts again under the month rule)."""

    name = "copies"

    def read(self, raw_dir):
        rows = [r for r in fixture_postings() if r["posted_date"]][:12]
        for i, row in enumerate(rows):
            shift = 1 if i < 6 else 31
            yield {**row, "source_id": f"copy-{i}",
                   "posted_date": row["posted_date"] + dt.timedelta(days=shift)}


def test_first_seen_and_the_month_rule(tmp_path):
    for name in ("snap", "copies"):
        (tmp_path / "raw" / name).mkdir(parents=True)
    manifest = build(tmp_path / "raw", tmp_path / "wh",
                     loaders={"snap": TwoSightings(), "copies": Copies()}, processes=1,
                     log=lambda m: None)
    sources = {s["name"]: s for s in manifest["sources"]}
    assert sources["snap"]["rows_read"] == 48 and sources["snap"]["duplicates_same_id"] == 24
    assert sources["copies"]["duplicates_near_or_cross"] == 6
    assert manifest["row_counts"]["postings"] == 24 + 6
    postings = read_table(tmp_path / "wh", "postings").to_pylist()
    first = {r["source_id"]: r["posted_date"] for r in postings if r["source"] == "snap"}
    assert first == {r["source_id"]: r["posted_date"] for r in fixture_postings()[:24]}
    assert json.loads((tmp_path / "wh" / "manifest.json").read_text())["row_counts"] == \
        manifest["row_counts"]
