"""Clear messages at the edges: what a second click, an odd file or a hostile link meets."""

from __future__ import annotations

import html
import json
import re

import polars as pl

from etl.sources import indeed, so_survey
from etl.warehouse.build import build
from etl.warehouse.lock import build_lock
from radar import admin, report
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


HOSTILE_LINKS = ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
                 "java\tscript:alert(1)", "java\nscript:alert(1)", "\x01javascript:alert(1)",
                 "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
                 "file:///etc/passwd", "jav&#x09;ascript:alert(1)", "ftp://example.org/x",
                 "languages?x=1"]
SAFE_LINKS = ["http://127.0.0.1:8501/languages?tech_language=go", "https://example.org/a?b=c",
              "HTTPS://example.org/", "?date_from=2024-01", "/languages?x=1", "#item-1"]


def test_report_links_keep_only_http_and_app_relative_ones():
    assert [report.safe_link(link) for link in HOSTILE_LINKS] == [None] * len(HOSTILE_LINKS)
    assert [report.safe_link(link) for link in SAFE_LINKS] == SAFE_LINKS


def test_exported_report_never_renders_a_javascript_link():
    frame = pl.DataFrame({"name": ["Go"], "postings": [3]})
    items = [report.table_item(frame, f"T{i}", f"n{i}", "Languages", "all", link)
             for i, link in enumerate(HOSTILE_LINKS + SAFE_LINKS)]
    page = report.report_html("Links", "", items)
    hrefs = re.findall(r'<a href="([^"]*)">open this view</a>', page)
    assert hrefs == [html.escape(link) for link in SAFE_LINKS]
    assert "javascript:" not in page.lower().replace("\t", "")


def test_index_values_nan_infinite_or_negative_go_to_quarantine(tmp_path):
    folder = tmp_path / "indeed" / "2026-01-01"
    folder.mkdir(parents=True)
    head = "date,jobcountry,indeed_job_postings_index_SA,indeed_job_postings_index_NSA,variable\n"
    rows = ["2024-01-01,US,90,91", "2024-01-02,US,NaN,91", "2024-01-03,US,inf,91",
            "2024-01-04,US,-Infinity,91", "2024-01-05,US,90,nan", "2024-01-06,US,-3,91",
            "2024-01-07,US,1e400,91", "2024-01-08,US,92,"]
    (folder / "aggregate_job_postings_US.csv").write_text(
        head + "".join(f"{r},total postings\n" for r in rows))
    tables, rejected = indeed.SOURCE.tables(tmp_path / "indeed")
    assert [(r["date"].day, r["index_value"], r["index_nsa"])
            for r in tables["indeed_index"].to_pylist()] == [(1, 90.0, 91.0), (8, 92.0, None)]
    assert [(r.row, r.reason) for r in rejected] == [
        ("3", "index nan is not a non-negative number"),
        ("4", "index inf is not a non-negative number"),
        ("5", "index -inf is not a non-negative number"),
        ("6", "NSA index nan is not a non-negative number"),
        ("7", "index -3.0 is not a non-negative number"),
        ("8", "index inf is not a non-negative number")]


def test_negative_or_not_finite_survey_pay_goes_to_quarantine(tmp_path):
    columns = so_survey.column_maps()[2022]
    header = [columns[k] for k in ("respondent", "dev_type", "country", "comp_usd")] + [
        columns[g] for g in so_survey.GROUPS]
    folder = tmp_path / "so_survey" / "2026-03-01" / "2022"
    folder.mkdir(parents=True)
    pays = ["50000", "-1", "NaN", "inf", "NA", "-0.5"]
    lines = [",".join(header)] + [f"{i},\"Developer, back-end\",Germany,{pay},Python,NA,NA,NA"
                                  for i, pay in enumerate(pays, start=1)]
    (folder / "survey.csv").write_text("\n".join(lines) + "\n")
    tables, rejected = so_survey.SOURCE.tables(tmp_path / "so_survey")
    assert [(r["respondent_id"], r["comp_usd"])
            for r in tables["survey_respondents"].to_pylist()] == [(1, 50000.0), (5, None)]
    assert [(r.row, r.reason) for r in rejected] == [
        ("3", f"pay {columns['comp_usd']}=-1.0 is not a non-negative number"),
        ("4", f"pay {columns['comp_usd']}=nan is not a non-negative number"),
        ("5", f"pay {columns['comp_usd']}=inf is not a non-negative number"),
        ("7", f"pay {columns['comp_usd']}=-0.5 is not a non-negative number")]
