"""Ashby job boards (https://api.ashbyhq.com/posting-api/job-board/{name}?includeCompensation=true).

The public Job Postings API of companies hiring through Ashby; board names are listed in
``etl/data/job_boards.toml``. Each board is stored unmodified as
``data/raw/ashby/<date>/<name>.json``. Link each posting to its board (jobUrl).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from etl.http import HttpClient
from etl.ingest import IngestReport, Progress, no_progress
from etl.sources.snapshots import (
    Snapshot,
    SnapshotSource,
    add_board_arguments,
    board_company,
    employment_type,
    ingest_boards,
    json_records,
    number,
    posted_date,
    remote_value,
    text,
)
from etl.text import html_to_text

API_URL = "https://api.ashbyhq.com/posting-api/job-board/{token}"

# summaryComponents[].interval values of the Ashby API
INTERVALS = {"1 YEAR": "year", "1 MONTH": "month", "1 WEEK": "week", "1 DAY": "day",
             "1 HOUR": "hour"}


def salary_fields(job: dict) -> dict:
    """The Salary component of compensation.summaryComponents; else the summary as text."""
    pay = job.get("compensation") or {}
    for part in pay.get("summaryComponents") or []:
        if (part or {}).get("compensationType") != "Salary":
            continue
        period = INTERVALS.get(str(part.get("interval") or "").upper())
        lo, hi = number(part.get("minValue")), number(part.get("maxValue"))
        if period and text(part.get("currencyCode")) and (lo or hi):
            return {"salary_min": lo, "salary_max": hi, "salary_currency": part["currencyCode"],
                    "salary_period": period}
    summary = pay.get("scrapeableCompensationSalarySummary") or pay.get("compensationTierSummary")
    return {"salary_text": text(summary)}


def staging_row(job: dict, snap: Snapshot) -> dict:
    """A staging row from one job of ``jobs[]``."""
    remote = remote_value(job.get("workplaceType")) or ("remote" if job.get("isRemote") is True
                                                       else None)
    return {
        "posted_date": posted_date(job.get("publishedAt"), snap, "publishedAt"),
        "title": text(job.get("title")),
        "company": board_company("ashby", snap),
        "location_raw": text(job.get("location")),
        "remote": remote,
        "employment_type": employment_type(job.get("employmentType")),
        **salary_fields(job),
        "description": text(job.get("descriptionPlain"))
        or html_to_text(job.get("descriptionHtml")),
        "url": text(job.get("jobUrl")),
    }


SOURCE = SnapshotSource(
    name="ashby",
    title="Ashby job boards",
    licence="Public Ashby Job Postings API of the companies listed in etl/data/job_boards.toml; "
            "postings belong to those companies and link back to their boards.",
    records=json_records(lambda data: data["jobs"]),
    source_id=lambda job: job.get("id"),
    to_row=staging_row,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest ashby``."""
    add_board_arguments(parser, API_URL)


def ingest(raw_dir: Path, client: HttpClient | None = None, base_url: str = API_URL,
           boards: list[str] | None = None, config: Path | None = None,
           fetch_date: dt.date | None = None, progress: Progress = no_progress,
           **options) -> IngestReport:
    """Store today's snapshot of each Ashby board, with compensation."""
    return ingest_boards("ashby", raw_dir, client, base_url, {"includeCompensation": "true"},
                         boards, config, fetch_date, progress)
