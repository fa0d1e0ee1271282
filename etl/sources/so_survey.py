"""Stack Overflow Developer Survey 2017-2025 (survey_results_public.csv): a comparison.

Ingest copies one year's survey_results_public.csv unmodified (--file, --year) into
<raw>/so_survey/<fetch date>/<year>/, after checking that it is whole: a file without its header
row or cut short is refused with a message naming the file and the problem.

Tables: ``survey_respondents`` (year, respondent_id, country as ISO alpha-2 when known,
dev_types, is_backend, comp_usd) and ``survey_technologies`` (year, respondent_id,
technology_id, category, answer): the "worked with" answers for languages, databases, platforms
and web frameworks, mapped to the tagger's technology ids. Column names per year and the answers
the tagger needs help with are data: etl/data/so_survey_columns.toml.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import math
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa

from etl.ingest import IngestReport, Progress, copy_files, no_progress
from etl.paths import ETL_DATA
from etl.sources.base import (
    FileSource,
    RecordProblem,
    Rejected,
    csv_reader,
    csv_records,
    duplicated_columns,
    file_label,
    source_folder,
)
from etl.warehouse.schema import RESPONDENTS_SCHEMA, TECHNOLOGIES_SCHEMA

DATA = ETL_DATA
GROUPS = {"languages": "language", "databases": "database", "platforms": "platform",
          "webframes": "webframe"}
MISSING = {"", "NA", "N/A", "nan"}
BACKEND = re.compile(r"back-?end", re.IGNORECASE)



@dataclass(frozen=True)
class SurveySource(FileSource):
    """The Stack Overflow Developer Survey loader (kind "survey": tables, no postings).

    A year's file counts whole or not at all (``whole_file``): a file cut short, or with a row
    whose field count is not the header's, is refused with its reason.
    """

    name: str = "so_survey"
    title: str = "Stack Overflow Developer Survey"
    kind: str = "survey"
    licence: str = ("Open Database License (ODbL) 1.0: Stack Overflow Developer Survey results, "
                    "survey.stackoverflow.co. Derived tables are shared under the ODbL.")
    suffixes: tuple[str, ...] = (".csv",)
    whole_file: bool = True
    year: int | None = None  # the survey year of the files read; None: from each file's path

    def read(self, raw_dir: Path) -> Iterator[dict | Rejected]:
        """No postings: the survey is read by ``tables``."""
        return iter(())

    def tables(self, raw_dir: Path) -> tuple[dict[str, pa.Table], list[Rejected]]:
        """survey_respondents and survey_technologies of every stored year (newest file wins)."""
        respondents, technologies, rejected, years_done = [], [], [], set()
        folder = source_folder(raw_dir, self.name)
        for path in self.files(folder):
            label = file_label(path, folder)
            year = survey_year(path)
            if year is None or year not in column_maps():
                rejected.append(Rejected("so_survey", label, "-",
                                         f"survey year unknown (found {year}); store the file "
                                         f"under a year folder {min(column_maps())}-"
                                         f"{max(column_maps())}"))
                continue
            if year in years_done:
                continue  # an older copy of a year already read
            items, refusal = self.read_whole(path, label)
            if refusal:
                rejected.append(refusal)
                continue
            years_done.add(year)
            for item in items:
                if isinstance(item, Rejected):
                    rejected.append(item)
                    continue
                technologies += item.pop("technologies")
                respondents.append({k: item.get(k) for k in RESPONDENTS_SCHEMA.names})
        return ({"survey_respondents": pa.Table.from_pylist(respondents, RESPONDENTS_SCHEMA),
                 "survey_technologies": pa.Table.from_pylist(technologies, TECHNOLOGIES_SCHEMA)},
                rejected)

    def read_records(self, path: Path) -> Iterator[tuple[int, list[str]]]:
        """The records of one year's file; a missing header, a row with another number of
        fields than the header (a file cut short ends that way) or a broken quote raises."""
        year = self.year or survey_year(path)
        if year not in column_maps():
            raise RecordProblem(f"no column map for survey year {year}")
        with open(path, newline="", encoding="utf-8", errors="surrogateescape") as handle:
            reader = csv_reader(handle)
            header = next(reader, [])
            problem = header_problem(header, year, str(path)) or duplicated_columns(header)
            if problem:
                raise RecordProblem(problem, row=1)
            row_number = 1
            try:
                for record in reader:
                    row_number += 1
                    if len(record) != len(header):
                        raise RecordProblem(_field_count_problem(
                            path, row_number, record, header, reader.line_num), row=row_number)
                    try:
                        "".join(record).encode("utf-8")
                    except UnicodeEncodeError:  # read with surrogateescape: not UTF-8
                        yield row_number, RecordProblem(
                            f"row {row_number} (ending on line {reader.line_num}) holds bytes "
                            "that are not UTF-8")
                        continue
                    yield row_number, dict(zip(header, record, strict=True))
            except csv.Error as err:
                raise RecordProblem(f"malformed CSV at line {reader.line_num}: {err} (an "
                                    "unterminated quote: the file may be truncated)",
                                    row=row_number + 1) from err

    def make_row(self, raw: dict, path: Path) -> dict:
        """A survey_respondents row, with its survey_technologies rows under "technologies"."""
        year = self.year or survey_year(path)
        columns = column_maps()[year]
        respondent = _respondent(raw, columns, year)
        return respondent | {"technologies": _technologies(raw, columns, respondent)}


SOURCE = SurveySource()


@cache
def _config() -> dict:
    with open(DATA / "so_survey_columns.toml", "rb") as handle:
        return tomllib.load(handle)


def column_maps() -> dict[int, dict]:
    """The survey's column names by year."""
    return {int(year): columns for year, columns in _config()["years"].items()}


def survey_year(path: Path) -> int | None:
    """The survey year of a stored file: its year folder, else a year in its name."""
    if re.fullmatch(r"20\d\d", path.parent.name):
        return int(path.parent.name)
    match = re.search(r"(?<!\d)(20[12]\d)(?!\d)", path.name)
    return int(match[1]) if match else None


@cache
def _countries() -> dict[str, str]:
    """Country name or alias (lower case) -> ISO alpha-2, from countries.csv and the survey map."""
    names = {}
    with open(DATA / "countries.csv", newline="", encoding="utf-8") as handle:
        for _, row in csv_records(handle):
            for alias in [row["name"], *filter(None, row["aliases"].split("|"))]:
                names[alias.lower()] = row["code"]
    names.update({k.lower(): v for k, v in _config()["countries"].items()})
    return names


def country_code(name: str | None) -> str | None:
    """ISO alpha-2 code of a survey country name, None when unknown."""
    return _countries().get(name.strip().lower()) or None if name else None


@cache
def _tagger():
    """The technology tagger."""
    from etl.transforms.tagger import Tagger
    return Tagger.default()


@cache
def technologies_of(answer: str, group: str) -> tuple[tuple[str, str], ...]:
    """(technology_id, category) pairs for one survey answer such as "PostgreSQL".

    The tagger reads the answer (or its replacement text from the data file); technologies it
    only implies are dropped. An answer it does not know keeps a slug of
    itself as id, with the survey's question as category.
    """
    text = _config()["answer_text"].get(answer, answer)
    if not text.strip():
        return ()
    found = [(t.id, t.category) for t in _named_in(text)]
    if not found:
        found = [(re.sub(r"[^a-z0-9#+]+", "-", answer.lower()).strip("-"), GROUPS[group])]
    return tuple(dict.fromkeys(found))


def _named_in(text: str) -> list:
    """Technologies an answer names; those the tagger only implies (Ruby for Rails) are left out:
    the respondent answered the language question separately."""
    return list(dict.fromkeys(m.technology for m in _tagger().mentions(text) if m.start >= 0))


def _split(value: str) -> list[str]:
    return [] if value.strip() in MISSING else [
        part.strip() for part in value.split(";") if part.strip() not in MISSING]


def _float(value: str) -> float | None:
    try:
        return None if value.strip() in MISSING else float(value)
    except ValueError:
        return None


def header_problem(header: list[str], year: int, label: str) -> str | None:
    """Why a first line is not the header of a survey of that year, or None."""
    columns = column_maps()[year]
    expected = [columns["respondent"], columns["dev_type"], columns["country"],
                columns["comp_usd"], *(columns[g] for g in GROUPS)]
    missing = [c for c in expected if c not in header]
    if not missing:
        return None
    first = ",".join(header)[:60]
    if header and (header[0].strip().isdigit() or "NA" in header):
        return (f"no header row: the first line looks like data ({first!r}); "
                f"expected columns {', '.join(missing)} are missing")
    return (f"not a {year} survey file: expected columns {', '.join(missing)} are "
            f"missing (first line {first!r})")


def read_survey(path: Path, year: int, label: str
                ) -> tuple[list[dict], list[dict], list[Rejected]] | Rejected:
    """Respondent and technology rows of one survey file, or the file's refusal."""
    items, refusal = dataclasses.replace(SOURCE, year=year).read_whole(Path(path), label)
    if refusal:
        return refusal
    respondents, technologies, rejected = [], [], []
    for item in items:
        if isinstance(item, Rejected):
            rejected.append(item)
            continue
        technologies += item.pop("technologies")
        respondents.append({k: item.get(k) for k in RESPONDENTS_SCHEMA.names})
    return respondents, technologies, rejected


def _field_count_problem(path: Path, row: int, record: list[str], header: list[str],
                         line: int) -> str:
    with open(path, "rb") as handle:
        handle.seek(-1, 2)
        ends_with_newline = handle.read(1) in (b"\n", b"\r")
    at_end = not ends_with_newline and next(_lines_after(path, line), None) is None
    if at_end:
        return (f"truncated: the last row (row {row}, line {line}) is cut short: it has "
                f"{len(record)} of {len(header)} fields and the file ends without a line break "
                "(a naive CSV read would silently return wrong columns)")
    return (f"field count mismatch: row {row} (line {line}) has {len(record)} fields, "
            f"the header has {len(header)}")


def _lines_after(path: Path, line: int) -> Iterator[str]:
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, start=1):
            if number > line:
                yield text


def _respondent(record: dict[str, str], columns: dict, year: int) -> dict:
    """One survey_respondents row; RecordProblem naming what is wrong with the record."""
    raw_id = record[columns["respondent"]].strip()
    if not raw_id.isdigit():
        raise RecordProblem(f"respondent id {raw_id!r} is not a number")
    dev_types = _split(record[columns["dev_type"]])
    backend_text = " ".join(record[c] for c in columns["backend_columns"] if c in record)
    country = record[columns["country"]].strip()
    pay = _float(record[columns["comp_usd"]])
    if pay is not None and not (math.isfinite(pay) and pay >= 0):
        raise RecordProblem(f"pay {columns['comp_usd']}={pay!r} is not a non-negative number")
    return {"year": year, "respondent_id": int(raw_id),
            "country": country_code(country) if country not in MISSING else None,
            "country_name": country if country not in MISSING else None,
            "dev_types": dev_types, "is_backend": bool(BACKEND.search(backend_text)),
            "comp_usd": pay}


def _technologies(record: dict[str, str], columns: dict, respondent: dict) -> list[dict]:
    """survey_technologies rows of one respondent, one per technology id."""
    rows, seen = [], set()
    for group in GROUPS:
        for answer in _split(record[columns[group]]):
            for tech_id, category in technologies_of(answer, group):
                if tech_id not in seen:
                    seen.add(tech_id)
                    rows.append({"year": respondent["year"],
                                 "respondent_id": respondent["respondent_id"],
                                 "technology_id": tech_id, "category": category,
                                 "answer": answer})
    return rows


# --- ingest ------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest so_survey``."""
    parser.add_argument("--file", type=Path, required=True, metavar="PATH",
                        help="survey_results_public.csv of one survey year")
    parser.add_argument("--year", type=int, required=True, choices=sorted(column_maps()),
                        metavar="YEAR", help="the survey year (%(choices)s)")


def ingest(raw_dir: Path, *, file: Path, year: int, fetch_date: dt.date | None = None,
           progress: Progress = no_progress, **_: object) -> IngestReport:
    """Check one year's survey file and copy it unmodified; a broken file is refused."""
    report = IngestReport("so_survey")
    file = Path(file)
    if year not in column_maps():
        report.errors.append(f"{file}: no column map for survey year {year}")
        return report
    if not file.is_file():
        report.errors.append(f"{file}: no such file")
        return report
    progress(0, 1, f"{file.name}: checking")
    result = read_survey(file, year, str(file))
    if isinstance(result, Rejected):
        report.errors.append(f"{file}: {result.reason}")
        progress(1, 1, f"{file.name}: refused")
        return report
    return copy_files([file], Path(raw_dir), report, fetch_date, progress, subfolder=str(year))
