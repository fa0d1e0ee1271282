"""The compiled normaliser (`python -m etl.compile` builds etl/transforms/normalize.py,
requirements.py, salary.py and caseless.py with mypyc) stages every row as the same modules
run as Python.

mypyc checks annotations at run time: where a value is not of its annotated type, the compiled
module raises TypeError where Python carries on. So the build's row-by-row work
(build.normalised_and_tagged: normalise, requirements, pay, tags) runs here over synthetic sample
postings, the real HN threads and archive months and the LinkedIn file, and its Arrow output is
compared with a child process's that runs every module as Python (HIRING_RADAR_PURE_PYTHON=1).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

from etl import compile as compiled
from etl.sample import write_sample
from etl.sources import sources
from etl.warehouse import build
from tests.test_rowspeed_identity import real_raw_folders

MODULES = tuple(Path(name).stem for name in compiled.COMPILED if "tagger" not in name)
READ_AT = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)
ARCHIVE_MONTHS = ("2013-12.jsonl.gz", "2016-07.jsonl.gz", "2019-03.jsonl.gz",
                  "2022-01.jsonl.gz", "2025-06.jsonl.gz")


def _loaded_as_python(name: str) -> bool:
    return importlib.import_module(f"etl.transforms.{name}").__file__.endswith(".py")


IS_COMPILED = not any(map(_loaded_as_python, MODULES))
needs_build = pytest.mark.skipif(
    not IS_COMPILED, reason="the normaliser is not compiled here (python -m etl.compile says why)")


def staged(source: str, raw_dir: Path, out: Path) -> None:
    """Every staging row of a raw folder as the build reads it, normalised and tagged, written
    into out: postings.arrow, tags.arrow (Arrow files) and refused.json (file, row, reason)."""
    rejected: list = []
    postings, tags = [], []
    for batch in build.staging_batches(sources()[source], raw_dir, READ_AT, 0, rejected, 500):
        done = build.normalised_and_tagged(batch, source, READ_AT)
        postings.append(done.postings)
        tags.append(done.technologies)
        rejected += done.rejected
    out.mkdir(parents=True)
    for name, batches in (("postings", postings), ("tags", tags)):
        with ipc.new_file(out / f"{name}.arrow", batches[0].schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
    (out / "refused.json").write_text(json.dumps([[r.file, r.row, r.reason] for r in rejected]),
                                      encoding="utf-8")


def read_staged(out: Path) -> tuple[pa.Table, pa.Table, list]:
    """What staged() wrote: (postings, tags, refusals)."""
    return (ipc.open_file(out / "postings.arrow").read_all(),
            ipc.open_file(out / "tags.arrow").read_all(),
            json.loads((out / "refused.json").read_text(encoding="utf-8")))


_CHILD = """
import sys
from pathlib import Path
from tests.test_compiled_normaliser import MODULES, _loaded_as_python, staged
assert all(map(_loaded_as_python, MODULES))
staged(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
"""


def assert_staged_alike(source: str, raw_dir: Path, tmp_path: Path) -> tuple[int, int]:
    """staged() here (compiled) and in a child process that runs every module of
    etl.transforms as Python; (postings, tag rows) compared."""
    here, there = tmp_path / f"{source}-compiled", tmp_path / f"{source}-python"
    staged(source, raw_dir, here)
    subprocess.run([sys.executable, "-c", _CHILD, source, str(raw_dir), str(there)],
                   check=True, cwd=compiled.ROOT,
                   env={**os.environ, "HIRING_RADAR_PURE_PYTHON": "1"})
    (postings, tags, refused), want = read_staged(here), read_staged(there)
    assert postings.equals(want[0])
    assert tags.equals(want[1])
    assert refused == want[2]
    return postings.num_rows, tags.num_rows


def test_the_normaliser_runs_compiled_where_it_can_be_built():
    missing = compiled.missing_tools()
    if missing or os.environ.get("HIRING_RADAR_PURE_PYTHON"):
        pytest.skip(f"the normaliser cannot be compiled here: {missing or 'turned off'}")
    assert MODULES == ("normalize", "requirements", "salary", "caseless")
    assert IS_COMPILED, "python -m etl.compile (make setup) builds it; run it first"


def test_turned_off_the_normaliser_is_python():
    code = ("import importlib; print(*(importlib.import_module('etl.transforms.' + m).__file__ "
            f"for m in {MODULES!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "HIRING_RADAR_PURE_PYTHON": "1"}, check=True,
                          cwd=compiled.ROOT)
    assert [Path(p).name for p in done.stdout.split()] == [f"{m}.py" for m in MODULES]


@needs_build
def test_sample_postings_stage_alike(tmp_path):
    raw = write_sample(tmp_path / "raw", seed=5, n=6_000, until=dt.date(2026, 6, 30))
    postings, tags = assert_staged_alike("sample", raw, tmp_path)
    assert postings > 5_900 and tags > 30_000


@needs_build
def test_real_postings_stage_alike(shared_data, tmp_path):
    """The HN threads and Firebase runs, five archive months from 2013 to 2025, and the
    LinkedIn file: real texts with pay in many currencies, years, degrees and places."""
    hn, linkedin = real_raw_folders(shared_data, tmp_path / "raw", ARCHIVE_MONTHS)
    postings, tags = assert_staged_alike("hn", hn, tmp_path)
    assert postings > 3_500 and tags > 12_000
    postings, tags = assert_staged_alike("linkedin", linkedin, tmp_path)
    assert postings == 500 and tags > 200
