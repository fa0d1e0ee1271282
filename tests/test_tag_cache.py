"""The tag cache (issue 11 item 3): a rebuild tags only texts it has not tagged under the same
taxonomy and tagger code, and the warehouse is the same row for row either way."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.transforms.tagger import Tagger
from etl.warehouse import tag_cache
from etl.warehouse.build import build
from etl.warehouse.schema import read_table
from tests.conftest import FixtureSource
from tests.test_streaming_build import Copies, _tables

ROOT = Path(__file__).resolve().parents[1]

FIXTURE_POSTINGS = 216


def distinct_texts(warehouse) -> int:
    """Distinct texts the tagger reads (title and body) among a warehouse's postings."""
    postings = read_table(warehouse, "postings", columns=["title", "description"])
    return len(set(zip(postings["title"].to_pylist(), postings["description"].to_pylist(),
                       strict=True)))


def _build(root, name, processes=1, **kw) -> dict:
    (root / "raw" / "fixture").mkdir(parents=True, exist_ok=True)
    return build(root / "raw", root / name, loaders={"fixture": FixtureSource()},
                 processes=processes, log=lambda m: None, **kw)


def test_a_second_build_tags_nothing_and_gives_the_same_warehouse(tmp_path):
    first = _build(tmp_path, "wh")
    assert first["tag_cache"]["status"] == "empty"
    assert first["tag_cache"]["postings_tagged"] == FIXTURE_POSTINGS
    assert first["tag_cache"]["postings_from_cache"] == 0
    texts = distinct_texts(tmp_path / "wh")
    assert 1 < texts < FIXTURE_POSTINGS  # the fixture repeats its texts
    assert first["tag_cache"]["texts_cached"] == texts
    before = _tables(tmp_path / "wh")
    second = _build(tmp_path, "wh", processes=2)
    assert second["tag_cache"]["status"] == "used"
    assert second["tag_cache"]["postings_tagged"] == 0
    assert second["tag_cache"]["postings_from_cache"] == FIXTURE_POSTINGS
    assert second["tag_cache"]["retagged_everything"] is False
    assert second["tag_cache"]["texts_cached"] == texts
    assert _tables(tmp_path / "wh") == before
    uncached = _build(tmp_path, "plain", use_tag_cache=False)
    assert uncached["tag_cache"]["postings_tagged"] == FIXTURE_POSTINGS
    assert _tables(tmp_path / "plain") == before
    assert len(before["posting_technologies"]) > FIXTURE_POSTINGS
    # the third build links the same part instead of adding one
    index = json.loads((tmp_path / "wh" / "tag_cache" / "cache.json").read_text())
    assert [p["texts_rows"] for p in index["parts"]] == [texts]


def test_only_new_texts_are_tagged_and_a_text_seen_twice_is_cached_once(tmp_path):
    _build(tmp_path, "wh")
    (tmp_path / "raw" / "copies").mkdir(parents=True)
    loaders = {"fixture": FixtureSource(), "copies": Copies()}
    manifest = build(tmp_path / "raw", tmp_path / "wh", loaders=loaders, processes=1,
                     log=lambda m: None)
    # the copies repeat fixture texts verbatim: all twelve come from the cache
    assert manifest["tag_cache"]["postings_tagged"] == 0
    assert manifest["tag_cache"]["postings_from_cache"] == FIXTURE_POSTINGS + 12
    fresh = build(tmp_path / "raw", tmp_path / "fresh", loaders=loaders, processes=1,
                  log=lambda m: None)
    assert fresh["tag_cache"]["postings_tagged"] == FIXTURE_POSTINGS + 12
    assert fresh["tag_cache"]["texts_cached"] == distinct_texts(tmp_path / "wh")
    assert _tables(tmp_path / "wh") == _tables(tmp_path / "fresh")


@pytest.fixture()
def other_taxonomy(tmp_path, monkeypatch) -> Tagger:
    """The shipped taxonomy under another version, with Python named "Python (renamed)"."""
    text = (tag_cache.Path(__file__).resolve().parents[1] / "etl" / "data"
            / "taxonomy.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^version = ".*"$', 'version = "test-next"', text, count=1)
    assert 'version = "test-next"' in text
    old = 'python = { name = "Python", category = "language", aliases = ["python3"'
    new = ('python = { name = "Python (renamed)", category = "language", '
           'aliases = ["python", "python3"')
    text, renamed = text.replace(old, new), text.count(old)
    assert renamed == 1
    path = tmp_path / "taxonomy.toml"
    path.write_text(text, encoding="utf-8")
    tagger = Tagger.from_file(path)
    assert tagger.technologies["python"].name == "Python (renamed)"
    return tagger


def test_a_changed_taxonomy_tags_everything_again_and_says_so(tmp_path, monkeypatch,
                                                                 other_taxonomy):
    _build(tmp_path, "wh")
    techs = read_table(tmp_path / "wh", "posting_technologies")
    assert "Python" in techs["name"].to_pylist()
    monkeypatch.setattr(Tagger, "default", classmethod(lambda cls: other_taxonomy))
    manifest = _build(tmp_path, "wh")
    info = manifest["tag_cache"]
    assert info["status"] == "retagged" and info["retagged_everything"] is True
    assert "taxonomy_version" in info["reason"] and "test-next" in info["reason"]
    assert info["postings_tagged"] == FIXTURE_POSTINGS and info["postings_from_cache"] == 0
    assert manifest["taxonomy_version"] == info["taxonomy_version"] == other_taxonomy.version
    techs = read_table(tmp_path / "wh", "posting_technologies")
    names = techs["name"].to_pylist()
    assert "Python (renamed)" in names and "Python" not in names
    again = _build(tmp_path, "wh")
    assert again["tag_cache"]["postings_tagged"] == 0


@pytest.mark.parametrize("damage", ["garbage tags", "missing texts", "garbage index",
                                    "rows not as recorded"])
def test_a_damaged_or_missing_cache_falls_back_to_tagging(tmp_path, damage):
    _build(tmp_path, "wh")
    before = _tables(tmp_path / "wh")
    cache = tmp_path / "wh" / "tag_cache"
    index = json.loads((cache / "cache.json").read_text())
    part = index["parts"][0]
    if damage == "garbage tags":
        (cache / part["tags"]).write_bytes(b"PAR1 not a parquet file")
    elif damage == "missing texts":
        (cache / part["texts"]).unlink()
    elif damage == "garbage index":
        (cache / "cache.json").write_text("{not json")
    else:
        part["tags_rows"] += 1
        (cache / "cache.json").write_text(json.dumps(index))
    manifest = _build(tmp_path, "wh")
    info = manifest["tag_cache"]
    if damage == "garbage index":
        assert info["status"] == "unreadable" and "JSONDecodeError" in info["reason"]
    else:
        assert info["status"] == "unreadable", info
    assert info["retagged_everything"] is True
    assert info["postings_tagged"] == FIXTURE_POSTINGS
    assert _tables(tmp_path / "wh") == before
    assert _build(tmp_path, "wh")["tag_cache"]["postings_tagged"] == 0


def test_text_hash_is_stable():
    assert tag_cache.text_hash("Go\n\nWe write Go") == tag_cache.text_hash("Go\n\nWe write Go")
    assert tag_cache.text_hash("a") != tag_cache.text_hash("b")
    assert 0 <= tag_cache.text_hash("a") < 2 ** 64


def test_cached_hashes_are_sorted_unsigned_across_parts(tmp_path):
    """The hashes of every texts part, in one ascending unsigned order (bisect's): values past
    2**63 last, a hash of two parts found."""
    parts = [[2**64 - 1, 5, 2**63], [7, 5, 0]]
    for i, values in enumerate(parts):
        pq.write_table(pa.table({"text_hash": pa.array(values, pa.uint64())},
                                schema=tag_cache.TEXTS_SCHEMA), tmp_path / f"texts-{i}.parquet")
    hashes = tag_cache._sorted_hashes(sorted(tmp_path.glob("texts-*.parquet")))
    assert list(hashes) == [0, 5, 5, 7, 2**63, 2**64 - 1]
    cache = tag_cache.TagCache(tag_cache.cache_key("v"), hashes=hashes)
    assert cache.known(2**63) and cache.known(5) and not cache.known(6)
    assert list(tag_cache._sorted_hashes([])) == []


def _project_imports(path: Path) -> set[str]:
    """The files of this repository's modules a module imports (``from etl... import``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("etl"):
            for name in [node.module] + [f"{node.module}.{a.name}" for a in node.names]:
                module = ROOT / (name.replace(".", "/") + ".py")
                if module.is_file():
                    found.add(module.relative_to(ROOT).as_posix())
    return found


def test_the_tagger_code_key_covers_the_code_the_tags_depend_on():
    """Every module of the project the tagger imports, and what those import in turn, is in the
    cache key (a change to any of them re-tags everything), but for its command's JSON Lines
    and the paths; so are the C passes it calls."""
    seen, todo = set(), ["etl/transforms/tagger.py"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += _project_imports(ROOT / name)
    depends = seen - {"etl/jsonl.py", "etl/paths.py", "etl/transforms/__init__.py"}
    assert {"etl/transforms/gate.py", "etl/transforms/caseless.py", "etl/text.py"} <= depends
    assert depends <= set(tag_cache.TAGGER_CODE)
    assert "etl/transforms/_passes.c" in tag_cache.TAGGER_CODE
    assert all((ROOT / name).is_file() for name in tag_cache.TAGGER_CODE)
