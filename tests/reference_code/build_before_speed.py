"""REFERENCE COPY (tests only): the row-by-row batch work of etl/warehouse/build.py
(normalised_and_tagged, tag_rows) as it was before the speed work of issue 11 item 2: Python
dicts per row, normalised through the reference copy of normalize (tests/reference_code/)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pyarrow as pa

from etl.sources.base import Rejected, raw_excerpt
from etl.transforms.tagger import Tagger
from etl.warehouse.build import (
    KEYS_SCHEMA,
    STAGED_POSTINGS_SCHEMA,
    STAGED_TECH_SCHEMA,
    Processed,
    posting_text,
    text_hashes,
)
from tests.reference_code.normalize_before_speed import posting_row


def tag_rows(rows: list[dict], tagger: Tagger) -> pa.RecordBatch:
    """One row per posting x technology: who matched, as written, and by which rule."""
    out: dict[str, list] = {name: [] for name in STAGED_TECH_SCHEMA.names}
    technologies = tagger.technologies
    for row in rows:
        seen: dict[str, int] = {}
        for m in tagger.mentions(posting_text(row["title"], row["description"])):
            tech_id = m.technology.id
            if tech_id in seen:
                out["mentions"][seen[tech_id]] += 1
                continue
            seen[tech_id] = len(out["posting_id"])
            tech = technologies[tech_id]
            for key, value in (("posting_id", row["posting_id"]), ("technology_id", tech_id),
                               ("name", tech.name), ("category", tech.category),
                               ("parent", tech.parent), ("surface", m.surface),
                               ("rule", m.rule), ("mentions", 1), ("row", row["row"])):
                out[key].append(value)
    return pa.RecordBatch.from_pydict(out, schema=STAGED_TECH_SCHEMA)


def normalised_and_tagged(batch: pa.RecordBatch, source: str, ingested_at: dt.datetime,
                          known: Callable[[int], bool] | None = None) -> Processed:
    """The row-by-row part of the batch work (normalise, pay, tag); keys are left empty.

    Postings whose text hash is ``known`` (in the tag cache) are not tagged here.
    """
    tagger = Tagger.default()
    rows, rejected = [], []
    for item in batch.to_pylist():
        staging = {k: v for k, v in item.items() if v is not None}
        row, reason = posting_row(staging, source, ingested_at)
        if row is None:
            rejected.append(Rejected(source, item["_file"], item["_row"], reason,
                                     raw_excerpt({k: v for k, v in staging.items()
                                                  if k not in ("seq", "_file", "_row")})))
        else:
            row["row"] = item["seq"]
            rows.append(row)
    postings = pa.RecordBatch.from_pylist(rows, schema=STAGED_POSTINGS_SCHEMA)
    hashes = text_hashes(rows, known)
    to_tag = [r for r, tag in zip(rows, hashes.column("tagged").to_pylist(), strict=True) if tag]
    return Processed(postings, tag_rows(to_tag, tagger),
                     pa.RecordBatch.from_pylist([], schema=KEYS_SCHEMA), rejected, hashes)
