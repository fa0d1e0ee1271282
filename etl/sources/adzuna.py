"""Adzuna job search API (https://api.adzuna.com/v1/api/jobs/{country}/search/{page}).

Needs a free developer key: ADZUNA_APP_ID and ADZUNA_APP_KEY from the environment (register at
https://developer.adzuna.com). Each page is stored unmodified as
``data/raw/adzuna/<date>/<country>-page-N.json``; ``--file`` stores a saved CSV of search results
(pandas-saved, nested objects as Python-repr strings) instead. Adzuna's own salary estimates
(``salary_is_predicted`` = 1) are kept but flagged ``salary_is_estimate``: never advertised pay.
Terms: show "Jobs by Adzuna" with a link to Adzuna; the free tier allows a few hundred calls a day.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import os
import re
from pathlib import Path

from etl.http import HttpClient
from etl.ingest import IngestReport, Progress, copy_files, no_progress
from etl.sources.base import csv_header, csv_records
from etl.sources.snapshots import (
    RecordProblem,
    Snapshot,
    SnapshotRun,
    SnapshotSource,
    employment_type,
    number,
    posted_date,
    text,
)
from etl.text import html_to_text

API_URL = "https://api.adzuna.com/v1/api/jobs"
# Countries Adzuna serves and the currency its salaries are in
CURRENCIES = {"at": "EUR", "au": "AUD", "be": "EUR", "br": "BRL", "ca": "CAD", "ch": "CHF",
              "de": "EUR", "es": "EUR", "fr": "EUR", "gb": "GBP", "in": "INR", "it": "EUR",
              "mx": "MXN", "nl": "EUR", "nz": "NZD", "pl": "PLN", "sg": "SGD", "us": "USD",
              "za": "ZAR"}
_PAGE_FILE = re.compile(r"^([a-z]{2})-page-\d+")
_NESTED = ("company", "location", "category")
CSV_COLUMNS = ("id", "title")  # a saved CSV of results without them is refused


def records(path: Path) -> list[dict | RecordProblem]:
    """The results of a stored API page, or the rows of a saved CSV of results (a row that
    does not fit the header comes as its problem)."""
    if path.suffix.lower() == ".csv":
        header = csv_header(path, encoding="utf-8")
        missing = [c for c in CSV_COLUMNS if c not in header]
        if missing:
            raise RecordProblem(f"not a CSV of Adzuna results: columns {', '.join(missing)} "
                                "missing", row=1)
        with open(path, newline="", encoding="utf-8", errors="surrogateescape") as handle:
            return [record for _, record in csv_records(handle)]
    with open(path, "rb") as handle:
        results = json.load(handle)["results"]
    if not isinstance(results, list):
        raise RecordProblem(f"results is not a list but {type(results).__name__}")
    return results


def nested(job: dict, key: str) -> dict:
    """A nested object: a dict in the API's JSON, a Python-repr string in a pandas-saved CSV."""
    value = job.get(key)
    if isinstance(value, str) and value.strip():
        try:
            value = ast.literal_eval(value)  # a literal parser: never eval
        except (ValueError, SyntaxError, MemoryError, RecursionError) as err:
            raise RecordProblem(f"{key} {value[:80]!r} is not a readable object ({err})") from err
    return value if isinstance(value, dict) else {}


def country_code(path: Path, location: dict) -> str | None:
    """The search country: from the page's file name, else the first area of the location."""
    match = _PAGE_FILE.match(path.name)
    if match and match.group(1) in CURRENCIES:
        return match.group(1)
    area = location.get("area") or []
    code = str(area[0]).lower() if area else ""
    code = "gb" if code == "uk" else code
    return code if code in CURRENCIES else None


def staging_row(job: dict, snap: Snapshot) -> dict:
    """A staging row from one Adzuna result (API JSON or CSV row)."""
    company, location = nested(job, "company"), nested(job, "location")
    nested(job, "category")  # a broken repr is reported, not skipped silently
    country = country_code(snap.path, location)
    lo, hi = number(job.get("salary_min")), number(job.get("salary_max"))
    predicted = str(job.get("salary_is_predicted", "")).strip().lower() in ("1", "true")
    has_pay = bool(lo or hi)
    return {
        "posted_date": posted_date(job.get("created"), snap, "created"),
        "title": text(job.get("title")),
        "company": text(company.get("display_name")),
        "location_raw": text(location.get("display_name")),
        "country": country.upper() if country else None,
        "employment_type": "contract" if job.get("contract_type") == "contract"
        else employment_type(job.get("contract_time")),
        "salary_min": lo,
        "salary_max": hi,
        "salary_currency": CURRENCIES.get(country or "") if has_pay else None,
        "salary_period": "year" if has_pay else None,
        "salary_is_estimate": predicted and has_pay,
        "description": html_to_text(job.get("description")),
        "url": text(job.get("redirect_url")),
    }


SOURCE = SnapshotSource(
    name="adzuna",
    title="Adzuna (job search API)",
    licence='Jobs by Adzuna (https://www.adzuna.com): show "Jobs by Adzuna" with a link. Salaries '
            "that Adzuna predicted are its estimates, kept but never charted as advertised pay.",
    records=records,
    source_id=lambda job: job.get("id"),
    to_row=staging_row,
    suffixes=(".json", ".csv"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest adzuna``."""
    parser.add_argument("--file", dest="files", type=Path, action="append", default=None,
                        metavar="CSV", help="store a saved CSV of Adzuna results instead of "
                        "calling the API (repeatable; no key needed)")
    parser.add_argument("--country", default="us", choices=sorted(CURRENCIES),
                        help="Adzuna country (default: %(default)s)")
    parser.add_argument("--what", default="backend developer",
                        help="search terms (default: %(default)s)")
    parser.add_argument("--max-pages", type=int, default=5,
                        help="pages to fetch at most (default: %(default)s)")
    parser.add_argument("--results-per-page", type=int, default=50,
                        help="results per page, at most 50 (default: %(default)s)")
    parser.add_argument("--base-url", default=API_URL, help="API root (default: %(default)s)")


def ingest(raw_dir: Path, client: HttpClient | None = None, base_url: str = API_URL,
           files: list[Path] | None = None, country: str = "us",
           what: str = "backend developer", max_pages: int = 5, results_per_page: int = 50,
           fetch_date: dt.date | None = None, progress: Progress = no_progress,
           **options) -> IngestReport:
    """Store saved CSVs (--file), or today's pages of an Adzuna search (needs the API key)."""
    report = IngestReport(SOURCE.name)
    if files:
        good = []
        for path in map(Path, files):  # refuse what the build would refuse, and say why
            problem = SOURCE.file_problem(path)
            if problem:
                report.errors.append(f"{path}: {problem}")
            else:
                good.append(path)
        return copy_files(good, raw_dir, report, fetch_date, progress)
    app_id, app_key = os.environ.get("ADZUNA_APP_ID"), os.environ.get("ADZUNA_APP_KEY")
    missing = [name for name, value in (("ADZUNA_APP_ID", app_id), ("ADZUNA_APP_KEY", app_key))
               if not value]
    if missing:
        report.errors.append(f"Adzuna needs an API key: set {' and '.join(missing)} in the "
                             "environment (free at https://developer.adzuna.com), or store a "
                             "saved CSV with --file")
        return report
    run = SnapshotRun(raw_dir, report, client or HttpClient(), fetch_date,
                      secrets=(app_id, app_key))
    for page in range(1, max_pages + 1):
        progress(page - 1, max_pages, f"fetching page {page}")
        params = {"app_id": app_id, "app_key": app_key, "what": what,
                  "results_per_page": results_per_page, "content-type": "application/json"}
        data = run.fetch(f"{country}-page-{page}.json", f"{base_url}/{country}/search/{page}",
                         params)
        results = data.get("results") if isinstance(data, dict) else None
        if not results or page * results_per_page >= int(data.get("count") or 0):
            break
    progress(max_pages, max_pages, report.summary())
    return report
