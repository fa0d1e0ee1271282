"""Hostile files (tests/hostile.py) through ingest and the real build, for every file-reading
source: the build completes, the good rows land, the bad ones are in quarantine with a reason
naming their file and row; a file refused whole is refused at ingest with its reason, and, when
it reaches the raw folder anyway, quarantined whole by the build while the other files load."""

from __future__ import annotations

import pytest

from etl.warehouse.build import build
from etl.warehouse.schema import read_table
from tests import hostile

CASES = [(source, case) for source, found in hostile.cases().items() for case in found]


def _id(item) -> str:
    return item.klass if hasattr(item, "klass") else str(item)


def check_built(out: hostile.Outcome, case: hostile.Hostile, reasons: tuple[str, ...]) -> None:
    assert out.built and not out.refused
    assert out.landed == case.landed, out.quarantine
    for expected in reasons:
        assert any(expected in q["reason"] for q in out.quarantine), (expected, out.quarantine)
    if not reasons:
        assert out.quarantine == []
    for q in out.quarantine:  # every entry names the file it came from and a row (or "-")
        assert q["file"].endswith(case.name) and q["row"], q


@pytest.mark.parametrize(("source", "case"), CASES, ids=_id)
def test_hostile_file_through_ingest_and_build(tmp_path, source, case):
    out = hostile.run_case(source, case, tmp_path)
    if case.whole and not case.stored:  # ingest refuses what the build would refuse, and why
        assert out.refused and not out.built
        assert any(case.name in e and any(r in e for r in case.reasons) for e in out.refused), \
            out.refused
        return
    check_built(out, case, case.build_reasons())
    if case.whole:
        assert out.whole() == "at build" and len(out.quarantine) == 1


@pytest.mark.parametrize(("source", "case"), [(s, c) for s, c in CASES if c.whole and not c.stored],
                         ids=_id)
def test_whole_file_stored_anyway_is_quarantined_whole(tmp_path, source, case):
    out = hostile.run_case(source, case, tmp_path, upload=False)
    check_built(out, case, case.build_reasons())
    assert out.whole() == "at build" and len(out.quarantine) == 1


@pytest.mark.parametrize("source", ["linkedin", "own", "adzuna", "hn"])
def test_a_failed_build_leaves_the_previous_warehouse_untouched(tmp_path, source):
    """Only unreadable files of one source: the build stops ("no postings found") and the
    warehouse built before is still the one the link points at, byte for byte."""
    first = hostile.run_case(source, hostile.cases()[source][0], tmp_path)
    warehouse = tmp_path / "warehouse"
    assert first.built or first.refused
    if not warehouse.exists():
        build(tmp_path / "raw", warehouse, log=lambda m: None)
    before = warehouse.resolve()
    postings = read_table(warehouse, "postings")
    whole = next(c for c in hostile.cases()[source] if c.whole)
    hostile.store(source, whole, tmp_path / "bad")
    with pytest.raises(SystemExit, match="no postings found"):
        build(tmp_path / "bad", warehouse, log=lambda m: None)
    assert warehouse.resolve() == before
    assert read_table(warehouse, "postings").equals(postings)
