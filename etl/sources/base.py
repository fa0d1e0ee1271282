"""The contract every source loader follows, and the file-source base that reads raw files.

A loader reads the raw files of its source (under ``data/raw/<source>/``, never modified) and
yields either a *staging row* or a :class:`Rejected`. A staging row is a plain dict with at least
``source_id``, ``posted_date`` (a ``datetime.date``), ``title`` and ``description`` (plain text),
and any other column of :mod:`etl.warehouse.schema` the source knows (``company``, ``location_raw``,
``country``, ``remote``, ``seniority``, ``employment_type``, ``salary_min`` ... ``url``). A source
that only has salary as text puts it in ``salary_text``;
:func:`etl.transforms.normalize.posting_row` fills in everything else (ids, country, seniority,
role family, annual USD salary) the same way for all.

Every file-fed loader is a :class:`FileSource`: it says which files it reads
(:meth:`FileSource.files`), how to split one file into raw records
(:meth:`FileSource.read_records`) and how one raw record becomes a staging row
(:meth:`FileSource.make_row`). A build reads a file in *pieces* (:meth:`FileSource.read_pieces`,
the cheap part, done by the build's main process) and makes the records and rows of each piece in
a worker process (:meth:`FileSource.piece_items`). By default a piece is a run of
``read_records``'s records; a source with one record a line (JSON Lines) cuts runs of raw lines
instead, so that parsing them runs in the workers too.

Loader code refuses in ONE way: it raises :class:`RecordProblem` (or a records reader yields one
in place of a record). The base turns that into quarantine:

- raised for one record: that record is quarantined with its file, row and reason;
- raised, or any other exception escaping, while a file is opened or read (a header that is
  not the source's, damaged Parquet, an unreadable gzip, a wrong format): the file is
  quarantined with its reason, and the build goes on with the other files. Rows read before the
  failure are kept and the message says so (``whole_file`` sources drop them: the survey counts
  a year only when all of it reads).

CSV fields: every CSV reader of a source is made by :func:`csv_reader`, which sets the
process-wide ``csv.field_size_limit`` to :data:`CSV_FIELD_LIMIT` first. A field of any length
up to that limit (2 GiB, Python's largest) is read the same way whatever else ran in the process
before; descriptions over the csv module's default 128 KB land.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

import pyarrow as pa

CSV_FIELD_LIMIT = 2**31 - 1  # the largest field_size_limit every platform accepts
SAMPLE_RECORDS = 200  # records an ingest reads to refuse what the build would refuse


class RecordProblem(ValueError):
    """Why a raw record (or, raised while reading a file, the file) cannot be used.

    ``row`` names the row when the raiser knows it better than the reader (a CSV header: 1);
    ``raw`` is the raw record for the quarantine's excerpt.
    """

    def __init__(self, reason: str, row: object = None, raw: object = None):
        super().__init__(reason)
        self.reason, self.row, self.raw = reason, row, raw


@dataclass(frozen=True)
class Rejected:
    """A raw record that could not be used, and why: it goes to the quarantine table."""

    source: str
    file: str
    row: str
    reason: str
    raw: str = ""

    def __post_init__(self) -> None:
        for name in ("file", "row", "reason", "raw"):  # bytes read with surrogateescape
            object.__setattr__(self, name, printable(getattr(self, name)))

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


WHOLE_FILE = "(the whole file is left out)"


def printable(text: str) -> str:
    """Text that can be written as UTF-8: bytes that were not UTF-8 (read with
    surrogateescape) become U+FFFD; another lone surrogate (a JSON escape such as "\\ud800"
    gives one) is written as its escape."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def raw_excerpt(value: object, limit: int = 500) -> str:
    """A short printable excerpt of a raw record for the quarantine table."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def failure_of(err: Exception) -> tuple[str, object]:
    """(reason, row) of an error that stops a file being read: what its quarantine entry says
    (a plain pair, which a worker process can send where the error may not pickle)."""
    if isinstance(err, RecordProblem):
        return err.reason, err.row
    return f"cannot read the file ({type(err).__name__}: {err})", None


def file_label(path: Path, raw_dir: Path) -> str:
    """How quarantine names a raw file: its path from the raw root (``<source>/<date>/name``)."""
    try:
        return Path(path).relative_to(Path(raw_dir).parent).as_posix()
    except ValueError:
        return str(path)


def source_folder(raw_dir: Path, name: str) -> Path:
    """The source's own folder: raw_dir itself, or raw_dir/<name> when given the raw root."""
    raw_dir = Path(raw_dir)
    if raw_dir.name != name and (raw_dir / name).is_dir():
        return raw_dir / name
    return raw_dir


# --- CSV ---------------------------------------------------------------------------------------

def csv_reader(handle: TextIO):
    """A csv.reader on handle, with the field size limit every source reads CSV with."""
    csv.field_size_limit(CSV_FIELD_LIMIT)  # process-wide: set here, so order never matters
    return csv.reader(handle)


def csv_header(path: Path, encoding: str = "utf-8-sig") -> list[str]:
    """The first row of a CSV file (empty for an empty file)."""
    with open(path, newline="", encoding=encoding, errors="surrogateescape") as handle:
        return next(csv_reader(handle), [])


def duplicated_columns(header: list[str]) -> str | None:
    """Why a CSV header cannot name its columns: a name given twice (which column is meant?)."""
    seen: set[str] = set()
    twice = sorted({name for name in header if name in seen or seen.add(name)})
    return f"the header names {', '.join(map(repr, twice))} more than once" if twice else None


def csv_records(handle: TextIO) -> Iterator[tuple[int, dict[str, str] | RecordProblem]]:
    """(row number, record by column name) of a CSV; the header is row 1 and blank rows are not
    counted. A row whose field count differs from the header's comes as its RecordProblem (a
    stray quote swallows the lines after it; a missing separator shifts columns): never a short
    or shifted record. Open the file with errors="surrogateescape": a row holding bytes that are
    not UTF-8 then comes as its problem and the rows after it are still read. A header with a
    duplicated name raises RecordProblem: the file is refused."""
    reader = csv_reader(handle)
    header = next(reader, None)
    if header is None:
        return
    problem = duplicated_columns(header)
    if problem:
        raise RecordProblem(problem, row=1)
    number = 1
    for record in reader:
        if not record:
            continue
        number += 1
        if len(record) != len(header):
            yield number, RecordProblem(
                f"row {number} (ending on line {reader.line_num}) has {len(record)} fields, the "
                f"header has {len(header)}: an unbalanced quote or a wrong separator",
                raw=",".join(record))
            continue
        try:
            "".join(record).encode("utf-8")
        except UnicodeEncodeError:  # a byte that is not UTF-8, read with surrogateescape
            yield number, RecordProblem(f"row {number} (ending on line {reader.line_num}) holds "
                                        "bytes that are not UTF-8")
            continue
        yield number, dict(zip(header, record, strict=True))


# --- pieces: a file cut for the build's worker processes ---------------------------------------

@dataclass(frozen=True)
class Lines:
    """A run of a text file's lines (newlines kept), the first one numbered ``first``: a piece
    of a file with one record a line."""

    first: int
    lines: list[str]

    def numbered(self) -> Iterator[tuple[int, str]]:
        """(line number, line) of the run, numbered as enumerate(handle, start=1) numbers the
        whole file."""
        return enumerate(self.lines, start=self.first)


def runs(items: Iterable, size: int) -> Iterator[list]:
    """The items in lists of ``size`` (the last may be shorter). When reading fails part-way,
    the items read before the failure come as a last list, then the error is raised: what a
    reader passing items on one at a time would have passed on before it failed."""
    run: list = []
    try:
        for item in items:
            run.append(item)
            if len(run) >= size:
                yield run
                run = []
    except Exception:
        if run:
            yield run
        raise
    if run:
        yield run


def line_pieces(handle: Iterable[str], size: int) -> Iterator[Lines]:
    """A text file's lines in runs of ``size``, numbered from 1 (see runs)."""
    first = 1
    for lines in runs(handle, size):
        yield Lines(first, lines)
        first += len(lines)


# --- the file-source base ----------------------------------------------------------------------

@dataclass(frozen=True)
class FileSource:
    """A source read from files under data/raw/<name>/, with the quarantine safety net.

    Subclasses give ``read_records(path)`` — (row, raw record) pairs, a RecordProblem in place of
    a record that cannot be read — and ``make_row(raw, path)`` — a staging row, raising
    RecordProblem when it cannot make one. ``suffixes``: the file name endings read;
    ``newest_first``: the reading order of the files (newest first, or oldest first). A source
    may also give ``read_pieces``/``piece_records`` (a file cut cheaply, each piece's records
    made in a build's worker process); the records must be read_records's, in its order.

    Every record is passed on, a posting its files repeat as often as they repeat it: which copy
    stays is decided once, by the build over the staged rows
    (:func:`etl.warehouse.build.first_seen_drops`: the earliest posted, then the first read), so
    a source orders its files so that, of copies posted the same day, the one it trusts is read
    first. Nothing here remembers the ids it has read (memory does not grow with the files).
    """

    name: str = ""
    title: str = ""
    licence: str = ""
    kind: str = "postings"
    suffixes: tuple[str, ...] = (".csv",)
    newest_first: bool = True
    whole_file: bool = False  # a file that fails part-way gives nothing (its rows are dropped)

    def files(self, raw_dir: Path) -> list[Path]:
        """The files this source reads under raw_dir, in reading order."""
        folder = source_folder(raw_dir, self.name)
        if not folder.is_dir():
            return []
        found = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")
                 and p.name.lower().endswith(self.suffixes)]
        return sorted(found, reverse=self.newest_first)

    def read_records(self, path: Path) -> Iterable[tuple[object, object]]:
        """(row, raw record) of one file; a RecordProblem in place of an unreadable record."""
        raise NotImplementedError

    def make_row(self, raw: object, path: Path) -> dict:
        """A staging row from one raw record; raises RecordProblem when it cannot."""
        raise NotImplementedError

    def read_pieces(self, path: Path, size: int) -> Iterator[object]:
        """One file cut into pieces of about ``size`` records, in reading order, for
        ``piece_records``: the part of reading a build's main process does, so it should be
        cheap. By default the pieces are lists of read_records's (row, raw record) pairs (the
        reading runs here, ``make_row`` in the workers). Raises what reading the file raises,
        after the pieces read before (see runs)."""
        return runs(self.read_records(path), size)

    def piece_records(self, piece: object, path: Path) -> Iterable[tuple[object, object]]:
        """(row, raw record) of one piece of read_pieces, as read_records gives them."""
        return piece

    def piece_items(self, piece: object, path: Path, label: str) -> Iterator[dict | Rejected]:
        """Staging rows and record rejections of one piece (the work of a build's worker); raises
        what reading the file raises at that point, as read_records would."""
        for row, raw in self.piece_records(piece, path):
            yield self.one_record(raw, path, label, row)

    def read(self, raw_dir: Path) -> Iterator[dict | Rejected]:
        """Staging rows of every file, in reading order, and the rejections.

        A posting repeated by several files comes once per file: the build keeps one copy
        (:func:`etl.warehouse.build.first_seen_drops`)."""
        folder = source_folder(raw_dir, self.name)
        return (item for path in self.files(folder)
                for item in self.read_file(path, file_label(path, folder)))

    def tables(self, raw_dir: Path) -> tuple[dict[str, pa.Table], list[Rejected]]:
        """Postings sources have no tables of their own."""
        return {}, []

    def read_file(self, path: Path, label: str) -> Iterator[dict | Rejected]:
        """Staging rows and rejections of one file; never raises for what the file holds."""
        if not self.whole_file:
            for item, _ in self._items(path, label):
                yield item
            return
        rows, refusal = self.read_whole(path, label)
        yield from [refusal] if refusal else rows

    def read_whole(self, path: Path, label: str) -> tuple[list[dict | Rejected], Rejected | None]:
        """Every row and record rejection of one file, or nothing and the file's refusal."""
        items: list[dict | Rejected] = []
        for item, refused in self._items(path, label):
            if refused:
                return [], item
            items.append(item)
        return items, None

    def _items(self, path: Path, label: str) -> Iterator[tuple[dict | Rejected, bool]]:
        """(row or rejection, whether it is the file's refusal) of one file."""
        rows = 0
        try:
            for row, raw in self.read_records(path):
                item = self.one_record(raw, path, label, row)
                rows += not isinstance(item, Rejected)
                yield item, False
        except Exception as err:  # the safety net: the file (from here on) cannot be read
            yield self.file_refused(label, err, rows, dropped=self.whole_file), True

    def one_record(self, raw: object, path: Path, label: str, row: object) -> dict | Rejected:
        """A staging row (named with _file and _row for later refusals) or its rejection."""
        if isinstance(raw, RecordProblem):
            return Rejected(self.name, label, str(raw.row or row), raw.reason,
                            raw_excerpt(raw.raw) if raw.raw is not None else "")
        try:
            made = self.make_row(raw, path)
        except RecordProblem as err:
            return Rejected(self.name, label, str(err.row or row), err.reason, raw_excerpt(raw))
        except Exception as err:  # a record no rule foresaw: quarantined, never a crash
            return Rejected(self.name, label, str(row),
                            f"cannot read the record ({type(err).__name__}: {err})",
                            raw_excerpt(raw))
        made = {k: v for k, v in made.items() if v is not None}
        made.setdefault("_file", label)
        made.setdefault("_row", str(row))
        return made

    def file_refused(self, label: str, err: Exception | tuple[str, object], rows: int,
                     dropped: bool) -> Rejected:
        """The quarantine entry of a file that cannot be read (from some point on); ``err``
        the error or its failure_of."""
        reason, row = err if isinstance(err, tuple) else failure_of(err)
        reason += (f" (after {rows} rows, which are kept)" if rows and not dropped
                   else f" {WHOLE_FILE}")
        return Rejected(self.name, label, str(row or "-"), reason)

    def file_problem(self, path: Path, records: int = SAMPLE_RECORDS) -> str | None:
        """Why the build would refuse this file whole, judged from its first records; None when
        it would read it. Ingest calls this before storing a file."""
        try:
            for count, _ in enumerate(self.read_records(Path(path)), start=1):
                if count >= records:
                    break
        except Exception as err:  # what read_file would quarantine the file for
            return self.file_refused(str(path), err, 0, dropped=False).reason.removesuffix(
                " " + WHOLE_FILE)
        return None
