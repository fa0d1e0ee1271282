"""A warehouse built from the real files in ../shared/data, through `python -m etl ingest` and the
build: every source loads, the broken survey files are refused, and the dashboard shows them.
Expected numbers are computed here from the files with the csv and json modules."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import replace

import pytest

from etl.ingest import run as run_ingest
from etl.warehouse.build import build
from radar import queries
from tests.apptest_pages import open_address


@pytest.fixture(scope="session")
def shared_warehouse(shared_data, tmp_path_factory):
    root = tmp_path_factory.mktemp("shared_wh")
    raw = ["--raw-root", str(root / "raw")]
    reports = [
        run_ingest([*raw, "hn", "--from-dir", str(shared_data / "hn")]),
        run_ingest([*raw, "linkedin", "--file",
                    str(shared_data / "linkedin_arshkon" / "postings_sample_500.csv")]),
        run_ingest([*raw, "adzuna", "--file",
                    str(shared_data / "adzuna" / "adzuna_search_results_us.csv")]),
        run_ingest([*raw, "so_survey", "--year", "2022", "--file",
                    str(shared_data / "so_survey" / "survey_2022_first_1003_rows.csv")]),
        run_ingest([*raw, "indeed", "--from-dir", str(shared_data / "indeed_hiring_lab")]),
    ]
    assert all(r.ok for r in reports), [r.errors for r in reports]
    manifest = build(root / "raw", root / "warehouse", log=lambda m: None)
    return root / "warehouse", manifest


def test_broken_survey_files_are_refused_by_ingest(shared_data, tmp_path):
    for name, problem in (("survey_2022_headerless.csv", "no header row"),
                          ("survey_2023_truncated_at_1MiB.csv", "truncated")):
        report = run_ingest(["--raw-root", str(tmp_path), "so_survey", "--year", "2023",
                             "--file", str(shared_data / "so_survey" / name)])
        assert not report.ok and not report.files_written
        assert name in report.errors[0] and problem in report.errors[0]


def test_every_source_loads(shared_warehouse):
    _, manifest = shared_warehouse
    sources = {s["name"]: s for s in manifest["sources"]}
    assert set(sources) == {"hn", "linkedin", "adzuna", "so_survey", "indeed"}
    assert sources["hn"]["rows_read"] == 219 + 1048  # April 2011 + unique ids of the 2026 runs
    assert sources["linkedin"]["rows_read"] == 500
    assert sources["adzuna"]["rows_read"] == 748
    assert sources["so_survey"]["tables"] == {"survey_respondents": 1003,
                                              "survey_technologies": 10933}
    assert sources["indeed"]["tables"]["indeed_index"] > 0
    assert all(s["rejected"] == 0 for s in manifest["sources"])
    assert manifest["sample_only"] is False
    assert str(sources["hn"]["first_date"]) == "2011-04-01"
    assert str(sources["hn"]["last_date"]).startswith("2026-03")


def test_hn_2011_and_2026_postings_are_in_the_warehouse(shared_warehouse):
    warehouse, _ = shared_warehouse
    filters = queries.choices(warehouse).defaults()
    months = dict(queries.run("postings_by_month", filters, warehouse).iter_rows())
    assert months[dt.date(2011, 4, 1)] > 150
    assert months[dt.date(2026, 1, 1)] > 150 and months[dt.date(2026, 2, 1)] > 150


def test_adzuna_estimates_never_count_as_pay(shared_warehouse, shared_data):
    warehouse, _ = shared_warehouse
    with (shared_data / "adzuna" / "adzuna_search_results_us.csv").open(newline="") as fh:
        advertised = sum(1 for r in csv.DictReader(fh) if r["salary_is_predicted"] == "0")
    assert advertised == 1
    filters = queries.choices(warehouse).defaults()
    coverage = {r["source"]: r for r in queries.run("coverage_by_source", None, warehouse)
                .to_dicts()}
    assert coverage["adzuna"]["with_salary"] <= advertised
    paid = queries.run("kpis", replace(filters, sources=("adzuna",)), warehouse)
    assert paid["with_salary"][0] <= advertised


def survey_backend_shares(path) -> tuple[int, dict[str, float]]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if "Developer, back-end" in r["DevType"].split(";")]
    counts = {}
    for lang in ("Python", "Java", "Go", "Rust"):
        counts[lang] = sum(lang in r["LanguageHaveWorkedWith"].split(";") for r in rows)
    return len(rows), {k: v / len(rows) for k, v in counts.items()}


def test_survey_comparison_matches_the_csv(shared_warehouse, shared_data):
    warehouse, _ = shared_warehouse
    n, shares = survey_backend_shares(shared_data / "so_survey" /
                                      "survey_2022_first_1003_rows.csv")
    filters = queries.choices(warehouse).defaults()
    survey = queries.run("survey_comparison", filters, warehouse, category="language")
    by_name = {r["name"]: r for r in survey.to_dicts()}
    assert survey["respondents"][0] == n == 411
    assert survey["year"][0] == 2022
    for name, share in shares.items():
        assert by_name[name]["share"] == pytest.approx(share)


def test_indeed_index_matches_the_csv(shared_warehouse, shared_data):
    warehouse, _ = shared_warehouse
    path = shared_data / "indeed_hiring_lab" / "job_postings_by_sector_US_2024-10-03.csv"
    with path.open(newline="") as fh:
        software = {r["date"]: float(r["indeed_job_postings_index"]) for r in csv.DictReader(fh)
                    if r["display_name"] == "Software Development"}
    filters = queries.choices(warehouse).defaults()
    index = queries.run("indeed_index", filters, warehouse)
    series = index.filter(index["series"] == "Software Development (US)")
    assert series.height == len(software)
    assert {str(d): v for d, v in zip(series["date"], series["index_value"], strict=True)} \
        == software


def test_dashboard_shows_real_sources(shared_warehouse, app_for):
    at = app_for(shared_warehouse[0]).run()
    assert not at.exception
    assert not any("Sample data" in w.value for w in at.warning)
    titles = [json.loads(el.proto.spec)["layout"]["title"]["text"]
              for el in at.get("plotly_chart")]
    assert "Indeed Hiring Lab job postings index (context, not postings)" in titles
    open_address(at, "languages")
    survey = [d.value for d in at.dataframe
              if any("survey" in str(c) for c in d.value.columns)]
    assert survey, "the survey comparison table is missing"
    python = survey[0][survey[0]["technology"] == "Python"].iloc[0]
    assert python["used by back-end devs % (survey 2022)"] == pytest.approx(
        round(100 * 205 / 411, 1))
    at.switch_page("pages/about.py").run()
    sources = next(d.value for d in at.dataframe if "licence" in d.value.columns)
    assert {"hn", "linkedin", "adzuna", "so_survey", "indeed"} <= set(sources["name"])
