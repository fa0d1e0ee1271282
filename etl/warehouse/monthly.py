"""Writing a table as month files (etl/warehouse/schema.py: MONTHLY_TABLES, the layout).

A query whose rows carry a ``_month`` column (any value of the month: a date or ``YYYY-MM``)
and are ordered by it first is streamed into one Parquet file per month, ``_month`` dropped,
each file in the query's order, so every month file is sorted as the single table file was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl.warehouse.schema import EMPTY_MONTH_FILE, month_files, table_files, table_source

STREAM_ROWS = 8192
GROUP_ROWS = 100_000
GROUP_BYTES = 128 << 20
# Rows (of the first table: the postings) a part of a query made a part at a time holds at most
# (month_parts): about one month at 10 million postings, where one query over every month spilled
# gigabytes; a small warehouse is one part, since every part costs each query's fixed overhead
# (at 60k postings a month per part made the rollups 5x slower).
PART_ROWS = 100_000
# Parquet bloom filters written in every month and year file, by column (when the table has
# it): DuckDB writes one for each dictionary-encoded column of the files it writes itself,
# pyarrow only when asked. With them a query naming a few technologies skips the row groups
# that lack them though their min/max span them: salary_technologies' narrow pay rows (US,
# senior, 12 months, four languages) at 10M read 42 of 592 row groups instead of 221,
# 16 ms instead of 42 (docs/scale.md).
BLOOM_FILTERS = {"technology_id": {"ndv": 512, "fpp": 0.01}}


def _stem(value) -> str:
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    return str(value)[:7]


@contextlib.contextmanager
def naming_table(name: str) -> Iterator[None]:
    """While a table is written: a DuckDB error names it, keeping its type (an out-of-memory
    error names only the operator that ran out, not the table the query was for)."""
    try:
        yield
    except duckdb.Error as err:
        raise type(err)(f"writing the table {name}: {err}") from err


class RowGroupWriter:
    """One Parquet file written a row group at a time: rows are held until they make
    ``group_rows`` rows or ``group_bytes`` of Arrow data, then written, so what Python holds
    does not grow with the table (the build's single files and each month file alike)."""

    def __init__(self, path: Path, schema: pa.Schema, group_rows: int = GROUP_ROWS,
                 group_bytes: int = GROUP_BYTES, compression: str = "snappy",
                 blooms: dict[str, dict] | None = None):
        self.schema, self.group_rows, self.group_bytes = schema, group_rows, group_bytes
        blooms = {c: o for c, o in (blooms or {}).items() if c in schema.names}
        self.writer = pq.ParquetWriter(path, schema, compression=compression,
                                       bloom_filter_options=blooms or None)
        self.pending: list[pa.Table] = []
        self.size = self.count = self.rows = 0

    def add(self, rows: pa.Table | pa.RecordBatch) -> None:
        """Add rows (cast to the file's schema), writing a row group once enough are held."""
        table = pa.Table.from_batches([rows]) if isinstance(rows, pa.RecordBatch) else rows
        part = table.select(self.schema.names).cast(self.schema)
        self.pending.append(part)
        self.size, self.count = self.size + part.nbytes, self.count + part.num_rows
        self.rows += part.num_rows
        if self.count >= self.group_rows or self.size >= self.group_bytes:
            self.flush()

    @property
    def held(self) -> int:
        """Rows added and not yet written."""
        return self.count

    def flush(self) -> None:
        """Write the rows held as row groups now."""
        if self.pending:
            self.writer.write_table(pa.concat_tables(self.pending), row_group_size=self.group_rows)
            self.pending.clear()
        self.size = self.count = 0

    def close(self) -> int:
        """Write what is held and close the file; the rows written."""
        self.flush()
        self.writer.close()
        return self.rows

    def __enter__(self) -> RowGroupWriter:
        return self

    def __exit__(self, kind, *exc) -> None:
        if kind is None:
            self.close()
        else:  # a failed build's folder is discarded: close the file, write nothing more
            self.writer.close()


class MonthWriter:
    """Writes Arrow rows (ordered by ``_month``) into ``<folder>/YYYY-MM.parquet`` files."""

    def __init__(self, folder: Path, schema: pa.Schema, group_rows: int = GROUP_ROWS,
                 compression: str = "snappy"):
        self.folder, self.schema, self.group_rows = folder, schema, group_rows
        self.compression = compression
        self.month: str | None = None
        self.file: RowGroupWriter | None = None
        self.rows = 0
        self.written: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, rows: pa.Table | pa.RecordBatch) -> None:
        """Add rows (ordered by ``_month``, continuing the previous call's order), as
        RowGroupWriter.add does for a single file."""
        table = pa.Table.from_batches([rows]) if isinstance(rows, pa.RecordBatch) else rows
        months = table.column("_month")
        start = 0
        while start < table.num_rows:
            stem = _stem(months[start].as_py())
            if stem != self.month:
                self._close()
                self.month = stem
                self.written.append(stem)
                self.file = RowGroupWriter(self.folder / f"{stem}.parquet", self.schema,
                                           self.group_rows, compression=self.compression,
                                           blooms=BLOOM_FILTERS)
            same = pc.equal(months.slice(start), months[start])
            run = pc.index(same, False).as_py()
            end = table.num_rows if run < 0 else start + run
            self.file.add(table.slice(start, end - start))
            start = end

    def _close(self) -> None:
        if self.file is not None:
            self.rows += self.file.close()
            self.file = None

    def close(self) -> int:
        """Finish the last month (an empty table gets one empty file); the rows written."""
        self._close()
        if not self.written and not (self.folder / EMPTY_MONTH_FILE).exists():
            pq.write_table(self.schema.empty_table(), self.folder / EMPTY_MONTH_FILE)
        return self.rows


def write_months(con: duckdb.DuckDBPyConnection, query: str, params: dict, folder: Path,
                 schema: pa.Schema | None = None, group_rows: int = GROUP_ROWS,
                 compression: str = "snappy") -> int:
    """Stream a DuckDB query ordered by ``_month`` into month files; returns the rows."""
    return write_months_of(con, [(query, params)], folder, schema, group_rows, compression)


def write_months_of(con: duckdb.DuckDBPyConnection, queries: Iterable[tuple[str, dict]],
                    folder: Path, schema: pa.Schema | None = None, group_rows: int = GROUP_ROWS,
                    compression: str = "snappy") -> int:
    """write_months for several queries, their rows one after the other (each ordered by
    ``_month``, the months of one after those of the one before); returns the rows."""
    writer: MonthWriter | None = None
    for query, params in queries:
        reader = con.sql(query, params=params).to_arrow_reader(STREAM_ROWS)
        if writer is None:
            writer = MonthWriter(folder, schema or pa.schema(
                [f for f in reader.schema if f.name != "_month"]), group_rows, compression)
        for batch in reader:
            writer.add(batch)
    if writer is None:
        raise ValueError("write_months_of needs at least one query")
    return writer.close()


def month_parts(folder: Path, tables: tuple[str, ...], stand_ins: Path,
                part_rows: int | None = None) -> list[dict[str, list[str]]]:
    """The files of each table (by table name) for each part of a query made a part at a time
    (write_by_month): consecutive months, in month order, joined into one part while the first
    table's rows in it stay within ``part_rows`` (PART_ROWS; a larger month is a part alone), so
    a small warehouse is one part and a large one a month per part. The months are the first
    table's; a month another table lacks gets an empty file of that table's schema (written in
    ``stand_ins``). A warehouse whose tables are single files, or that holds no month yet, is
    one part: the whole tables."""
    limit = PART_ROWS if part_rows is None else part_rows
    months = month_files(folder, tables[0])
    if not months or not all((folder / t).is_dir() for t in tables):
        return [{t: [table_source(folder, t)] for t in tables}]
    files = {t: month_files(folder, t) for t in tables}
    for month in months:
        for table in tables:
            if month not in files[table]:
                empty = stand_ins / f"{table}.parquet"
                if not empty.exists():
                    stand_ins.mkdir(parents=True, exist_ok=True)
                    pq.write_table(pq.read_schema(table_files(folder, table)[0]).empty_table(),
                                   empty)
                files[table][month] = empty
    order = list(months)
    rows = [pq.read_metadata(files[tables[0]][month]).num_rows for month in order]
    return [{table: [str(files[table][order[i]]) for i in run] for table in tables}
            for run in consecutive_runs(rows, limit)]


def consecutive_runs(sizes: list[int], limit: int) -> list[list[int]]:
    """The indices of ``sizes`` in runs of consecutive items, each run growing while its sizes
    add up to at most ``limit`` (an item larger than limit is a run alone): how whole months
    are joined into the parts of a query made a part at a time."""
    runs: list[list[int]] = []
    held = 0
    for i, size in enumerate(sizes):
        if runs and held + size <= limit:
            runs[-1].append(i)
            held += size
        else:
            runs.append([i])
            held = size
    return runs


def sql_quoted(path: Path | str) -> str:
    """A path as the inside of a SQL string literal (quotes doubled)."""
    return str(path).replace("'", "''")


def views_of(con: duckdb.DuckDBPyConnection, part: dict[str, str | list[str]]) -> None:
    """Name each table's files as a view (``postings`` reads the part's postings, and so on):
    a file, a glob, or a list of them per table."""
    for table, source in part.items():
        files = [source] if isinstance(source, str) else source
        listing = ", ".join(f"'{sql_quoted(f)}'" for f in files)
        con.sql(f"create or replace view {table} as select * from read_parquet([{listing}])")


def write_by_month(con: duckdb.DuckDBPyConnection, query: str,
                   parts: list[dict[str, list[str]]],
                   path: Path, monthly: bool = False, group_rows: int = GROUP_ROWS,
                   group_bytes: int = GROUP_BYTES, compression: str = "snappy") -> int:
    """Stream a query over the tables by name, run on each part in turn (month_parts: the
    tables' views point at that month's files), into one Parquet file, or into month files
    (``monthly``: the query gives ``_month``); returns the rows. A query grouped by month gives
    the rows it would give over the whole tables, and DuckDB holds one month's rows at a time.
    The views are left pointing at the last part."""
    writer: MonthWriter | RowGroupWriter | None = None
    for part in parts:
        views_of(con, part)
        reader = con.sql(query).to_arrow_reader(STREAM_ROWS)
        if writer is None and monthly:
            writer = MonthWriter(path, pa.schema([f for f in reader.schema if f.name != "_month"]),
                                 group_rows, compression)
        elif writer is None:
            writer = RowGroupWriter(path, reader.schema, group_rows, group_bytes, compression)
        for batch in reader:
            writer.add(batch)
    return writer.close()
