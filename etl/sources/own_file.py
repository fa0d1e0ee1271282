"""Your own postings file: CSV, JSON Lines or Parquet, with a column map onto the posting schema.

The map says which of your columns holds which schema column, as a TOML file::

    [columns]              # your column = schema column
    "Job Title" = "title"
    "Posted" = "posted_date"
    "Text" = "description"

    [options]
    date_format = "%d/%m/%Y"   # optional; ISO dates and epoch seconds/milliseconds always work

or as flags: ``--map "Job Title=title" --map Posted=posted_date``. Ingest stores the file
unmodified and its map beside it (``<name>.map.toml``). Required: title, posted_date and
description; without a mapped source_id, a hash of the row's values is the id. A row that misses
a required field or has an unreadable value is refused with its row number; the others load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow.parquet as pq

from etl.ingest import (
    IngestReport,
    Progress,
    copy_files,
    file_sha256,
    no_progress,
    partial_path,
)
from etl.sources.base import (
    FileSource,
    RecordProblem,
    Rejected,
    csv_header,
    csv_records,
    duplicated_columns,
    source_folder,
)
from etl.text import html_to_text
from etl.warehouse.schema import ALLOWED_VALUES, COLUMN_NAMES

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
REQUIRED = ("title", "posted_date", "description")
DERIVED = {"posting_id", "source", "ingested_at", "salary_annual_usd", "salary_is_outlier"}
TARGETS = (set(COLUMN_NAMES) - DERIVED) | {"salary_text"}
MAP_SUFFIX = ".map.toml"
SYNONYMS = {"yearly": "year", "annual": "year", "annually": "year", "monthly": "month",
            "weekly": "week", "daily": "day", "hourly": "hour", "on-site": "onsite",
            "on_site": "onsite", "fulltime": "full_time", "parttime": "part_time"}
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


@dataclass(frozen=True)
class OwnFileSource(FileSource):
    """Postings from a file of your own, through its column map (stored beside it)."""

    name: str = "own"
    title: str = "Your own file"
    kind: str = "postings"
    licence: str = "Your own data: its terms are yours to state."
    suffixes: tuple[str, ...] = tuple(FORMATS)

    def files(self, raw_dir: Path) -> list[Path]:
        """Every stored file that has a column map beside it, newest first."""
        folder = source_folder(raw_dir, self.name)
        maps = folder.rglob("*" + MAP_SUFFIX) if folder.is_dir() else []
        return sorted((m.with_name(m.name[: -len(MAP_SUFFIX)]) for m in maps), reverse=True)

    def read_records(self, path: Path) -> Iterator[tuple[int, dict | RecordProblem]]:
        """Records of one stored file, after checking its map fits it."""
        if file_format(path) is None or not path.is_file():
            raise RecordProblem("missing or not a .csv, .jsonl or .parquet file")
        column_map = stored_map(path)
        try:
            problems = map_problems(column_map, file_columns(path))
        except (OSError, ValueError) as err:
            raise RecordProblem(f"cannot read the file ({err})") from err
        if problems:
            raise RecordProblem("; ".join(problems))
        yield from records(path)

    def make_row(self, raw: dict, path: Path) -> dict:
        """One staging row through the file's map."""
        return staging_row(raw, stored_map(path))


SOURCE = OwnFileSource()


def stored_map(data_path: Path) -> dict:
    """The column map stored beside a data file; RecordProblem when it cannot be read."""
    map_path = data_path.with_name(data_path.name + MAP_SUFFIX)
    try:
        return _map_at(map_path, map_path.stat().st_mtime_ns)
    except (OSError, ValueError) as err:
        raise RecordProblem(f"column map {map_path.name}: {err}") from err


@lru_cache(maxsize=16)
def _map_at(map_path: Path, mtime_ns: int) -> dict:
    return load_map(map_path)


# --- the column map ----------------------------------------------------------------------------

def parse_map_flags(flags: list[str]) -> dict:
    """A map from ``source_col=schema_col`` flags."""
    columns = {}
    for flag in flags:
        source_col, sep, schema_col = flag.rpartition("=")
        if not sep or not source_col.strip() or not schema_col.strip():
            raise ValueError(f"--map {flag!r} is not SOURCE_COLUMN=SCHEMA_COLUMN")
        columns[source_col.strip()] = schema_col.strip()
    return {"columns": columns, "options": {}}


def load_map(path: Path) -> dict:
    """A map from its TOML file (checked against the file later); ValueError when unreadable."""
    with open(path, "rb") as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as err:
            raise ValueError(f"not valid TOML ({err})") from err
    columns, options = data.get("columns", {}), data.get("options", {})
    if not isinstance(columns, dict) or not isinstance(options, dict):
        raise ValueError("[columns] and [options] must be tables")
    return {"columns": dict(columns), "options": dict(options)}


def map_problems(column_map: dict, header: list[str] | None = None) -> list[str]:
    """What is wrong with a map (and, given a file's columns, what it names that is absent)."""
    columns = column_map["columns"]
    problems = [f"{src!r} maps to {dst!r}, which is not a schema column "
                f"(one of {', '.join(sorted(TARGETS))})"
                for src, dst in columns.items() if dst not in TARGETS]
    targets = list(columns.values())
    problems += [f"{dst} is mapped from more than one column"
                 for dst in sorted(set(targets)) if targets.count(dst) > 1]
    problems += [f"no column is mapped to {req}" for req in REQUIRED if req not in targets]
    if header is not None:
        problems += [f"the file has no column {src!r}" for src in columns if src not in header]
    return problems


def _toml_value(value) -> str:
    """A TOML value: strings as basic strings with only quote, backslash and control characters
    escaped (JSON's surrogate-pair escapes of emoji are not valid TOML); others as JSON."""
    if not isinstance(value, str):
        return json.dumps(value)
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def map_toml(column_map: dict) -> str:
    """The TOML text of a map, as stored beside the file."""
    lines = ["# Column map: your column = schema column", "[columns]"]
    lines += [f"{_toml_value(src)} = {_toml_value(dst)}"
              for src, dst in column_map["columns"].items()]
    if column_map.get("options"):
        lines += ["", "[options]"]
        lines += [f"{key} = {_toml_value(value)}"
                  for key, value in column_map["options"].items()]
    return "\n".join(lines) + "\n"


def load_map_text(text: str) -> dict | None:
    """The map a stored TOML text gives back, or None when it is not valid TOML."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    return {"columns": dict(data.get("columns", {})), "options": dict(data.get("options", {}))}


# --- reading -----------------------------------------------------------------------------------

def file_format(path: Path) -> str | None:
    """csv, jsonl or parquet from the file name, None when unsupported."""
    return FORMATS.get(path.suffix.lower())


def file_columns(path: Path) -> list[str]:
    """The column names of a file (JSON Lines: the keys of its first record)."""
    kind = file_format(path)
    if kind == "parquet":
        return pq.read_schema(path).names
    if kind == "csv":
        return csv_header(path)
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                return list(record) if isinstance(record, dict) else []
    return []


def records(path: Path) -> Iterator[tuple[int | str, dict | RecordProblem]]:
    """(row number, record) of a file; a record that cannot be read comes as its RecordProblem.

    Row numbers: CSV counts the header as row 1; JSON Lines counts lines; Parquet counts rows.
    A Parquet row group that cannot be read (a damaged page) comes as one problem naming its
    rows, and the other row groups are read.
    """
    kind = file_format(path)
    if kind == "parquet":
        yield from parquet_records(path)
        return
    with open(path, newline="", encoding="utf-8-sig", errors="surrogateescape") as handle:
        if kind == "csv":
            yield from csv_records(handle)  # a problem for a row that does not fit
            return
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:
                yield number, RecordProblem("holds bytes that are not UTF-8")
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                yield number, RecordProblem(f"not valid JSON ({err.msg})", raw=line)
                continue
            yield number, (record if isinstance(record, dict)
                           else RecordProblem("not a JSON object", raw=line))


def parquet_records(path: Path) -> Iterator[tuple[int | str, dict | RecordProblem]]:
    """(row number, record) of a Parquet file, a row group at a time; a row group that cannot
    be read comes as one RecordProblem (row "a-b") and the next row groups are still read."""
    # a damaged footer raises here: the file is refused whole. Page checksums, when the writer
    # wrote them, are verified: a flipped byte in a page is then found, not read as data.
    handle = pq.ParquetFile(path, page_checksum_verification=True)
    groups = handle.metadata.num_row_groups
    number = 0
    for group in range(groups):
        size = handle.metadata.row_group(group).num_rows
        try:
            table = handle.read_row_group(group)
        except Exception as err:  # a damaged page: bad compression, a bad page header ...
            yield (f"{number + 1}-{number + size}",
                   RecordProblem(f"row group {group + 1} of {groups} (rows {number + 1}-"
                                 f"{number + size}) cannot be read: {type(err).__name__}: {err}"))
            number += size
            continue
        yield from _parquet_rows(table, number)
        number += size


def _parquet_rows(table, before: int) -> Iterator[tuple[int, dict | RecordProblem]]:
    """The records of one row group; a value Python cannot hold (a date in year 300000) makes
    only its own row a problem."""
    try:
        yield from enumerate(table.to_pylist(), start=before + 1)
        return
    except (ValueError, OverflowError):
        pass
    for offset in range(table.num_rows):
        try:
            record = table.slice(offset, 1).to_pylist()[0]
        except (ValueError, OverflowError) as err:
            record = RecordProblem(f"a value cannot be read ({err})")
        yield before + offset + 1, record


def read_file(path: Path, column_map: dict, label: str) -> Iterator[dict | Rejected]:
    """Staging rows of one file through a map; bad rows are refused, the rest kept."""
    return _OneMap(column_map).read_file(Path(path), label)


@dataclass(frozen=True)
class _OneMap(OwnFileSource):
    """The own-file reader with a map given in memory (ingest checks, tests)."""

    column_map: dict | None = None

    def read_records(self, path: Path) -> Iterator[tuple[int, dict | RecordProblem]]:
        if file_format(path) is None or not path.is_file():
            raise RecordProblem("missing or not a .csv, .jsonl or .parquet file")
        try:
            problems = map_problems(self.column_map, file_columns(path))
        except (OSError, ValueError) as err:
            raise RecordProblem(f"cannot read the file ({err})") from err
        if problems:
            raise RecordProblem("; ".join(problems))
        yield from records(path)

    def make_row(self, raw: dict, path: Path) -> dict:
        return staging_row(raw, self.column_map)


def staging_row(record: dict, column_map: dict) -> dict:
    """One staging row from a record through the map; RecordProblem naming what is wrong."""
    row, problems = {}, []
    options = column_map.get("options", {})
    for src, dst in column_map["columns"].items():
        try:
            value = convert(dst, record.get(src), options)
        except ValueError as err:
            problems.append(f"{dst} (column {src!r}): {err}")
            continue
        if value is not None:
            row[dst] = value
    problems += [f"{req} is missing" for req in REQUIRED
                 if req not in row and not any(p.startswith(req + " ") for p in problems)]
    if problems:
        raise RecordProblem("; ".join(problems))
    if "source_id" not in row:
        digest = hashlib.sha1(json.dumps(
            [str(row.get(k)) for k in ("title", "company", "posted_date", "description")]
        ).encode()).hexdigest()
        row["source_id"] = digest[:16]
    return row


def convert(column: str, value: object, options: dict) -> object:
    """A raw value as the schema column wants it; None when empty; ValueError when unreadable."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        value = value.strip()
        if value == "" or value in ("NA", "null", "None"):
            return None
    if column == "posted_date":
        return to_date(value, options.get("date_format"))
    if column in ("salary_min", "salary_max"):
        try:
            return float(str(value).replace(",", "").replace("_", ""))
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
    if column == "salary_is_estimate":
        return str(value).lower() in ("1", "true", "yes", "y")
    if column in ALLOWED_VALUES:
        text = str(value).strip().lower().replace(" ", "_")
        text = SYNONYMS.get(text, text).replace("-", "_")
        if text not in ALLOWED_VALUES[column]:
            raise ValueError(f"{value!r} is not one of {', '.join(ALLOWED_VALUES[column])}")
        return text
    text = str(value)
    if column == "description" and _TAG.search(text):
        text = html_to_text(text)
    if column == "country":
        text = text.upper()
    return text or None


def to_date(value: object, date_format: str | None = None) -> dt.date:
    """A date from a date, datetime, ISO text, text in date_format, or epoch seconds/ms."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) or (isinstance(value, str) and re.fullmatch(r"\d{9,13}",
                                                                                 value)):
        number = float(value)
        try:
            return dt.datetime.fromtimestamp(number / 1000 if number > 1e11 else number,
                                             dt.UTC).date()
        except (OverflowError, OSError, ValueError):  # inf, nan, 1e20: no date at all
            raise ValueError(f"{value!r} is not a date (epoch seconds or ms out of range)"
                             ) from None
    text = str(value)
    try:
        if date_format:
            return dt.datetime.strptime(text, date_format).date()
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise ValueError(f"{text!r} is not a date" + (f" in {date_format}" if date_format
                                                      else " (YYYY-MM-DD)")) from None


# --- ingest ------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest own``."""
    parser.add_argument("--file", type=Path, required=True, metavar="PATH",
                        help="a .csv, .jsonl (.ndjson) or .parquet file of postings")
    parser.add_argument("--map-file", type=Path, metavar="TOML",
                        help="the column map as TOML ([columns] your_column = schema_column)")
    parser.add_argument("--map", action="append", dest="maps", default=[],
                        metavar="SOURCE_COL=SCHEMA_COL", help="one column mapping (repeatable)")
    parser.add_argument("--date-format", metavar="FORMAT",
                        help="strptime format of the posted dates, e.g. %%d/%%m/%%Y")


def ingest(raw_dir: Path, *, file: Path, map_file: Path | None = None,
           maps: list[str] | None = None, date_format: str | None = None,
           fetch_date: dt.date | None = None, progress: Progress = no_progress,
           **_: object) -> IngestReport:
    """Store the file unmodified with its map beside it, after checking the map fits the file."""
    report = IngestReport("own")
    file = Path(file)
    try:
        column_map = load_map(Path(map_file)) if map_file else {"columns": {}, "options": {}}
        flags = parse_map_flags(maps or [])
    except (OSError, ValueError) as err:
        report.errors.append(f"{map_file or '--map'}: {err}")
        return report
    column_map["columns"].update(flags["columns"])
    if date_format:
        column_map["options"]["date_format"] = date_format
    if file_format(file) is None or not file.is_file():
        report.errors.append(f"{file}: missing or not a .csv, .jsonl or .parquet file")
        return report
    try:
        header = file_columns(file)
        problems = map_problems(column_map, header)
        problems += [p for p in [duplicated_columns(header)] if p]
    except (OSError, ValueError) as err:
        problems = [f"cannot read the file ({err})"]
    if not problems:  # what the build would refuse the whole file for, from its first rows
        problems = [p for p in [_OneMap(column_map=column_map).file_problem(file)] if p]
    if problems:
        report.errors.append(f"{file}: " + "; ".join(problems))
        return report
    text = map_toml(column_map)
    if load_map_text(text) != column_map:  # never store a map the build would read otherwise
        report.errors.append(f"{file}: the column map cannot be stored as TOML unchanged")
        return report
    copy_files([file], Path(raw_dir), report, fetch_date, progress)
    for target in report.files_written:
        _write_map(target, text)
    if report.skipped:  # the same bytes are stored: a corrected map replaces the stored one
        digest = file_sha256(file)
        for stored in _stored_copies(Path(raw_dir), digest):
            map_path = stored.with_name(stored.name + MAP_SUFFIX)
            old = map_path.read_text(encoding="utf-8") if map_path.is_file() else None
            if old != text:
                _write_map(stored, text)
                report.left_out.append(f"{file.name}: already stored as {stored}; its column "
                                       "map is replaced by this one (rebuild to use it)")
    return report


def _write_map(data_path: Path, text: str) -> None:
    """The map beside a stored file, written through a temporary name and a rename."""
    target = data_path.with_name(data_path.name + MAP_SUFFIX)
    tmp = partial_path(target)
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


def _stored_copies(raw_dir: Path, digest: str) -> list[Path]:
    """Stored data files (not maps) whose bytes have this SHA-256."""
    return sorted(p for p in raw_dir.rglob("*") if p.is_file() and file_format(p)
                  and not p.name.startswith(".") and file_sha256(p) == digest)
