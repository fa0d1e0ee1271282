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
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl.paths import DEFAULT_RAW, DEFAULT_WAREHOUSE
from etl.sources import sources as registered_sources
from etl.sources.base import Rejected
from etl.transforms.dedup import (
    INPUT_COLUMNS,
    dedup_keys,
    link_keys,
    month_links,
    reachable,
    resolved_groups,
)
from etl.transforms.tagger import Tagger
from etl.warehouse import build as b
from etl.warehouse import embedded as prebuilt
from etl.warehouse import tag_cache
from etl.warehouse.lock import build_lock
from etl.warehouse.monthly import naming_table, sql_quoted, views_of, write_months
from etl.warehouse.rollups import (
    ANSWER_TABLES,
    DERIVED_SQL,
    QUANTILE_MACROS,
    ROW_GROUP_ROWS,
    order_of,
    write_answer_tables,
    write_whole,
)
from etl.warehouse.schema import (
    EMPTY_MONTH_FILE,
    FOLDER_TABLES,
    LAYOUT_VERSION,
    MONTHLY_TABLES,
    POSTINGS_SCHEMA,
    QUARANTINE_SCHEMA,
    TECH_SCHEMA,
    YEARLY_TABLES,
    month_files,
    month_name,
    table_files,
    table_source,
    year_name,
)

OLD_ROWS = 1 << 40  # row numbers of the warehouse's postings in a month's dedup (new rows: 0..)
OLD_DROPPED_ROWS = 2 << 40  # ... and of the duplicates removed earlier


# The warehouse's tags of the touched months but those of postings removed now, with the month
# their file holds (a tag's month is its posting's).
OLD_TECHS = """
    select * exclude (filename), regexp_extract(filename, '([0-9]{4}-[0-9]{2})[.]parquet$', 1)
           as _month
    from read_parquet($old_t, filename = true) anti join removed using (posting_id)
    union all by name"""


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
        if manifest.get("layout") != LAYOUT_VERSION or "month_coverage" not in manifest:
            raise AppendRefused(f"the warehouse at {warehouse} is in layout "
                                f"{manifest.get('layout', 1)}, not {LAYOUT_VERSION} (a file per "
                                "month or year of its large tables): run a full build once")
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
    params = {"p": str(staged), "old": table_source(current, "postings"),
              "dk": str(current / b.DROPPED_KEYS)}
    # The warehouse's rows of the staged ids: kept postings and the duplicates removed earlier
    # (whose keys dedup/ keeps); an embedded posting is not a sighting but is replaced.
    hits = pl.from_arrow(con.sql("""
        with old as (select posting_id, posted_date, true as kept from read_parquet($old)
                     union all
                     select posting_id, date '1970-01-01' + day, false from read_parquet($dk))
        select posting_id, posted_date as old_date, kept from old
        semi join read_parquet($p) using (posting_id)""", params=params).arrow().read_all())
    hits = _with_embedded(con, current, hits)
    con.register("held", hits.filter(~pl.col("embedded"))
                 .select("posting_id", pl.col("old_date").alias("posted_date")).to_arrow())
    first = b.first_seen_drops(con, staged, held="held")
    lost = pl.from_arrow(first).filter(pl.col("row").is_null())
    if lost.height:
        raise AppendRefused(_earlier_sighting(con, params["p"], lost["posting_id"][0], hits))
    first = first.filter(pc.is_valid(first["row"]))
    replaced_rows = hits.filter(pl.col("embedded"))
    replaced = set(replaced_rows["posting_id"].to_list())
    gone = pl.from_arrow(first).select("row", "source")
    month_dropped, removed_keys = _touched_months(key_files, gone, current)
    dropped_new = pl.concat([gone.select("row"), month_dropped.select("row")])
    removed = replaced | set(removed_keys["posting_id"].to_list())
    con.register("dropped", dropped_new.to_arrow())
    con.register("removed", pa.table({"posting_id": pa.array(sorted(removed), pa.string())}))
    months = _months_of(key_files, removed_keys, replaced_rows["old_date"].to_list())
    touched = [month_name(m) for m in months]
    stage("write postings")
    cached_tags = b._tags_from_cache(con, staging, cache)
    old_postings = _old_files(current, "postings", touched)
    write_months(con, f"""
        select *, strftime(posted_date, '%Y-%m') as _month from (
            {"select * from read_parquet($old) anti join removed using (posting_id) union all "
             "by name" if old_postings else ""}
            select * exclude (row) from read_parquet($p) anti join dropped using (row))
        order by posted_date, posting_id""",
                 {"p": params["p"], **({"old": old_postings} if old_postings else {})},
                 folder / "postings", POSTINGS_SCHEMA, b.POSTINGS_GROUP_ROWS)
    old_techs = _old_files(current, "posting_technologies", touched)
    write_months(con, f"""
        select * from (
            {OLD_TECHS if old_techs else ""}
            select t.* exclude (row), strftime(p.posted_date, '%Y-%m') as _month
            from read_parquet([$t, $c]) t anti join dropped using (row)
            join (select row, posted_date from read_parquet($p)) p using (row))
        order by _month, posting_id, technology_id""",
                 {"t": str(staging / "technologies.parquet"), "c": str(cached_tags),
                  "p": params["p"], **({"old_t": old_techs} if old_techs else {})},
                 folder / "posting_technologies", TECH_SCHEMA)
    for table in ("postings", "posting_technologies"):
        link_untouched(current, folder, table, touched)
    n_postings, n_techs = table_rows(folder, "postings"), table_rows(folder, "posting_technologies")
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
    rollups, by_month, answer_years = write_touched_rollups(folder, current, months)
    for path in sorted(current.glob("*.parquet")):  # the taxonomy and other sources' tables
        if not (folder / path.name).exists():
            os.link(path, folder / path.name)
    out = _manifest(manifest, folder, started, results, files, first, month_dropped,
                    removed_keys, replaced, rollups, n_postings, n_techs, cache_info, months,
                    by_month, answer_years)
    (folder / "manifest.json").write_text(json.dumps(out, indent=2, default=str) + "\n")
    log(f"appended {sum(r.rows for r in results)} postings read from "
        f"{len(out['appended'][-1]['files'])} sources' new files; months touched: "
        f"{len(months)}; "
        f"postings now {n_postings}")
    return out


def _earlier_sighting(con: duckdb.DuckDBPyConnection, staged: str, posting_id: str,
                      hits: pl.DataFrame) -> str:
    """Why an append refuses a staged posting dated before the warehouse's row of its id."""
    source, posted = con.sql("""
        select source, posted_date from read_parquet($p) where posting_id = $id
        order by posted_date, row limit 1""", params={"p": staged, "id": posting_id}).fetchall()[0]
    old_date = hits.filter(pl.col("posting_id") == posting_id)["old_date"].min()
    return (f"{source} posting {posting_id} dated {posted} is an earlier sighting of one the "
            f"warehouse holds from {old_date}: run a full build")


def _with_embedded(con: duckdb.DuckDBPyConnection, current: Path,
                   sightings: pl.DataFrame) -> pl.DataFrame:
    """The sightings of warehouse postings with ``embedded``: the posting it names is an
    embedded one (no text), read from the month files of those postings only."""
    kept = sightings.filter(pl.col("kept"))
    flags = pl.DataFrame(schema={"posting_id": pl.String, "is_embedded": pl.Boolean})
    files = _old_files(current, "postings",
                       sorted({month_name(d) for d in kept["old_date"].to_list()}))
    if kept.height and files:
        con.register("hit_ids", kept.select("posting_id").unique().to_arrow())
        flags = pl.from_arrow(con.sql("""
            select posting_id, description = '' as is_embedded from read_parquet($f)
            semi join hit_ids using (posting_id)""", params={"f": files}).arrow().read_all())
        con.unregister("hit_ids")
    return (sightings.join(flags, on="posting_id", how="left")
            .with_columns((pl.col("kept") & pl.col("is_embedded").fill_null(False))
                          .alias("embedded")).drop("is_embedded"))


def _old_files(current: Path, table: str, touched: list[str]) -> list[str]:
    """The warehouse's month files of a table for the touched months (those it has)."""
    have = month_files(current, table)
    return [str(have[m]) for m in touched if m in have]


def link_untouched(current: Path, folder: Path, table: str, touched: list[str]) -> None:
    """Hard-link (copy where linking fails) the warehouse's month files of a table the append
    did not touch into the new folder; drop the empty-table file once a month has rows."""
    out = folder / table
    out.mkdir(exist_ok=True)
    for month, path in month_files(current, table).items():
        if month not in touched:
            try:
                os.link(path, out / path.name)
            except OSError:
                shutil.copy2(path, out / path.name)
    empty = out / EMPTY_MONTH_FILE
    if empty.exists() and month_files(folder, table):
        empty.unlink()
    elif not any(out.glob("*.parquet")):
        schema = pq.read_schema(table_files(current, table)[0])
        pq.write_table(schema.empty_table(), empty)


def table_rows(folder: Path, table: str) -> int:
    """A table's rows, from its files' footers."""
    return sum(pq.read_metadata(f).num_rows for f in table_files(folder, table))


def _old_month_rows(current: Path, month: int, start: int) -> pl.DataFrame:
    """The warehouse's live postings of one month with a text (INPUT_COLUMNS, the link keys
    and row numbers from start)."""
    year, m0 = divmod(month, 12)
    path = month_files(current, "postings").get(f"{year:04d}-{m0 + 1:02d}")
    if path is None:
        return pl.DataFrame(schema={c: pl.String for c in INPUT_COLUMNS}
                            | {"posted_date": pl.Date, "company_key": pl.String,
                               "title_key": pl.String, "row": pl.Int64})
    rows = (pl.scan_parquet(path).filter(pl.col("description") != "")
            .select(*INPUT_COLUMNS).collect())
    return rows.with_columns(*link_keys(),
                             (pl.int_range(0, rows.height, dtype=pl.Int64) + start).alias("row"))


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
        new = _as_keys(b.read_keys([path]).join(gone.select("row"), on="row", how="anti"))
        if not new.height:
            continue
        month = int(path.stem)
        old = _old_month_rows(current, month, OLD_ROWS)
        earlier = dropped_before.filter(pl.col("month") == month)
        earlier = earlier.with_columns(
            (pl.int_range(0, earlier.height, dtype=pl.Int64) + OLD_DROPPED_ROWS).alias("row"))
        # only the month's rows a chain of links could join to a new posting's group: the keys
        # of the others (their texts shingled) would change nothing (dedup.reachable)
        reached = reachable(pl.concat([old.select("company_key", "title_key"),
                                       earlier.select("company_key", "title_key")]), new)
        old = old.filter(reached.head(old.height))
        old = _as_keys(dedup_keys(old) if old.height else None)
        earlier = earlier.filter(reached.tail(earlier.height))
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
    new = b.read_keys(key_files)
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


# The most rows one sort of an append's table rewrite takes (_parts_in_order): one sort of
# every row of a 10M-posting warehouse's rollup_technologies (11.4M rows) under DuckDB's 1 GB
# ran out of memory in two of three appends (2026-12-03).
PART_ROWS = 2_000_000


def _parts_in_order(con: duckdb.DuckDBPyConnection, rows: str, params: dict, keys: list[str],
                    limit: int | None = None, where: str = "true", bound: dict | None = None,
                    depth: int = 0) -> list[tuple[str, dict]]:
    """Conditions (with their parameters) that cut the rows of the query ``rows`` into parts of
    at most ``limit`` rows (PART_ROWS) where the keys allow, in order: the parts one after the
    other, each sorted by the keys, are every row sorted by them. A part is a run of values of
    the first key; a value with more rows is cut by the next key; null values come last, as
    DuckDB sorts them."""
    limit, bound = limit or PART_ROWS, bound or {}
    key, rest = keys[0], keys[1:]
    values = con.sql(f"select {key} as v, count(*) as n from ({rows}) where {where} "
                     "group by all order by v nulls last", params=params | bound).fetchall()
    parts: list[tuple[str, dict]] = []
    run: list = []
    run_rows = 0

    def close_run() -> None:
        nonlocal run, run_rows
        if run:
            parts.append((f"{where} and {key} between $lo{depth} and $hi{depth}",
                          bound | {f"lo{depth}": run[0], f"hi{depth}": run[-1]}))
        run, run_rows = [], 0

    for value, n in values:
        if value is None:  # last (nulls last)
            close_run()
            if n > limit and rest:
                parts += _parts_in_order(con, rows, params, rest, limit,
                                         f"{where} and {key} is null", bound, depth + 1)
            else:
                parts.append((f"{where} and {key} is null", bound))
        elif n > limit and rest:
            close_run()
            parts += _parts_in_order(con, rows, params, rest, limit,
                                     f"{where} and {key} = $eq{depth}",
                                     bound | {f"eq{depth}": value}, depth + 1)
        else:
            if run and run_rows + n > limit:
                close_run()
            run.append(value)
            run_rows += n
    close_run()
    return parts


def order_in_file(name: str, names: list[str], column: str) -> str:
    """How the build orders a rollup file: a derived table as its SQL's ``order by`` says,
    another by month; a table keyed by posting date by its leading columns through the date,
    then the posting id."""
    if name in DERIVED_SQL:
        return order_of(name)
    if name in b.ROLLUP_SQL and column == "month":
        return b.rollup_order(name)
    if column == "month":
        return "month"
    lead = names[:names.index(column) + 1]
    return ", ".join(lead + (["posting_id"] if "posting_id" in names
                             and "posting_id" not in lead else []))


def _link_months(current: Path, folder: Path, touched: list[str], tables: Iterable[str],
                 into: Path) -> None:
    """The new folder's month files of the touched months, linked into ``into`` (an empty
    table's file where a table has none of them)."""
    for table in tables:
        out = into / table
        out.mkdir(parents=True)
        have = month_files(folder, table)
        for month in touched:
            if month in have:
                os.link(have[month], out / have[month].name)
        if not any(out.glob("*.parquet")):
            schema = pq.read_schema(table_files(folder, table)[0])
            pq.write_table(schema.empty_table(), out / EMPTY_MONTH_FILE)


def _write_in_order(con: duckdb.DuckDBPyConnection, rows: str, params: dict, order: str,
                    path: Path, schema: pa.Schema, group_rows: int | None) -> int:
    """Write the rows of the query ``rows`` into one file sorted by ``order``, a part of at most
    PART_ROWS rows sorted at a time (_parts_in_order), in row groups of ``group_rows``; the
    rows written."""
    keys = [key.strip() for key in order.split(",")]
    return b._write_parts(
        con, [(f"select * from ({rows}) where {where} order by {order}", params | bound)
              for where, bound in _parts_in_order(con, rows, params, keys)], path,
        # the new rows alone may have no null where the old have (DuckDB then writes the
        # column as required): every column may be null
        pa.schema([f.with_nullable(True) for f in schema]), group_rows)


# The answer tables whose every row holds one year's pay (a ``year`` column): all of
# ANSWER_TABLES but pay_quartiles_whole and pay_quartiles_by_dimension, which sum the years.
YEARLY_ANSWERS = ("salary_cells_whole", "salary_technology_cells_whole",
                  "pay_year_quartiles_whole", "pay_premium_whole")


def pay_ends(con: duckdb.DuckDBPyConnection, salary_values: Path) -> list[dt.date]:
    """The ends of the answer tables' range (rollups.py: pay_quartiles_whole): the last month
    with pay and the one before it, last first (fewer where the warehouse has fewer)."""
    return [m for (m,) in con.sql("select distinct month from read_parquet($p) order by month "
                                  "desc limit 2", params={"p": str(salary_values)}).fetchall()]


def _in_years(column: str, years: list[int]) -> str:
    """SQL true where a date ``column`` falls in one of the years (ranges of dates, so that a
    file sorted by it skips the other years' row groups)."""
    return " or ".join(f"({column} >= date '{y:04d}-01-01' and {column} < date '{y + 1:04d}-01-01')"
                       for y in years)


def write_touched_answers(con: duckdb.DuckDBPyConnection, folder: Path, current: Path,
                          months: list[dt.date]) -> tuple[dict[str, int], list[int] | None]:
    """The answer tables of the new folder (ANSWER_TABLES; after its pay tables): the rows of
    the years the append changed made by the build's own SQL, the others kept; their row
    counts and those years (None: every table made whole).

    A row of a yearly answer table (YEARLY_ANSWERS) holds one year's pay counted through one of
    the two ends, the last month with pay (every month) and the one before it (the months
    before the last). A year that holds neither the last month with pay before the append nor
    the one after it, and no touched month, has the same pay as before at both ends (every
    month of it is before both last months), so its rows are the warehouse's with only the
    names of the new last month (``last_month``) and ends (``upto_month``). The rows of the
    other years are made from their pay alone, as the build makes every year's;
    pay_quartiles_whole sums every year's cells, so it is made whole (from the per-cell sums,
    a fraction of the pay rows), and so is pay_quartiles_by_dimension (from every year's pay).
    Where the ends do not allow it (fewer than two months with pay before or after, or a last
    month with pay earlier than before) every table is made whole.
    """
    old_ends = pay_ends(con, current / "salary_values.parquet")
    new_ends = pay_ends(con, folder / "salary_values.parquet")
    if (len(old_ends) < 2 or len(new_ends) < 2 or new_ends[0] < old_ends[0]
            or not all((current / f"{t}.parquet").is_file() for t in ANSWER_TABLES)):
        return write_answer_tables(folder, b.DUCKDB_MEMORY), None
    years = sorted({m.year for m in months} | {old_ends[0].year, new_ends[0].year})
    scratch = folder / "_answers"
    scratch.mkdir()
    con.execute(QUANTILE_MACROS)
    # the kept rows under the new names (with their parameters): the last month with pay, and
    # the ends (a kept year's rows are the same at both ends)
    last_month = ("replace ($last::date as last_month)", {"last": new_ends[0]})
    end = ("replace (if(upto_month = $old_last, $last, $second)::date as upto_month)",
           {"old_last": old_ends[0], "last": new_ends[0], "second": new_ends[1]})
    counts = {}

    def made_again(name: str, renamed: tuple[str, dict]) -> None:
        """One yearly answer table: the years' rows by its SQL, the other years' kept."""
        fresh, path = scratch / f"{name}.parquet", folder / f"{name}.parquet"
        replace, names = renamed
        with naming_table(name):
            write_whole(con, name, fresh)
            rows = f"""
                select * {replace} from read_parquet($old)
                where year not in ({", ".join(map(str, years))})
                union all by name select * from read_parquet($fresh)"""
            params = {"old": str(current / path.name), "fresh": str(fresh), **names}
            counts[name] = _write_in_order(con, rows, params, order_of(name), path,
                                           pq.read_schema(fresh), ROW_GROUP_ROWS.get(name))

    for table in ("salary_values", "salary_technologies"):  # the years' pay
        con.sql(f"create or replace view {table} as select * from read_parquet("
                f"'{sql_quoted(table_source(folder, table))}') where {_in_years('month', years)}")
    cells = YEARLY_ANSWERS[:2]  # the per-cell sums
    for name in cells:
        made_again(name, last_month)
    # every year's cells and pay (its ends and first month read salary_values)
    views_of(con, {name: table_source(folder, name)
                   for name in (*cells, "salary_values", "salary_technologies")})
    with naming_table("pay_quartiles_whole"):
        counts["pay_quartiles_whole"] = write_whole(
            con, "pay_quartiles_whole", folder / "pay_quartiles_whole.parquet")
    views_of(con, {"pay_quartiles_whole": str(folder / "pay_quartiles_whole.parquet"),
                   **{name: str(scratch / f"{name}.parquet") for name in cells}})
    for name in YEARLY_ANSWERS[2:]:
        made_again(name, end)
    # per value of each dimension, over every year's pay (as pay_quartiles_whole)
    with naming_table("pay_quartiles_by_dimension"):
        counts["pay_quartiles_by_dimension"] = write_whole(
            con, "pay_quartiles_by_dimension", folder / "pay_quartiles_by_dimension.parquet")
    shutil.rmtree(scratch)
    return counts, years


def write_touched_rollups(folder: Path, current: Path,
                          months: list[dt.date]) -> tuple[dict[str, int], bool, list[int] | None]:
    """Each rollup and derived table: the warehouse's rows of untouched months and the build's
    own write_rollups over the touched months' postings; returns the row counts, whether
    the tables were updated by month (False: recomputed whole) and the years whose answer
    tables' rows were made again (write_touched_answers; None: made whole).

    A month-file table (schema.py: MONTHLY_TABLES) takes the touched months' new files and
    links the others; a year-file table (YEARLY_TABLES) rewrites the touched years' files from
    their rows of untouched months and the new ones and links the others; a single-file one is
    rewritten the same way whole. A table without a ``month`` or ``posted_date`` date column
    cannot be updated by month, nor one the old warehouse lacks: all rollups are then
    recomputed whole.
    """
    subset = folder / "_rollup_months"
    touched = [month_name(m) for m in months]
    _link_months(current, folder, touched, ("postings", "posting_technologies"), subset)
    for name in ("technologies.parquet",):  # what else a rollup may read
        if (current / name).is_file():
            os.link(current / name, subset / name)
    fresh = b.write_rollups(subset, answers=False)  # write_touched_answers makes them below
    single = [n for n in fresh if n not in FOLDER_TABLES]
    yearly = [n for n in fresh if n in YEARLY_TABLES]
    columns = {n: _date_column(table_files(current, n)[0]) for n in single + yearly}
    if not all(columns.values()) or not all((current / n).is_dir() for n in fresh
                                            if n in FOLDER_TABLES):
        shutil.rmtree(subset)
        return b.write_rollups(folder), False, None
    counts = {}
    for name in fresh:
        if name in MONTHLY_TABLES:
            (subset / name / EMPTY_MONTH_FILE).unlink(missing_ok=True)
            (subset / name).rename(folder / name)
            link_untouched(current, folder, name, touched)
            counts[name] = table_rows(folder, name)
    con = b._duckdb(folder, folder / "_rollup_spill")
    month_list = [m.isoformat() for m in months]

    def rewritten(name: str, old: list[str], new: list[str], path: Path) -> int:
        """A table file (or year file) from the old one's rows of untouched months and the
        new ones, in the build's order and row groups (small ones where a narrowed view skips
        them); its rows."""
        schema, column = pq.read_schema(table_files(subset, name)[0]), columns[name]
        rows = " union all by name ".join(
            [f"""select * from read_parquet($old)
                 where not list_contains($months, strftime({column}, '%Y-%m-01'))"""] * bool(old)
            + ["select * from read_parquet($new)"] * bool(new))
        params = ({"old": old, "months": month_list} if old else {}) | (
            {"new": new} if new else {})
        return _write_in_order(con, rows, params, order_in_file(name, schema.names, column), path,
                               schema, ROW_GROUP_ROWS.get(name))

    for name in single:
        counts[name] = rewritten(name, [str(current / f"{name}.parquet")],
                                 [str(subset / f"{name}.parquet")], folder / f"{name}.parquet")
    touched_years = sorted({year_name(m) for m in months})
    for name in yearly:  # the touched years' files rewritten, the others linked
        old, new = month_files(current, name), month_files(subset, name)
        (folder / name).mkdir()
        for year in touched_years:
            if year not in old and year not in new:
                continue
            path = folder / name / f"{year}.parquet"
            if not rewritten(name, [str(old[year])] if year in old else [],
                             [str(new[year])] if year in new else [], path):
                path.unlink()  # no rows left in that year
        link_untouched(current, folder, name, touched_years)
        counts[name] = table_rows(folder, name)
    answers, years = write_touched_answers(con, folder, current, months)
    counts.update(answers)
    con.close()
    shutil.rmtree(subset)
    shutil.rmtree(folder / "_rollup_spill", ignore_errors=True)
    return counts, True, years


def month_coverage(folder: Path, before: list[list], touched: list[str]) -> list[list]:
    """The manifest's month coverage rows after an append: the untouched months' rows as they
    were, the touched months' counted again from their new month files."""
    files = _old_files(folder, "postings", touched)
    fresh = []
    if files:
        con = duckdb.connect()
        fresh = [[m, s, e, n, str(lo), str(hi)] for m, s, e, n, lo, hi in con.sql("""
            select strftime(posted_date, '%Y-%m'), source, description = '', count(*),
                   min(posted_date), max(posted_date)
            from read_parquet($f) group by all""", params={"f": files}).fetchall()]
        con.close()
    rows = [r for r in before if r[0] not in touched] + fresh
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


def _manifest(before: dict, folder: Path, started: dt.datetime,
              results: list[b.SourceResult], files: dict[str, dict[str, int]], first: pa.Table,
              month_dropped: pl.DataFrame, removed_keys: pl.DataFrame,
              replaced: set[str], rollups: dict[str, int], n_postings: int, n_techs: int,
              cache_info: dict, months: list[dt.date], by_month: bool,
              answer_years: list[int] | None) -> dict:
    """The warehouse's manifest after the append: counts, coverage and the append's account."""
    out = json.loads(json.dumps(before, default=str))
    rows = month_coverage(folder, before["month_coverage"], [month_name(m) for m in months])
    coverage = {s: (c["postings"], c["first"], c["last"]) for s, c in b.coverage_of(rows).items()}
    out["month_coverage"] = rows
    out["date_range"] = ([dt.date.fromisoformat(min(r[4] for r in rows)),
                          dt.date.fromisoformat(max(r[5] for r in rows))] if rows
                         else [None, None])
    embedded_kept = sum(r[3] for r in rows if r[2])
    same_counts = dict(pl.from_arrow(first).group_by("source").len().iter_rows())
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
        "answer_years": answer_years or "all",
        "earlier_postings_removed": len(removed_keys) + len(replaced)}]
    return out
