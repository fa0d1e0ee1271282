"""A cold app: the server fills the first page's result caches while it starts, the Overview
makes only the open tab's chart, and the app bench's timeline of where the first chart's time
went. (The timings themselves live in ``python -m etl.bench --app``, never in tests.)"""

from __future__ import annotations

import json

import streamlit as st

from etl.bench_app import cpu_seconds, server_marks
from radar import queries, timeline, ui


def _figures(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _recording(monkeypatch) -> list[tuple[str, object, dict]]:
    """Every named query run from now on: (name, filters, parameters)."""
    ran: list[tuple[str, object, dict]] = []
    real = queries.run

    def run(name, filters=None, warehouse=None, **params):
        ran.append((name, filters, params))
        return real(name, filters, warehouse, **params)

    monkeypatch.setattr(queries, "run", run)
    return ran


def test_first_page_queries_are_the_ones_the_overview_runs_first(app_test, monkeypatch):
    st.cache_data.clear()
    ran = _recording(monkeypatch)
    at = app_test()
    at.run()
    assert not at.exception, at.exception
    defaults = queries.choices().defaults()
    page_runs = [(name, params) for name, filters, params in ran if filters == defaults]
    wanted = ui.first_page_queries()
    # every query warm-up runs is one the Overview runs under the default filters, the first
    # chart's two in the order the page runs them
    assert all(q in page_runs for q in wanted)
    assert page_runs[:2] == wanted[:2] == [("kpis", {}), ("postings_by_month", {})]


def test_warm_first_page_leaves_the_first_session_no_query_of_its_own(
        app_test, fixture_warehouse, monkeypatch):
    monkeypatch.setenv("HIRING_RADAR_WAREHOUSE", str(fixture_warehouse))
    st.cache_data.clear()
    steps: list[str] = []
    ui.warm_first_page(steps.append)  # outside any session, as radar/serve.py's thread does
    assert steps == ["warm_up choices", *(f"warm_up {n}" for n, _ in ui.first_page_queries()),
                     "warm_up figures"]
    ran = _recording(monkeypatch)
    at = app_test()
    at.run()
    assert not at.exception, at.exception
    assert ran == []  # filter values, figures, the open tab, movers: all from the caches
    assert _figures(at)[0]["layout"]["title"]["text"] == "Postings per month"


def test_overview_makes_only_the_open_tabs_chart(app_test):
    at = app_test()
    at.run()
    assert not at.exception, at.exception
    titles = [f["layout"]["title"]["text"] for f in _figures(at)]
    assert "Languages" in titles
    assert "Databases" not in titles and "Cloud" not in titles
    at.session_state["overview_top"] = "Databases"
    at.run()
    assert not at.exception, at.exception
    bars = {f["layout"]["title"]["text"]: f for f in _figures(at)}
    assert "Languages" not in bars
    assert dict(zip(bars["Databases"]["data"][0]["y"], bars["Databases"]["data"][0]["x"],
                    strict=True))["PostgreSQL"] == 33.33


def test_timeline_marks_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.delenv(timeline.ENV, raising=False)
    timeline.mark("nothing written")
    path = tmp_path / "timeline.tsv"
    assert not path.exists()
    monkeypatch.setenv(timeline.ENV, str(path))
    timeline.mark("first")
    timeline.mark("second")
    rows = [line.split("\t") for line in path.read_text().splitlines()]
    assert [r[2] for r in rows] == ["first", "second"]
    assert float(rows[0][0]) <= float(rows[1][0])


def test_server_marks_first_of_each_label_after_start(tmp_path):
    path = tmp_path / "timeline.tsv"
    path.write_text("1002.5\tScriptRunner\tapp.py run starts\n"
                    "1001.0\twarm-up\twarm_up start\n"
                    "1009.0\tScriptRunner\tapp.py run starts\n")
    assert server_marks(path, 1000.0) == [(1.0, "warm_up start"), (2.5, "app.py run starts")]
    assert server_marks(tmp_path / "absent.tsv", 1000.0) == []


def test_cpu_seconds_of_this_process_grow_with_work():
    import os
    before = cpu_seconds([os.getpid()])
    sum(i * i for i in range(3_000_000))
    assert cpu_seconds([os.getpid()]) > before
    assert cpu_seconds([2 ** 22 + 7]) == 0.0  # no such process


def test_chromium_processes_leave_other_programs_out():
    import os

    from etl.bench_app import chromium_processes
    assert chromium_processes([os.getpid(), 2 ** 22 + 7]) == {}


def test_descendants_find_a_child_process():
    import os
    import subprocess

    from etl.bench_app import descendants
    child = subprocess.Popen(["sleep", "30"])
    try:
        assert child.pid in descendants(os.getpid())
        assert child.pid not in descendants(child.pid)
    finally:
        child.kill()
        child.wait()


def test_opening_the_warehouse_imports_no_pandas(fixture_warehouse):
    """A cold start's DuckDB connection leaves pandas unimported (it cost 2 s of warm-up), and
    the tables a warehouse lacks are still there, empty, with their columns."""
    import subprocess
    import sys

    from tests.conftest import PROJECT_ROOT
    code = ("import sys; from radar import queries; con = queries.connection(sys.argv[1]); "
            "print('pandas' in sys.modules, con.sql('select count(*) from indeed_index')"
            ".fetchall()[0][0], len(con.sql('describe survey_respondents').fetchall()) > 0)")
    done = subprocess.run([sys.executable, "-c", code, str(fixture_warehouse)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "0", "True"]
