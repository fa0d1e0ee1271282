"""Append newly ingested raw files to the warehouse without rebuilding it.

``python -m etl build --append`` reads only the raw files the warehouse's manifest does not list
(``raw_files``: each source's files and sizes when it was built), normalises and tags them (the
tag cache skips texts tagged before), and writes a new warehouse folder that is the old one plus
the new postings, swapped in atomically under the build lock like a build. The result equals a
full build over the same raw files row for row (tests/test_append.py):

- first seen: a new posting whose id the warehouse already holds (kept, or removed earlier as a
  month's duplicate, whose keys ``dedup/dropped_keys.parquet`` keeps) with the same or an earlier
  date is a later sighting and is dropped; one that replaces an embedded posting replaces it;
- the month rule: for each month a new posting falls in, the month's earlier postings (their
  dedup keys recomputed from the warehouse, the removed ones' keys from ``dedup/``) and the new
  ones are deduplicated together, so a new posting may be removed as a duplicate of an earlier
  one, or (dated earlier) make an earlier one the duplicate;
- rollups are computed by the build's own ``write_rollups`` over the touched months' postings
  only, and replace those months' rows in each rollup table.

An append refuses (and the warehouse stays as it was) when only a full build can give the right
answer: a raw file the warehouse was built from changed or went away, the taxonomy or tagger code
changed (everything must be tagged again), the embedded history changed, a new file holds an
earlier sighting of a posting the warehouse has, or new files of a non-posting source.
The postings and tags files are rewritten by one streamed DuckDB pass (they are single files the
app reads), so an append's time still grows with the warehouse, far slower than a build's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from etl.paths import DEFAULT_RAW, DEFAULT_WAREHOUSE
from etl.sources import sources as registered_sources
from etl.sources.base import Rejected
from etl.transforms.dedup import INPUT_COLUMNS, dedup_keys, month_links, resolved_groups
from etl.transforms.tagger import Tagger
from etl.warehouse import build as b
from etl.warehouse import embedded as prebuilt
from etl.warehouse import tag_cache
from etl.warehouse.lock import build_lock
from etl.warehouse.schema import POSTINGS_SCHEMA, QUARANTINE_SCHEMA, TECH_SCHEMA

OLD_ROWS = 1 << 40  # row numbers of the warehouse's postings in a month's dedup (new rows: 0..)
OLD_DROPPED_ROWS = 2 << 40  # ... and of the duplicates removed earlier


class AppendRefused(RuntimeError):
    """Appending cannot give what a full build would: run ``python -m etl build``."""


def new_raw_files(raw_root: Path, manifest: dict, loaders: dict,
                  only: Iterable[str] | None) -> dict[str, list[str]]:
    """Per source, the raw files the warehouse was not built from (refuses changed files)."""
    recorded = manifest.get("raw_files")
    if recorded is None:
        raise AppendRefused("the warehouse does not list the raw files it was built from (it was "
                            "built before appends existed): run a full build once")
    chosen = set(only) if only else None
    out: dict[str, list[str]] = {}
    for name, source in loaders.items():
        if chosen and name not in chosen:
            continue
        now, before = b.raw_files(raw_root / name), recorded.get(name, {})
        changed = [f for f, size in before.items() if now.get(f) != size]
        if changed:
            what = "went away" if changed[0] not in now else "changed"
            raise AppendRefused(f"{raw_root / name / changed[0]} {what} since the warehouse was "
                                "built: run a full build")
        added = [f for f in now if f not in before]
        if added and source.kind != "postings":
            raise AppendRefused(f"{name} has new files ({added[0]}), but only posting sources "
                                "append: run a full build")
        if added:
            out[name] = added
    return out


def _file_view(raw_root: Path, files: dict[str, list[str]], view: Path) -> None:
    """A raw root holding only the new files (symbolic links, same paths within each source)."""
    for name, paths in files.items():
        for rel in paths:
            target = view / name / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to((raw_root / name / rel).resolve())


def _check_embedded(manifest: dict, embedded: prebuilt.Embedded | None) -> None:
    """Refuse when the embedded history differs from the one the warehouse holds."""
    before = manifest.get("embedded")
    if (before is None) != (embedded is None):
        raise AppendRefused("the warehouse was built " + ("with" if before else "without")
                            + " the embedded history and the append is not: run a full build")
    if before is not None and any(before.get(k) != v for k, v in embedded.manifest.items()):
        raise AppendRefused("the embedded history (data/embedded) changed since the warehouse "
                            "was built: run a full build")


def append(raw_root: Path = DEFAULT_RAW, warehouse: Path = DEFAULT_WAREHOUSE,
           only: Iterable[str] | None = None, processes: int | None = None,
           log: Callable[[str], None] = print, loaders: dict | None = None,
           embedded: Path | None = None,
           stage: Callable[[str], None] = lambda name: None) -> dict:
    """Add the raw files the warehouse was not built from; returns the new manifest.

    Raises AppendRefused (nothing written) when a full build is needed, BuildRunning when a build
    of the warehouse runs. With nothing new the warehouse is left as it is.
    """
    loaders = loaders or registered_sources()
    with build_lock(warehouse):
        current = warehouse.resolve()
        if not (current / "manifest.json").is_file():
            raise AppendRefused(f"there is no warehouse at {warehouse} to append to: run "
                                "python -m etl build")
        manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
        if not (current / b.DROPPED_KEYS).is_file():
            raise AppendRefused("the warehouse keeps no dedup keys (built before appends "
                                "existed): run a full build once")
        version = Tagger.default().version
        cache = tag_cache.open_cache(current, version)
        if manifest.get("taxonomy_version") != version or cache.status == "retagged":
            raise AppendRefused(f"the taxonomy or tagger changed ({cache.reason or version}): "
                                "every posting must be tagged again, run a full build")
        _check_embedded(manifest, prebuilt.read_embedded(embedded) if embedded else None)
        files = new_raw_files(raw_root, manifest, loaders, only)
        if not files:
            log("nothing to append: no raw file the warehouse was not built from")
            return {**manifest, "nothing_new": True}
        started = dt.datetime.now(dt.UTC).replace(microsecond=0)
        folder = warehouse.parent / (f".{warehouse.name}-{started:%Y%m%dT%H%M%S}-"
                                     f"{uuid.uuid4().hex[:8]}")
        folder.mkdir()
        b._KNOWN = cache.known if len(cache.hashes) else None
        try:
            _file_view(raw_root, files, folder / "_view")
            sizes = {name: b.raw_files(raw_root / name) for name in files}
            new_manifest = _append_into(folder, current, manifest, sizes, started,
                                        processes or min(2, os.cpu_count() or 1), log,
                                        {n: loaders[n] for n in files}, stage, cache)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        finally:
            b._KNOWN = None
        b.swap_in(folder, warehouse)
    return new_manifest


def _append_into(folder: Path, current: Path, manifest: dict, files: dict[str, dict[str, int]],
                 started: dt.datetime, processes: int, log, loaders: dict,
                 stage: Callable[[str], None], cache: tag_cache.TagCache) -> dict:
    results: list[b.SourceResult] = []
    quarantine: list[Rejected] = []
    stage("read, normalise, tag")
    key_files = b._stage_postings(folder, loaders, folder / "_view", started, None, processes,
                                  log, results, quarantine)
    shutil.rmtree(folder / "_view")
    staging = folder / "_staging"
    staged = staging / "postings.parquet"
    stage("deduplicate")
    con = b._duckdb(folder)
    params = {"p": str(staged), "old": str(current / "postings.parquet"),
              "dk": str(current / b.DROPPED_KEYS)}
    first = b.first_seen_drops(con, staged)
    con.register("first_rows", first.select(["row"]))
    sightings = con.sql("""
        with new as (select row, source, posting_id, posted_date from read_parquet($p)
                     anti join first_rows using (row)),
             old as (select posting_id, posted_date, description = '' as embedded
                     from read_parquet($old)
                     union all
                     select posting_id, date '1970-01-01' + day, false from read_parquet($dk))
        select n.row, n.source, n.posting_id, n.posted_date, o.posted_date as old_date,
               o.embedded
        from new n join old o using (posting_id)""", params=params).arrow().read_all()
    sightings = pl.from_arrow(sightings)
    earlier = sightings.filter(~pl.col("embedded") & (pl.col("posted_date") < pl.col("old_date")))
    if earlier.height:
        row = earlier.row(0, named=True)
        raise AppendRefused(f"{row['source']} posting {row['posting_id']} dated "
                            f"{row['posted_date']} is an earlier sighting of one the warehouse "
                            f"holds from {row['old_date']}: run a full build")
    same_id = sightings.filter(~pl.col("embedded")).select("row", "source").unique()
    replaced_rows = sightings.filter(pl.col("embedded"))
    replaced = set(replaced_rows["posting_id"].to_list())
    gone = pl.concat([pl.from_arrow(first).select("row", "source"), same_id])
    month_dropped, removed_keys = _touched_months(key_files, gone, current)
    dropped_new = pl.concat([gone.select("row"), month_dropped.select("row")])
    removed = replaced | set(removed_keys["posting_id"].to_list())
    con.register("dropped", dropped_new.to_arrow())
    con.register("removed", pa.table({"posting_id": pa.array(sorted(removed), pa.string())}))
    stage("write postings")
    cached_tags = b._tags_from_cache(con, staging, cache)
    n_postings = b._write_sorted(con, """
        select * from read_parquet($old) anti join removed using (posting_id)
        union all by name
        select * exclude (row) from read_parquet($p) anti join dropped using (row)
        order by posted_date, posting_id""", {"p": params["p"], "old": params["old"]},
        folder / "postings.parquet", POSTINGS_SCHEMA)
    n_techs = b._write_sorted(con, """
        select * from read_parquet($old_t) anti join removed using (posting_id)
        union all by name
        select * exclude (row) from read_parquet([$t, $c]) anti join dropped using (row)
        order by posting_id, technology_id""",
        {"old_t": str(current / "posting_technologies.parquet"),
         "t": str(staging / "technologies.parquet"), "c": str(cached_tags)},
        folder / "posting_technologies.parquet", TECH_SCHEMA)
    _write_dropped_keys(con, current, key_files, month_dropped, removed_keys, folder)
    cache_info = b._write_tag_cache(con, folder, cache)
    con.close()
    shutil.rmtree(staging)
    stage("rollups and manifest")
    old_quarantine = pq.read_table(current / "quarantine.parquet")
    new_quarantine = pa.Table.from_pylist([q.__dict__ for q in quarantine],
                                          schema=QUARANTINE_SCHEMA)
    pq.write_table(pa.concat_tables([old_quarantine.cast(QUARANTINE_SCHEMA), new_quarantine]),
                   folder / "quarantine.parquet")
    months = _months_of(key_files, removed_keys, replaced_rows["old_date"].to_list())
    rollups, by_month = write_touched_rollups(folder, current, months)
    for path in sorted(current.glob("*.parquet")):  # the taxonomy and other sources' tables
        if not (folder / path.name).exists():
            os.link(path, folder / path.name)
    out = _manifest(manifest, folder, started, results, files, first, same_id, month_dropped,
                    removed_keys, replaced, rollups, n_postings, n_techs, cache_info, months,
                    by_month)
    (folder / "manifest.json").write_text(json.dumps(out, indent=2, default=str) + "\n")
    log(f"appended {sum(r.rows for r in results)} postings read from "
        f"{len(out['appended'][-1]['files'])} sources' new files; months touched: "
        f"{len(months)}; "
        f"postings now {n_postings}")
    return out


def _old_month_keys(current: Path, month: int, start: int) -> pl.DataFrame:
    """Dedup keys of the warehouse's live postings of one month (row numbers from start)."""
    year, m0 = divmod(month, 12)
    first = dt.date(year, m0 + 1, 1)
    after = dt.date(year + (m0 == 11), 1 if m0 == 11 else m0 + 2, 1)
    rows = (pl.scan_parquet(current / "postings.parquet")
            .filter((pl.col("posted_date") >= first) & (pl.col("posted_date") < after)
                    & (pl.col("description") != ""))
            .select(*INPUT_COLUMNS).collect())
    rows = rows.with_columns((pl.int_range(0, rows.height, dtype=pl.Int64) + start).alias("row"))
    return _as_keys(dedup_keys(rows)) if rows.height else _as_keys(None)


def _as_keys(frame: pl.DataFrame | None) -> pl.DataFrame:
    """A key frame in KEYS_SCHEMA's types (empty for None)."""
    table = b.KEYS_SCHEMA.empty_table() if frame is None else frame.to_arrow().cast(b.KEYS_SCHEMA)
    return pl.from_arrow(table)


def _touched_months(key_files: list[Path], gone: pl.DataFrame,
                    current: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each month a new posting falls in, deduplicated with the warehouse's postings of it.

    Returns the new rows a month's duplicates removed (row, source) and the keys of the
    warehouse's postings that a new, earlier posting made duplicates (to remove).
    """
    dropped_before = pl.read_parquet(current / b.DROPPED_KEYS)
    new_drops, removed = [], []
    for path in key_files:
        new = _as_keys(pl.read_parquet(path).join(gone.select("row"), on="row", how="anti"))
        if not new.height:
            continue
        month = int(path.stem)
        old = _old_month_keys(current, month, OLD_ROWS)
        earlier = dropped_before.filter(pl.col("month") == month)
        earlier = earlier.with_columns(
            (pl.int_range(0, earlier.height, dtype=pl.Int64) + OLD_DROPPED_ROWS).alias("row"))
        keys = pl.concat([new, old, _as_keys(earlier)])
        groups = resolved_groups(keys, month_links(keys))
        dups = groups.filter(pl.col("reason") != "unique")
        still = set(dups.filter(pl.col("row") >= OLD_DROPPED_ROWS)["row"].to_list())
        if len(still) != earlier.height:
            raise AppendRefused(f"month {month // 12}-{month % 12 + 1:02d}: a duplicate removed "
                                "before is no longer one: run a full build")
        new_drops.append(dups.filter(pl.col("row") < OLD_ROWS).select("row", "source"))
        gone_old = dups.filter((pl.col("row") >= OLD_ROWS) & (pl.col("row") < OLD_DROPPED_ROWS))
        removed.append(old.join(gone_old.select("row"), on="row", how="semi"))
    empty_drops = pl.DataFrame(schema={"row": pl.Int64, "source": pl.String})
    return (pl.concat(new_drops) if new_drops else empty_drops,
            pl.concat(removed) if removed else _as_keys(None))


def _write_dropped_keys(con: duckdb.DuckDBPyConnection, current: Path, key_files: list[Path],
                        month_dropped: pl.DataFrame, removed_keys: pl.DataFrame,
                        folder: Path) -> None:
    """dedup/dropped_keys.parquet: the earlier ones, the new rows removed and the warehouse's
    postings removed now (row numbers are not kept: they only name rows within one month)."""
    (folder / b.DROPPED_KEYS).parent.mkdir()
    new = pl.read_parquet(key_files) if key_files else _as_keys(None)
    new = new.join(month_dropped.select("row"), on="row", how="semi")
    parts = [pq.read_table(current / b.DROPPED_KEYS).cast(b.KEYS_SCHEMA),
             _as_keys(new).to_arrow().cast(b.KEYS_SCHEMA),
             removed_keys.to_arrow().cast(b.KEYS_SCHEMA)]
    pq.write_table(pa.concat_tables(parts), folder / b.DROPPED_KEYS)


def _months_of(key_files: list[Path], removed: pl.DataFrame,
               replaced: list[dt.date]) -> list[dt.date]:
    """First days of the months the append changed: those of new postings and removed ones."""
    numbers = ({int(p.stem) for p in key_files} | set(removed["month"].to_list())
               | {d.year * 12 + d.month - 1 for d in replaced})
    return sorted(dt.date(n // 12, n % 12 + 1, 1) for n in numbers)


def _date_column(path: Path) -> str | None:
    """The column a rollup file is updated by month on: ``month`` or ``posted_date`` (a date);
    None when the old warehouse lacks the file or it has neither."""
    if not path.is_file():
        return None
    schema = pq.read_schema(path)
    for name in ("month", "posted_date"):
        if name in schema.names and schema.field(name).type == pa.date32():
            return name
    return None


def _order_of(names: list[str], column: str) -> list[str]:
    """How the build orders a rollup file: by month; a table keyed by posting date (the tag
    index) by its leading columns through the date, then the posting id."""
    if column == "month":
        return ["month"]
    lead = names[:names.index(column) + 1]
    return lead + (["posting_id"] if "posting_id" in names and "posting_id" not in lead else [])


def write_touched_rollups(folder: Path, current: Path,
                          months: list[dt.date]) -> tuple[dict[str, int], bool]:
    """Each rollup and derived table: the warehouse's rows of untouched months and the build's
    own write_rollups over the touched months' postings; returns the row counts and whether
    the tables were updated by month (False: recomputed whole).

    A table without a ``month`` or ``posted_date`` date column cannot be updated by month, nor
    one the old warehouse lacks: all rollups are then recomputed over the whole warehouse.
    """
    subset = folder / "_rollup_months"
    subset.mkdir()
    con = b._duckdb(folder, folder / "_rollup_spill")
    month_list = [m.isoformat() for m in months]
    params = {"p": str(folder / "postings.parquet"), "months": month_list}
    for name, query in (
            ("postings", "select * from read_parquet($p) where "
                         "list_contains($months, strftime(posted_date, '%Y-%m-01'))"),
            ("posting_technologies", """
                select t.* from read_parquet($t) t semi join (
                    select posting_id from read_parquet($p)
                    where list_contains($months, strftime(posted_date, '%Y-%m-01')))
                using (posting_id)
            """)):
        query_params = {**params, "t": str(folder / "posting_technologies.parquet")}
        b._write_sorted(con, query, {k: v for k, v in query_params.items() if f"${k}" in query},
                        subset / f"{name}.parquet",
                        POSTINGS_SCHEMA if name == "postings" else TECH_SCHEMA)
    for name in ("technologies.parquet",):  # what else a rollup may read
        if (current / name).is_file():
            os.link(current / name, subset / name)
    fresh = b.write_rollups(subset)
    columns = {n: _date_column(current / f"{n}.parquet") for n in fresh}
    if not all(columns.values()):
        shutil.rmtree(subset)
        con.close()
        shutil.rmtree(folder / "_rollup_spill", ignore_errors=True)
        return b.write_rollups(folder), False
    counts = {}
    for name in fresh:
        new = subset / f"{name}.parquet"
        schema = pq.read_schema(new)
        column = columns[name]
        order = ", ".join(_order_of(schema.names, column))
        counts[name] = b._write_sorted(con, f"""
            select * from read_parquet($old)
            where not list_contains($months, strftime({column}, '%Y-%m-01'))
            union all by name select * from read_parquet($new)
            order by {order}""", {"old": str(current / f"{name}.parquet"), "new": str(new),
                                  "months": month_list}, folder / f"{name}.parquet", schema)
    con.close()
    shutil.rmtree(subset)
    shutil.rmtree(folder / "_rollup_spill", ignore_errors=True)
    return counts, True


def _manifest(before: dict, folder: Path, started: dt.datetime,
              results: list[b.SourceResult], files: dict[str, dict[str, int]], first: pa.Table,
              same_id: pl.DataFrame, month_dropped: pl.DataFrame, removed_keys: pl.DataFrame,
              replaced: set[str], rollups: dict[str, int], n_postings: int, n_techs: int,
              cache_info: dict, months: list[dt.date], by_month: bool) -> dict:
    """The warehouse's manifest after the append: counts, coverage and the append's account."""
    out = json.loads(json.dumps(before, default=str))
    con = duckdb.connect()
    postings = str(folder / "postings.parquet")
    coverage = {s: (n, lo, hi) for s, n, lo, hi in con.sql("""
        select source, count(*), min(posted_date), max(posted_date) from read_parquet($p)
        where description <> '' group by source""", params={"p": postings}).fetchall()}
    out["date_range"] = list(con.sql("select min(posted_date), max(posted_date) from "
                                     "read_parquet($p)", params={"p": postings}).fetchall()[0])
    embedded_kept = con.sql("select count(*) from read_parquet($p) where description = ''",
                            params={"p": postings}).fetchall()[0][0]
    con.close()
    same = pl.concat([pl.from_arrow(first).select("source"), same_id.select("source")])
    same_counts = dict(same.group_by("source").len().iter_rows())
    near = pl.concat([month_dropped.select("source"), removed_keys.select("source")])
    near_counts = dict(near.group_by("source").len().iter_rows())
    entries = {s["name"]: s for s in out["sources"] if "embedded history" not in s["title"]}
    for r in results:
        entry = entries.get(r.name)
        if entry is None:
            entry = {"name": r.name, "title": r.title, "kind": r.kind, "licence": r.licence,
                     "rows_read": 0, "rejected": 0, "duplicates_same_id": 0,
                     "duplicates_near_or_cross": 0, "tables": {}}
            out["sources"].insert(len(entries), entry)
            entries[r.name] = entry
        entry["rows_read"] += r.rows
        entry["rejected"] += r.rejected
    for name, entry in entries.items():
        entry["duplicates_same_id"] += same_counts.get(name, 0)
        entry["duplicates_near_or_cross"] += near_counts.get(name, 0)
        n, lo, hi = coverage.get(name, (0, None, None))
        entry.update({"postings": n, "first_date": lo, "last_date": hi})
        removed = entry["duplicates_same_id"] + entry["duplicates_near_or_cross"]
        entry["dedup_rate"] = round(removed / entry["rows_read"], 4) if entry["rows_read"] else 0.0
    if out.get("embedded"):
        out["embedded"]["postings_kept"] = embedded_kept
        out["embedded"]["replaced_by_live"] = out["embedded"]["postings"] - embedded_kept
        for s in out["sources"]:
            if "embedded history" in s["title"]:
                s["postings"] = embedded_kept
    counts = out["row_counts"]
    counts.update({"postings": n_postings, "posting_technologies": n_techs,
                   "quarantine": pq.read_metadata(folder / "quarantine.parquet").num_rows,
                   **rollups})
    out["built_at"] = started.isoformat()
    out["tag_cache"] = cache_info
    before_files = before["raw_files"]
    added = {name: sorted(set(sizes) - set(before_files.get(name, {})))
             for name, sizes in files.items()}
    out["raw_files"].update(files)
    out["sample_only"] = {n for n, e in entries.items() if e["kind"] == "postings"} == {"sample"}
    out["appended"] = [*before.get("appended", []), {
        "at": started.isoformat(), "files": added,
        "postings_read": sum(r.rows for r in results),
        "rejected": sum(r.rejected for r in results),
        "months_touched": [m.isoformat()[:7] for m in months],
        "rollups": "touched months" if by_month else "all months (a table has no month)",
        "earlier_postings_removed": len(removed_keys) + len(replaced)}]
    return out
