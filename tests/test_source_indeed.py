"""Indeed Hiring Lab postings index: aggregate series and the Software Development sector."""

from __future__ import annotations

import csv
import datetime as dt

from etl.sources import indeed

FOLDER = "indeed_hiring_lab"


def _count(path, **equal):
    with open(path, newline="", encoding="utf-8") as handle:
        return sum(1 for r in csv.DictReader(handle) if all(r[k] == v for k, v in equal.items()))


def test_index_table(shared_data, tmp_path):
    folder = shared_data / FOLDER
    raw = tmp_path / "indeed"
    report = indeed.ingest(raw, from_dir=folder, fetch_date=dt.date(2026, 3, 1))
    assert report.errors == [] and sorted(p.name for p in report.files_written) == [
        "LICENSE", "aggregate_job_postings_GB.csv", "aggregate_job_postings_US.csv",
        "job_postings_by_sector_US_2024-10-03.csv"]

    tables, rejected = indeed.SOURCE.tables(raw)

    rows = tables["indeed_index"].to_pylist()
    assert rejected == []
    software = [r for r in rows if r["sector"] == "Software Development"]
    us_total = [r for r in rows if (r["country"], r["sector"], r["variable"]) ==
                ("US", None, "total postings")]
    assert len(software) == _count(folder / "job_postings_by_sector_US_2024-10-03.csv",
                                   display_name="Software Development") == 1701
    assert len(us_total) == _count(folder / "aggregate_job_postings_US.csv",
                                   variable="total postings")
    assert len(rows) == 1701 + (_count(folder / "aggregate_job_postings_US.csv")
                                + _count(folder / "aggregate_job_postings_GB.csv"))
    assert {r["sector"] for r in rows} == {None, "Software Development"}
    first = min(software, key=lambda r: r["date"])
    assert (first["date"], first["index_value"]) == (dt.date(2020, 2, 1), 100.0)
    us_first = min(us_total, key=lambda r: r["date"])
    assert (us_first["index_value"], us_first["index_nsa"]) == (100.0, 100.0)
    assert "CC BY 4.0" in indeed.SOURCE.licence and "Hiring Lab" in indeed.SOURCE.licence


def test_rerun_skips_and_other_files_refused(shared_data, tmp_path):
    raw = tmp_path / "indeed"
    indeed.ingest(raw, from_dir=shared_data / FOLDER)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    again = indeed.ingest(raw, files=[shared_data / FOLDER / "aggregate_job_postings_US.csv",
                                      other])
    assert (again.files_written, again.skipped) == ([], 1)
    assert len(again.errors) == 1 and again.errors[0].startswith(
        f"{other}: not a Hiring Lab postings index file (columns a, b): expected columns date, ")


def test_bad_rows_and_overlapping_files(tmp_path):
    old, new = tmp_path / "indeed" / "2026-01-01", tmp_path / "indeed" / "2026-02-01"
    old.mkdir(parents=True)
    new.mkdir(parents=True)
    head = "date,jobcountry,indeed_job_postings_index_SA,indeed_job_postings_index_NSA,variable\n"
    (old / "aggregate_job_postings_US.csv").write_text(
        head + "2024-01-01,US,90,91,total postings\n2024-01-02,US,oops,1,total postings\n")
    (new / "aggregate_job_postings_US.csv").write_text(
        head + "2024-01-01,US,95,96,total postings\n")

    tables, rejected = indeed.SOURCE.tables(tmp_path / "indeed")

    assert [(r["date"], r["index_value"]) for r in tables["indeed_index"].to_pylist()] == [
        (dt.date(2024, 1, 1), 95.0)]
    assert [(r.file, r.row) for r in rejected] == [
        ("indeed/2026-01-01/aggregate_job_postings_US.csv", "3")]
