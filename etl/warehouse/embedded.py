"""The embedded real history: HN postings our own pipeline built from the open archive, shipped.

``data/embedded/`` holds what a build of the archive produced, without the posting text (it
belongs to its authors): ``postings.parquet`` (every posting column but ``description`` and
``ingested_at``), ``posting_technologies.parquet`` (the technologies with the words and rule that
matched) and ``manifest.json`` (where it comes from, months, counts, the taxonomy version that
tagged it). The build reads it as a source whose rows are already tagged; its posting ids are
those the live ``hn`` source gives the same HN item, so a posting ingested live replaces its
embedded copy instead of counting twice.

``python -m etl embed --archive ../shared/data/hn_archive`` rebuilds it (``make embedded``):
ingest of the month files into a scratch folder, the ordinary build of that one source, and
these files written from the result, deterministically (same archive + same code = same bytes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl.paths import DEFAULT_EMBEDDED
from etl.warehouse.schema import POSTINGS_SCHEMA, read_table, table_files

POSTINGS_FILE = "postings.parquet"
TECH_FILE = "posting_technologies.parquet"
MANIFEST_FILE = "manifest.json"
NOT_SHIPPED = ("description", "ingested_at")
EMBEDDED_SCHEMA = pa.schema([f for f in POSTINGS_SCHEMA if f.name not in NOT_SHIPPED])
ARCHIVE_NAME = "the open hacker-job archive (HN 'Who is hiring?' threads, MIT)"
REBUILD_COMMAND = "python -m etl embed --archive ../shared/data/hn_archive"
UPDATE_COMMAND = "python -m etl ingest hn --since YYYY-MM && python -m etl build"


# The code and data that decide the embedded rows: when their fingerprint is the one the shipped
# manifest recorded, a rebuild must give the shipped rows exactly (tests/test_embedded.py).
PIPELINE_FILES = ("etl/sources/hn.py", "etl/text.py", "etl/transforms/*.py", "etl/transforms/*.c",
                  "etl/data/*", "etl/warehouse/build.py", "etl/warehouse/schema.py",
                  "etl/warehouse/embedded.py")


def pipeline_fingerprint() -> str:
    """SHA-256 (first 16 hex digits) of the files that shape the embedded rows."""
    root = DEFAULT_EMBEDDED.parents[1]
    digest = hashlib.sha256()
    for pattern in PIPELINE_FILES:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:16]


@dataclass
class Embedded:
    """The embedded dataset as read by the build."""

    postings: pl.DataFrame  # EMBEDDED_SCHEMA columns
    technologies: pa.Table  # posting_technologies rows
    manifest: dict


def read_embedded(folder: Path) -> Embedded | None:
    """The embedded dataset in folder, or None when the folder holds none."""
    folder = Path(folder)
    if not (folder / MANIFEST_FILE).is_file():
        return None
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    postings = pl.read_parquet(folder / POSTINGS_FILE)
    techs = pq.read_table(folder / TECH_FILE)
    return Embedded(postings, techs, manifest)


def as_postings(embedded: pl.DataFrame, ingested_at: dt.datetime) -> pl.DataFrame:
    """Embedded rows in the full posting schema: no text (empty description), read now.

    A nullable column the schema gained after the files were made is null until they are
    rebuilt (``make embedded``).
    """
    schema = pl.from_arrow(POSTINGS_SCHEMA.empty_table()).schema
    missing = [pl.lit(None, schema[f.name]).alias(f.name) for f in POSTINGS_SCHEMA
               if f.nullable and f.name not in embedded.columns]
    return embedded.with_columns(
        *missing,
        pl.lit("").alias("description"),
        pl.lit(ingested_at).cast(pl.Datetime("ms", "UTC")).alias("ingested_at"),
    ).select(POSTINGS_SCHEMA.names)


def merged(live: pl.DataFrame, live_techs: pa.Table, embedded: Embedded,
           ingested_at: dt.datetime) -> tuple[pl.DataFrame, pa.Table, dict]:
    """Live postings plus the embedded ones no live row replaces (same posting id), their tags,
    and what the embedded data contributed (for the manifest)."""
    kept = embedded.postings.join(live.select("posting_id"), on="posting_id", how="anti")
    postings = pl.concat([live, as_postings(kept, ingested_at)], how="vertical_relaxed")
    kept_ids = pa.array(kept["posting_id"].to_list(), pa.string())
    techs = embedded.technologies.filter(pc.is_in(embedded.technologies["posting_id"], kept_ids))
    techs = pa.concat_tables([live_techs, techs.select(live_techs.schema.names)
                              .cast(live_techs.schema)])
    info = {**embedded.manifest, "postings_kept": kept.height,
            "replaced_by_live": embedded.postings.height - kept.height}
    return postings, techs, info


def real_sources(raw_root: Path, log: Callable[[str], None] = print) -> list[str]:
    """Every registered source but the synthetic sample: it is never mixed with real history."""
    from etl.sources import sources
    if (Path(raw_root) / "sample").is_dir():
        log("data/raw/sample left out: the synthetic sample is never mixed with the real "
            "history (build it alone with `make run DATA=sample`)")
    return [name for name in sources() if name != "sample"]


def source_entry(info: dict) -> dict:
    """The embedded data as a row of the manifest's sources list (About page)."""
    return {
        "name": "hn", "title": f"{info['title']} (embedded history)", "kind": "postings",
        "licence": info["licence"], "rows_read": info["postings"], "rejected": 0,
        "postings": info["postings_kept"], "first_date": info["first_date"],
        "last_date": info["last_date"], "duplicates_same_id": 0,
        "duplicates_near_or_cross": 0, "dedup_rate": 0.0, "tables": {},
    }


def embedded_rows(warehouse: Path) -> tuple[pa.Table, pa.Table]:
    """Postings (without text) and technology rows of a built warehouse, in a stable order."""
    postings = pl.read_parquet(table_files(Path(warehouse), "postings"),
                               columns=EMBEDDED_SCHEMA.names)
    postings = postings.sort("posted_date", "posting_id")
    techs = read_table(Path(warehouse), "posting_technologies")
    techs = techs.sort_by([("posting_id", "ascending"), ("technology_id", "ascending")])
    return postings.to_arrow().cast(EMBEDDED_SCHEMA), techs


def write_embedded(warehouse: Path, out: Path, archive_months: list[str]) -> dict:
    """Write the embedded files from a warehouse built from the archive alone; the manifest."""
    postings, techs = embedded_rows(warehouse)
    built = json.loads((Path(warehouse) / "manifest.json").read_text(encoding="utf-8"))
    hn = next(s for s in built["sources"] if s["name"] == "hn")
    months = pl.from_arrow(postings.select(["posted_date"]))["posted_date"].dt.strftime("%Y-%m")
    out.mkdir(parents=True, exist_ok=True)
    for table, name in ((postings, POSTINGS_FILE), (techs, TECH_FILE)):
        tmp = out / (name + ".part")
        pq.write_table(table, tmp, compression="zstd", compression_level=19,
                       row_group_size=1 << 20, write_statistics=False)
        tmp.replace(out / name)
    manifest = {
        "title": hn["title"], "licence": hn["licence"],
        "source": ARCHIVE_NAME,
        "archive_months": archive_months,
        "months": sorted(set(months.to_list())),
        "first_date": str(postings["posted_date"][0]) if postings.num_rows else None,
        "last_date": str(postings["posted_date"][-1]) if postings.num_rows else None,
        "postings": postings.num_rows,
        "posting_technologies": techs.num_rows,
        "rows_read": hn["rows_read"], "rejected": hn["rejected"],
        "duplicates_same_month": hn["duplicates_same_id"] + hn["duplicates_near_or_cross"],
        "taxonomy_version": built["taxonomy_version"],
        "pipeline_fingerprint": pipeline_fingerprint(),
        "rebuild": REBUILD_COMMAND, "update": UPDATE_COMMAND,
    }
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def embed(archive: Path, out: Path = DEFAULT_EMBEDDED, processes: int | None = None,
          months: list[str] | None = None, log: Callable[[str], None] = print) -> dict:
    """Rebuild the embedded dataset from archive month files through the ordinary pipeline.

    ``months`` ("YYYY-MM") limits it to those month files (the tests rebuild one or two).
    """
    from etl.sources import hn
    from etl.warehouse.build import build
    archive = Path(archive)
    files = sorted(p for p in archive.iterdir() if hn.ARCHIVE_FILE.match(p.name))
    if months:
        files = [p for p in files if p.name[:7] in set(months)]
    if not files:
        raise SystemExit(f"{archive}: no archive month files (YYYY-MM.jsonl[.gz]) to embed")
    with tempfile.TemporaryDirectory(prefix="hiring-radar-embed-") as tmp:
        picked = Path(tmp) / "archive"
        picked.mkdir()
        for path in files:
            (picked / path.name).symlink_to(path.resolve())
        report = hn.ingest(Path(tmp) / "raw" / "hn", from_dir=picked,
                           fetch_date=dt.date(2000, 1, 1))
        if report.errors:
            raise SystemExit("\n".join(report.errors))
        log(f"ingested {len(report.files_written)} archive month file(s)")
        build(Path(tmp) / "raw", Path(tmp) / "warehouse", only=["hn"], processes=processes,
              log=log)
        return write_embedded(Path(tmp) / "warehouse", Path(out),
                              [p.name[:7] for p in files])
