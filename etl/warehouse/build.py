"""Build the warehouse: raw sources -> staging -> schema rows -> tags -> Parquet + rollups.

The build writes a new folder beside the warehouse and then points ``data/warehouse`` (a symbolic
link) at it with one atomic rename, so a killed build leaves the previous warehouse readable.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from etl.paths import DEFAULT_RAW, DEFAULT_WAREHOUSE
from etl.sources import sources as registered_sources
from etl.sources.base import Rejected, raw_excerpt
from etl.transforms.normalize import posting_row
from etl.transforms.tagger import Tagger
from etl.warehouse import embedded as prebuilt
from etl.warehouse.schema import POSTINGS_SCHEMA

QUARANTINE_SCHEMA = pa.schema([("source", pa.string()), ("file", pa.string()), ("row", pa.string()),
                               ("reason", pa.string()), ("raw", pa.string())])
TECH_SCHEMA = pa.schema([("posting_id", pa.string()), ("technology_id", pa.string()),
                         ("name", pa.string()), ("category", pa.string()),
                         ("parent", pa.string()), ("surface", pa.string()),
                         ("rule", pa.string()), ("mentions", pa.int32())])
DIMENSIONS = ("source", "country", "remote", "seniority", "role_family")


@dataclass
class SourceResult:
    """What one source contributed to a build."""

    name: str
    title: str
    kind: str
    licence: str
    rows: int = 0
    rejected: int = 0
    duplicates: int = 0
    tables: dict[str, int] = field(default_factory=dict)


def _progress(iterable: Iterable, desc: str, total: int | None = None, unit: str = "rows"):
    """A progress bar on stderr for long steps (quiet when stderr is not a terminal)."""
    return tqdm(iterable, desc=desc, total=total, unit=unit, leave=False,
                disable=not sys.stderr.isatty(), mininterval=0.5)


def staged_postings(source, raw_dir: Path, ingested_at: dt.datetime,
                    result: SourceResult) -> tuple[list[dict], list[Rejected]]:
    """Schema rows and rejections from one postings source."""
    rows, rejected = [], []
    for n, item in enumerate(_progress(source.read(raw_dir), f"read {source.name}"), start=1):
        if isinstance(item, Rejected):
            rejected.append(item)
            continue
        row, reason = posting_row(item, source.name, ingested_at)
        if row is None:
            rejected.append(Rejected(source.name, str(item.get("_file", raw_dir)),
                                     str(item.get("_row", item.get("source_id") or n)), reason,
                                     raw_excerpt(item)))
        else:
            rows.append(row)
    result.rows, result.rejected = len(rows), len(rejected)
    return rows, rejected


def first_seen(rows: list[dict]) -> list[dict]:
    """One row per posting_id, the earliest posted (a posting seen in several snapshots)."""
    best: dict[str, dict] = {}
    for row in rows:
        kept = best.get(row["posting_id"])
        if kept is None or row["posted_date"] < kept["posted_date"]:
            best[row["posting_id"]] = row
    return list(best.values())


def without_duplicates(postings: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Postings with cross-source and repost duplicates removed, and the duplicate groups."""
    try:
        from etl.transforms.dedup import duplicate_groups
    except ImportError:
        return postings, None
    groups = duplicate_groups(postings.select(
        "posting_id", "source", "source_id", "posted_date", "company", "title", "location_raw",
        "description"))
    keep = groups.filter(pl.col("posting_id") == pl.col("canonical_id")).select("posting_id")
    return postings.join(keep, on="posting_id", how="semi"), groups


def _tag_chunk(texts: list[str]) -> list[list[tuple[str, str, str]]]:
    """(technology id, words as written, rule) of every mention, per text (compact to pickle)."""
    tagger = Tagger.default()
    return [[(m.technology.id, m.surface, m.rule) for m in tagger.mentions(text)]
            for text in texts]


def posting_text(title: str, description: str) -> str:
    """The text the tagger reads for a posting: title and body both."""
    return f"{title}\n\n{description}"


def technology_rows(postings: pl.DataFrame, processes: int = 1, chunk: int = 2000) -> pa.Table:
    """One row per posting x technology: who matched, as written, and by which rule.

    Texts are made and tagged a chunk at a time, and each chunk's mentions become rows as soon
    as they arrive, so memory holds one chunk of mentions, not the whole build's.
    """
    ids = postings["posting_id"].to_list()
    titles, bodies = postings["title"], postings["description"]
    chunks = ([posting_text(t, d) for t, d in zip(titles[i:i + chunk].to_list(),
                                                   bodies[i:i + chunk].to_list(), strict=True)]
              for i in range(0, len(ids), chunk))
    n_chunks = -(-len(ids) // chunk)
    technologies = Tagger.default().technologies
    out: dict[str, list] = {name: [] for name in TECH_SCHEMA.names}

    def add(posting_id: str, mentions: list[tuple[str, str, str]]) -> None:
        seen: dict[str, int] = {}
        for tech_id, surface, rule in mentions:
            if tech_id in seen:
                out["mentions"][seen[tech_id]] += 1
                continue
            seen[tech_id] = len(out["posting_id"])
            tech = technologies[tech_id]
            for key, value in (("posting_id", posting_id), ("technology_id", tech_id),
                               ("name", tech.name), ("category", tech.category),
                               ("parent", tech.parent), ("surface", surface),
                               ("rule", rule), ("mentions", 1)):
                out[key].append(value)

    def consume(tagged) -> None:
        position = 0
        for part in _progress(tagged, "tag", n_chunks, "chunks"):
            for mentions in part:
                add(ids[position], mentions)
                position += 1

    if processes > 1 and n_chunks > 1:
        import multiprocessing as mp
        with mp.get_context("fork").Pool(processes) as pool:
            consume(pool.imap(_tag_chunk, chunks))
    else:
        consume(map(_tag_chunk, chunks))
    return pa.table(out, schema=TECH_SCHEMA)


ROLLUP_SQL = {
    "rollup_postings": """
        select date_trunc('month', posted_date)::date as month, {dims}, count(*) as postings
        from read_parquet($postings) group by all""",
    "rollup_technologies": """
        select date_trunc('month', p.posted_date)::date as month, {p_dims}, t.technology_id,
               count(*) as postings
        from read_parquet($postings) p join read_parquet($techs) t using (posting_id)
        group by all""",
    "salaries": """
        select posting_id, date_trunc('month', posted_date)::date as month, {dims},
               salary_annual_usd
        from read_parquet($postings)
        where salary_annual_usd is not null and not salary_is_estimate and not salary_is_outlier""",
}


def write_rollups(folder: Path) -> dict[str, int]:
    """Write the rollup tables the pages read; returns their row counts."""
    con = duckdb.connect()
    params = {"postings": str(folder / "postings.parquet"),
              "techs": str(folder / "posting_technologies.parquet")}
    counts = {}
    for name, sql in ROLLUP_SQL.items():
        query = sql.format(dims=", ".join(DIMENSIONS),
                           p_dims=", ".join(f"p.{d}" for d in DIMENSIONS))
        table = con.sql(query, params={k: v for k, v in params.items() if f"${k}" in query}).arrow()
        table = table.read_all() if hasattr(table, "read_all") else table
        pq.write_table(table, folder / f"{name}.parquet")
        counts[name] = table.num_rows
    con.close()
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
          embedded: Path | None = None) -> dict:
    """Build the warehouse from every source with raw data; returns the manifest.

    ``loaders`` replaces the registered sources (tests build small warehouses this way).
    ``embedded``: a folder of already tagged postings (data/embedded, see etl/warehouse/embedded.py)
    added to the sources; a posting a raw source also gives (same posting id) is taken from there.
    """
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    folder = warehouse.parent / f".{warehouse.name}-{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    try:
        manifest = _build_into(folder, raw_root, started, only, processes, log,
                               loaders or registered_sources(),
                               prebuilt.read_embedded(embedded) if embedded else None)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    swap_in(folder, warehouse)
    return manifest


def _build_into(folder: Path, raw_root: Path, started: dt.datetime, only, processes, log,
                loaders: dict, embedded: prebuilt.Embedded | None = None) -> dict:
    tagger = Tagger.default()
    chosen = set(only) if only else None
    results: list[SourceResult] = []
    rows: list[dict] = []
    quarantine: list[Rejected] = []
    for name, source in loaders.items():
        raw_dir = raw_root / name
        if (chosen and name not in chosen) or not raw_dir.is_dir():
            continue
        result = SourceResult(name, source.title, source.kind, getattr(source, "licence", ""))
        if source.kind == "postings":
            source_rows, rejected = staged_postings(source, raw_dir, started, result)
            unique = first_seen(source_rows)
            result.duplicates = len(source_rows) - len(unique)
            rows.extend(unique)
        else:
            tables, rejected = source.tables(raw_dir)
            result.rejected = len(rejected)
            for table_name, table in tables.items():
                pq.write_table(table, folder / f"{table_name}.parquet")
                result.tables[table_name] = table.num_rows
        quarantine.extend(rejected)
        results.append(result)
        log(f"{name}: {result.rows} rows, {result.rejected} rejected"
            + (f", tables {result.tables}" if result.tables else ""))
    if not rows and embedded is None:
        raise SystemExit(f"no postings found under {raw_root}: run `python -m etl sample` or "
                         "`python -m etl ingest SOURCE` first")
    # posting_id hashes the source, so ids repeated within a source (above) are all there are
    postings = pl.from_arrow(pa.Table.from_pylist(rows, schema=POSTINGS_SCHEMA))
    postings, groups = without_duplicates(postings)
    dedup = _dedup_summary(groups, results)
    techs = technology_rows(postings, processes or min(2, os.cpu_count() or 1))
    live = postings
    if embedded is not None:
        postings, techs, embedded_info = prebuilt.merged(postings, techs, embedded, started)
        log(f"embedded history: {embedded_info['postings_kept']} postings "
            f"({embedded_info['replaced_by_live']} replaced by raw sources)")
    postings = postings.sort("posted_date", "posting_id")
    pq.write_table(postings.to_arrow().cast(POSTINGS_SCHEMA), folder / "postings.parquet")
    pq.write_table(techs, folder / "posting_technologies.parquet")
    pq.write_table(technologies_table(tagger), folder / "technologies.parquet")
    pq.write_table(pa.Table.from_pylist([q.__dict__ for q in quarantine], schema=QUARANTINE_SCHEMA),
                   folder / "quarantine.parquet")
    counts = {"postings": postings.height, "posting_technologies": techs.num_rows,
              "technologies": len(tagger.technologies), "quarantine": len(quarantine),
              **write_rollups(folder)}
    for result in results:
        counts.update(result.tables)
    manifest = _manifest(started, results, counts, dedup, tagger, live)
    if embedded is not None:
        manifest["sources"].append(prebuilt.source_entry(embedded_info))
        manifest["embedded"] = embedded_info
        manifest["date_range"] = [postings["posted_date"].min(), postings["posted_date"].max()]
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    log(f"postings: {postings.height}, technology tags: {techs.num_rows}, "
        f"quarantined: {len(quarantine)}")
    return manifest


def _dedup_summary(groups: pl.DataFrame | None, results: list[SourceResult]) -> dict:
    """Duplicates removed per source: same id across snapshots plus cross-posting duplicates."""
    summary = {r.name: {"same_id": r.duplicates, "near_or_cross": 0} for r in results
               if r.kind == "postings"}
    if groups is not None and groups.height:
        dropped = groups.filter(pl.col("posting_id") != pl.col("canonical_id"))
        for source, n in dropped.group_by("source").len().iter_rows():
            summary.setdefault(source, {"same_id": 0, "near_or_cross": 0})["near_or_cross"] = n
    return summary


def _manifest(started, results, counts, dedup, tagger, postings: pl.DataFrame) -> dict:
    per_source = postings.group_by("source").agg(
        pl.len().alias("postings"), pl.col("posted_date").min().alias("first"),
        pl.col("posted_date").max().alias("last"))
    coverage = {r["source"]: r for r in per_source.to_dicts()}
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
        "date_range": [postings["posted_date"].min(), postings["posted_date"].max()],
    }
