"""The compiled tagger (`python -m etl.compile`, mypyc) tags exactly as the tagger as Python.

`make setup` builds etl/transforms/tagger.py into a folder named after its sources' hash, and
etl.transforms loads that build only when it exists (etl/compile.py). These tests check that the
build is the one loaded where it can be built, that it finds every mention the plain module
finds (technology, offsets, surface, rule) on the labelled real postings, the LinkedIn
descriptions, 20,000 sample postings and generated hostile text, that an edited source is
never served by an older build, and that a failed build leaves no folder behind.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import compile as compiled
from etl.evaluate import LINKEDIN_SAMPLE, _linkedin, load_labels, posting_text
from etl.sample import write_sample
from etl.transforms import tagger
from tests.pure_tagger import pure_tagger
from tests.test_tagger_fast_path import GAPS, PIECES, sample_texts

LABELS = [Path(__file__).parent / "eval" / f"{name}_labels.jsonl"
          for name in ("dev", "holdout", "audit2", "era", "fresh")]
IS_COMPILED = not tagger.__file__.endswith(".py")
needs_build = pytest.mark.skipif(
    not IS_COMPILED, reason="the tagger is not compiled here (python -m etl.compile says why)")


@cache
def tagger_of(module):
    """The module's tagger for the taxonomy."""
    return module.Tagger.from_file(module.TAXONOMY_PATH)


def mentions_of(module, texts: list[str]) -> list[list[tuple]]:
    """Every mention of each text by the module's tagger, as plain tuples."""
    return [[(m.technology.id, m.start, m.end, m.surface, m.rule)
             for m in tagger_of(module).mentions(t)] for t in texts]


def assert_same_mentions(texts: list[str]) -> int:
    """Asserts both taggers find the same mentions in every text; returns how many."""
    got, want = mentions_of(tagger, texts), mentions_of(pure_tagger(), texts)
    differing = [text[:80] for text, a, b in zip(texts, got, want, strict=True) if a != b]
    assert differing == []
    return sum(map(len, want))


def test_the_tagger_runs_compiled_where_it_can_be_built():
    missing = compiled.missing_tools()
    if missing or os.environ.get("HIRING_RADAR_PURE_PYTHON"):
        pytest.skip(f"the tagger cannot be compiled here: {missing or 'turned off'}")
    assert IS_COMPILED, "python -m etl.compile (make setup) builds it; run it first"
    assert Path(tagger.__file__).parent == compiled.compiled_folder()


@needs_build
def test_the_plain_module_is_another_module():
    assert pure_tagger().__file__.endswith("tagger.py")
    assert pure_tagger().Tagger is not tagger.Tagger


@needs_build
def test_the_same_mentions_on_the_labelled_postings(shared_data):
    texts = [posting_text(shared_data, row.source, row.file, row.id)
             for path in LABELS for row in load_labels(path)]
    assert len(texts) > 500
    assert assert_same_mentions(texts) > 2_000


@needs_build
def test_the_same_mentions_on_the_linkedin_descriptions(shared_data):
    texts = list(_linkedin(shared_data / LINKEDIN_SAMPLE).values())
    assert len(texts) == 500
    assert assert_same_mentions(texts) > 300


@needs_build
def test_the_same_mentions_on_sample_postings(tmp_path):
    raw = write_sample(tmp_path / "raw", seed=11, n=20_000, until=dt.date(2026, 6, 30))
    texts = sample_texts(raw, raw_every=10)
    assert len(texts) >= 20_000
    assert assert_same_mentions(texts) > 100_000


@needs_build
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GAPS)), max_size=40))
def test_the_same_mentions_and_passes_on_generated_text(parts):
    text = "".join(piece + gap for piece, gap in parts)
    plain = pure_tagger()
    assert tagger.normalise(text) == plain.normalise(text)
    assert tagger.search_key(text) == plain.search_key(text)
    assert assert_same_mentions([text]) >= 0


def test_an_edited_source_has_another_folder(tmp_path):
    compiled.copy_sources(compiled.ROOT, tmp_path)
    before = compiled.compiled_folder(tmp_path)
    assert before == compiled.compiled_folder()
    assert before.parts[-2:] == ("etl", "transforms")
    path = tmp_path / compiled.COMPILED[0]
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = compiled.compiled_folder(tmp_path)
    assert edited != before
    # a module the build reads to type the tagger
    (tmp_path / "etl" / "text.py").write_text("# edited\n", encoding="utf-8")
    typing_edited = compiled.compiled_folder(tmp_path)
    assert typing_edited not in (before, edited)
    # the C passes built beside it
    native = tmp_path / compiled.NATIVE[0]
    native.write_text(native.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    assert compiled.compiled_folder(tmp_path) not in (before, edited, typing_edited)


def test_turned_off_the_tagger_is_python():
    code = "import etl.transforms.tagger as t; print(t.__file__)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "HIRING_RADAR_PURE_PYTHON": "1"}, check=True,
                          cwd=compiled.ROOT)
    assert done.stdout.strip().endswith(str(Path("etl", "transforms", "tagger.py")))


@pytest.mark.skipif(compiled.missing_tools() != "", reason="no compiler, headers or mypyc here")
def test_a_failed_build_leaves_no_folder(tmp_path):
    root, prefix = tmp_path / "src", tmp_path / "env"
    compiled.copy_sources(compiled.ROOT, root)
    path = root / compiled.COMPILED[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nBROKEN: int = 'text'\n",
                    encoding="utf-8")
    with pytest.raises(RuntimeError, match="mypyc failed"):
        compiled.build(root, prefix)
    assert not compiled.compiled_folder(root, prefix).exists()
    assert [p.name for p in (prefix / "mypyc").iterdir()] == []


@pytest.mark.skipif(compiled.missing_tools() != "", reason="no compiler, headers or mypyc here")
def test_a_failed_c_build_leaves_no_folder(tmp_path):
    root, prefix = tmp_path / "src", tmp_path / "env"
    compiled.copy_sources(compiled.ROOT, root)
    path = root / compiled.NATIVE[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nnot C at all\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="building etl/transforms/_passes.c failed"):
        compiled.build(root, prefix)
    assert not compiled.compiled_folder(root, prefix).exists()
    assert [p.name for p in (prefix / "mypyc").iterdir()] == []


def test_a_folder_lacking_a_module_is_built_again(tmp_path, monkeypatch, capsys):
    """`python -m etl.compile` says "up to date" only when the folder holds every module; a
    folder holding part of a build (a copy made by hand) is removed and built again."""
    target = tmp_path / "mypyc" / "cpython-0-abc" / "etl" / "transforms"
    target.mkdir(parents=True)
    for module in compiled.COMPILED:  # the C passes are missing
        (target / f"{Path(module).stem}.cpython-0.so").write_bytes(b"")
    assert compiled.missing_modules(target) == ["_passes"]
    built = []

    def fake_build():
        assert not target.exists()  # the partial folder went first
        built.append(True)
        target.mkdir(parents=True)
        for module in (*compiled.COMPILED, *compiled.NATIVE):
            (target / f"{Path(module).stem}.cpython-0.so").write_bytes(b"")
        return target

    monkeypatch.setattr(compiled, "compiled_folder", lambda *a, **k: target)
    monkeypatch.setattr(compiled, "missing_tools", lambda: "")
    monkeypatch.setattr(compiled, "build", fake_build)
    assert compiled.main([]) == 0
    assert built == [True] and "lacks _passes" in capsys.readouterr().out
    assert compiled.missing_modules(target) == []
    assert compiled.main([]) == 0  # now whole: not built again
    assert built == [True] and "up to date" in capsys.readouterr().out
