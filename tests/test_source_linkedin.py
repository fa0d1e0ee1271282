"""LinkedIn Job Postings (Kaggle arshkon): the real 500-row sample and hand-written edge rows."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from etl.sources import linkedin
from etl.sources.base import Rejected

SAMPLE = Path("linkedin_arshkon") / "postings_sample_500.csv"
HEADER = ["job_id", "company_name", "title", "description", "max_salary", "pay_period",
          "location", "med_salary", "min_salary", "formatted_work_type", "remote_allowed",
          "listed_time", "formatted_experience_level", "currency", "job_posting_url"]


def _split(items):
    items = list(items)
    return ([i for i in items if not isinstance(i, Rejected)],
            [i for i in items if isinstance(i, Rejected)])


def _ingested(shared_data: Path, tmp_path: Path) -> Path:
    raw = tmp_path / "linkedin"
    report = linkedin.ingest(raw, files=[shared_data / SAMPLE], fetch_date=dt.date(2026, 3, 1))
    assert report.errors == [] and len(report.files_written) == 1
    return raw


def test_sample_counts(shared_data, tmp_path):
    with open(shared_data / SAMPLE, newline="", encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    paid = [r for r in records if r["pay_period"]]
    remote = [r for r in records if r["remote_allowed"] == "1"]
    hourly = [r for r in records if r["pay_period"] == "HOURLY"]

    rows, rejected = _split(linkedin.SOURCE.read(_ingested(shared_data, tmp_path)))

    assert (len(records), len(rows), rejected) == (500, 500, [])
    assert sum(1 for r in rows if "salary_period" in r) == len(paid) == 212
    assert sum(1 for r in rows if r.get("salary_period") == "hour") == len(hourly) == 68
    assert sum(1 for r in rows if r.get("remote") == "remote") == len(remote) == 105
    assert sum(1 for r in rows if r.get("seniority") == "senior") == sum(
        1 for r in records if r["formatted_experience_level"] == "Mid-Senior level")
    assert {r["posted_date"] for r in rows} <= {dt.date(2024, 4, d) for d in range(1, 31)}
    assert sum(1 for r in rows if r.get("country") == "US") == 470


def test_sample_row_fields(shared_data, tmp_path):
    rows, _ = _split(linkedin.SOURCE.read(_ingested(shared_data, tmp_path)))
    row = next(r for r in rows if r["source_id"] == "921716")
    assert row["posted_date"] == dt.date(2024, 4, 17)  # 1713397508000 ms
    assert (row["title"], row["company"], row["location_raw"], row["country"]) == (
        "Marketing Coordinator", "Corcoran Sawyer Smith", "Princeton, NJ", "US")
    assert (row["salary_min"], row["salary_max"], row["salary_period"], row["salary_currency"]) \
        == (17.0, 20.0, "hour", "USD")
    assert row["employment_type"] == "full_time" and "remote" not in row
    assert row["url"].startswith("https://www.linkedin.com/jobs/view/921716")
    # multi-line quoted description read whole
    assert "Pay: $18-20/hour\nExpected hours" in row["description"]


def _write(path: Path, records: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, HEADER)
        writer.writeheader()
        for record in records:
            writer.writerow({c: record.get(c, "") for c in HEADER})
    return path


def test_pay_levels_and_bad_rows(tmp_path):
    base = {"title": "Backend Engineer", "description": "Python\nand Go", "listed_time": "1.7e12"}
    folder = tmp_path / "linkedin" / "2026-03-01"
    folder.mkdir(parents=True)
    _write(folder / "postings.csv", [
        {**base, "job_id": "1", "med_salary": "4000", "min_salary": "NA", "max_salary": "NA",
         "pay_period": "BIWEEKLY", "currency": "USD", "location": "Texas, United States"},
        {**base, "job_id": "2", "med_salary": "30", "pay_period": "HOURLY",
         "formatted_experience_level": "Entry level", "remote_allowed": "1",
         "location": "San Francisco Bay Area"},
        {**base, "job_id": "3", "title": ""},
        {**base, "job_id": "4", "listed_time": "yesterday"},
        {**base, "job_id": "5", "formatted_experience_level": "Director", "location": "Austin, TX",
         "formatted_work_type": "Contract"},
    ])

    rows, rejected = _split(linkedin.SOURCE.read(tmp_path / "linkedin"))

    by_id = {r["source_id"]: r for r in rows}
    assert sorted(by_id) == ["1", "2", "5"]
    assert (by_id["1"]["salary_min"], by_id["1"]["salary_max"], by_id["1"]["salary_period"]) == (
        2000.0, 2000.0, "week")
    assert by_id["1"]["country"] == "US" and "country" not in by_id["2"]
    assert (by_id["2"]["salary_min"], by_id["2"]["salary_currency"]) == (30.0, "USD")
    assert (by_id["2"]["seniority"], by_id["2"]["remote"]) == ("junior", "remote")
    assert (by_id["5"]["seniority"], by_id["5"]["employment_type"]) == ("lead", "contract")
    assert by_id["5"]["posted_date"] == dt.date(2023, 11, 14)
    assert [(r.file, r.row, r.reason) for r in rejected] == [
        ("linkedin/2026-03-01/postings.csv", "4", "title is missing"),
        ("linkedin/2026-03-01/postings.csv", "5",
         "listed_time 'yesterday' is not epoch milliseconds")]


def test_ingest_refuses_other_files_and_skips_known(shared_data, tmp_path):
    raw = _ingested(shared_data, tmp_path)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    report = linkedin.ingest(raw, files=[shared_data / SAMPLE, other])
    assert (report.files_written, report.skipped) == ([], 1)
    assert report.errors == [f"{other}: not a LinkedIn postings.csv: columns job_id, title, "
                             "description, listed_time missing"]
