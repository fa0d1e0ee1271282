"""Loader for the embedded synthetic sample (data/raw/sample/postings-YYYY.jsonl.gz)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from etl.sources.base import Rejected, raw_excerpt
from etl.text import html_to_text

FILE_GLOB = "postings-*.jsonl.gz"

# The board's own words, mapped to the schema's values.
WORKPLACE = {"remote": "remote", "hybrid": "hybrid", "on-site": "onsite", "onsite": "onsite"}
EMPLOYMENT = {"full-time": "full_time", "contract": "contract", "part-time": "part_time",
              "internship": "internship", "temporary": "temporary"}
PERIOD = {"yearly": "year", "monthly": "month", "weekly": "week", "daily": "day",
          "hourly": "hour"}


def posted_date(value: object) -> dt.date | None:
    """The UTC date of an ISO 8601 datetime string, or None when it does not parse."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC)
    return stamp.date()


def salary_fields(salary: object) -> tuple[dict, str | None]:
    """Staging salary columns from the board's structured salary, or the problem with it."""
    if salary is None:
        return {}, None
    if not isinstance(salary, dict):
        return {}, f"salary is not an object: {salary!r}"
    lo, hi = salary.get("min"), salary.get("max")
    for name, value in (("min", lo), ("max", hi)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            return {}, f"salary {name} {value!r} is not a number"
    if lo is not None and hi is not None and lo > hi:
        return {}, f"salary min {lo} is above salary max {hi}"
    period = PERIOD.get(str(salary.get("period", "")).lower())
    currency = salary.get("currency")
    if period is None or not isinstance(currency, str) or (lo is None and hi is None):
        return {}, None  # incomplete structured salary: leave pay unknown rather than guess
    return {"salary_min": None if lo is None else float(lo),
            "salary_max": None if hi is None else float(hi),
            "salary_currency": currency.upper(), "salary_period": period}, None


def staging_row(record: dict) -> dict | str:
    """A staging row from one raw record, or the reason it cannot be used."""
    if not isinstance(record, dict):
        return "record is not a JSON object"
    source_id = record.get("id")
    if not isinstance(source_id, str) or not source_id.strip():
        return "id is missing"
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        return "title is missing"
    posted = posted_date(record.get("published_at"))
    if posted is None:
        return f"published_at {record.get('published_at')!r} is not an ISO 8601 datetime"
    salary, problem = salary_fields(record.get("salary"))
    if problem:
        return problem
    row = {"source_id": source_id, "posted_date": posted, "title": title.strip(),
           "company": record.get("company") or None,
           "location_raw": record.get("location") or None,
           "description": html_to_text(record.get("description_html")),
           "url": record.get("url") or None}
    remote = WORKPLACE.get(str(record.get("workplace") or "").strip().lower())
    if remote:
        row["remote"] = remote
    employment = EMPLOYMENT.get(str(record.get("employment") or "").strip().lower())
    if employment:
        row["employment_type"] = employment
    return row | salary


class SampleSource:
    """The embedded synthetic sample written by ``python -m etl sample``."""

    name = "sample"
    title = "Embedded synthetic sample"

    def read(self, raw_dir: Path) -> Iterator[dict | Rejected]:
        """Yield staging rows and rejections from the sample's yearly JSON Lines files."""
        raw_dir = Path(raw_dir)
        if (raw_dir / self.name).is_dir() and not any(raw_dir.glob(FILE_GLOB)):
            raw_dir = raw_dir / self.name  # given data/raw rather than data/raw/sample
        for path in sorted(raw_dir.glob(FILE_GLOB)):
            file = f"{raw_dir.name}/{path.name}"
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                for line_no, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    try:
                        result = staging_row(json.loads(line))
                    except json.JSONDecodeError as exc:
                        result = f"invalid JSON: {exc.msg} at column {exc.colno}"
                    if isinstance(result, str):
                        yield Rejected(self.name, file, str(line_no), result,
                                       raw_excerpt(line.rstrip("\n")))
                    else:
                        yield result


SOURCE = SampleSource()
