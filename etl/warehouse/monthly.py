"""Writing a table as month files (etl/warehouse/schema.py: MONTHLY_TABLES, the layout).

A query whose rows carry a ``_month`` column (any value of the month: a date or ``YYYY-MM``)
and are ordered by it first is streamed into one Parquet file per month, ``_month`` dropped,
each file in the query's order, so every month file is sorted as the single table file was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl.warehouse.schema import EMPTY_MONTH_FILE

STREAM_ROWS = 8192
GROUP_ROWS = 100_000
GROUP_BYTES = 128 << 20


def _stem(value) -> str:
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    return str(value)[:7]


class RowGroupWriter:
    """One Parquet file written a row group at a time: rows are held until they make
    ``group_rows`` rows or ``group_bytes`` of Arrow data, then written, so what Python holds
    does not grow with the table (the build's single files and each month file alike)."""

    def __init__(self, path: Path, schema: pa.Schema, group_rows: int = GROUP_ROWS,
                 group_bytes: int = GROUP_BYTES, compression: str = "snappy"):
        self.schema, self.group_rows, self.group_bytes = schema, group_rows, group_bytes
        self.writer = pq.ParquetWriter(path, schema, compression=compression)
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
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.writer.write_table(pa.concat_tables(self.pending), row_group_size=self.group_rows)
            self.pending.clear()
        self.size = self.count = 0

    def close(self) -> int:
        """Write what is held and close the file; the rows written."""
        self._flush()
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
    """Writes Arrow tables (ordered by ``_month``) into ``<folder>/YYYY-MM.parquet`` files."""

    def __init__(self, folder: Path, schema: pa.Schema, group_rows: int = GROUP_ROWS,
                 compression: str = "snappy"):
        self.folder, self.schema, self.group_rows = folder, schema, group_rows
        self.compression = compression
        self.month: str | None = None
        self.file: RowGroupWriter | None = None
        self.rows = 0
        self.written: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)

    def write(self, table: pa.Table) -> None:
        """Add rows (ordered by ``_month``, continuing the previous call's order)."""
        months = table.column("_month")
        start = 0
        while start < table.num_rows:
            stem = _stem(months[start].as_py())
            if stem != self.month:
                self._close()
                self.month = stem
                self.written.append(stem)
                self.file = RowGroupWriter(self.folder / f"{stem}.parquet", self.schema,
                                           self.group_rows, compression=self.compression)
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
    reader = con.sql(query, params=params).to_arrow_reader(STREAM_ROWS)
    schema = schema or pa.schema([f for f in reader.schema if f.name != "_month"])
    writer = MonthWriter(folder, schema, group_rows, compression)
    for batch in reader:
        writer.write(pa.Table.from_batches([batch]))
    return writer.close()
