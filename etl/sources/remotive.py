"""Remotive remote jobs (https://remotive.com/api/remote-jobs), category software-dev.

Terms: link back to Remotive and credit it as the source; at most a few requests a day (one
snapshot a day here; ``--force`` fetches again). One request returns every open job of the
category, stored unmodified as ``data/raw/remotive/<date>/page-1.json``.
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
    employment_type,
    json_records,
    posted_date,
    text,
)
from etl.text import html_to_text

API_URL = "https://remotive.com/api/remote-jobs"


def staging_row(job: dict, snap: Snapshot) -> dict:
    """A staging row from one job of the Remotive API (every Remotive job is remote)."""
    return {
        "posted_date": posted_date(job.get("publication_date"), snap, "publication_date"),
        "title": text(job.get("title")),
        "company": text(job.get("company_name")),
        "location_raw": text(job.get("candidate_required_location")),
        "remote": "remote",
        "employment_type": employment_type(job.get("job_type")),
        "salary_text": text(job.get("salary")),
        "description": html_to_text(job.get("description")),
        "url": text(job.get("url")),
    }


SOURCE = SnapshotSource(
    name="remotive",
    title="Remotive (remote jobs API)",
    licence="Jobs from Remotive (https://remotive.com): each posting links back to Remotive, "
            "credited as the source. Remotive asks for at most a few API requests a day.",
    records=json_records(lambda data: data["jobs"]),
    source_id=lambda job: job.get("id"),
    to_row=staging_row,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest remotive``."""
    parser.add_argument("--category", default="software-dev",
                        help="Remotive category slug (default: %(default)s)")
    parser.add_argument("--search", default=None, help="optional search terms")
    parser.add_argument("--force", action="store_true",
                        help="fetch even when today's snapshot exists (mind the daily limit)")
    parser.add_argument("--base-url", default=API_URL, help="API endpoint (default: %(default)s)")


def ingest(raw_dir: Path, client: HttpClient | None = None, base_url: str = API_URL,
           category: str = "software-dev", search: str | None = None, force: bool = False,
           fetch_date: dt.date | None = None, progress: Progress = no_progress,
           **options) -> IngestReport:
    """Store today's snapshot of Remotive's open jobs in the category (once a day)."""
    report = IngestReport(SOURCE.name)
    run = SnapshotRun(raw_dir, report, client or HttpClient(), fetch_date)
    if run.fetched_today() and not force:
        report.skipped += 1
        progress(1, 1, "today's snapshot is already stored; Remotive asks for few requests a "
                       "day (use --force to fetch again)")
        return report
    params = {"category": category, **({"search": search} if search else {})}
    progress(0, 1, f"fetching {base_url}")
    run.fetch("page-1.json", base_url, params)
    progress(1, 1, report.summary())
    return report
