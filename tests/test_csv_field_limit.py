"""A CSV field over the csv module's default 128 KB reads the same in every CSV loader, in a
fresh process and after other code changed the process-wide ``csv.field_size_limit``: the
sources set the limit in one place (etl/sources/base.py csv_reader) before every CSV read, and
such a field is accepted (the row lands)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from etl.sources import sources
from etl.sources.base import CSV_FIELD_LIMIT, Rejected
from tests import hostile

ROOT = Path(__file__).resolve().parents[1]
CSV_SOURCES = ["linkedin", "own", "adzuna", "indeed", "so_survey"]


def wide_case(source: str) -> hostile.Hostile:
    return next(c for c in hostile.cases()[source] if c.klass == "field over 128 KB")


def read_counts(source: str, raw: Path) -> tuple[int, int]:
    """(rows read, rows refused) of one source's raw folder, as the build reads them."""
    loader = sources()[source]
    if loader.kind == "postings":
        items = list(loader.read(raw / source))
        return (sum(not isinstance(i, Rejected) for i in items),
                sum(isinstance(i, Rejected) for i in items))
    tables, rejected = loader.tables(raw / source)
    return tables[hostile.LANDED_TABLE[source]].num_rows, len(rejected)


def fresh_process_counts(source: str, raw: Path) -> tuple[int, int]:
    script = ("import json, sys; from pathlib import Path; "
              "from tests.test_csv_field_limit import read_counts; "
              f"print(json.dumps(read_counts({source!r}, Path({str(raw)!r}))))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return tuple(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("source", CSV_SOURCES)
def test_a_field_over_128_kb_reads_the_same_fresh_and_after_other_loaders(tmp_path, source):
    case = wide_case(source)
    hostile.store(source, case, tmp_path / "raw")
    fresh = fresh_process_counts(source, tmp_path / "raw")
    assert fresh == (case.landed, 0)  # accepted: the row with the long field lands

    for other in CSV_SOURCES:  # every other CSV loader has run in this process ...
        hostile.store(other, wide_case(other), tmp_path / "others")
        read_counts(other, tmp_path / "others")
    saved = csv.field_size_limit()
    csv.field_size_limit(131_072)  # ... and some other code put the default limit back
    try:
        assert read_counts(source, tmp_path / "raw") == fresh
    finally:
        csv.field_size_limit(saved)


def test_only_the_base_sets_the_field_limit_and_every_csv_read_goes_through_it():
    folder = ROOT / "etl" / "sources"
    for path in folder.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "base.py":
            assert "field_size_limit" not in text, path.name
            assert not re.search(r"csv\.(reader|DictReader)\(", text), path.name
    assert CSV_FIELD_LIMIT == 2**31 - 1
