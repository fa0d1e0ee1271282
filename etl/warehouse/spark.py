"""The Spark engine: the build's per-batch function run by PySpark's ``mapInArrow``.

``python -m etl build --engine spark`` replaces the first stage of the build (read, normalise,
tag; ``_stage_postings`` in build.py) and nothing else:

1. The driver reads every source's raw files with the source's own reader into staging rows
   (``staging_batches``, numbered as in-process) and writes them to staging Parquet, one file
   per source, ``BATCH_ROWS`` rows per row group.
2. Spark reads that Parquet and runs ``process_batch`` (the same pure function the in-process
   engine runs: normalise, parse pay, tag, dedup keys) over it with ``mapInArrow``, one output
   row per posting, technology tag, dedup key or refused row, each kind in its own struct
   column, and writes the result as Parquet partitioned by kind.
3. DuckDB reads Spark's Parquet back, in build row order, into the same staging files the
   in-process engine writes; deduplication, the sorted warehouse tables, rollups and manifest
   are then the shared code of build.py, so both engines write the same warehouse.

Spark has no unsigned integers: the 64-bit fingerprint and band keys travel as int64 (the same
bits) and the 32-bit sketch hashes as int64, and come back to their own types on the way out.
Without a master given (``spark-submit --master ...`` or ``SPARK_MASTER``) the session is
``local[2]`` bound to 127.0.0.1 with no UI, so a build never opens a port beyond loopback.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from etl.sources.base import Rejected
from etl.warehouse.build import (
    BATCH_ROWS,
    KEYS_SCHEMA,
    STAGED_POSTINGS_SCHEMA,
    STAGED_TECH_SCHEMA,
    STAGING_SCHEMA,
    MonthFiles,
    SourceResult,
    _duckdb,
    _write_sorted,
    process_batch,
    staging_batches,
)

SOURCE_COLUMN = "_source"
INPUT_SCHEMA = STAGING_SCHEMA.append(pa.field(SOURCE_COLUMN, pa.string()))
REJECTED_SCHEMA = pa.schema([(name, pa.string()) for name in
                             ("source", "file", "row", "reason", "raw")])
# The keys as Spark can hold them: unsigned integers widened or reinterpreted as int64.
SPARK_KEYS_SCHEMA = pa.schema(
    [pa.field("fingerprint", pa.int64()) if f.name == "fingerprint"
     else pa.field("bands", pa.list_(pa.int64())) if f.name == "bands"
     else pa.field("sketch", pa.list_(pa.int64())) if f.name == "sketch"
     else f for f in KEYS_SCHEMA])
KINDS = {"posting": STAGED_POSTINGS_SCHEMA, "tech": STAGED_TECH_SCHEMA,
         "key": SPARK_KEYS_SCHEMA, "rejected": REJECTED_SCHEMA}
# Loopback only, no UI, session time zone UTC (timestamps cross the JVM unchanged), Arrow batches
# of the in-process batch size, small input splits so both cores get work on a small input.
LOCAL_CONF = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.maxRecordsPerBatch": str(BATCH_ROWS),
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.files.maxPartitionBytes": "8m",
    "spark.sql.shuffle.partitions": "4",
}


def spark_session(master: str | None = None):
    """A Spark session: the one spark-submit set up, else local[2] on 127.0.0.1 with no UI."""
    if importlib.util.find_spec("pyspark") is None:  # the optional `spark` extra
        raise SystemExit("the Spark engine needs pyspark and Java: `make spark` installs both "
                         "(pip install -e '.[spark]' and Debian's openjdk-17-jre-headless)")
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    # pyspark warns about pandas 3 on every mapInArrow; this engine hands pandas nothing.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    conf = SparkConf()
    builder = SparkSession.builder.appName("hiring-radar-build")
    master = master or os.environ.get("SPARK_MASTER")
    if master or not conf.contains("spark.master"):
        builder = builder.master(master or "local[2]")
        for key, value in LOCAL_CONF.items():
            builder = builder.config(key, value)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # never an outside interface
    for key, value in SESSION_CONF.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_schema():
    """The Spark schema of mapInArrow's output: a kind and one struct column per kind."""
    from pyspark.sql.pandas.types import from_arrow_schema
    from pyspark.sql.types import StringType, StructField, StructType

    fields = [StructField("kind", StringType(), False)]
    for kind, schema in KINDS.items():
        nullable = pa.schema([f.with_nullable(True) for f in schema])
        fields.append(StructField(kind, from_arrow_schema(nullable), True))
    return StructType(fields)


def to_spark_keys(keys: pa.RecordBatch) -> pa.RecordBatch:
    """Keys with the unsigned columns as int64 (fingerprint and bands: the same 64 bits)."""
    columns = []
    for f in SPARK_KEYS_SCHEMA:
        column = keys.column(f.name)
        columns.append(pc.cast(column, f.type, safe=f.name == "sketch"))
    return pa.RecordBatch.from_arrays(columns, schema=SPARK_KEYS_SCHEMA)


def from_spark_keys(keys: pa.Table) -> pa.Table:
    """Keys back in KEYS_SCHEMA from their Spark form (the inverse of to_spark_keys)."""
    columns = [pc.cast(keys.column(f.name), f.type, safe=f.name == "sketch")
               for f in KEYS_SCHEMA]
    return pa.Table.from_arrays(columns, schema=KEYS_SCHEMA)


def rejected_batch(rejected: list[Rejected]) -> pa.RecordBatch:
    """Refused rows as an Arrow batch (source, file, row, reason, raw)."""
    return pa.RecordBatch.from_pylist([r.__dict__ for r in rejected], schema=REJECTED_SCHEMA)


def kind_batch(kind: str, batch: pa.RecordBatch, out_schema: pa.Schema) -> pa.RecordBatch:
    """One kind's rows in the output schema: its struct column filled, the others null."""
    n = batch.num_rows
    arrays = []
    for f in out_schema:
        if f.name == "kind":
            arrays.append(pa.array([kind] * n, pa.string()))
        elif f.name == kind:
            arrays.append(pa.StructArray.from_arrays(
                [batch.column(c.name).cast(c.type) for c in f.type], fields=list(f.type)))
        else:
            arrays.append(pa.nulls(n, f.type))
    return pa.RecordBatch.from_arrays(arrays, schema=out_schema)


def processed_rows(batches: Iterator[pa.RecordBatch], ingested_at: dt.datetime,
                   out_schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """mapInArrow's function: process_batch over each source's rows of each incoming batch."""
    for batch in batches:
        table = pa.Table.from_batches([batch]).select(INPUT_SCHEMA.names)
        for source in pc.unique(table[SOURCE_COLUMN]).to_pylist():
            part = table.filter(pc.equal(table[SOURCE_COLUMN], source))
            staging = part.drop_columns([SOURCE_COLUMN]).cast(STAGING_SCHEMA).combine_chunks()
            done = process_batch(staging.to_batches()[0], source, ingested_at)
            for kind, rows in (("posting", done.postings), ("tech", done.technologies),
                               ("key", to_spark_keys(done.keys)),
                               ("rejected", rejected_batch(done.rejected))):
                if rows.num_rows:
                    yield kind_batch(kind, rows, out_schema)


def write_staging_input(folder: Path, loaders: dict, raw_root: Path, started: dt.datetime,
                        only, log, results: list[SourceResult],
                        quarantine: list[Rejected]) -> tuple[Path, dict[str, list[Rejected]]]:
    """Every postings source's staging rows as Parquet (one file per source) for Spark to read.

    Table sources (survey, Indeed index) are written to the build folder as in-process. Returns
    the input folder and each source's rows refused while reading.
    """
    input_dir = folder / "_staging" / "spark-input"
    input_dir.mkdir(parents=True)
    chosen = set(only) if only else None
    seq = 0
    read_rejected: dict[str, list[Rejected]] = {}
    for name, source in loaders.items():
        raw_dir = raw_root / name
        if (chosen and name not in chosen) or not raw_dir.is_dir():
            continue
        result = SourceResult(name, source.title, source.kind, getattr(source, "licence", ""))
        results.append(result)
        if source.kind != "postings":
            tables, rejected = source.tables(raw_dir)
            for table_name, table in tables.items():
                pq.write_table(table, folder / f"{table_name}.parquet")
                result.tables[table_name] = table.num_rows
            result.rejected = len(rejected)
            quarantine.extend(rejected)
            log(f"{name}: tables {result.tables}, {result.rejected} rejected")
            continue
        rejected = read_rejected.setdefault(name, [])
        with pq.ParquetWriter(input_dir / f"{len(results):03d}-{name}.parquet",
                              INPUT_SCHEMA) as writer:
            for batch in staging_batches(source, raw_dir, started, seq, rejected):
                writer.write_batch(pa.RecordBatch.from_arrays(
                    [*batch.columns, pa.array([name] * batch.num_rows, pa.string())],
                    schema=INPUT_SCHEMA), row_group_size=BATCH_ROWS)
                seq += batch.num_rows
    return input_dir, read_rejected


def run_spark(session, input_uri: str, output_uri: str, ingested_at: dt.datetime) -> None:
    """Spark reads the staging input, maps process_batch over it and writes Parquet by kind."""
    from pyspark.sql.pandas.types import to_arrow_schema

    schema = spark_schema()
    out_schema = to_arrow_schema(schema, timezone="UTC")

    def mapped(batches):
        return processed_rows(batches, ingested_at, out_schema)

    frame = session.read.parquet(input_uri)
    (frame.mapInArrow(mapped, schema).write.mode("overwrite").partitionBy("kind")
     .parquet(output_uri))


def read_back(folder: Path, output_dir: Path, results: list[SourceResult],
              read_rejected: dict[str, list[Rejected]], quarantine: list[Rejected],
              log) -> list[Path]:
    """Spark's output into the in-process staging files, in build row order; the key files."""
    staging = folder / "_staging"
    con = _duckdb(folder)
    con.execute("set preserve_insertion_order = true")

    def parts(kind: str) -> str:
        files = sorted((output_dir / f"kind={kind}").glob("*.parquet"))
        return str(output_dir / f"kind={kind}" / "*.parquet") if files else ""

    def query(kind: str, order: str) -> str:
        if not parts(kind):
            schema = pa.schema([f.with_nullable(True) for f in KINDS[kind]])
            con.register(f"empty_{kind}", schema.empty_table())
            return f"select * from empty_{kind}"
        return (f"select {kind}.* from read_parquet($p, hive_partitioning = false) "
                f"order by {order}")

    def params(kind: str) -> dict:
        return {"p": parts(kind)} if parts(kind) else {}

    _write_sorted(con, query("posting", "posting.row"), params("posting"),
                  staging / "postings.parquet", STAGED_POSTINGS_SCHEMA)
    _write_sorted(con, query("tech", "tech.row, tech.technology_id"), params("tech"),
                  staging / "technologies.parquet", STAGED_TECH_SCHEMA)
    months = MonthFiles(staging / "keys")
    for batch in con.sql(query("key", "key.row"), params=params("key")).arrow():
        table = from_spark_keys(pa.Table.from_batches([batch]))
        for part in table.to_batches():
            months.write(part)
    refused = con.sql(query("rejected", "rejected.source, rejected.file, rejected.row"),
                      params=params("rejected")).arrow().read_all().to_pylist()
    counts = dict(con.sql(f"select source, count(*) from ({query('posting', 'posting.row')}) "
                          "group by source", params=params("posting")).fetchall())
    con.close()
    by_source: dict[str, list[Rejected]] = {}
    for item in refused:
        by_source.setdefault(item["source"], []).append(Rejected(**item))
    for result in results:
        if result.kind != "postings":
            continue
        rejected = read_rejected.get(result.name, []) + by_source.get(result.name, [])
        result.rows = counts.get(result.name, 0)
        result.rejected = len(rejected)
        quarantine.extend(rejected)
        log(f"{result.name}: {result.rows} rows, {result.rejected} rejected (Spark)")
    return months.close()


def _active_session():
    from pyspark.sql import SparkSession
    return SparkSession.getActiveSession()


class SparkStager:
    """The build's first stage on Spark (see the module docstring); build.py calls it.

    ``staging``: a folder or URI that the driver and every executor reach (on a cluster, e.g.
    ``s3://bucket/tmp/radar``; Spark is given it as ``s3a://``). The staging input is uploaded
    there, Spark reads and writes there, and its output is copied back, then deleted. Without
    it Spark reads and writes the build folder itself, which only a local master can see.
    """

    def __init__(self, session=None, master: str | None = None, staging: str | None = None):
        self.session, self.master, self.staging = session, master, staging

    def __call__(self, folder: Path, loaders: dict, raw_root: Path, started: dt.datetime, only,
                 processes: int, log, results: list[SourceResult],
                 quarantine: list[Rejected]) -> list[Path]:
        """Stage every source through Spark; returns the dedup key files, one per month."""
        clock = time.perf_counter()
        input_dir, read_rejected = write_staging_input(folder, loaders, raw_root, started, only,
                                                       log, results, quarantine)
        log(f"spark: staging input written in {time.perf_counter() - clock:.1f} s")
        output_dir = folder / "_staging" / "spark-output"
        session = self.session
        owned = session is None and not _active_session()
        session = session or spark_session(self.master)
        try:
            if any(input_dir.iterdir()):
                clock = time.perf_counter()
                self._run(session, input_dir, output_dir, folder.name.lstrip("."), started)
                log(f"spark: mapInArrow job in {time.perf_counter() - clock:.1f} s")
        finally:
            if owned:
                session.stop()
        clock = time.perf_counter()
        key_files = read_back(folder, output_dir, results, read_rejected, quarantine, log)
        log(f"spark: output read back in {time.perf_counter() - clock:.1f} s")
        return key_files

    def _run(self, session, input_dir: Path, output_dir: Path, name: str,
             started: dt.datetime) -> None:
        if self.staging is None:
            run_spark(session, input_dir.resolve().as_uri(), output_dir.resolve().as_uri(),
                      started)
            return
        fs, base = shared_location(self.staging)
        work = f"{base}/{name}"
        local = pafs.LocalFileSystem()
        try:
            fs.create_dir(f"{work}/input")
            pafs.copy_files(str(input_dir), f"{work}/input", source_filesystem=local,
                            destination_filesystem=fs)
            spark_work = f"{spark_uri(self.staging)}/{name}"
            run_spark(session, f"{spark_work}/input", f"{spark_work}/output", started)
            output_dir.mkdir(parents=True, exist_ok=True)
            pafs.copy_files(f"{work}/output", str(output_dir), source_filesystem=fs,
                            destination_filesystem=local)
        finally:
            if fs.get_file_info(work).type == pafs.FileType.Directory:
                fs.delete_dir(work)


def shared_location(staging: str) -> tuple[pafs.FileSystem, str]:
    """The pyarrow filesystem and path of a staging folder or URI."""
    if "://" in staging:
        return pafs.FileSystem.from_uri(staging.rstrip("/"))
    path = Path(staging).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return pafs.LocalFileSystem(), str(path)


def spark_uri(staging: str) -> str:
    """The same location as Spark's Hadoop filesystems name it (s3:// is s3a://, a path file://)."""
    if staging.startswith("s3://"):
        return "s3a://" + staging[len("s3://"):].rstrip("/")
    if "://" in staging:
        return staging.rstrip("/")
    return Path(staging).resolve().as_uri()


__all__ = ["SparkStager", "spark_session"]
