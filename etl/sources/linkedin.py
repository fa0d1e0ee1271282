"""LinkedIn Job Postings 2023-2024 (Kaggle dataset "arshkon/linkedin-job-postings", postings.csv).

Ingest copies a downloaded postings.csv unmodified (--file). Read: one row per job_id, with
epoch-millisecond listed_time as the posted date, the advertised pay (min/med/max, pay_period,
currency), remote_allowed, experience level as seniority and work type as employment type.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from etl.ingest import IngestReport, Progress, copy_files, no_progress
from etl.sources.base import (
    FileSource,
    RecordProblem,
    Rejected,
    csv_reader,
    csv_records,
    duplicated_columns,
)

REQUIRED_COLUMNS = ("job_id", "title", "description", "listed_time")
PAY_PERIOD = {"YEARLY": "year", "MONTHLY": "month", "WEEKLY": "week", "BIWEEKLY": "week",
              "DAILY": "day", "HOURLY": "hour"}
SENIORITY = {"Internship": "intern", "Entry level": "junior", "Associate": "mid",
             "Mid-Senior level": "senior", "Director": "lead", "Executive": "lead"}
EMPLOYMENT = {"Full-time": "full_time", "Part-time": "part_time", "Contract": "contract",
              "Internship": "internship", "Temporary": "temporary", "FULL_TIME": "full_time",
              "PART_TIME": "part_time", "CONTRACT": "contract", "INTERNSHIP": "internship",
              "TEMPORARY": "temporary"}
US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
    "PR": "Puerto Rico",
}
_STATE_NAMES = {name.lower() for name in US_STATES.values()}
MISSING = {"", "NA", "NaN", "nan", "None"}


@dataclass(frozen=True)
class LinkedInSource(FileSource):
    """The LinkedIn Job Postings (Kaggle arshkon) loader: every stored postings CSV, newest file
    first, so a job_id in a newer file wins."""

    name: str = "linkedin"
    title: str = "LinkedIn Job Postings 2023-2024 (Kaggle, arshkon)"
    kind: str = "postings"
    licence: str = ("CC BY-SA 4.0. Source: \"LinkedIn Job Postings (2023 - 2024)\" by Arsh Koneru "
                    "on Kaggle (kaggle.com/datasets/arshkon/linkedin-job-postings). Derived "
                    "tables are shared under the same licence.")
    suffixes: tuple[str, ...] = (".csv",)

    def read_records(self, path: Path) -> Iterator[tuple[int, dict | RecordProblem]]:
        """Records of one postings.csv (multi-line quoted fields allowed); a file without the
        required columns is refused."""
        with open(path, newline="", encoding="utf-8", errors="surrogateescape") as handle:
            problem = header_problem(next(csv_reader(handle), []))
            if problem:
                raise RecordProblem(problem, row=1)
            handle.seek(0)
            yield from csv_records(handle)

    def make_row(self, raw: dict, path: Path) -> dict:
        """One staging row of a postings.csv record."""
        return staging_row(raw)


SOURCE = LinkedInSource()


def read_csv(path: Path, label: str) -> Iterator[dict | Rejected]:
    """Staging rows and rejections of one postings.csv."""
    return SOURCE.read_file(Path(path), label)


def header_problem(header: list[str]) -> str | None:
    """Why a header is not a LinkedIn postings.csv's, or None."""
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return f"not a LinkedIn postings.csv: columns {', '.join(missing)} missing"
    return duplicated_columns(header)


def _value(record: dict, column: str) -> str | None:
    value = (record.get(column) or "").strip()
    return None if value in MISSING else value


def _number(record: dict, column: str) -> float | None:
    value = _value(record, column)
    try:
        return float(value.replace(",", "")) if value else None
    except ValueError:
        return None


def staging_row(record: dict) -> dict:
    """One staging row from a postings.csv record; RecordProblem when it cannot be used."""
    job_id, title = _value(record, "job_id"), _value(record, "title")
    description = _value(record, "description")
    problem = ("job_id is missing" if not job_id else "title is missing" if not title
               else "description is missing" if not description else None)
    posted = epoch_ms_date(_value(record, "listed_time") or _value(record, "original_listed_time"))
    if problem is None and posted is None:
        problem = f"listed_time {record.get('listed_time')!r} is not epoch milliseconds"
    if problem:
        raise RecordProblem(problem)
    skills = _value(record, "skills_desc")
    row = {"source_id": job_id, "posted_date": posted, "title": title,
           "description": description + (f"\n\nSkills: {skills}" if skills else ""),
           "company": _value(record, "company_name"),
           "location_raw": _value(record, "location"),
           "country": us_country(_value(record, "location")),
           "seniority": SENIORITY.get(_value(record, "formatted_experience_level") or ""),
           "employment_type": EMPLOYMENT.get(_value(record, "formatted_work_type") or "")
           or EMPLOYMENT.get(_value(record, "work_type") or ""),
           "remote": "remote" if _value(record, "remote_allowed") in ("1", "1.0") else None,
           "url": _value(record, "job_posting_url"),
           **salary_fields(record)}
    return {k: v for k, v in row.items() if v is not None}


def epoch_ms_date(value: str | None) -> dt.date | None:
    """UTC date of an epoch-milliseconds timestamp such as "1713397508000" (or "1.7e12")."""
    try:
        return dt.datetime.fromtimestamp(float(value) / 1000, dt.UTC).date() if value else None
    except (ValueError, OverflowError, OSError):
        return None


def salary_fields(record: dict) -> dict:
    """salary_min/max/currency/period of a record; med alone gives min = max = med.

    BIWEEKLY pay is converted to weekly: the figure is halved and the period is "week".
    """
    lo, mid, hi = (_number(record, c) for c in ("min_salary", "med_salary", "max_salary"))
    if lo is None and hi is None and mid is not None:
        lo = hi = mid
    period_raw = (_value(record, "pay_period") or "").upper()
    period = PAY_PERIOD.get(period_raw)
    if (lo is None and hi is None) or period is None:
        return {}
    if period_raw == "BIWEEKLY":
        lo, hi = (v / 2 if v is not None else None for v in (lo, hi))
    return {"salary_min": lo, "salary_max": hi, "salary_period": period,
            "salary_currency": _value(record, "currency") or "USD"}


def us_country(location: str | None) -> str | None:
    """ "US" when a LinkedIn location is a US "City, ST", a state, or "United States"."""
    if not location:
        return None
    parts = [p.strip() for p in location.split(",")]
    last = parts[-1]
    if last == "United States" or last in US_STATES:
        return "US"
    words = last.replace(" Metropolitan Area", "").strip().lower()
    if words in _STATE_NAMES:
        return "US"
    return None


# --- ingest ------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest linkedin``."""
    parser.add_argument("--file", type=Path, required=True, action="append", dest="files",
                        metavar="PATH", help="postings.csv of the Kaggle dataset (repeatable)")


def ingest(raw_dir: Path, *, files: list[Path] | None = None, file: Path | None = None,
           fetch_date: dt.date | None = None, progress: Progress = no_progress,
           **_: object) -> IngestReport:
    """Copy postings CSVs unmodified into the dated raw folder; refuse files that are not one."""
    report = IngestReport("linkedin")
    paths = [Path(p) for p in (files or [])] + ([Path(file)] if file else [])
    good = []
    for path in paths:
        problem = _header_problem(path)
        if problem:
            report.errors.append(f"{path}: {problem}")
        else:
            good.append(path)
    return copy_files(good, Path(raw_dir), report, fetch_date, progress)


def _header_problem(path: Path) -> str | None:
    """Why the build would refuse the file as a LinkedIn postings.csv, or None."""
    return SOURCE.file_problem(path)
