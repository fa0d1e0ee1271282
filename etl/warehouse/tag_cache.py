"""Technology tags cached by text hash and tagger version, so a rebuild tags only new texts.

The cache lives in the warehouse folder (``tag_cache/``) and moves with it: a build reads the
cache of the warehouse it replaces, tags only the postings whose text it does not hold, and
writes the new warehouse's cache as the old one's part files (hard links, no copy) plus one part
of the texts it tagged. Files:

- ``cache.json``: the key (taxonomy version and tagger code fingerprint) and the parts;
- ``texts-N.parquet``: (text_hash) of every text tagged under the key, tags or none;
- ``tags-N.parquet``: (text_hash, technology_id, name, category, parent, surface, rule,
  mentions), one row per technology a cached text names.

A text's hash is the first 8 bytes of BLAKE2b over the text the tagger reads (title and body).
What a build holds of the cache is the sorted hash column (8 bytes a text: 80 MB at 10 million
texts, shared by the forked workers); the tags themselves are joined by DuckDB from Parquet.
A changed taxonomy or tagger code (another key) starts an empty cache: everything is tagged again
and the manifest says why. A cache that cannot be read (a file missing or damaged) is dropped
the same way, with the reason in the manifest.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import shutil
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from etl.warehouse.schema import TECH_SCHEMA

FOLDER = "tag_cache"
INDEX = "cache.json"
FORMAT = 1
MAX_PARTS = 8  # more parts than this are merged into one when a build writes the cache
TEXTS_SCHEMA = pa.schema([pa.field("text_hash", pa.uint64(), False)])
TAGS_SCHEMA = pa.schema([pa.field("text_hash", pa.uint64(), False)]
                        + [f for f in TECH_SCHEMA if f.name != "posting_id"])
# What decides the tags of a text besides the taxonomy (whose version has its own content hash).
# the tagger and the project code its tags depend on (tests/test_tag_cache.py checks that every
# module it imports, but for its command's JSON Lines and the paths, is here)
TAGGER_CODE = ("etl/transforms/tagger.py", "etl/text.py", "etl/transforms/caseless.py",
               "etl/transforms/gate.py", "etl/transforms/_passes.c")


def text_hash(text: str) -> int:
    """The cache key of a text: the first 8 bytes of its BLAKE2b digest, as an unsigned int."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "little")


def tagger_code_fingerprint() -> str:
    """SHA-256 (first 12 hex digits) of the tagger's code files."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for name in TAGGER_CODE:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def cache_key(taxonomy_version: str) -> dict:
    """What cached tags are valid for: the taxonomy version and the tagger code."""
    return {"taxonomy_version": taxonomy_version, "tagger_code": tagger_code_fingerprint()}


@dataclass
class TagCache:
    """The cache a build starts from: its parts, the sorted hashes it holds and why it holds them.

    ``known`` answers whether a text hash is cached; ``status`` is one of "used", "empty" (no
    previous cache), "retagged" (another key) or "unreadable" (dropped), with ``reason``.
    """

    key: dict
    folder: Path | None = None
    parts: list[dict] = field(default_factory=list)
    hashes: array = field(default_factory=lambda: array("Q"))
    status: str = "empty"
    reason: str = "no earlier warehouse with a tag cache"

    def known(self, value: int) -> bool:
        """Whether the tags of the text with this hash are cached."""
        i = bisect.bisect_left(self.hashes, value)
        return i < len(self.hashes) and self.hashes[i] == value

    def tag_files(self) -> list[str]:
        """The tags part files (paths) to join cached postings with."""
        return [str(self.folder / p["tags"]) for p in self.parts] if self.folder else []

    def summary(self, tagged: int, from_cache: int) -> dict:
        """The manifest's account of the cache in a build."""
        return {**self.key, "status": self.status, "reason": self.reason,
                "postings_tagged": tagged, "postings_from_cache": from_cache,
                "texts_cached_before": len(self.hashes),
                "retagged_everything": self.status != "used"}


def _sorted_hashes(files: list[Path]) -> array:
    """The hash column of the texts parts, sorted, as a compact array of unsigned 64-bit ints.
    Read and sorted by Polars (its sort uses every core): at 10M texts 0.5 s, against 2.8 s
    with pyarrow's sort."""
    if not files:
        return array("Q")
    ordered = pl.read_parquet(files, columns=["text_hash"])["text_hash"].cast(pl.UInt64).sort()
    column = ordered.to_arrow()
    out = array("Q")
    out.frombytes(memoryview(column.buffers()[1])[column.offset * 8:
                                                  (column.offset + len(column)) * 8])
    return out


def open_cache(warehouse: Path, taxonomy_version: str) -> TagCache:
    """The tag cache of the current warehouse, if its key matches; an empty one otherwise."""
    key = cache_key(taxonomy_version)
    folder = Path(warehouse) / FOLDER
    if not (folder / INDEX).is_file():
        return TagCache(key)
    try:
        index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        old_key = {k: index.get(k) for k in key}
        if index.get("format") != FORMAT:
            return TagCache(key, status="retagged", reason=f"cache format {index.get('format')} "
                            f"is not {FORMAT}")
        if old_key != key:
            changed = [f"{k} {old_key[k]} -> {key[k]}" for k in key if old_key[k] != key[k]]
            return TagCache(key, status="retagged", reason="changed: " + "; ".join(changed))
        parts = list(index["parts"])
        for part in parts:
            for kind, schema in (("texts", TEXTS_SCHEMA), ("tags", TAGS_SCHEMA)):
                meta = pq.read_metadata(folder / part[kind])
                if meta.num_rows != part[f"{kind}_rows"] or not meta.schema.to_arrow_schema() \
                        .remove_metadata().equals(schema):
                    raise ValueError(f"{part[kind]} does not hold the rows or columns "
                                     f"{INDEX} records")
        hashes = _sorted_hashes([folder / p["texts"] for p in parts])
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as err:
        return TagCache(key, status="unreadable",
                        reason=f"{folder.name} could not be read ({type(err).__name__}: {err})")
    return TagCache(key, folder, parts, hashes, "used", f"{len(hashes)} texts cached")


def _link(source: Path, target: Path) -> None:
    """A hard link of source at target (a copy where links cannot be made)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_cache(cache: TagCache, folder: Path, write_texts: Callable[[Path, pa.Schema], int],
                write_tags: Callable[[Path, pa.Schema], int]) -> dict:
    """Write the new warehouse's cache into folder/tag_cache: the old parts and the new texts.

    write_texts(path, TEXTS_SCHEMA) writes the hashes of the texts this build tagged and
    write_tags(path, TAGS_SCHEMA) their tag rows (both stream; each returns its rows).
    Returns the cache index.
    """
    out = folder / FOLDER
    out.mkdir()
    parts = []
    for part in cache.parts:
        for kind in ("texts", "tags"):
            _link(cache.folder / part[kind], out / part[kind])
        parts.append(part)
    number = max((p["number"] for p in parts), default=0) + 1
    part = {"number": number, "texts": f"texts-{number}.parquet",
            "tags": f"tags-{number}.parquet"}
    part["texts_rows"] = write_texts(out / part["texts"], TEXTS_SCHEMA)
    part["tags_rows"] = write_tags(out / part["tags"], TAGS_SCHEMA)
    if part["texts_rows"]:
        parts.append(part)
    else:
        for kind in ("texts", "tags"):
            (out / part[kind]).unlink()
    if len(parts) > MAX_PARTS:
        parts = [_merged(out, parts)]
    index = {"format": FORMAT, **cache.key, "parts": parts,
             "texts": sum(p["texts_rows"] for p in parts)}
    (out / INDEX).write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return index


def _merged(out: Path, parts: list[dict]) -> dict:
    """One part holding every part's rows (the others deleted); streamed, row group at a time."""
    number = max(p["number"] for p in parts) + 1
    merged = {"number": number, "texts": f"texts-{number}.parquet",
              "tags": f"tags-{number}.parquet", "texts_rows": 0, "tags_rows": 0}
    for kind, schema in (("texts", TEXTS_SCHEMA), ("tags", TAGS_SCHEMA)):
        with pq.ParquetWriter(out / merged[kind], schema) as writer:
            for part in parts:
                source = pq.ParquetFile(out / part[kind])
                for group in range(source.num_row_groups):
                    table = source.read_row_group(group)
                    writer.write_table(table.cast(schema))
                    merged[f"{kind}_rows"] += table.num_rows
        for part in parts:
            (out / part[kind]).unlink()
    return merged
