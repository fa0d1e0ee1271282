"""Indeed Hiring Lab job postings index (github.com/hiring-lab/job_postings_tracker): an index.

Not counts of postings: each series is 100 on 2020-02-01 (seasonally adjusted where the file has
it). Ingest copies the CSVs unmodified (--file, or every CSV and the LICENSE of --from-dir).
The table ``indeed_index`` holds the aggregate series (total and new postings, by country) and
the sector series named in SECTORS (Software Development).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from etl.ingest import IngestReport, Progress, copy_files, no_progress
from etl.sources.base import (
    FileSource,
    RecordProblem,
    Rejected,
    csv_reader,
    csv_records,
    file_label,
    source_folder,
)
from etl.warehouse.schema import EARLIEST_POSTED, INDEX_SCHEMA, latest_posted

SECTORS = ("Software Development",)
ATTRIBUTION = ("Indeed Hiring Lab, job postings index "
               "(github.com/hiring-lab/job_postings_tracker), licensed CC BY 4.0. "
               "Index: 2020-02-01 = 100; not a count of postings.")
AGGREGATE_COLUMNS = ("date", "jobcountry", "indeed_job_postings_index_SA", "variable")
SECTOR_COLUMNS = ("date", "jobcountry", "indeed_job_postings_index", "variable", "display_name")


@dataclass(frozen=True)
class IndeedSource(FileSource):
    """The Indeed Hiring Lab postings index loader (kind "index")."""

    name: str = "indeed"
    title: str = "Indeed Hiring Lab job postings index"
    kind: str = "index"
    licence: str = ATTRIBUTION
    suffixes: tuple[str, ...] = (".csv",)

    def read(self, raw_dir: Path) -> Iterator[dict | Rejected]:
        """No postings: the index is read by ``tables``."""
        return iter(())

    def tables(self, raw_dir: Path) -> tuple[dict[str, pa.Table], list[Rejected]]:
        """indeed_index: one row per date, country, sector and variable (newest file wins)."""
        rows, rejected, seen = [], [], set()
        folder = source_folder(raw_dir, self.name)
        for path in self.files(folder):
            for item in self.read_file(path, file_label(path, folder)):
                if isinstance(item, Rejected):
                    rejected.append(item)
                    continue
                key = (item["date"], item["country"], item.get("sector"), item["variable"])
                if key not in seen:
                    seen.add(key)
                    rows.append({k: item.get(k) for k in INDEX_SCHEMA.names})
        rows.sort(key=lambda r: (r["country"], r["sector"] or "", r["variable"], r["date"]))
        return {"indeed_index": pa.Table.from_pylist(rows, INDEX_SCHEMA)}, rejected

    def read_records(self, path: Path) -> Iterator[tuple[int, dict | RecordProblem]]:
        """Index records of one Hiring Lab CSV (sector files: only the sectors in SECTORS)."""
        with open(path, newline="", encoding="utf-8", errors="surrogateescape") as handle:
            header = next(csv_reader(handle), [])
            if file_kind(header) is None:
                raise RecordProblem(f"not a Hiring Lab postings index file (columns "
                                    f"{', '.join(header[:6])}): {EXPECTED}", row=1)
            handle.seek(0)
            for number, record in csv_records(handle):
                if isinstance(record, dict) and "display_name" in record \
                        and record["display_name"] not in SECTORS:
                    continue
                yield number, record

    def make_row(self, raw: dict, path: Path) -> dict:
        """One indeed_index row."""
        return index_row(raw, path.name)


SOURCE = IndeedSource()
EXPECTED = ("expected columns "
            f"{', '.join(AGGREGATE_COLUMNS)} (aggregate) or {', '.join(SECTOR_COLUMNS)} (sector)")


def file_kind(header: list[str]) -> str | None:
    """ "aggregate" or "sector" from a CSV header, None when it is neither."""
    if all(c in header for c in SECTOR_COLUMNS):
        return "sector"
    if all(c in header for c in AGGREGATE_COLUMNS):
        return "aggregate"
    return None


def read_index(path: Path, label: str) -> Iterator[dict | Rejected]:
    """Index rows and rejections of one Hiring Lab CSV."""
    return SOURCE.read_file(Path(path), label)


def index_row(record: dict, file: str) -> dict:
    """One indeed_index row of a CSV record; RecordProblem when a value is unreadable."""
    kind = file_kind(list(record))
    try:
        date = dt.date.fromisoformat(record["date"].strip())
        if kind == "aggregate":
            value = float(record["indeed_job_postings_index_SA"])
            nsa = record.get("indeed_job_postings_index_NSA", "").strip()
            nsa_value = float(nsa) if nsa else None
        else:
            value, nsa_value = float(record["indeed_job_postings_index"]), None
    except (ValueError, AttributeError) as err:
        raise RecordProblem(f"unreadable date or index ({err})") from err
    latest = latest_posted(dt.date.today())
    if not EARLIEST_POSTED <= date <= latest:
        raise RecordProblem(f"date {date.isoformat()} is outside the plausible range "
                            f"{EARLIEST_POSTED.isoformat()} to {latest.isoformat()}")
    for name, number_read in (("index", value), ("NSA index", nsa_value)):
        if number_read is not None and not (math.isfinite(number_read) and number_read >= 0):
            raise RecordProblem(f"{name} {number_read!r} is not a non-negative number")
    return {"date": date, "country": record["jobcountry"].strip(),
            "sector": record["display_name"] if kind == "sector" else None,
            "variable": record["variable"].strip(), "index_value": value, "index_nsa": nsa_value,
            "file": file}


# --- ingest ------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest indeed``."""
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--file", type=Path, action="append", dest="files", metavar="PATH",
                       help="a Hiring Lab CSV (aggregate_job_postings_<CC>.csv or "
                            "job_postings_by_sector_<CC>.csv); repeatable")
    group.add_argument("--from-dir", type=Path, metavar="PATH",
                       help="copy every CSV (and LICENSE) of this folder")


def ingest(raw_dir: Path, *, files: list[Path] | None = None, from_dir: Path | None = None,
           fetch_date: dt.date | None = None, progress: Progress = no_progress,
           **_: object) -> IngestReport:
    """Copy Hiring Lab CSVs unmodified; files that are not index files are refused."""
    report = IngestReport("indeed")
    paths = [Path(p) for p in files or []]
    if from_dir is not None:
        paths += sorted(Path(from_dir).glob("*.csv"))
        if not paths:
            report.errors.append(f"{from_dir}: no CSV files")
    good = []
    for path in paths:
        problem = SOURCE.file_problem(path)
        if problem:
            report.errors.append(f"{path}: {problem}")
        else:
            good.append(path)
    licence = Path(from_dir) / "LICENSE" if from_dir else None
    if good and licence and licence.is_file():
        good.append(licence)
    return copy_files(good, Path(raw_dir), report, fetch_date, progress)
