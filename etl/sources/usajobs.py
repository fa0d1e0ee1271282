"""USAJOBS search API (https://data.usajobs.gov/api/search): US federal government jobs.

Needs a free API key: USAJOBS_EMAIL (the address the key was registered with, sent as the
User-Agent) and USAJOBS_API_KEY (sent as Authorization-Key). Pages of results are stored
unmodified as ``data/raw/usajobs/<date>/page-N.json``. Default search: job series 2210
(Information Technology Management, where federal software developers are classified).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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
    number,
    posted_date,
    text,
)
from etl.text import html_to_text

API_URL = "https://data.usajobs.gov/api/search"
# PositionRemuneration[].RateIntervalCode -> period (bi-weekly and fee-basis pay stay unparsed)
INTERVALS = {"PA": "year", "PM": "month", "PW": "week", "PD": "day", "PH": "hour"}


def items(data: dict) -> list:
    """SearchResult.SearchResultItems of a stored page."""
    return data["SearchResult"]["SearchResultItems"]


def item_id(item: dict) -> object:
    """MatchedObjectId (the announcement's control number), else the PositionID."""
    return item.get("MatchedObjectId") or (item.get("MatchedObjectDescriptor") or {}).get(
        "PositionID")


def salary_fields(job: dict) -> dict:
    """USD pay from the first PositionRemuneration with a known rate interval."""
    for pay in job.get("PositionRemuneration") or []:
        period = INTERVALS.get(str(pay.get("RateIntervalCode") or "").upper())
        lo, hi = number(pay.get("MinimumRange")), number(pay.get("MaximumRange"))
        if period and (lo or hi):
            return {"salary_min": lo, "salary_max": hi, "salary_currency": "USD",
                    "salary_period": period}
    return {}


def remote(details: dict) -> str | None:
    """remote when RemoteIndicator, hybrid when telework-eligible, onsite when both say no."""
    if details.get("RemoteIndicator") is True:
        return "remote"
    if details.get("TeleworkEligible") is True:
        return "hybrid"
    if details.get("RemoteIndicator") is False and details.get("TeleworkEligible") is False:
        return "onsite"
    return None


def staging_row(item: dict, snap: Snapshot) -> dict:
    """A staging row from one SearchResultItem."""
    job = item.get("MatchedObjectDescriptor") or {}
    details = (job.get("UserArea") or {}).get("Details") or {}
    places = job.get("PositionLocation") or []
    offering = employment_type(*(o.get("Name") for o in job.get("PositionOfferingType") or []))
    duties = details.get("MajorDuties") or []
    summary = "\n\n".join(filter(None, [html_to_text(details.get("JobSummary")),
                                        *(html_to_text(d) for d in duties)]))
    return {
        "posted_date": posted_date(job.get("PublicationStartDate"), snap, "PublicationStartDate"),
        "title": text(job.get("PositionTitle")),
        "company": text(job.get("OrganizationName")),
        "location_raw": text(job.get("PositionLocationDisplay"))
        or text("; ".join(p.get("LocationName") or "" for p in places)),
        "country": "US" if places and all(p.get("CountryCode") == "United States"
                                          for p in places) else None,
        "remote": remote(details),
        "employment_type": offering if offering in ("temporary", "internship", "contract")
        else employment_type(*(s.get("Name") for s in job.get("PositionSchedule") or [])),
        **salary_fields(job),
        "description": summary or html_to_text(job.get("QualificationSummary")),
        "url": text(job.get("PositionURI")),
    }


SOURCE = SnapshotSource(
    name="usajobs",
    title="USAJOBS (US federal jobs API)",
    licence="Job announcements from USAJOBS (https://www.usajobs.gov), the US government's "
            "official jobs site; public-domain data, used under the USAJOBS API terms.",
    records=json_records(items),
    source_id=item_id,
    to_row=staging_row,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest usajobs``."""
    parser.add_argument("--keyword", default=None, help="search terms (default: none)")
    parser.add_argument("--job-category", default="2210",
                        help="job series code, empty for all (default: %(default)s)")
    parser.add_argument("--max-pages", type=int, default=10,
                        help="pages to fetch at most (default: %(default)s)")
    parser.add_argument("--results-per-page", type=int, default=250,
                        help="results per page, at most 500 (default: %(default)s)")
    parser.add_argument("--base-url", default=API_URL, help="API endpoint (default: %(default)s)")


def ingest(raw_dir: Path, client: HttpClient | None = None, base_url: str = API_URL,
           keyword: str | None = None, job_category: str | None = "2210", max_pages: int = 10,
           results_per_page: int = 250, fetch_date: dt.date | None = None,
           progress: Progress = no_progress, **options) -> IngestReport:
    """Store today's pages of a USAJOBS search (needs USAJOBS_EMAIL and USAJOBS_API_KEY)."""
    report = IngestReport(SOURCE.name)
    email, key = os.environ.get("USAJOBS_EMAIL"), os.environ.get("USAJOBS_API_KEY")
    missing = [name for name, value in (("USAJOBS_EMAIL", email), ("USAJOBS_API_KEY", key))
               if not value]
    if missing:
        report.errors.append(f"USAJOBS needs an API key: set {' and '.join(missing)} in the "
                             "environment (the key and the e-mail address it was registered "
                             "with; free at https://developer.usajobs.gov)")
        return report
    headers = {"Host": urllib.parse.urlsplit(base_url).netloc, "User-Agent": email,
               "Authorization-Key": key}
    run = SnapshotRun(raw_dir, report, client or HttpClient(), fetch_date, secrets=(key,))
    for page in range(1, max_pages + 1):
        progress(page - 1, max_pages, f"fetching page {page}")
        params = {"ResultsPerPage": results_per_page, "Page": page,
                  **({"Keyword": keyword} if keyword else {}),
                  **({"JobCategoryCode": job_category} if job_category else {})}
        data = run.fetch(f"page-{page}.json", base_url, params, headers)
        result = (data or {}).get("SearchResult") if isinstance(data, dict) else None
        if not result or not result.get("SearchResultItems"):
            break
        pages = number((result.get("UserArea") or {}).get("NumberOfPages")) or 1
        if page >= pages:
            break
    progress(max_pages, max_pages, report.summary())
    return report
