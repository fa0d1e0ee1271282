"""The Data page and what it calls: raw inventory, ingest of an uploaded file, rebuild."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

import pytest

from etl.warehouse import progress
from etl.warehouse.build import build
from etl.warehouse.lock import build_lock
from radar import admin

CSV = ("id,Job Title,Firm,Posted,Text,Where\n"
       "{n}1,Senior Python Developer,Firm {n},2024-03-0{n},Python and PostgreSQL.,Berlin\n"
       "{n}2,Backend Engineer,Firm {n},2024-03-0{n},Go services on AWS.,\"London, UK\"\n")
MAP = ("id=source_id, Job Title=title, Firm=company, Posted=posted_date, Text=description, "
       "Where=location_raw")


def write_csv(folder, n: int):
    path = folder / f"mine-{n}.csv"
    path.write_text(CSV.format(n=n))
    return path


def test_upload_argv_per_source(tmp_path):
    assert admin.upload_argv("linkedin", tmp_path / "a.csv") == ["linkedin", "--file",
                                                                  str(tmp_path / "a.csv")]
    assert admin.upload_argv("so_survey", tmp_path / "s.csv", 2024)[-2:] == ["--year", "2024"]
    own = admin.upload_argv("own", tmp_path / "o.csv", column_map="a=title,\nb=description")
    assert own[3:] == ["--map", "a=title", "--map", "b=description"]
    with pytest.raises(ValueError, match="column map"):
        admin.upload_argv("own", tmp_path / "o.csv")
    with pytest.raises(ValueError, match="does not take uploaded files"):
        admin.upload_argv("hn", tmp_path / "x.csv")


def test_hn_months_are_checked():
    assert admin.hn_argv(dt.date(2024, 1, 1), dt.date(2024, 3, 1)) == [
        "hn", "--since", "2024-01", "--until", "2024-03"]
    with pytest.raises(ValueError, match="2024-05 is after the last 2024-03"):
        admin.hn_argv(dt.date(2024, 5, 1), dt.date(2024, 3, 1))


def test_ingest_inventory_and_rebuild(tmp_path):
    raw = tmp_path / "raw"
    seen = []
    report = admin.run_ingest(admin.upload_argv("own", write_csv(tmp_path, 1), column_map=MAP),
                              raw, lambda done, total, msg: seen.append((done, total)))
    assert report.ok and len(report.files_written) == 1
    assert seen and seen[-1][0] == seen[-1][1]
    inventory = admin.raw_inventory(raw).row(0, named=True)
    assert inventory["source"] == "own" and inventory["files"] == 2  # the file and its map
    manifest = admin.rebuild(raw, tmp_path / "warehouse", log=lambda m: None)
    assert manifest["row_counts"]["postings"] == 2


def test_data_page_lists_sources_and_rebuilds(tmp_path, app_for, monkeypatch):
    raw = tmp_path / "raw"
    admin.run_ingest(admin.upload_argv("own", write_csv(tmp_path, 1), column_map=MAP), raw,
                     lambda *a: None)
    warehouse = tmp_path / "warehouse"
    build(raw, warehouse, log=lambda m: None)
    monkeypatch.setenv("HIRING_RADAR_RAW", str(raw))
    at = app_for(warehouse).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    loaded = next(d.value for d in at.dataframe if "rows_read" in d.value.columns)
    assert loaded.iloc[0]["name"] == "own" and loaded.iloc[0]["postings"] == 2
    admin.run_ingest(admin.upload_argv("own", write_csv(tmp_path, 2), column_map=MAP), raw,
                     lambda *a: None)
    before = warehouse.resolve()
    at.button(key="rebuild").click().run()
    assert not at.exception, at.exception
    status = progress.read_status(warehouse)
    # The build runs in its own process, not in the server's (this test's) process.
    assert status is not None and status["pid"] == at.session_state["rebuild_pid"]
    assert status["pid"] != os.getpid()
    assert any("Build running" in p.proto.text for p in at.get("progress")) or \
        status["state"] == "done"
    # A second click while it runs: the page says a build is running and starts none.
    if progress.read_status(warehouse)["state"] in progress.RUNNING:
        at.button(key="rebuild").click().run()
        assert any("A build is running" in w.value for w in at.warning)
    final = wait_for_build(warehouse)
    assert final["state"] == "done", final
    assert final["postings"] == 4 and final["stage_number"] == len(progress.STAGES)
    assert [d["stage"] for d in final["done"]] == [*progress.STAGES]
    assert any("own: 4 rows" in line for line in final["log"])
    manifest = json.loads((warehouse / "manifest.json").read_text())
    assert manifest["row_counts"]["postings"] == 4 and warehouse.resolve() != before
    at.run()
    assert any("Rebuilt in" in s.value and "4 postings" in s.value for s in at.success)


def wait_for_build(warehouse, timeout: float = 300.0) -> dict:
    """The progress file's status once the build has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = progress.read_status(warehouse)
        if status and status["state"] not in progress.RUNNING:
            return status
        time.sleep(0.5)
    raise AssertionError(f"the build did not end in {timeout} s: {status}")


def test_rebuild_refused_while_the_lock_is_held(tmp_path, app_for, monkeypatch):
    raw = tmp_path / "raw"
    admin.run_ingest(admin.upload_argv("own", write_csv(tmp_path, 1), column_map=MAP), raw,
                     lambda *a: None)
    warehouse = tmp_path / "warehouse"
    build(raw, warehouse, log=lambda m: None)
    monkeypatch.setenv("HIRING_RADAR_RAW", str(raw))
    at = app_for(warehouse).run()
    at.switch_page("pages/data.py").run()
    with build_lock(warehouse):  # a build from the command line holds the lock
        at.button(key="rebuild").click().run()
    assert any("A build is running" in w.value and "already running" in w.value
               for w in at.warning)
    assert progress.read_status(warehouse) is None  # nothing was started


def test_a_failed_build_is_reported(tmp_path):
    """A build started on an empty raw folder fails; the file says so, with the reason."""
    warehouse = tmp_path / "warehouse"
    (tmp_path / "raw").mkdir()
    pid = progress.start_build(tmp_path / "raw", warehouse, embedded=False)
    assert pid != os.getpid()
    with pytest.raises(admin.BuildRunning, match="already running"):
        progress.start_build(tmp_path / "raw", warehouse, embedded=False)
    status = wait_for_build(warehouse)
    assert status["state"] == "failed" and "no postings found" in status["error"]
    assert not (warehouse / "manifest.json").exists()
