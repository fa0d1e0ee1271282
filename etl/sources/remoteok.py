"""Remote OK jobs API (https://remoteok.com/api): one JSON array of the jobs open now.

The first element is Remote OK's legal notice, not a job. Terms: link back to the posting on
Remote OK and mention Remote OK as the source; a User-Agent is required (HttpClient sends one).
Stored unmodified as ``data/raw/remoteok/<date>/page-1.json``; salaries are USD a year.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from etl.http import HttpClient
from etl.ingest import IngestReport, Progress, no_progress
from etl.sources.snapshots import (
    Snapshot,
    SnapshotRun,
    SnapshotSource,
    json_records,
    number,
    posted_date,
    text,
)
from etl.text import html_to_text

API_URL = "https://remoteok.com/api"


def jobs(data: object) -> list:
    """The jobs of the array: every element but the legal notice."""
    return [item for item in data if not (isinstance(item, dict) and "legal" in item)]


def staging_row(job: dict, snap: Snapshot) -> dict:
    """A staging row from one Remote OK job (all remote; salary_min/max in USD a year)."""
    lo, hi = number(job.get("salary_min")), number(job.get("salary_max"))
    date = job.get("date") if text(job.get("date")) else job.get("epoch")
    return {
        "posted_date": posted_date(date, snap, "date"),
        "title": text(job.get("position")),
        "company": text(job.get("company")),
        "location_raw": text(job.get("location")),
        "remote": "remote",
        "salary_min": lo,
        "salary_max": hi,
        "salary_currency": "USD" if lo or hi else None,
        "salary_period": "year" if lo or hi else None,
        "description": html_to_text(job.get("description")),
        "url": text(job.get("url")),
    }


SOURCE = SnapshotSource(
    name="remoteok",
    title="Remote OK (remote jobs API)",
    licence="Jobs from Remote OK (https://remoteok.com): each posting links back to Remote OK, "
            "mentioned as the source (its API terms).",
    records=json_records(jobs),
    source_id=lambda job: job.get("id"),
    to_row=staging_row,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest remoteok``."""
    parser.add_argument("--base-url", default=API_URL, help="API endpoint (default: %(default)s)")


def ingest(raw_dir: Path, client: HttpClient | None = None, base_url: str = API_URL,
           fetch_date: dt.date | None = None, progress: Progress = no_progress,
           **options) -> IngestReport:
    """Store today's snapshot of the Remote OK jobs array."""
    report = IngestReport(SOURCE.name)
    run = SnapshotRun(raw_dir, report, client or HttpClient(), fetch_date)
    progress(0, 1, f"fetching {base_url}")
    data = run.fetch("page-1.json", base_url)
    if data is not None and not isinstance(data, list):
        report.errors.append(f"{base_url}: expected a JSON array of jobs, got "
                             f"{type(data).__name__}")
    progress(1, 1, report.summary())
    return report
