"""Build the warehouse: raw sources -> staging -> schema rows -> tags -> Parquet + rollups.

The build writes a new folder beside the warehouse and then points ``data/warehouse`` (a symbolic
link) at it with one atomic rename, so a killed build leaves the previous warehouse readable.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import json
import os
import pickle
import shutil
import sys
import types
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import ThreadPool
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from etl.paths import DEFAULT_RAW, DEFAULT_WAREHOUSE
from etl.sources import sources as registered_sources
from etl.sources.base import (
    FileSource,
    RecordProblem,
    Rejected,
    failure_of,
    file_label,
    raw_excerpt,
    source_folder,
)
from etl.transforms.dedup import INPUT_COLUMNS, dedup_keys, month_links, resolved_groups
from etl.transforms.normalize import posting_row
from etl.transforms.tagger import Tagger
from etl.warehouse import embedded as prebuilt
from etl.warehouse import tag_cache
from etl.warehouse.lock import build_lock
from etl.warehouse.monthly import (
    BLOOM_FILTERS,
    GROUP_BYTES,
    GROUP_ROWS,
    PART_ROWS,
    STREAM_ROWS,
    RowGroupWriter,
    consecutive_runs,
    month_parts,
    naming_table,
    sql_quoted,
    write_by_month,
    write_months_of,
)
from etl.warehouse.rollups import DIMENSIONS, ROW_GROUP_ROWS, write_derived_tables
from etl.warehouse.schema import (
    LAYOUT_VERSION,
    MONTHLY_TABLES,
    POSTINGS_SCHEMA,
    QUARANTINE_SCHEMA,
    TECH_SCHEMA,
    YEARLY_TABLES,
    in_year_files,
    last_order,
    month_files,
    table_source,
)

BATCH_ROWS = 2000  # staging rows per batch: what one process holds of texts at a time
DUCKDB_MEMORY = "1GB"  # DuckDB spills to disk beyond this (sorting, first seen)
# Writing a query's rows to Parquet: fetched STREAM_ROWS rows at a time, written in row groups
# of at most this many rows or bytes (a posting with its description is about 3 KB); the same
# figures as the month files' (etl/warehouse/monthly.py).
WRITE_GROUP_ROWS = GROUP_ROWS
WRITE_GROUP_BYTES = GROUP_BYTES
# The postings' month files (sorted by date): row groups of this many rows, so a query for the
# latest postings of a month (postings_behind, postings_together) reads the texts of the days
# it shows, not the month's (docs/scale.md, "Postings in row groups of days").
POSTINGS_GROUP_ROWS = 10_000
# Staging files (staged_writer): row groups of many batches, at most this many rows or bytes.
STAGE_GROUP_ROWS = GROUP_ROWS
STAGE_GROUP_BYTES = 32 << 20
# The main process gives the memory its allocators hold free back to the system every this many
# staged batches (release_free_memory), and between stages.
RELEASE_BATCHES = 50
# Staging columns: every posting column a source may give (etl/sources/base.py), typed as in the
# posting schema but nullable, plus the pay text and where the row came from.
_DERIVED = ("posting_id", "source", "posted_date", "ingested_at")
STAGING_SCHEMA = pa.schema(
    [("seq", pa.int64()), ("posted_date", pa.date32())]
    + [(f.name, f.type) for f in POSTINGS_SCHEMA if f.name not in _DERIVED]
    + [("salary_text", pa.string()), ("_file", pa.string()), ("_row", pa.string())])
STAGED_POSTINGS_SCHEMA = POSTINGS_SCHEMA.append(pa.field("row", pa.int64(), False))
STAGED_TECH_SCHEMA = TECH_SCHEMA.append(pa.field("row", pa.int64(), False))
KEYS_SCHEMA = pa.schema([("row", pa.int64()), ("posting_id", pa.string()),
                         ("source", pa.string()), ("source_id", pa.string()),
                         ("month", pa.int32()), ("day", pa.int32()),
                         ("company_key", pa.string()), ("title_key", pa.string()),
                         ("location_key", pa.string()), ("fingerprint", pa.uint64()),
                         ("bands", pa.list_(pa.uint64())), ("sketch", pa.list_(pa.uint32())),
                         ("shingles", pa.int32())])
# Per staged posting: the hash of the text the tagger reads and whether this build tagged it
# (false: its tags come from the tag cache, etl/warehouse/tag_cache.py).
HASHES_SCHEMA = pa.schema([("row", pa.int64()), ("posting_id", pa.string()),
                           ("text_hash", pa.uint64()), ("tagged", pa.bool_())])


@dataclass
class SourceResult:
    """What one source contributed to a build."""

    name: str
    title: str
    kind: str
    licence: str
    rows: int = 0
    rejected: int = 0
    tables: dict[str, int] = field(default_factory=dict)


@dataclass
class Processed:
    """What the batch function makes of one staging batch (all Arrow, all picklable)."""

    postings: pa.RecordBatch  # STAGED_POSTINGS_SCHEMA: schema rows and their build row number
    technologies: pa.RecordBatch  # STAGED_TECH_SCHEMA
    keys: pa.RecordBatch  # KEYS_SCHEMA: compact dedup keys (no texts)
    rejected: list[Rejected]
    hashes: pa.RecordBatch | None = None  # HASHES_SCHEMA: text hashes, tagged or from the cache


@dataclass
class PieceDone:
    """What a worker makes of one piece of a raw file (all picklable): the batch function's
    output with rows numbered from 0 (the main process numbers them in reading order), the
    records refused while read, how many records became staging rows, and why the file could
    not be read on from this piece, if it could not (failure_of: reason, row)."""

    done: Processed
    read_rejected: list[Rejected]
    made: int
    failure: tuple[str, object] | None = None


def _progress(iterable: Iterable, desc: str, total: int | None = None, unit: str = "rows"):
    """A progress bar on stderr for long steps (quiet when stderr is not a terminal)."""
    return tqdm(iterable, desc=desc, total=total, unit=unit, leave=False,
                disable=not sys.stderr.isatty(), mininterval=0.5)


def _to_str(value) -> str:
    """The value as text Arrow can store (UTF-8): a lone surrogate, such as a JSON escape
    "\\ud800" gives, cannot be, and is refused (ValueError)."""
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():  # isascii is a flag's read; encoding is what Arrow would do
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ValueError(f"a lone surrogate (U+{ord(text[err.start]):04X} at character "
                             f"{err.start}) is not text UTF-8 can hold") from None
    return text


def _int_converter(kind: pa.DataType) -> Callable[[Any], int]:
    """The function that gives a value as an integer in ``kind``'s range (ValueError when it is
    out of it, or no integer)."""
    bits = kind.bit_width
    low, high = ((-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
                 if pa.types.is_signed_integer(kind) else (0, (1 << bits) - 1))

    def to_int(value) -> int:
        number = int(value)
        if not low <= number <= high:
            raise ValueError(f"{number} is outside the range of {kind} ({low} to {high})")
        return number

    return to_int


def _staging_converter(kind: pa.DataType) -> Callable:
    """The function that gives a (non-null) staging value in a column's type, as a value the
    column can hold (ValueError, TypeError or OverflowError when it cannot)."""
    if pa.types.is_floating(kind):
        return float
    if pa.types.is_integer(kind):
        return _int_converter(kind)
    if pa.types.is_boolean(kind):
        return bool
    return _to_str


# (name, converter) of the staging columns staging_record fills from a source's item, found once
_ITEM_COLUMNS = tuple((column.name, _staging_converter(column.type)) for column in STAGING_SCHEMA
                      if column.name not in ("seq", "_file", "_row", "posted_date"))


def refusal(staging: dict, source: str, ingested_at: dt.datetime) -> str:
    """Why posting_row refuses a staging row (the reason of its RecordProblem), "" when it
    does not."""
    try:
        posting_row(staging, source, ingested_at)
    except RecordProblem as problem:
        return problem.reason
    return ""


def staging_record(item: dict, seq: int, n: int, source: str, raw_dir: Path,
                   ingested_at: dt.datetime) -> dict | Rejected:
    """One staging row in STAGING_SCHEMA's types, its non-null values only, in the schema's
    order (the row _staging_rows gives back from its batch), or its rejection (a date that is
    no date)."""
    file, row = str(item.get("_file", raw_dir)), str(item.get("_row", item.get("source_id") or n))
    posted = item.get("posted_date")
    if isinstance(posted, dt.datetime):
        posted = posted.date()
    problem = "" if isinstance(posted, dt.date) else refusal(item, source, ingested_at)
    record = {"seq": seq, "posted_date": posted}
    try:
        for name, convert in _ITEM_COLUMNS:
            value = item.get(name)
            if value is not None:  # a converter takes a value, not None
                record[name] = convert(value)
    except (TypeError, ValueError, OverflowError) as err:
        problem = problem or f"{name}={raw_excerpt(repr(item.get(name)), 80)}: {err}"
    if problem:
        return Rejected(source, file, row, problem, raw_excerpt(item))
    record["_file"], record["_row"] = file, row
    return record


def staging_batches(source, raw_dir: Path, ingested_at: dt.datetime, first_seq: int,
                    rejected: list[Rejected], size: int | None = None) -> Iterator[pa.RecordBatch]:
    """The source's staging rows as Arrow batches of ``size`` rows, numbered from first_seq."""
    size = size or BATCH_ROWS
    records: list[dict] = []
    seq = first_seq
    for n, item in enumerate(_progress(source.read(raw_dir), f"read {source.name}"), start=1):
        if isinstance(item, Rejected):
            rejected.append(item)
            continue
        record = staging_record(item, seq, n, source.name, raw_dir, ingested_at)
        if isinstance(record, Rejected):
            rejected.append(record)
            continue
        records.append(record)
        seq += 1
        if len(records) >= size:
            yield pa.RecordBatch.from_pylist(records, schema=STAGING_SCHEMA)
            records = []
    if records:
        yield pa.RecordBatch.from_pylist(records, schema=STAGING_SCHEMA)


def posting_text(title: str, description: str) -> str:
    """The text the tagger reads for a posting: title and body both."""
    return f"{title}\n\n{description}"


def text_hashes(rows: list[dict], known: Callable[[int], bool] | None) -> pa.RecordBatch:
    """Each posting's text hash, and whether it is to be tagged (its hash not ``known``)."""
    hashes = [tag_cache.text_hash(posting_text(r["title"], r["description"])) for r in rows]
    return pa.RecordBatch.from_pydict(
        {"row": [r["row"] for r in rows], "posting_id": [r["posting_id"] for r in rows],
         "text_hash": hashes, "tagged": [known is None or not known(h) for h in hashes]},
        schema=HASHES_SCHEMA)


def tag_rows(rows: list[dict], tagger: Tagger) -> pa.RecordBatch:
    """One row per posting x technology: who matched, as written, and by which rule."""
    at, techs, surfaces, rules, mentions = tagger.technology_columns(
        [posting_text(row["title"], row["description"]) for row in rows])
    # a posting's and a technology's columns are taken from arrays of each posting and of each
    # distinct technology, not converted once per tag (a batch of 2,000 postings names about
    # 14,000 tags of a few hundred technologies)
    distinct = list({t.id: t for t in techs}.values())
    number = {t.id: i for i, t in enumerate(distinct)}
    picks = pa.array([number[t.id] for t in techs], pa.int32())
    posting_at = pa.array(at, pa.int32())

    def column(name: str, values: list) -> pa.Array:  # in the type of the schema's column
        return pa.array(values, STAGED_TECH_SCHEMA.field(name).type)

    columns = [column("posting_id", [row["posting_id"] for row in rows]).take(posting_at),
               *(column(name, [getattr(t, attribute) for t in distinct]).take(picks)
                 for name, attribute in (("technology_id", "id"), ("name", "name"),
                                         ("category", "category"), ("parent", "parent"))),
               column("surface", surfaces), column("rule", rules),
               column("mentions", mentions),
               column("row", [row["row"] for row in rows]).take(posting_at)]
    return pa.RecordBatch.from_arrays(columns, schema=STAGED_TECH_SCHEMA)


def _staging_rows(batch: pa.RecordBatch) -> Iterator[dict]:
    """The staging rows of a batch as dicts of their non-null values (a column at a time)."""
    names = batch.schema.names
    for values in zip(*(column.to_pylist() for column in batch.columns), strict=True):
        yield {name: value for name, value in zip(names, values, strict=True)
               if value is not None}


def normalised_and_tagged(batch: pa.RecordBatch, source: str, ingested_at: dt.datetime,
                          known: Callable[[int], bool] | None = None) -> Processed:
    """The row-by-row part of the batch work (normalise, pay, tag) over a staging batch; keys
    are left empty (records_normalised_and_tagged over the batch's rows)."""
    return records_normalised_and_tagged(_staging_rows(batch), source, ingested_at, known)


def records_normalised_and_tagged(staged: Iterable[dict], source: str, ingested_at: dt.datetime,
                                  known: Callable[[int], bool] | None = None) -> Processed:
    """normalised_and_tagged over staging records (staging_record's, or a batch's rows as
    _staging_rows gives them: the same dicts). Postings whose text hash is ``known`` (in the
    tag cache) are not tagged here."""
    tagger = Tagger.default()
    rows, rejected = [], []
    for staging in staged:
        try:
            row = posting_row(staging, source, ingested_at)
        except RecordProblem as problem:
            rejected.append(Rejected(source, staging.get("_file"), staging.get("_row"),
                                     problem.reason,
                                     raw_excerpt({k: v for k, v in staging.items()
                                                  if k not in ("seq", "_file", "_row")})))
            continue
        row["row"] = staging.get("seq")
        rows.append(row)
    postings = pa.RecordBatch.from_pylist(rows, schema=STAGED_POSTINGS_SCHEMA)
    hashes = text_hashes(rows, known)
    to_tag = [r for r, tag in zip(rows, hashes.column("tagged").to_pylist(), strict=True) if tag]
    return Processed(postings, tag_rows(to_tag, tagger),
                     pa.RecordBatch.from_pylist([], schema=KEYS_SCHEMA), rejected, hashes)


def with_keys(done: Processed) -> Processed:
    """The batch with the compact dedup keys of its postings (a vectorised Polars pass)."""
    if not done.postings.num_rows:
        return done
    keys = dedup_keys(pl.from_arrow(done.postings).select(*INPUT_COLUMNS, "row"))
    table = keys.to_arrow().cast(KEYS_SCHEMA)
    return Processed(done.postings, done.technologies, table.combine_chunks().to_batches()[0],
                     done.rejected, done.hashes)


def process_batch(batch: pa.RecordBatch, source: str, ingested_at: dt.datetime,
                  known: Callable[[int], bool] | None = None) -> Processed:
    """The per-batch work, one pure function: staging rows -> schema rows, tags and dedup keys.

    Normalises (ids, place, seniority, role family, remote), parses pay, tags technologies and
    computes the compact dedup keys. Rows that cannot be used come back as rejections.
    ``known``: which text hashes the tag cache holds (those postings are not tagged).
    """
    return processed_records(_staging_rows(batch), source, ingested_at, known)


def processed_records(staged: Iterable[dict], source: str, ingested_at: dt.datetime,
                      known: Callable[[int], bool] | None = None) -> Processed:
    """process_batch's work over staging records (a batch's rows as _staging_rows gives them,
    or staging_record's, the same dicts): records_normalised_and_tagged, then with_keys."""
    return with_keys(records_normalised_and_tagged(staged, source, ingested_at, known))


# The tag cache's membership test: set by build() (and append) before the stage; the worker
# pool's processes get it when they start (_start_worker).
_KNOWN: Callable[[int], bool] | None = None


def _processed(batch: pa.RecordBatch, source: str, ingested_at: dt.datetime) -> Processed:
    return process_batch(batch, source, ingested_at, _KNOWN)


def _in_order(pool, jobs: Iterable[tuple[Callable | None, tuple, object]],
              in_flight: int) -> Iterator[tuple[object, object]]:
    """(tag, result) of each job (function, arguments, tag), in the jobs' order: ``function(
    *arguments)`` in the pool when there is one, at most ``in_flight`` jobs out at once (so
    memory holds a few jobs whatever the size of the source; Pool.imap would read the whole
    source ahead), else here. A job without a function is no work: its result is its arguments.
    """
    if pool is None:
        for function, args, tag in jobs:
            yield tag, (args if function is None else function(*args))
        return
    pending: deque = deque()
    for function, args, tag in jobs:
        pending.append((tag, args if function is None else pool.apply_async(function, args)))
        if len(pending) >= in_flight:
            tag, out = pending.popleft()
            yield tag, (out if isinstance(out, tuple) else out.get())
    while pending:
        tag, out = pending.popleft()
        yield tag, (out if isinstance(out, tuple) else out.get())


def processed_batches(batches: Iterable[pa.RecordBatch], source: str, ingested_at: dt.datetime,
                      pool=None, in_flight: int = 4) -> Iterator[Processed]:
    """process_batch over staging batches, in order; in the pool's processes when there is one."""
    jobs = ((_processed, (batch, source, ingested_at), None) for batch in batches)
    for _, done in _in_order(pool, jobs, in_flight):
        yield done


def _until_failure(items: Iterator, failed: list) -> Iterator:
    """The items, until reading the next one raises: the error's failure_of goes to ``failed``."""
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except Exception as err:  # the file cannot be read on from here (FileSource._items)
            failed.append(failure_of(err))
            return
        yield item


def staged_piece(source: FileSource, piece: object, path: Path, label: str,
                 ingested_at: dt.datetime) -> PieceDone:
    """All the per-batch work of one piece of a raw file, in a worker: the source's records and
    staging rows of the piece (FileSource.piece_items; rows numbered from 0), and process_batch's
    work over those records (processed_records) without making a staging batch of them:
    staging_record has refused what a staging column cannot hold, and the records are the rows
    such a batch would give back."""
    records, rejected, failed = [], [], []
    made = 0
    for item in _until_failure(source.piece_items(piece, path, label), failed):
        if isinstance(item, Rejected):
            rejected.append(item)
            continue
        made += 1
        record = staging_record(item, len(records), made, source.name, path, ingested_at)
        if isinstance(record, Rejected):
            rejected.append(record)
            continue
        records.append(record)
    done = processed_records(records, source.name, ingested_at, _KNOWN)
    return PieceDone(done, rejected, made, failed[0] if failed else None)


def _piece_jobs(source: FileSource, raw_dir: Path, ingested_at: dt.datetime,
                failed: set[int]) -> Iterator[tuple[Callable | None, tuple, object]]:
    """The _in_order jobs of a file source: one staged_piece per piece of each file, in reading
    order, tagged (file number, label); a file whose reading fails here ends with a job of no
    work whose result is its failure_of. A file in ``failed`` (a worker could not read it on)
    is not read further."""
    folder = source_folder(raw_dir, source.name)
    for number, path in enumerate(source.files(folder)):
        label = file_label(path, folder)
        try:
            for piece in source.read_pieces(path, BATCH_ROWS):
                if number in failed:
                    break
                yield staged_piece, (source, piece, path, label, ingested_at), (number, label)
        except Exception as err:  # the safety net of FileSource._items, for the main's part
            yield None, failure_of(err), (number, label)


def reads_in_pieces(source) -> bool:
    """Whether the build reads the source's files in pieces in the workers: a FileSource whose
    files count row by row (not ``whole_file``) and that can be sent to a worker process."""
    if not isinstance(source, FileSource) or source.whole_file:
        return False
    try:
        pickle.dumps(source)
    except (pickle.PicklingError, AttributeError, TypeError):  # e.g. a class made in a function
        return False
    return True


def renumbered(done: Processed, first: int) -> Processed:
    """The batch with its rows numbered from ``first`` instead of 0."""
    if not first:
        return done

    def shift(batch: pa.RecordBatch) -> pa.RecordBatch:
        at = batch.schema.get_field_index("row")
        return batch.set_column(at, batch.schema.field(at), pc.add(batch.column(at), first))

    return Processed(shift(done.postings), shift(done.technologies), shift(done.keys),
                     done.rejected, None if done.hashes is None else shift(done.hashes))


def staged_source(source, raw_dir: Path, ingested_at: dt.datetime, first_seq: int,
                  rejected: list[Rejected], pool=None, in_flight: int = 4) -> Iterator[Processed]:
    """A postings source's processed batches in reading order, rows numbered from first_seq;
    the rows refused while reading (and files refused) go to ``rejected`` in reading order.

    A file source's files are read in pieces (FileSource.read_pieces: the cheap part, here) and
    each piece's records, staging rows and process_batch run in the pool (staged_piece); the
    rows are numbered here as results come back in order, so the numbering (the reading order
    that decides "first seen") is the one staging_batches gives. Other sources are read here
    into staging batches (staging_batches) and process_batch runs in the pool.
    """
    if not reads_in_pieces(source):
        yield from processed_batches(
            staging_batches(source, raw_dir, ingested_at, first_seq, rejected), source.name,
            ingested_at, pool, in_flight)
        return
    seq = first_seq
    made: dict[int, int] = {}  # records made into rows so far, per file: a refusal counts them
    failed: set[int] = set()
    jobs = _piece_jobs(source, raw_dir, ingested_at, failed)
    for (number, label), out in _progress(_in_order(pool, jobs, in_flight),
                                          f"read {source.name}", unit="batches"):
        if number in failed:  # read ahead before a worker found the file unreadable
            continue
        if not isinstance(out, PieceDone):  # the file could not be read on, here
            rejected.append(source.file_refused(label, out, made.get(number, 0), dropped=False))
            continue
        rejected.extend(out.read_rejected)
        made[number] = made.get(number, 0) + out.made
        done = renumbered(out.done, seq)
        seq += done.postings.num_rows + len(done.rejected)
        yield done
        if out.failure is not None:
            failed.add(number)
            rejected.append(source.file_refused(label, out.failure, made[number], dropped=False))


def worker_pool(processes: int):
    """A pool of worker processes, or a null context when one process does the work.

    The workers come from a forkserver (a clean process that imported this module, forked
    for each worker): Polars' thread pool does not survive a fork of a process that used it,
    and the workers run the keys pass. Each worker runs Polars on one thread (two workers
    fill two cores) and gets the tag cache's membership test once, when it starts.
    """
    if processes <= 1:
        return contextlib.nullcontext(None)
    import multiprocessing as mp
    context = mp.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    before = os.environ.get(POLARS_THREADS)
    os.environ[POLARS_THREADS] = "1"  # the forkserver, when this starts it, and its workers
    try:
        with _main_left_out():
            return context.Pool(processes, initializer=_start_worker, initargs=(_KNOWN,))
    finally:
        if before is None:
            os.environ.pop(POLARS_THREADS)
        else:
            os.environ[POLARS_THREADS] = before


@contextlib.contextmanager
def _main_left_out() -> Iterator[None]:
    """Workers started here do not run the caller's ``__main__`` first. A new multiprocessing
    worker re-imports the main script (or module) of the process that starts it; the workers
    need only this module, and a main script may not be safe to run again: a script without an
    ``if __name__ == "__main__"`` guard would start workers without end, and under Streamlit's
    AppTest ``__main__`` is the app's page script, which fails outside a session (the workers
    then die as they start and the pool waits for ever)."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is None:
            sys.modules.pop("__main__", None)
        else:
            sys.modules["__main__"] = main


POLARS_THREADS = "POLARS_MAX_THREADS"  # read by Polars when it first runs a query


def _start_worker(known: Callable[[int], bool] | None) -> None:
    os.environ[POLARS_THREADS] = "1"
    global _KNOWN
    _KNOWN = known


class MonthFiles:
    """Dedup keys written to one Arrow IPC file per posted month (``<month>.arrow``), each
    batch's rows of a month as they arrive; read back by read_keys.

    Not Parquet: these files are written once by the build's main process and read once by the
    deduplicate stage, and most of a key row (about 670 bytes) is its two lists of hashes, which
    never repeat and which Parquet encodes value by value with their repetition levels. The
    keys of 24,000 postings of the 1M sample (pieces of 2,000): written in 3.5-4.2 us a row as
    Parquet row groups, 0.4 as IPC record batches, read back by Polars in 2.0-2.2 against 0.25-0.6
    (docs/build_speed.md, "Twenty-first pass"); the files are a fifth larger (674 against 552
    bytes a row) and live only during the build.
    Nothing is held: a record batch is written as it comes (the file's footer keeps 24 bytes a
    batch), so the main process does not grow with the months it has read.
    """

    SUFFIX = ".arrow"

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.files: dict[int, pa.ipc.RecordBatchFileWriter] = {}

    def write(self, keys: pa.RecordBatch) -> None:
        """Add a batch of keys (KEYS_SCHEMA) to the files of their months."""
        if not keys.num_rows:
            return
        if not keys.schema.equals(KEYS_SCHEMA):  # an IPC file takes its own schema only
            keys = keys.select(KEYS_SCHEMA.names).cast(KEYS_SCHEMA)
        months = pc.unique(keys.column("month"))
        for month in months.to_pylist():
            part = keys if len(months) == 1 else keys.filter(
                pc.equal(keys.column("month"), month))
            if month not in self.files:
                self.files[month] = pa.ipc.new_file(str(self.folder / f"{month}{self.SUFFIX}"),
                                                    KEYS_SCHEMA)
            self.files[month].write_batch(part)

    def close(self) -> list[Path]:
        """Close every file; returns the files, by month."""
        for file in self.files.values():
            file.close()
        return [self.folder / f"{m}{self.SUFFIX}" for m in sorted(self.files)]


def read_keys(paths: list[Path]) -> pl.DataFrame:
    """The dedup keys in MonthFiles' files, one frame in the files' order (KEYS_SCHEMA's
    columns; no rows when there are no files)."""
    frames = [pl.read_ipc(path) for path in paths]
    return pl.concat(frames) if frames else pl.from_arrow(KEYS_SCHEMA.empty_table())


ROLLUP_SQL = {
    "rollup_postings": """
        select date_trunc('month', posted_date)::date as month, {dims}, count(*) as postings
        from postings group by all
        order by month, country, seniority, source, remote, role_family""",
    # In a year file, each month's rows by country and seniority first: a view narrowed to a
    # country reads that country's row groups, not the month's (docs/scale.md); every group
    # key is a sort key, so no two rows tie: the same order from run to run.
    "rollup_technologies": """
        select date_trunc('month', p.posted_date)::date as month, {p_dims}, t.technology_id,
               count(*) as postings
        from postings p join posting_technologies t using (posting_id)
        group by all
        order by month, country, seniority, technology_id, source, remote, role_family""",
    # Postings naming any technology of a category (a posting naming Go and Rust counts once
    # for languages): the role profile's shares without a distinct count over every posting.
    # The (posting, category) pairs are made distinct first and then counted: a plain grouping
    # spills to disk under the memory limit where count(distinct) holds every group's set. They
    # are made distinct from the tags alone, two narrow columns, before the join gives each its
    # posting's month and cell (at 10M postings 13.8 s, against 20.7 s over the joined rows).
    "rollup_categories": """
        select p.month, {p_dims}, c.category, count(*) as postings
        from (select distinct posting_id, category from posting_technologies) c
        join (select posting_id, date_trunc('month', posted_date)::date as month, {dims}
              from postings) p using (posting_id)
        group by all
        order by month, country, seniority, category, source, remote, role_family""",
    "salaries": """
        select posting_id, date_trunc('month', posted_date)::date as month, {dims},
               salary_annual_usd
        from postings
        where salary_annual_usd is not null and not salary_is_estimate and not salary_is_outlier""",
}


def rollup_order(name: str) -> str:
    """The order of a rollup's rows in its files: its SQL's own ``order by``, else month."""
    return last_order(ROLLUP_SQL[name]) or "month"


def write_rollups(folder: Path, answers: bool = True) -> dict[str, int]:
    """Write the rollup tables the pages read (the answer tables unless ``answers`` is false:
    rollups.write_derived_tables); returns their row counts.

    Each is grouped by month, so each is made a part at a time (month_parts, write_by_month: a
    part is consecutive whole months of up to monthly.PART_ROWS postings): a query over one part's
    postings and tags, streamed from DuckDB into the table's Parquet under the build's memory
    limit (spilling to a folder beside the tables), so what the step holds is one part's, not
    the warehouse's (docs/build.md, "Memory").
    """
    spill = folder / ".rollup-spill"
    con = _duckdb(folder, spill)
    parts = month_parts(folder, ("postings", "posting_technologies"), spill / "stand-ins")
    counts = {}
    try:
        for name, sql in ROLLUP_SQL.items():
            query = sql.format(dims=", ".join(DIMENSIONS),
                               p_dims=", ".join(f"p.{d}" for d in DIMENSIONS))
            with naming_table(name):
                if name in MONTHLY_TABLES:  # salaries: a file per month (schema.py), by
                    # posting within it (the same bytes whatever order DuckDB's threads give)
                    counts[name] = write_by_month(
                        con, f"select *, month as _month from ({query}) "
                        "order by _month, posting_id", parts, folder / name, monthly=True)
                elif name in YEARLY_TABLES:  # a file per year, in its order (schema.py)
                    counts[name] = write_by_month(
                        con, in_year_files(query, rollup_order(name)), parts, folder / name,
                        monthly=True, group_rows=ROW_GROUP_ROWS.get(name, WRITE_GROUP_ROWS))
                else:
                    counts[name] = write_by_month(con, query, parts, folder / f"{name}.parquet",
                                                  group_rows=WRITE_GROUP_ROWS,
                                                  group_bytes=WRITE_GROUP_BYTES)
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    # Its own connection: DuckDB cannot move a temporary directory it has spilled to.
    derived = duckdb.connect()
    try:
        counts.update(write_derived_tables(derived, folder, DUCKDB_MEMORY, answers))
    finally:
        derived.close()
    return counts


def technologies_table(tagger: Tagger) -> pa.Table:
    """The taxonomy as a dimension table."""
    techs = sorted(tagger.technologies.values(), key=lambda t: t.id)
    return pa.table({"technology_id": [t.id for t in techs], "name": [t.name for t in techs],
                     "category": [t.category for t in techs],
                     "parent": [t.parent for t in techs]})


def swap_in(new_folder: Path, warehouse: Path) -> None:
    """Point the warehouse link at new_folder atomically; drop builds older than the previous."""
    link_tmp = warehouse.with_name(warehouse.name + ".link-tmp")
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    previous = warehouse.resolve() if warehouse.is_symlink() else None
    if warehouse.exists() and not warehouse.is_symlink():
        warehouse.rename(warehouse.with_name(f".{warehouse.name}-legacy-{os.getpid()}"))
    link_tmp.symlink_to(new_folder.name)
    os.replace(link_tmp, warehouse)
    keep = {new_folder.resolve(), previous}
    for old in warehouse.parent.glob(f".{warehouse.name}-*"):
        if old.resolve() not in keep and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def build(raw_root: Path = DEFAULT_RAW, warehouse: Path = DEFAULT_WAREHOUSE,
          only: Iterable[str] | None = None, processes: int | None = None,
          log: Callable[[str], None] = print, loaders: dict | None = None,
          embedded: Path | None = None,
          stage: Callable[[str], None] = lambda name: None,
          engine: str | Callable = "in-process", now: dt.datetime | None = None,
          use_tag_cache: bool = True) -> dict:
    """Build the warehouse from every source with raw data; returns the manifest.

    ``loaders`` replaces the registered sources (tests build small warehouses this way).
    ``embedded``: a folder of already tagged postings (data/embedded, see etl/warehouse/embedded.py)
    added to the sources; a posting a raw source also gives (same posting id) is taken from there.
    ``stage`` is told the name of each stage as it starts (make bench times them).
    ``engine``: "in-process" or "spark" (etl/warehouse/spark.py runs the first stage), or a
    staging function like ``_stage_postings``. ``now``: the build time (default: the clock).
    ``use_tag_cache``: take the tags of texts the current warehouse's tag cache holds from there
    (etl/warehouse/tag_cache.py); False tags every posting (the new warehouse still gets a cache).
    """
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(warehouse):  # raises BuildRunning while another build of it runs
        version = Tagger.default().version
        cache = tag_cache.open_cache(warehouse, version) if use_tag_cache else \
            tag_cache.TagCache(tag_cache.cache_key(version), reason="not used (--no-tag-cache)")
        started = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        folder = warehouse.parent / (f".{warehouse.name}-{started:%Y%m%dT%H%M%S}-"
                                     f"{uuid.uuid4().hex[:8]}")
        folder.mkdir()
        global _KNOWN
        _KNOWN = cache.known if len(cache.hashes) else None
        try:
            manifest = _build_into(folder, raw_root, started, only,
                                   processes or min(2, os.cpu_count() or 1), log,
                                   loaders or registered_sources(), stage,
                                   prebuilt.read_embedded(embedded) if embedded else None,
                                   _stager(engine), cache)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        finally:
            _KNOWN = None
        swap_in(folder, warehouse)
    return manifest


def _stager(engine: str | Callable) -> Callable:
    """The function that runs the build's first stage for an engine name (or the function)."""
    if callable(engine):
        return engine
    if engine == "spark":
        from etl.warehouse.spark import SparkStager
        return SparkStager()
    if engine != "in-process":
        raise ValueError(f"unknown engine {engine!r}: in-process or spark")
    return _stage_postings


def _duckdb(folder: Path, spill: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that spills beyond DUCKDB_MEMORY (to the build's staging folder, or
    ``spill``) and need not keep rows in insertion order (less memory for the same result)."""
    con = duckdb.connect()
    con.execute(f"set memory_limit = '{DUCKDB_MEMORY}'")
    con.execute("set preserve_insertion_order = false")
    con.execute("set enable_progress_bar = false")
    con.execute(f"set temp_directory = '{sql_quoted(spill or folder / '_staging' / 'duckdb')}'")
    return con


def release_free_memory() -> None:
    """Give back to the system the memory Arrow's pool and the C allocator hold free.

    Both keep what is freed for reuse. At the end of stage 1 of a 200,000-posting build the main
    process held 432 MB resident of which Arrow's pool had none allocated; releasing its unused
    memory gave back 185 MB and glibc's ``malloc_trim`` 67 MB more (docs/build.md, "Memory").
    What a stage keeps that way stays beside DuckDB's memory limit in the stages after it.
    """
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # malloc_trim is glibc's
        ctypes.CDLL(None).malloc_trim(0)


def staged_writer(path: Path, schema: pa.Schema) -> RowGroupWriter:
    """A staging file written in row groups of STAGE_GROUP_ROWS rows or STAGE_GROUP_BYTES.

    Not one row group a batch: a Parquet writer holds every row group's metadata until it
    closes (about 27 KB a row group of the staged postings' 27 columns), so row groups of one
    batch each grew the main process by about 0.17 GB at 10 million postings (5,000 groups);
    the bytes held for one group are bounded instead.
    """
    return RowGroupWriter(path, schema, STAGE_GROUP_ROWS, STAGE_GROUP_BYTES)


def _stage_postings(folder: Path, loaders: dict, raw_root: Path, started: dt.datetime, only,
                    processes: int, log, results: list[SourceResult],
                    quarantine: list[Rejected]) -> list[Path]:
    """Read, normalise, tag and key every source a batch at a time into the staging folder.

    Returns the dedup key files, one per month. Postings and tags go to staging Parquet as
    they come, so memory holds a few batches, never a source.
    """
    staging = folder / "_staging"
    staging.mkdir()
    months = MonthFiles(staging / "keys")
    chosen = set(only) if only else None
    seq = 0
    with staged_writer(staging / "postings.parquet", STAGED_POSTINGS_SCHEMA) as postings, \
            staged_writer(staging / "technologies.parquet", STAGED_TECH_SCHEMA) as techs, \
            staged_writer(staging / "hashes.parquet", HASHES_SCHEMA) as hashes, \
            worker_pool(processes) as pool:
        for name, source in loaders.items():
            raw_dir = raw_root / name
            if (chosen and name not in chosen) or not raw_dir.is_dir():
                continue
            result = SourceResult(name, source.title, source.kind, getattr(source, "licence", ""))
            rejected: list[Rejected] = []
            if source.kind == "postings":
                for batches, done in enumerate(staged_source(source, raw_dir, started, seq,
                                                             rejected, pool, 2 * processes), 1):
                    postings.add(done.postings)
                    techs.add(done.technologies)
                    if done.hashes is not None:
                        hashes.add(done.hashes)
                    months.write(done.keys)
                    rejected.extend(done.rejected)
                    result.rows += done.postings.num_rows
                    seq += done.postings.num_rows + len(done.rejected)
                    if batches % RELEASE_BATCHES == 0:
                        release_free_memory()
            else:
                tables, rejected = source.tables(raw_dir)
                for table_name, table in tables.items():
                    pq.write_table(table, folder / f"{table_name}.parquet")
                    result.tables[table_name] = table.num_rows
            result.rejected = len(rejected)
            quarantine.extend(rejected)
            results.append(result)
            log(f"{name}: {result.rows} rows, {result.rejected} rejected"
                + (f", tables {result.tables}" if result.tables else ""))
    return months.close()


def first_seen_drops(con: duckdb.DuckDBPyConnection, staged: Path,
                     held: str | None = None) -> pa.Table:
    """(row, source, posting_id): the later sightings of a posting_id read more than once.

    The one place "first seen" is decided (docs/build.md, "First seen"): of the rows of one
    posting_id, the earliest posted stays, then the first read (``row`` is the reading order:
    sources in turn, each source's files in its order, records in file order). Sources pass
    every copy on (etl/sources/base.py). ``held`` names a relation of (posting_id, posted_date)
    an append's warehouse already holds: those rows were read before every staged row, so a
    staged copy of a held id is a later sighting unless it is posted earlier; then the held row
    is the later one and comes back with a null ``row`` and ``source`` (only a full build can
    drop it: the append refuses). DuckDB does it over three narrow columns of the staged
    postings and spills beyond its memory limit, so no set of ids grows in Python.
    """
    # Held rows matter only where a staged row shares their id; of one held id the earliest
    # counts (the warehouse decided between its own rows when it was built).
    held_rows = "" if held is None else f"""
        union all
        select null::bigint, null::varchar, posting_id, min(posted_date)
        from {held} semi join staged using (posting_id) group by posting_id"""
    # Repeated ids are found by a 64-bit hash of the id (a narrower grouping than the text): a
    # hash two ids share only adds a posting with one copy to the window, which keeps it.
    return con.sql(f"""
        with staged as (select row, source, posting_id, posted_date from read_parquet($p)),
             seen as (select * from staged {held_rows}),
             repeated as (select hash(posting_id) as h from seen group by h having count(*) > 1)
        select row, source, posting_id from (
            select row, source, posting_id, row_number() over (
                partition by posting_id order by posted_date, row nulls first) as n
            from seen where hash(posting_id) in (select h from repeated))
        where n > 1""", params={"p": str(staged)}).arrow().read_all()


def month_drops(key_files: list[Path], first_drops: pa.Table,
                kept_keys: RowGroupWriter | None = None) -> pl.DataFrame:
    """(row, source, reason) of every row a month's exact or near duplicate links to an earlier.

    ``kept_keys``: where the dedup keys of those rows go (``dedup/``, so an append can link a
    new posting to a duplicate removed earlier: docs/build.md), from the month's keys already
    read here, so the key files are read once. MONTH_THREADS months are worked on at once, each
    in a thread (Polars runs outside the GIL, and one month at a time left a core idle much of
    the time: 153% CPU at 10M postings, less with smaller months), and their results are taken
    in month order, so the rows and the keys written are as one month after another gives
    them."""
    dropped_rows = pl.from_arrow(first_drops.select(["row"]))
    jobs = ((_month_drops_of, (path, dropped_rows, kept_keys is not None), None)
            for path in key_files)
    out = []
    with ThreadPool(MONTH_THREADS) as pool:
        for _, (drops, keys) in _progress(_in_order(pool, jobs, MONTH_THREADS + 1), "dedup",
                                          len(key_files), "months"):
            if kept_keys is not None and keys is not None:
                kept_keys.add(keys)
            out.append(drops)
    return pl.concat(out) if out else pl.DataFrame(
        schema={"row": pl.Int64, "source": pl.String, "reason": pl.String})


MONTH_THREADS = 2  # months deduplicated at once (month_drops)


def _month_drops_of(path: Path, dropped_rows: pl.DataFrame,
                    with_keys: bool) -> tuple[pl.DataFrame, pa.Table | None]:
    """month_drops' work on one month's key file: its (row, source, reason) rows and, when
    ``with_keys`` and it drops any, the key rows of the rows it drops."""
    keys = read_keys([path]).join(dropped_rows, on="row", how="anti")
    groups = resolved_groups(keys, month_links(keys))
    drops = groups.filter(pl.col("reason") != "unique").select("row", "source", "reason")
    if not (with_keys and drops.height):
        return drops, None
    return drops, keys.join(drops.select("row"), on="row", how="semi").to_arrow()


def _write_sorted(con: duckdb.DuckDBPyConnection, query: str, params: dict, path: Path,
                  schema: pa.Schema | None = None, group_rows: int | None = None) -> int:
    """Stream a DuckDB query's rows into Parquet (in ``schema``'s types, else the query's own)
    in row groups of ``group_rows`` (default WRITE_GROUP_ROWS); returns the rows.

    What Python holds is one row group's worth of rows at most (group_rows rows or
    WRITE_GROUP_BYTES of Arrow data, whichever comes first), fetched STREAM_ROWS at a time, so
    the memory this takes does not grow with the table (DuckDB's own share is its memory limit).
    """
    reader = con.sql(query, params=params).to_arrow_reader(STREAM_ROWS)
    writer = RowGroupWriter(path, schema or reader.schema, group_rows or WRITE_GROUP_ROWS,
                            WRITE_GROUP_BYTES)
    for batch in reader:
        writer.add(batch)
    return writer.close()


def _write_parts(con: duckdb.DuckDBPyConnection, parts: Iterable[tuple[str, dict]], path: Path,
                 schema: pa.Schema, group_rows: int | None = None) -> int:
    """_write_sorted for several queries, their rows one after the other in one file (each
    query sorts only its own part), with the warehouse files' bloom filters (BLOOM_FILTERS: an
    append's rewritten tables and year files are as the build's); returns the rows."""
    writer = RowGroupWriter(path, schema, group_rows or WRITE_GROUP_ROWS, WRITE_GROUP_BYTES,
                            blooms=BLOOM_FILTERS)
    for query, params in parts:
        for batch in con.sql(query, params=params).to_arrow_reader(STREAM_ROWS):
            writer.add(batch)
    return writer.close()


def _build_into(folder: Path, raw_root: Path, started: dt.datetime, only, processes: int, log,
                loaders: dict, stage: Callable[[str], None],
                embedded: prebuilt.Embedded | None = None,
                stager: Callable = _stage_postings,
                cache: tag_cache.TagCache | None = None) -> dict:
    tagger = Tagger.default()
    results: list[SourceResult] = []
    quarantine: list[Rejected] = []
    stage("read, normalise, tag")
    key_files = stager(folder, loaders, raw_root, started, only, processes, log, results,
                       quarantine)
    release_free_memory()
    staged = folder / "_staging" / "postings.parquet"
    if not sum(r.rows for r in results) and embedded is None:
        raise SystemExit(f"no postings found under {raw_root}: run `python -m etl sample` or "
                         "`python -m etl ingest SOURCE` first")
    stage("deduplicate")
    con = _duckdb(folder)
    first = first_seen_drops(con, staged)
    con.close()  # what DuckDB held for it is not kept beside the month pass's frames
    release_free_memory()
    (folder / DROPPED_KEYS).parent.mkdir()
    with RowGroupWriter(folder / DROPPED_KEYS, KEYS_SCHEMA) as dropped_keys:
        later = month_drops(key_files, first, dropped_keys)
    con = _duckdb(folder)
    dropped = pa.concat_tables([first.select(["row"]).cast(pa.schema([("row", pa.int64())])),
                                later.select("row").to_arrow().cast(
                                    pa.schema([("row", pa.int64())]))])
    con.register("dropped", dropped)
    dedup = _dedup_summary(first, later, results)
    release_free_memory()
    stage("write postings")
    cached_tags = _tags_from_cache(con, folder / "_staging", cache)
    embedded_rows = _register_embedded(con, embedded, started)
    live = "select * exclude (row) from read_parquet($p) anti join dropped using (row)"
    months = month_coverage(con, live, {"p": str(staged)})
    coverage = coverage_of(months)
    # the embedded postings no live one replaces (their ids: the parts below each take theirs)
    con.register("kept_ids", con.sql(f"""
        select posting_id from embedded_postings anti join ({live}) using (posting_id)""",
        params={"p": str(staged)}).arrow().read_all())
    parts = postings_parts(months, column_groups(staged, "posted_date"))
    with naming_table("postings"):
        n_postings = write_months_of(con, ((f"""
            with live as ({live} where posted_date between $a and $b),
                 kept as (select * from embedded_postings semi join kept_ids using (posting_id)
                          where posted_date between $a and $b)
            select *, date_trunc('month', posted_date)::date as _month
            from (select * from live union all by name select * from kept)
            order by posted_date, posting_id""", {"p": str(staged), "a": first, "b": last})
            for first, last in parts), folder / "postings", POSTINGS_SCHEMA, POSTINGS_GROUP_ROWS)
    tags = [str(folder / "_staging" / "technologies.parquet"), str(cached_tags)]
    with naming_table("posting_technologies"):
        n_techs = write_months_of(con, (("""
            with live as (select * from read_parquet($t) anti join dropped using (row)
                          where row between $low and $high)
            select t.*, m._month from (
                select * exclude (row) from live
                union all by name
                select * from embedded_techs semi join kept_ids using (posting_id)) t
            join (select posting_id, date_trunc('month', posted_date)::date as _month
                  from read_parquet($m)) m using (posting_id)
            order by _month, posting_id, technology_id""",
            {"t": tags, "low": low, "high": high, "m": files})
            for files, (low, high) in tag_parts(con, folder, staged, parts, tags)),
            folder / "posting_technologies", TECH_SCHEMA)
    embedded_info = None
    if embedded is not None:
        kept = n_postings - sum(c["postings"] for c in coverage.values())
        embedded_info = {**embedded.manifest, "postings_kept": kept,
                         "replaced_by_live": embedded_rows - kept}
        log(f"embedded history: {kept} postings ({embedded_rows - kept} replaced by raw sources)")
    cache_info = _write_tag_cache(con, folder, cache)
    con.close()
    shutil.rmtree(folder / "_staging")
    release_free_memory()
    stage("rollups and manifest")
    pq.write_table(technologies_table(tagger), folder / "technologies.parquet")
    pq.write_table(pa.Table.from_pylist([q.__dict__ for q in quarantine], schema=QUARANTINE_SCHEMA),
                   folder / "quarantine.parquet")
    counts = {"postings": n_postings, "posting_technologies": n_techs,
              "technologies": len(tagger.technologies), "quarantine": len(quarantine),
              **write_rollups(folder)}
    for result in results:
        counts.update(result.tables)
    manifest = _manifest(started, results, counts, dedup, tagger, coverage,
                         table_source(folder, "postings"))
    manifest["layout"] = LAYOUT_VERSION
    manifest["month_coverage"] = months
    if embedded_info is not None:
        manifest["sources"].append(prebuilt.source_entry(embedded_info))
        manifest["embedded"] = embedded_info
    manifest["tag_cache"] = cache_info
    manifest["raw_files"] = {r.name: raw_files(raw_root / r.name) for r in results}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    log(f"postings: {n_postings}, technology tags: {n_techs}, quarantined: {len(quarantine)}")
    return manifest


DROPPED_KEYS = Path("dedup") / "dropped_keys.parquet"


def raw_files(raw_dir: Path) -> dict[str, int]:
    """The files a source's raw folder holds (path within it: size), as the build found them."""
    if not raw_dir.is_dir():
        return {}
    return {p.relative_to(raw_dir).as_posix(): p.stat().st_size
            for p in sorted(raw_dir.rglob("*")) if p.is_file()}


def _ensure_hashes(staging: Path) -> None:
    """Text hashes of the staged postings, all tagged, when the stage wrote none (an engine
    that tags every posting, such as Spark's): read back a batch at a time."""
    path = staging / "hashes.parquet"
    if path.is_file():
        return
    source = pq.ParquetFile(staging / "postings.parquet")
    with pq.ParquetWriter(path, HASHES_SCHEMA) as writer:
        for batch in source.iter_batches(BATCH_ROWS,
                                         columns=["row", "posting_id", "title", "description"]):
            writer.write_batch(text_hashes(batch.to_pylist(), None))


def _tags_from_cache(con: duckdb.DuckDBPyConnection, staging: Path,
                     cache: tag_cache.TagCache | None) -> Path:
    """Staged tag rows (STAGED_TECH_SCHEMA) of the postings not tagged, from the tag cache."""
    _ensure_hashes(staging)
    path = staging / "technologies_cached.parquet"
    files = cache.tag_files() if cache is not None else []
    if not files:
        pq.write_table(STAGED_TECH_SCHEMA.empty_table(), path)
        return path
    _write_sorted(con, """
        select h.posting_id, c.* exclude (text_hash), h.row
        from (select * from read_parquet($h) where not tagged) h
        join read_parquet($c) c using (text_hash)""",
        {"h": str(staging / "hashes.parquet"), "c": files}, path, STAGED_TECH_SCHEMA)
    return path


def _write_tag_cache(con: duckdb.DuckDBPyConnection, folder: Path,
                     cache: tag_cache.TagCache | None) -> dict:
    """The new warehouse's tag cache (the old one's parts and the texts tagged now); its account.

    A text tagged twice in one build (the same posting in two sources) is cached once, with the
    tags of its first row.
    """
    cache = cache or tag_cache.TagCache(tag_cache.cache_key(Tagger.default().version))
    staging = folder / "_staging"
    params = {"h": str(staging / "hashes.parquet"), "t": str(staging / "technologies.parquet")}
    tagged, from_cache = con.sql(
        "select count(*) filter (where tagged), count(*) filter (where not tagged) "
        "from read_parquet($h)", params={"h": params["h"]}).fetchall()[0]
    firsts = """select text_hash, min(row) as row from read_parquet($h) where tagged
                group by text_hash"""

    def texts(path: Path, schema: pa.Schema) -> int:
        return _write_sorted(con, f"select text_hash from ({firsts})", {"h": params["h"]}, path,
                             schema)

    def tags(path: Path, schema: pa.Schema) -> int:
        return _write_sorted(con, f"""
            select f.text_hash, t.* exclude (posting_id, row)
            from ({firsts}) f join read_parquet($t) t using (row)""", params, path, schema)

    index = tag_cache.write_cache(cache, folder, texts, tags)
    return {**cache.summary(tagged or 0, from_cache or 0), "texts_cached": index["texts"]}


def _dedup_summary(first: pa.Table, later: pl.DataFrame, results: list[SourceResult]) -> dict:
    """Duplicates removed per source: same id across snapshots plus cross-posting duplicates."""
    summary = {r.name: {"same_id": 0, "near_or_cross": 0} for r in results
               if r.kind == "postings"}
    for source, n in pl.from_arrow(first).group_by("source").len().iter_rows():
        summary.setdefault(source, {"same_id": 0, "near_or_cross": 0})["same_id"] = n
    for source, n in later.group_by("source").len().iter_rows():
        summary.setdefault(source, {"same_id": 0, "near_or_cross": 0})["near_or_cross"] = n
    return summary


def _register_embedded(con: duckdb.DuckDBPyConnection, embedded: prebuilt.Embedded | None,
                       started: dt.datetime) -> int:
    """Make the embedded postings and tags tables of the connection (empty without); their rows."""
    if embedded is None:
        postings, techs = POSTINGS_SCHEMA.empty_table(), TECH_SCHEMA.empty_table()
    else:
        postings = prebuilt.as_postings(embedded.postings, started).to_arrow().cast(
            POSTINGS_SCHEMA)
        techs = embedded.technologies.select(TECH_SCHEMA.names).cast(TECH_SCHEMA)
    con.register("embedded_postings", postings)
    con.register("embedded_techs", techs)
    return postings.num_rows


# Writing the postings a part at a time reads the staged row groups each part's dates overlap;
# when that would read the staged file more than this many times over (its postings are not in
# date order), one query sorts them all instead (postings_parts).
PART_READS_MAX = 2.0


def column_groups(path: Path, column: str) -> list[tuple[Any, Any, int]] | None:
    """(smallest, largest value of ``column``, rows) of each row group of a Parquet file, from
    its statistics; None when a row group has none."""
    meta = pq.ParquetFile(path).metadata
    at = meta.schema.names.index(column)
    groups = []
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        if not group.num_rows:
            continue
        stats = group.column(at).statistics
        if stats is None or not stats.has_min_max:
            return None
        groups.append((stats.min, stats.max, group.num_rows))
    return groups


def reads_too_much(ranges: list[tuple[Any, Any]], groups: list[tuple[Any, Any, int]] | None
                   ) -> bool:
    """Whether a query per range would read a file whose row groups are ``groups``
    (column_groups; None: unknown) more than PART_READS_MAX times over: each reads every row
    group its range overlaps."""
    if groups is None:
        return True
    read = sum(rows for first, last in ranges for low, high, rows in groups
               if low <= last and high >= first)
    return read > PART_READS_MAX * sum(rows for _, _, rows in groups)


def postings_parts(months: list[list], groups: list[tuple[dt.date, dt.date, int]] | None,
                   limit: int | None = None) -> list[tuple[dt.date, dt.date]]:
    """The date ranges the postings are written in, a sorted query each: consecutive whole
    months of up to ``limit`` (PART_ROWS) postings, live and embedded (``months``:
    month_coverage's rows; a larger month is a part alone), so that each part sorts within
    DuckDB's memory where one sort of every posting with its text spilled it all to disk (at 1M
    postings 8.4 s against 3.3 s unspilled). One range over every date when the staged file's
    row groups (``groups``: column_groups of posted_date) are unknown, or would be read more than
    PART_READS_MAX times over (a part reads the row groups its dates overlap)."""
    whole = [(dt.date.min, dt.date.max)]
    per_month: dict[str, int] = {}
    for month, _, _, n, _, _ in months:
        per_month[month] = per_month.get(month, 0) + n
    order = sorted(per_month)
    ranges = []
    for run in consecutive_runs([per_month[m] for m in order],
                                PART_ROWS if limit is None else limit):
        first = dt.date.fromisoformat(f"{order[run[0]]}-01")
        after = dt.date.fromisoformat(f"{order[run[-1]]}-01") + dt.timedelta(days=31)
        ranges.append((first, after.replace(day=1) - dt.timedelta(days=1)))
    if len(ranges) < 2 or reads_too_much(ranges, groups):
        return whole
    return ranges


def tag_parts(con: duckdb.DuckDBPyConnection, folder: Path, staged: Path,
              parts: list[tuple[dt.date, dt.date]], tags: list[str]
              ) -> list[tuple[list[str], tuple[int, int]]]:
    """The parts the tags are written in, as the postings were (postings_parts): each part's
    postings month files, which give its tags their months, and the range of staged row numbers
    of its live postings, which takes its rows of the staged tag files (``tags``: their row
    groups follow the row numbers when the postings were staged in date order). One part of
    every month file and row when the postings were written in one part, or when the tag files'
    row groups would be read more than PART_READS_MAX times over (tags from the tag cache are
    not in row order)."""
    whole = [([table_source(folder, "postings")], (-(1 << 62), 1 << 62))]
    if len(parts) < 2:
        return whole
    ranges = [con.sql("select coalesce(min(row), 1), coalesce(max(row), 0) from read_parquet($p) "
                      "where posted_date between $a and $b",
                      params={"p": str(staged), "a": first, "b": last}).fetchall()[0]
              for first, last in parts]
    if any(reads_too_much(ranges, column_groups(Path(path), "row")) for path in tags):
        return whole
    months = month_files(folder, "postings")
    chosen = [([str(f) for m, f in months.items() if first <= dt.date.fromisoformat(f"{m}-01")
                <= last], rows) for (first, last), rows in zip(parts, ranges, strict=True)]
    return [(files, rows) for files, rows in chosen if files]


def month_coverage(con: duckdb.DuckDBPyConnection, live: str, params: dict) -> list[list]:
    """Each month's postings per source, live and embedded apart, with their first and last
    days: the manifest's ``month_coverage`` rows ``[YYYY-MM, source, embedded, n, first, last]``
    (an append recounts only the months it touches); ``live`` the live postings' query."""
    return [[m, s, e, n, str(lo), str(hi)] for m, s, e, n, lo, hi in con.sql(f"""
        with live as ({live})
        select strftime(posted_date, '%Y-%m'), source, false, count(*), min(posted_date),
               max(posted_date) from live group by all
        union all
        select strftime(posted_date, '%Y-%m'), source, true, count(*), min(posted_date),
               max(posted_date)
        from (select posted_date, source from embedded_postings anti join live using (posting_id))
        group by all order by 1, 2, 3""", params=params).fetchall()]


def coverage_of(months: list[list]) -> dict:
    """Each source's live postings and first and last days, from the month coverage rows."""
    out: dict[str, dict] = {}
    for _, source, embedded, n, lo, hi in months:
        if embedded:
            continue
        cov = out.setdefault(source, {"postings": 0, "first": lo, "last": hi})
        cov["postings"] += n
        cov["first"], cov["last"] = min(cov["first"], lo), max(cov["last"], hi)
    return {s: {**c, "first": dt.date.fromisoformat(c["first"]),
                "last": dt.date.fromisoformat(c["last"])} for s, c in out.items()}


def _manifest(started, results, counts, dedup, tagger, coverage: dict, postings: str) -> dict:
    con = duckdb.connect()
    date_range = list(con.sql("select min(posted_date), max(posted_date) from read_parquet($p)",
                              params={"p": postings}).fetchall()[0])
    con.close()
    sources = []
    for r in results:
        cov = coverage.get(r.name, {})
        seen = r.rows
        removed = dedup.get(r.name, {})
        sources.append({
            "name": r.name, "title": r.title, "kind": r.kind, "licence": r.licence,
            "rows_read": seen, "rejected": r.rejected, "postings": cov.get("postings", 0),
            "first_date": cov.get("first"), "last_date": cov.get("last"),
            "duplicates_same_id": removed.get("same_id", 0),
            "duplicates_near_or_cross": removed.get("near_or_cross", 0),
            "dedup_rate": round((removed.get("same_id", 0) + removed.get("near_or_cross", 0))
                                / seen, 4) if seen else 0.0,
            "tables": r.tables,
        })
    posting_sources = {r.name for r in results if r.kind == "postings"}
    return {
        "built_at": started.isoformat(),
        "taxonomy_version": tagger.version,
        "sample_only": posting_sources == {"sample"},
        "sources": sources,
        "row_counts": counts,
        "date_range": date_range,
    }
