"""Arbeitnow job board API (https://www.arbeitnow.com/api/job-board-api), mostly Europe.

Free public API ("please do not abuse"): pages of 100 jobs newest first, followed through
``links.next`` up to ``--max-pages``; each page stored unmodified as
``data/raw/arbeitnow/<date>/page-N.json``. Credit Arbeitnow and link to each posting.
"""

from __future__ import annotations

import argparse
import datetime as dt
import urllib.parse
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

API_URL = "https://www.arbeitnow.com/api/job-board-api"


def staging_row(job: dict, snap: Snapshot) -> dict:
    """A staging row from one entry of ``data[]``; remote only when the API flags it."""
    return {
        "posted_date": posted_date(job.get("created_at"), snap, "created_at"),
        "title": text(job.get("title")),
        "company": text(job.get("company_name")),
        "location_raw": text(job.get("location")),
        "remote": "remote" if job.get("remote") is True else None,
        "employment_type": employment_type(*(job.get("job_types") or [])),
        "description": html_to_text(job.get("description")),
        "url": text(job.get("url")),
    }


SOURCE = SnapshotSource(
    name="arbeitnow",
    title="Arbeitnow (job board API)",
    licence="Jobs from Arbeitnow (https://www.arbeitnow.com), a free public API: credit "
            "Arbeitnow and link to each posting; do not abuse the API.",
    records=json_records(lambda data: data["data"]),
    source_id=lambda job: job.get("slug"),
    to_row=staging_row,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest arbeitnow``."""
    parser.add_argument("--max-pages", type=int, default=10,
                        help="stop after this many pages of 100 jobs (default: %(default)s)")
    parser.add_argument("--base-url", default=API_URL, help="API endpoint (default: %(default)s)")


def next_page(data: dict) -> int | None:
    """The page number that ``links.next`` points to, or None on the last page."""
    link = ((data.get("links") or {}).get("next") if isinstance(data, dict) else None)
    if not link:
        return None
    pages = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query).get("page")
    return int(pages[0]) if pages and pages[0].isdigit() else None


def ingest(raw_dir: Path, client: HttpClient | None = None, base_url: str = API_URL,
           max_pages: int = 10, fetch_date: dt.date | None = None,
           progress: Progress = no_progress, **options) -> IngestReport:
    """Store today's pages of Arbeitnow jobs, following links.next; stops at the first failure."""
    report = IngestReport(SOURCE.name)
    run = SnapshotRun(raw_dir, report, client or HttpClient(), fetch_date)
    page = 1
    while page and page <= max_pages:
        # links.next is followed by page number against base_url, never to another host
        progress(page - 1, max_pages, f"fetching page {page}")
        data = run.fetch(f"page-{page}.json", base_url, {"page": page})
        if data is None:
            break
        page = next_page(data)
    progress(max_pages, max_pages, report.summary())
    return report
