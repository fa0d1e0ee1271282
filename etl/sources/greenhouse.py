"""Greenhouse job boards (https://boards-api.greenhouse.io/v1/boards/{token}/jobs?content=true).

The public Job Board API of companies hiring through Greenhouse; board tokens are listed in
``etl/data/job_boards.toml``. Each board is stored unmodified as
``data/raw/greenhouse/<date>/<token>.json``. Link each posting to its board (absolute_url).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
from pathlib import Path

from etl.http import HttpClient
from etl.ingest import IngestReport, Progress, no_progress
from etl.sources.snapshots import (
    RecordProblem,
    Snapshot,
    SnapshotSource,
    add_board_arguments,
    board_company,
    employment_type,
    ingest_boards,
    json_records,
    parse_date,
    posted_date,
    text,
)
from etl.text import html_to_text

API_URL = "https://boards-api.greenhouse.io/v1/boards/{token}/jobs"


def job_date(job: dict, snap: Snapshot) -> dt.date | None:
    """first_published when given; else the earlier of updated_at and the first snapshot date.

    updated_at is when the posting last changed, so the job was open by then at the latest.
    """
    if text(job.get("first_published")):
        return posted_date(job["first_published"], snap, "first_published")
    updated = job.get("updated_at")
    if not text(updated):
        return snap.day
    day = parse_date(updated)
    if day is None:
        raise RecordProblem(f"updated_at {updated!r} is not a date")
    return min(day, snap.day) if snap.day else day


def metadata_employment(job: dict) -> str | None:
    """Employment type from a custom metadata field such as "Employment Type": "Full-time"."""
    for item in job.get("metadata") or []:
        name = str((item or {}).get("name") or "").lower()
        if "employment" in name or "time type" in name or "job type" in name:
            value = item.get("value")
            found = employment_type(*(value if isinstance(value, list) else [value]))
            if found:
                return found
    return None


def staging_row(job: dict, snap: Snapshot) -> dict:
    """A staging row from one job of ``jobs[]`` (content is HTML escaped once more)."""
    return {
        "posted_date": job_date(job, snap),
        "title": text(job.get("title")),
        "company": text(job.get("company_name")) or board_company("greenhouse", snap),
        "location_raw": text((job.get("location") or {}).get("name")),
        "employment_type": metadata_employment(job),
        "description": html_to_text(html.unescape(job.get("content") or "")),
        "url": text(job.get("absolute_url")),
    }


SOURCE = SnapshotSource(
    name="greenhouse",
    title="Greenhouse job boards",
    licence="Public Greenhouse Job Board API of the companies listed in etl/data/job_boards.toml;"
            " postings belong to those companies and link back to their boards.",
    records=json_records(lambda data: data["jobs"]),
    source_id=lambda job: job.get("id"),
    to_row=staging_row,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest greenhouse``."""
    add_board_arguments(parser, API_URL)


def ingest(raw_dir: Path, client: HttpClient | None = None, base_url: str = API_URL,
           boards: list[str] | None = None, config: Path | None = None,
           fetch_date: dt.date | None = None, progress: Progress = no_progress,
           **options) -> IngestReport:
    """Store today's snapshot of each Greenhouse board (jobs with their content)."""
    return ingest_boards("greenhouse", raw_dir, client, base_url, {"content": "true"}, boards,
                         config, fetch_date, progress)
