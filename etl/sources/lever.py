"""Lever job boards (https://api.lever.co/v0/postings/{company}?mode=json).

The public Postings API of companies hiring through Lever; company tokens are listed in
``etl/data/job_boards.toml``. Each board is stored unmodified as
``data/raw/lever/<date>/<token>.json``. Link each posting to its board (hostedUrl).
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

API_URL = "https://api.lever.co/v0/postings/{token}"

# salaryRange.interval values of the Lever API
INTERVALS = {"per-year-salary": "year", "per-month-salary": "month", "per-week-salary": "week",
             "per-day-wage": "day", "per-hour-wage": "hour"}


def description(posting: dict) -> str:
    """descriptionPlain, then each list (heading and items), then additionalPlain."""
    parts = [text(posting.get("descriptionPlain")) or html_to_text(posting.get("description"))]
    for block in posting.get("lists") or []:
        parts.append(text(block.get("text")))
        parts.append(html_to_text(block.get("content")))
    parts.append(text(posting.get("additionalPlain")))
    return "\n\n".join(p for p in parts if p)


def salary_fields(posting: dict) -> dict:
    """Structured pay from salaryRange; nothing when absent or of an unknown interval."""
    pay = posting.get("salaryRange") or {}
    period = INTERVALS.get(str(pay.get("interval") or ""))
    lo, hi = number(pay.get("min")), number(pay.get("max"))
    if not period or not text(pay.get("currency")) or not (lo or hi):
        return {"salary_text": text(posting.get("salaryDescriptionPlain"))}
    return {"salary_min": lo, "salary_max": hi, "salary_currency": text(pay["currency"]),
            "salary_period": period}


def staging_row(posting: dict, snap: Snapshot) -> dict:
    """A staging row from one Lever posting."""
    categories = posting.get("categories") or {}
    country = text(posting.get("country"))
    return {
        "posted_date": posted_date(posting.get("createdAt"), snap, "createdAt"),
        "title": text(posting.get("text")),
        "company": board_company("lever", snap),
        "location_raw": text(categories.get("location")),
        "country": country.upper() if country and len(country) == 2 else None,
        "remote": remote_value(posting.get("workplaceType")),
        "employment_type": employment_type(categories.get("commitment")),
        **salary_fields(posting),
        "description": description(posting),
        "url": text(posting.get("hostedUrl")),
    }


SOURCE = SnapshotSource(
    name="lever",
    title="Lever job boards",
    licence="Public Lever Postings API of the companies listed in etl/data/job_boards.toml; "
            "postings belong to those companies and link back to their boards.",
    records=json_records(lambda data: data),
    source_id=lambda posting: posting.get("id"),
    to_row=staging_row,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest lever``."""
    add_board_arguments(parser, API_URL)


def ingest(raw_dir: Path, client: HttpClient | None = None, base_url: str = API_URL,
           boards: list[str] | None = None, config: Path | None = None,
           fetch_date: dt.date | None = None, progress: Progress = no_progress,
           **options) -> IngestReport:
    """Store today's snapshot of each Lever board."""
    return ingest_boards("lever", raw_dir, client, base_url, {"mode": "json"}, boards, config,
                         fetch_date, progress)
