"""Clear messages at the edges: what a second click, an odd file or a hostile link meets."""

from __future__ import annotations

import csv
import html
import json
import re
import time
from pathlib import Path

import polars as pl
import pytest

from etl.sources import indeed, so_survey
from etl.warehouse import progress
from etl.warehouse.build import build
from etl.warehouse.lock import build_lock
from etl.warehouse.schema import table_files
from radar import admin, report
from tests.test_data_page import CSV, MAP, write_csv


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
    assert f"a build of {warehouse} is already running (pid " in warning
    assert warehouse.resolve() == before
    at.button(key="rebuild").click().run()  # once it is done, the button builds again
    assert not at.exception, at.exception
    deadline = time.monotonic() + 300  # the build runs in its own process (pages/data.py)
    while (status := progress.read_status(warehouse)) is None or \
            status["state"] in progress.RUNNING:
        assert time.monotonic() < deadline, status
        time.sleep(0.5)
    assert status["state"] == "done", status
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


def test_utf16_file_is_refused_as_such(tmp_path):
    text = CSV.format(n=1)
    for name, data in (("bom.csv", text.encode("utf-16")),
                       ("nobom.csv", text.encode("utf-16-le"))):
        path = tmp_path / name
        path.write_bytes(data)
        for argv in (admin.upload_argv("own", path, column_map=MAP),
                     admin.upload_argv("linkedin", path)):
            report = admin.run_ingest(argv, tmp_path / "raw", lambda *a: None)
            assert not report.files_written and len(report.errors) == 1
            assert report.errors[0].startswith(f"{path}: ")
            assert ("UTF-16 encoded" if name == "bom.csv" else "NUL bytes") in report.errors[0]
    assert not (tmp_path / "raw").exists() or not list((tmp_path / "raw").rglob("*.csv"))


def test_a_header_field_over_128_kb_is_read_whatever_limit_was_set_before(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("job_id,title,description,listed_time," + "h" * 200_000 + "\n1,a,b,c,d\n")
    limit = csv.field_size_limit()
    csv.field_size_limit(131_072)  # the csv default, as another module of the process may set it
    try:
        report = admin.run_ingest(admin.upload_argv("linkedin", path), tmp_path / "raw",
                                  lambda *a: None)
    finally:
        csv.field_size_limit(limit)
    # the sources' CSV readers set one field limit themselves (etl/sources/base.py), so a long
    # header or field reads the same as in a fresh process: stored, not an error
    assert report.errors == [] and len(report.files_written) == 1


def test_data_page_offers_only_the_survey_years_the_loader_reads(app_test):
    at = app_test().run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    years = at.selectbox(key="upload_year")
    assert years.options == [str(y) for y in sorted(so_survey.column_maps())]
    assert years.value == max(so_survey.column_maps())
    with pytest.raises(ValueError, match="survey year 2030 is not supported: the loader reads "
                                         "2017, .*, 2025"):
        admin.upload_argv("so_survey", Path("s.csv"), 2030)


NON_ASCII = ("Identifiant,Intitulé du poste,Société,Date de publication,Texte 😀,Lieu\n"
             "1,Senior Python Developer,Firm,2024-03-01,Python and PostgreSQL.,Berlin\n")
NON_ASCII_MAP = ("Identifiant=source_id, Intitulé du poste=title, Société=company, "
                 "Date de publication=posted_date, Texte 😀=description, Lieu=location_raw")


def test_a_non_ascii_column_map_is_stored_so_the_build_reads_it(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(NON_ASCII, encoding="utf-8")
    raw = tmp_path / "raw"
    report = admin.run_ingest(admin.upload_argv("own", path, column_map=NON_ASCII_MAP), raw,
                              lambda *a: None)
    assert report.ok and len(report.files_written) == 1
    manifest = build(raw, tmp_path / "warehouse", log=lambda m: None)
    assert manifest["row_counts"]["postings"] == 1
    assert manifest["row_counts"]["quarantine"] == 0


def test_a_corrected_map_for_a_stored_file_replaces_the_stored_map(tmp_path):
    path = write_csv(tmp_path, 1)
    raw = tmp_path / "raw"
    wrong = MAP.replace("Firm=company", "Where=company").replace(", Where=location_raw", "")
    first = admin.run_ingest(admin.upload_argv("own", path, column_map=wrong), raw,
                             lambda *a: None)
    assert first.ok
    build(raw, tmp_path / "warehouse", log=lambda m: None)
    again = admin.run_ingest(admin.upload_argv("own", path, column_map=MAP), raw,
                             lambda *a: None)
    assert again.ok and again.skipped == 1 and not again.files_written
    assert again.left_out == [f"mine-1.csv: already stored as {first.files_written[0]}; its "
                              "column map is replaced by this one (rebuild to use it)"]
    build(raw, tmp_path / "warehouse", log=lambda m: None)
    companies = pl.read_parquet(table_files(tmp_path / "warehouse", "postings"))["company"]
    assert sorted(companies) == ["Firm 1", "Firm 1"]
    same = admin.run_ingest(admin.upload_argv("own", path, column_map=MAP), raw,
                            lambda *a: None)
    assert same.skipped == 1 and same.left_out == []  # the same map again changes nothing
