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
import datetime as dt
import math
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa

from etl.ingest import IngestReport, Progress, copy_files, no_progress
from etl.sources.base import Rejected
from etl.warehouse.schema import RESPONDENTS_SCHEMA, TECHNOLOGIES_SCHEMA

DATA = Path(__file__).resolve().parents[1] / "data"
GROUPS = {"languages": "language", "databases": "database", "platforms": "platform",
          "webframes": "webframe"}
MISSING = {"", "NA", "N/A", "nan"}
BACKEND = re.compile(r"back-?end", re.IGNORECASE)



@dataclass(frozen=True)
class SurveySource:
    """The Stack Overflow Developer Survey loader (kind "survey": tables, no postings)."""

    name: str = "so_survey"
    title: str = "Stack Overflow Developer Survey"
    kind: str = "survey"
    licence: str = ("Open Database License (ODbL) 1.0: Stack Overflow Developer Survey results, "
                    "survey.stackoverflow.co. Derived tables are shared under the ODbL.")

    def read(self, raw_dir: Path) -> Iterator[dict | Rejected]:
        """No postings: the survey is read by ``tables``."""
        return iter(())

    def tables(self, raw_dir: Path) -> tuple[dict[str, pa.Table], list[Rejected]]:
        """survey_respondents and survey_technologies of every stored year (newest file wins)."""
        respondents, technologies, rejected, years_done = [], [], [], set()
        for path in sorted(Path(raw_dir).rglob("*.csv"), reverse=True):
            label = _label(path, raw_dir)
            year = survey_year(path)
            if year is None or year not in column_maps():
                rejected.append(Rejected("so_survey", label, "-",
                                         f"survey year unknown (found {year}); store the file "
                                         f"under a year folder {min(column_maps())}-"
                                         f"{max(column_maps())}"))
                continue
            if year in years_done:
                continue  # an older copy of a year already read
            result = read_survey(path, year, label)
            if isinstance(result, Rejected):
                rejected.append(result)
                continue
            years_done.add(year)
            respondents += result[0]
            technologies += result[1]
            rejected += result[2]
        return ({"survey_respondents": pa.Table.from_pylist(respondents, RESPONDENTS_SCHEMA),
                 "survey_technologies": pa.Table.from_pylist(technologies, TECHNOLOGIES_SCHEMA)},
                rejected)


SOURCE = SurveySource()


def _label(path: Path, raw_dir: Path) -> str:
    try:
        return str(path.relative_to(Path(raw_dir).parent))
    except ValueError:
        return str(path)


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
        for row in csv.DictReader(handle):
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
    """Respondent and technology rows of one survey file, or the file's refusal.

    The whole file is checked before anything is kept: a missing header, or any row with
    another number of fields than the header (a file cut short ends that way), refuses it.
    """
    columns = column_maps()[year]
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    respondents, technologies, rejected = [], [], []
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        problem = header_problem(header, year, label)
        if problem:
            return Rejected("so_survey", label, "1", problem)
        index = {name: i for i, name in enumerate(header)}
        row_number = 1
        try:
            for record in reader:
                row_number += 1
                if len(record) != len(header):
                    return Rejected("so_survey", label, str(row_number),
                                    _field_count_problem(path, label, row_number, record, header,
                                                         reader.line_num))
                item = _respondent(record, index, columns, year)
                if isinstance(item, str):
                    rejected.append(Rejected("so_survey", label, str(row_number), item))
                    continue
                respondents.append(item)
                technologies += _technologies(record, index, columns, item)
        except csv.Error as err:
            return Rejected("so_survey", label, str(row_number + 1),
                            f"malformed CSV at line {reader.line_num}: {err} "
                            "(an unterminated quote: the file may be truncated)")
    return respondents, technologies, rejected


def _field_count_problem(path: Path, label: str, row: int, record: list[str],
                         header: list[str], line: int) -> str:
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


def _respondent(record: list[str], index: dict, columns: dict, year: int) -> dict | str:
    """One survey_respondents row, or the problem with the record."""
    raw_id = record[index[columns["respondent"]]].strip()
    if not raw_id.isdigit():
        return f"respondent id {raw_id!r} is not a number"
    dev_types = _split(record[index[columns["dev_type"]]])
    backend_text = " ".join(record[index[c]] for c in columns["backend_columns"] if c in index)
    country = record[index[columns["country"]]].strip()
    pay = _float(record[index[columns["comp_usd"]]])
    if pay is not None and not (math.isfinite(pay) and pay >= 0):
        return f"pay {columns['comp_usd']}={pay!r} is not a non-negative number"
    return {"year": year, "respondent_id": int(raw_id),
            "country": country_code(country) if country not in MISSING else None,
            "country_name": country if country not in MISSING else None,
            "dev_types": dev_types, "is_backend": bool(BACKEND.search(backend_text)),
            "comp_usd": pay}


def _technologies(record: list[str], index: dict, columns: dict, respondent: dict) -> list[dict]:
    """survey_technologies rows of one respondent, one per technology id."""
    rows, seen = [], set()
    for group in GROUPS:
        for answer in _split(record[index[columns[group]]]):
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
