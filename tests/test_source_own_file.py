"""Your own file: CSV, JSON Lines and Parquet through a column map; bad rows quarantined."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from etl.sources import own_file
from etl.sources.base import Rejected

FIXTURES = Path(__file__).parent / "fixtures"


def _split(items):
    items = list(items)
    return ([i for i in items if not isinstance(i, Rejected)],
            [i for i in items if isinstance(i, Rejected)])


def test_csv_with_toml_map(tmp_path):
    raw = tmp_path / "own"
    report = own_file.ingest(raw, file=FIXTURES / "own_postings.csv",
                             map_file=FIXTURES / "own_map.toml", fetch_date=dt.date(2026, 3, 1))
    stored = raw / "2026-03-01" / "own_postings.csv"
    assert report.errors == [] and report.files_written == [stored]
    assert stored.read_bytes() == (FIXTURES / "own_postings.csv").read_bytes()
    assert (raw / "2026-03-01" / "own_postings.csv.map.toml").is_file()

    rows, rejected = _split(own_file.SOURCE.read(raw))

    assert [r["source_id"] for r in rows] == ["A1", "A6"]
    first = rows[0]
    assert (first["title"], first["company"], first["location_raw"]) == (
        "Senior Backend Engineer", "Acme", "Berlin, Germany")
    assert first["posted_date"] == dt.date(2025, 3, 1)
    assert first["description"] == "Python and PostgreSQL.\nSecond line."
    assert (first["salary_min"], first["salary_max"], first["salary_period"], first["remote"]) == (
        70000.0, 90000.0, "year", "hybrid")
    label = "own/2026-03-01/own_postings.csv"
    assert [(r.file, r.row, r.reason) for r in rejected] == [
        (label, "3", "title is missing"),
        (label, "4", "posted_date (column 'Posted'): '02/03/2025' is not a date (YYYY-MM-DD)"),
        (label, "5", "salary_min (column 'Min'): 'lots' is not a number"),
        (label, "6", "remote (column 'Work'): 'sometimes' is not one of remote, hybrid, onsite, "
                     "unknown"),
    ]


def test_jsonl_with_flags(tmp_path):
    raw = tmp_path / "own"
    flags = ["id=source_id", "role=title", "org=company", "date=posted_date", "body=description",
             "remote=remote"]
    report = own_file.ingest(raw, file=FIXTURES / "own_postings.jsonl", maps=flags,
                             fetch_date=dt.date(2026, 3, 1))
    assert report.errors == []

    rows, rejected = _split(own_file.SOURCE.read(raw))

    assert [(r["source_id"], r["posted_date"]) for r in rows] == [
        ("j1", dt.date(2025, 4, 1)), ("j2", dt.date(2025, 4, 2)), ("j5", dt.date(2025, 4, 4))]
    assert rows[0]["remote"] == "remote" and "remote" not in rows[1]
    assert [(r.row, r.reason) for r in rejected] == [
        ("3", "posted_date is missing"), ("4", "not valid JSON (Expecting value)")]


def test_parquet_and_generated_ids(tmp_path):
    table = pa.table({
        "headline": ["Backend Engineer", "Platform Engineer", None],
        "published": [dt.date(2025, 5, 1), dt.date(2025, 5, 2), dt.date(2025, 5, 3)],
        "html": ["<p>Go &amp; gRPC</p>", "Terraform", "orphan"],
        "pay_from": [100000.0, None, None],
        "kind": ["Full-time", "contract", None],
    })
    path = tmp_path / "mine.parquet"
    pq.write_table(table, path)
    raw = tmp_path / "own"
    report = own_file.ingest(raw, file=path, maps=[
        "headline=title", "published=posted_date", "html=description", "pay_from=salary_min",
        "kind=employment_type"])
    assert report.errors == []

    rows, rejected = _split(own_file.SOURCE.read(raw))

    assert [r["title"] for r in rows] == ["Backend Engineer", "Platform Engineer"]
    assert rows[0]["description"] == "Go & gRPC" and rows[0]["salary_min"] == 100000.0
    assert [r["employment_type"] for r in rows] == ["full_time", "contract"]
    assert len({r["source_id"] for r in rows}) == 2 and all(len(r["source_id"]) == 16 for r in rows)
    assert [(r.row, r.reason) for r in rejected] == [("3", "title is missing")]


def test_bad_maps_refused_at_ingest(tmp_path):
    raw = tmp_path / "own"
    missing = own_file.ingest(raw, file=FIXTURES / "own_postings.csv",
                              maps=["Job Title=title", "Posted=posted_date"])
    unknown = own_file.ingest(raw, file=FIXTURES / "own_postings.csv",
                              maps=["Job Title=title", "Posted=posted_date", "Text=description",
                                    "Nope=company", "Employer=boss"])
    malformed = own_file.ingest(raw, file=FIXTURES / "own_postings.csv", maps=["title"])

    assert missing.errors == [f"{FIXTURES / 'own_postings.csv'}: no column is mapped to "
                              "description"]
    assert "'Employer' maps to 'boss', which is not a schema column" in unknown.errors[0]
    assert "the file has no column 'Nope'" in unknown.errors[0]
    assert malformed.errors == ["--map: --map 'title' is not SOURCE_COLUMN=SCHEMA_COLUMN"]
    assert not raw.exists()


def test_date_format_option_and_rerun(tmp_path):
    raw = tmp_path / "own"
    csv_path = tmp_path / "dates.csv"
    csv_path.write_text("t,d,x\nEngineer,02/03/2025,text\n")
    options = {"file": csv_path, "maps": ["t=title", "d=posted_date", "x=description"],
               "date_format": "%d/%m/%Y"}
    first = own_file.ingest(raw, **options)
    again = own_file.ingest(raw, **options)
    rows, rejected = _split(own_file.SOURCE.read(raw))
    assert (len(first.files_written), again.files_written, again.skipped) == (1, [], 1)
    assert [r["posted_date"] for r in rows] == [dt.date(2025, 3, 2)] and rejected == []
