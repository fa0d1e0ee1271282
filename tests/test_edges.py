"""Clear messages at the edges: what a second click, an odd file or a hostile link meets."""

from __future__ import annotations

import json

from etl.warehouse.build import build
from etl.warehouse.lock import build_lock
from radar import admin
from tests.test_data_page import MAP, write_csv


def test_rebuild_while_another_build_runs_says_so_on_the_data_page(tmp_path, app_for,
                                                                   monkeypatch):
    raw = tmp_path / "raw"
    admin.run_ingest(admin.upload_argv("own", write_csv(tmp_path, 1), column_map=MAP), raw,
                     lambda *a: None)
    warehouse = tmp_path / "warehouse"
    build(raw, warehouse, log=lambda m: None)
    before = warehouse.resolve()
    monkeypatch.setenv("HIRING_RADAR_RAW", str(raw))
    at = app_for(warehouse).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    with build_lock(warehouse):  # another build (a second click, a CLI build) holds the lock
        at.button(key="rebuild").click().run()
    assert not at.exception, at.exception
    (warning,) = [w.value for w in at.warning if "already running" in w.value]
    assert warning.startswith(f"a build of {warehouse} is already running (pid ")
    assert warehouse.resolve() == before
    at.button(key="rebuild").click().run()  # once it is done, the button builds again
    assert not at.exception, at.exception
    assert warehouse.resolve() != before
    assert json.loads((warehouse / "manifest.json").read_text())["row_counts"]["postings"] == 2
