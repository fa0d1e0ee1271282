"""Whether two warehouses hold the same rows: the Spark engine's check against the in-process
build (``python -m etl.bench_spark``, tests/test_spark_engine.py) and the S3 and streaming tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl.warehouse.schema import FOLDER_TABLES, month_files


def sorted_rows(table: pa.Table) -> pa.Table:
    """The table's rows sorted by every column; a list column (e.g. technology_sets' sets)
    sorts by its elements, as text, joined into one string, as Arrow cannot sort lists."""
    keys = {}
    for name, kind in zip(table.column_names, table.schema.types, strict=True):
        keys[name] = (pc.binary_join(table[name].cast(pa.list_(pa.string())), "\x1f")
                      if pa.types.is_list(kind) else table[name])
    keyed = pa.table({f"_key{i}": col for i, col in enumerate(keys.values())})
    order = pc.sort_indices(keyed, [(f"_key{i}", "ascending") for i in range(len(keys))])
    return table.take(order)


def table_names(folder: Path) -> list[str]:
    """The warehouse's table names with their month and year files (schema.py: the layout)."""
    names = [p.stem for p in folder.glob("*.parquet")]
    names += [f"{t}/{m}" for t in FOLDER_TABLES for m in month_files(folder, t)]
    return sorted(names)


def warehouse_differences(a: Path, b: Path, same_clock: bool = True) -> list[str]:
    """What differs between two warehouses: tables (rows sorted by every column) and manifest.

    same_clock=False: builds started at different times (the command line's): the build time
    (``ingested_at``, the manifest's ``built_at``) is left out, every other value compared.
    """
    problems = []
    names_a, names_b = table_names(a), table_names(b)
    if names_a != names_b:
        problems.append(f"tables {names_a} != {names_b}")
    for name in names_a:
        if name not in names_b:
            continue
        # a table, or one month or year file of a folder table (``postings/2025-11``)
        ta, tb = pq.read_table(a / f"{name}.parquet"), pq.read_table(b / f"{name}.parquet")
        if not same_clock and "ingested_at" in ta.column_names:
            ta, tb = ta.drop_columns(["ingested_at"]), tb.drop_columns(["ingested_at"])
        if not ta.schema.equals(tb.schema):
            problems.append(f"{name}: schema {ta.schema} != {tb.schema}")
            continue
        if not sorted_rows(ta).equals(sorted_rows(tb)):
            problems.append(f"{name}: {ta.num_rows} rows != {tb.num_rows} rows or values differ")
    manifest_a = json.loads((a / "manifest.json").read_text())
    manifest_b = json.loads((b / "manifest.json").read_text())
    if not same_clock:
        manifest_a.pop("built_at"), manifest_b.pop("built_at")
    if manifest_a != manifest_b:
        problems.append(f"manifest: {manifest_a} != {manifest_b}")
    return problems
