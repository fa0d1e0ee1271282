"""Hostile files (tests/hostile.py) through ingest and the real build: the build completes, the
good rows land, the bad ones are in quarantine with their reason."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from etl.warehouse.build import build
from radar import admin
from tests import hostile


def build_one(tmp_path, source: str, case: hostile.Hostile, column_map: str = ""):
    path = tmp_path / "in" / case.name
    path.parent.mkdir()
    path.write_bytes(case.data)
    raw = tmp_path / "raw"
    report = admin.run_ingest(admin.upload_argv(source, path, column_map=column_map), raw,
                              lambda *a: None)
    warehouse = tmp_path / "warehouse"
    if not report.files_written:  # refused at ingest, with its reason
        return None, report
    manifest = build(raw, warehouse, only=[source], log=lambda m: None)
    quarantine = pq.read_table(warehouse / "quarantine.parquet").to_pylist()
    return (manifest, quarantine), report


def check(result, report, case: hostile.Hostile):
    if result is None:
        assert case.landed == 0 and any(r in e for e in report.errors for r in case.reasons), \
            report.errors
        return
    manifest, quarantine = result
    assert manifest["row_counts"]["postings"] == case.landed, quarantine
    reasons = [q["reason"] for q in quarantine]
    for expected in case.reasons:
        assert any(expected in r for r in reasons), (expected, reasons)
    if not case.reasons:
        assert reasons == []


@pytest.mark.parametrize("case", hostile.linkedin_files(), ids=lambda c: c.klass)
def test_hostile_linkedin_files(tmp_path, case):
    check(*build_one(tmp_path, "linkedin", case), case)


@pytest.mark.parametrize("case", hostile.own_files(), ids=lambda c: c.klass)
def test_hostile_own_files(tmp_path, case):
    check(*build_one(tmp_path, "own", case, hostile.OWN_MAP), case)


@pytest.mark.parametrize("case", hostile.hn_files(), ids=lambda c: c.klass)
def test_hostile_hn_runs(tmp_path, case):
    folder = tmp_path / "raw" / "hn" / "2024-04-02"
    folder.mkdir(parents=True)
    (folder / case.name).write_bytes(case.data)
    if case.landed == 0:  # nothing readable: the build says there are no postings, no traceback
        with pytest.raises(SystemExit, match="no postings found"):
            build(tmp_path / "raw", tmp_path / "warehouse", only=["hn"], log=lambda m: None)
        from etl.sources.hn import SOURCE
        reasons = [r.reason for r in SOURCE.read(tmp_path / "raw" / "hn")]
        assert any(case.reasons[0] in r for r in reasons), reasons
        return
    manifest = build(tmp_path / "raw", tmp_path / "warehouse", only=["hn"], log=lambda m: None)
    quarantine = pq.read_table(tmp_path / "warehouse" / "quarantine.parquet").to_pylist()
    check((manifest, quarantine), None, case)


@pytest.mark.parametrize("case", hostile.own_encoding_files(), ids=lambda c: c.klass)
def test_hostile_own_encodings(tmp_path, case):
    check(*build_one(tmp_path, "own", case, hostile.OWN_MAP), case)
