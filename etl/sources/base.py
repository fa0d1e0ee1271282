"""The contract every source loader follows.

A loader reads the raw files of its source (under ``data/raw/<source>/``, never modified) and
yields either a *staging row* or a :class:`Rejected`. A staging row is a plain dict with at least
``source_id``, ``posted_date`` (a ``datetime.date``), ``title`` and ``description`` (plain text),
and any other column of :mod:`etl.warehouse.schema` the source knows (``company``, ``location_raw``,
``country``, ``remote``, ``seniority``, ``employment_type``, ``salary_min`` ... ``url``). A source
that only has salary as text puts it in ``salary_text``;
:func:`etl.transforms.normalize.posting_row` fills in everything else (ids, country, seniority,
role family, annual USD salary) the same way for all.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

import pyarrow as pa


@dataclass(frozen=True)
class Rejected:
    """A raw record that could not be used, and why: it goes to the quarantine table."""

    source: str
    file: str
    row: str
    reason: str
    raw: str = ""

    def message(self) -> str:
        """One line naming the file, row and problem."""
        return f"{self.file}: row {self.row}: {self.reason}"


class Source(Protocol):
    """A source loader: ``name`` is its folder under data/raw and its value in ``postings.source``.

    ``kind`` is "postings" for job postings (``read`` yields staging rows), or "survey" / "index"
    for data that is not postings: such a source returns its own tables from ``tables`` and the
    build writes each as ``<table name>.parquet`` in the warehouse beside the postings.
    """

    name: str
    title: str  # human-readable name for the About and Data pages
    kind: str  # "postings", "survey" or "index"
    licence: str  # terms and attribution shown on the About page

    def read(self, raw_dir: Path) -> Iterator[dict | Rejected]:
        """Yield staging rows and rejections from the raw files under raw_dir."""
        ...

    def tables(self, raw_dir: Path) -> tuple[dict[str, pa.Table], list[Rejected]]:
        """Non-posting sources: their tables by name, and the files or rows refused."""
        ...


def raw_excerpt(value: object, limit: int = 500) -> str:
    """A short printable excerpt of a raw record for the quarantine table."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def duplicated_columns(header: list[str]) -> str | None:
    """Why a CSV header cannot name its columns: a name given twice (which column is meant?)."""
    seen: set[str] = set()
    twice = sorted({name for name in header if name in seen or seen.add(name)})
    return f"the header names {', '.join(map(repr, twice))} more than once" if twice else None


def csv_dicts(handle: TextIO) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(row number, record by column name) of a CSV; the header is row 1 and blank rows are not
    counted. A row whose field count differs from the header's comes as its problem (a stray
    quote swallows the lines after it; a missing separator shifts columns): never a short or
    shifted record. Open the file with errors="surrogateescape": a row holding bytes that are
    not UTF-8 then comes as its problem and the rows after it are still read. A header with a
    duplicated name comes as (1, problem) and nothing else."""
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        return
    problem = duplicated_columns(header)
    if problem:
        yield 1, problem
        return
    number = 1
    for record in reader:
        if not record:
            continue
        number += 1
        if len(record) != len(header):
            yield number, (f"row {number} (ending on line {reader.line_num}) has {len(record)} "
                           f"fields, the header has {len(header)}: an unbalanced quote or a "
                           "wrong separator")
            continue
        try:
            "".join(record).encode("utf-8")
        except UnicodeEncodeError:  # a byte that is not UTF-8, read with surrogateescape
            yield number, (f"row {number} (ending on line {reader.line_num}) holds bytes that "
                           "are not UTF-8")
            continue
        yield number, dict(zip(header, record, strict=True))
