"""One test per named SQL file, against the fixture warehouse; numbers computed from its rules."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import replace

import pytest

from etl.warehouse.schema import YEARLY_TABLES
from radar import queries
from radar.filters import Filters
from tests.conftest import FIXTURE_PAY, fixture_postings

ALL = Filters(dt.date(2023, 1, 1), dt.date(2025, 12, 1))
TESTED = {"filter_options", "technology_list", "postings_by_month", "kpis", "tech_share_by_month",
          "tech_ranking", "salary_by_technology", "salary_over_time", "coverage_by_source",
          "quarantine_summary", "postings_behind", "survey_comparison", "indeed_index",
          # tests/test_insights_rules.py
          "co_mentions", "tech_pairs", "learn_next", "postings_together"}
# Tested on their own warehouse in tests/test_pay.py, test_role_profile.py and test_map.py:
TESTED |= {"pay_by_country", "pay_by_year", "pay_by_technology", "pay_premium_cells",
           "profile_technologies", "profile_summary", "profile_requirements", "warehouse_columns",
           "map_countries", "map_us_states"}


def test_every_named_query_has_a_test():
    assert set(queries.query_names()) == TESTED


@pytest.fixture()
def run(fixture_warehouse):
    return lambda name, filters=ALL, **kw: queries.run(name, filters, fixture_warehouse, **kw)


def test_filter_options(fixture_warehouse):
    choices = queries.choices(fixture_warehouse)
    assert choices.first_month == dt.date(2023, 1, 1)
    assert choices.last_month == dt.date(2025, 12, 1)
    assert choices.countries == ("DE", "GB", "US")
    assert choices.sources == ("fixture",)


def test_technology_list(run):
    techs = run("technology_list", None)
    top = dict(zip(techs["technology_id"], techs["postings"], strict=True))
    assert top["python"] == 108 and top["aws"] == 108 and top["go"] == 38


def test_postings_by_month(run):
    frame = run("postings_by_month")
    assert frame.height == 36 and set(frame["postings"]) == {6}
    de = run("postings_by_month", replace(ALL, countries=("DE",)))
    assert set(de["postings"]) == {2}
    remote = run("postings_by_month", replace(ALL, remote=("remote",)))
    assert remote["postings"].sum() == 36


def test_kpis(run):
    row = run("kpis").row(0, named=True)
    assert row == {"postings": 216, "months": 36, "sources": 1, "countries": 3,
                   "with_salary": 72}
    senior = run("kpis", replace(ALL, seniority=("senior",))).row(0, named=True)
    assert senior["postings"] == 108  # odd i have "Senior" in the title


def test_tech_share_by_month(run):
    frame = run("tech_share_by_month", technologies=["python", "go"])
    assert frame.height == 72
    python = frame.filter(frame["technology_id"] == "python")
    assert set(python["share"]) == {0.5}
    go = frame.filter(frame["technology_id"] == "go")
    assert go.filter(go["month"] < dt.date(2024, 6, 1))["share"].sum() == 0
    assert set(go.filter(go["month"] >= dt.date(2024, 6, 1))["share"]) == {2 / 6}
    de = run("tech_share_by_month", replace(ALL, countries=("DE",)), technologies=["python"])
    assert set(de["share"]) == {0.5} and set(de["total"]) == {2}


def test_tech_ranking(run):
    ranking = run("tech_ranking", category="language")
    rows = {r["technology_id"]: r for r in ranking.to_dicts()}
    assert list(ranking["technology_id"][:2]) == ["python", "go"]
    assert rows["python"]["share"] == 0.5 and rows["python"]["change_pp"] == 0
    assert rows["go"]["share_recent"] == pytest.approx(2 / 6)
    assert rows["go"]["share_prior"] == pytest.approx(14 / 72)
    assert rows["go"]["change_pp"] == pytest.approx(100 * (2 / 6 - 14 / 72))
    short = run("tech_ranking", replace(ALL, date_from=dt.date(2025, 1, 1)), category="language")
    assert short["share_prior"].is_null().all()
    everything = run("tech_ranking", category="")
    assert {"python", "postgresql", "aws"} <= set(everything["technology_id"])


def expected_midpoints(has_word: str) -> list[float]:
    out = []
    for row in fixture_postings():
        if "salary_min" in row and has_word in row["description"]:
            out.append((row["salary_min"] + row["salary_max"]) / 2)
    return out


def test_salary_by_technology(run):
    frame = run("salary_by_technology", category="language")
    python = frame.filter(frame["technology_id"] == "python").row(0, named=True)
    mids = expected_midpoints("Python")
    assert FIXTURE_PAY["US"][0] == "USD"  # all paid fixture rows are US postings
    assert python["postings"] == len(mids) == 36
    assert python["median"] == pytest.approx(statistics.median(mids))
    q = statistics.quantiles(mids, n=4, method="inclusive")
    assert (python["p25"], python["p75"]) == (pytest.approx(q[0]), pytest.approx(q[2]))


def test_salary_over_time(run):
    overall = run("salary_over_time", technologies=[])
    assert overall["year"].to_list() == [2023, 2024, 2025]
    assert overall["postings"].to_list() == [24, 24, 24]
    assert set(overall["technology_id"]) == {"all"}
    assert overall["median"][0] == pytest.approx(122_750)
    per_tech = run("salary_over_time", technologies=["python"])
    assert per_tech["postings"].to_list() == [12, 12, 12]


def test_coverage_by_source(run):
    row = run("coverage_by_source", None).row(0, named=True)
    assert row["source"] == "fixture" and row["postings"] == 216
    assert row["with_salary"] == 72 and row["salary_share"] == pytest.approx(1 / 3)
    assert row["first_date"] == dt.date(2023, 1, 1)


def test_quarantine_summary(run):
    frame = run("quarantine_summary", None)
    assert frame.to_dicts() == [{"source": "fixture", "reason": "posted_date None is not a date",
                                 "rows": 1, "example_file": frame["example_file"][0],
                                 "example_row": "bad-1"}]


def test_postings_behind(run):
    frame = run("postings_behind", technology_id="go", month=dt.date(2025, 3, 1), limit=50)
    assert frame.height == 2
    assert set(frame["surface"]) == {"Golang"}
    assert all(t.startswith(("Backend", "Senior")) for t in frame["title"])
    none = run("postings_behind", technology_id="go", month=dt.date(2023, 3, 1), limit=50)
    assert none.height == 0


def test_values_never_enter_sql_text(run):
    evil = replace(ALL, countries=("US'; drop table postings; --",))
    assert run("postings_by_month", evil).height == 0
    assert run("postings_by_month").height == 36


def test_survey_comparison_is_empty_without_survey_data(run):
    # real numbers: tests/test_real_sources.py, on the 2022 survey sample
    frame = run("survey_comparison", category="language")
    assert frame.height == 0
    assert frame.columns == ["year", "technology_id", "name", "users", "respondents", "share",
                             "median_pay", "paid_respondents"]


def test_indeed_index_is_empty_without_index_data(run):
    # real numbers: tests/test_real_sources.py, on the Hiring Lab files
    frame = run("indeed_index")
    assert frame.height == 0
    assert frame.columns == ["date", "country", "series", "index_value"]


def test_the_cursors_queries_run_on_keep_the_connections_settings(fixture_warehouse):
    """queries.run takes a cursor of the shared connection for each query: the Parquet footer
    cache holds there too (a session setting unless set globally: at 10M the pay queries then
    parsed salary_technologies' footer, 40-50 ms, at every call), and so does the memory limit."""
    con = queries.connection(fixture_warehouse)
    settings = ("select current_setting('parquet_metadata_cache'), "
                "current_setting('memory_limit')")
    cursor = con.cursor()
    try:
        assert cursor.sql(settings).fetchall() == con.sql(settings).fetchall()
        assert cursor.sql(settings).fetchall()[0][0] is True
    finally:
        cursor.close()


def test_month_macros_open_only_the_months_asked(fixture_warehouse):
    """postings_of_months reads the month files from its first date's month through its last
    date's (DuckDB drops the others while planning): the rows those months hold, no others."""
    con = queries.connection(fixture_warehouse)
    months = {"first": dt.date(2024, 3, 15), "last": dt.date(2024, 4, 1)}
    got = con.sql("select posting_id from postings_of_months($first, $last) order by all",
                  params=months).fetchall()
    want = con.sql("select posting_id from postings where posted_date between '2024-03-01' "
                   "and '2024-04-30' order by all").fetchall()
    assert len(got) == 12 and got == want  # 6 postings a month
    plan = con.sql("explain select posting_id from postings_of_months($first, $last)",
                   params=months).fetchall()[0][1]
    assert "Scanning Files: 2/36" in plan
    none = con.sql("select count(*) from technology_postings_of_months($first, $last) "
                   "where posted_date < '2024-03-01'", params=months).fetchall()
    assert none == [(0,)]

@pytest.mark.parametrize("table", YEARLY_TABLES)
def test_year_macros_open_only_the_years_asked(fixture_warehouse, table):
    """<table>_of_years reads the year files from its first date's year through its last
    date's, the others dropped while planning: exactly the rows of those years."""
    con = queries.connection(fixture_warehouse)
    years = {"first": dt.date(2024, 3, 15), "last": dt.date(2024, 11, 1)}
    got = con.sql(f"select count(*), min(month), max(month) from {table}_of_years($first, $last)",
                  params=years).fetchall()
    want = con.sql(f"select count(*), min(month), max(month) from {table} "
                   "where year(month) = 2024").fetchall()
    assert got == want and want[0][0] > 0
    assert (want[0][1], want[0][2]) == (dt.date(2024, 1, 1), dt.date(2024, 12, 1))
    plan = con.sql(f"explain select * from {table}_of_years($first, $last)",
                   params=years).fetchall()[0][1]
    assert "Scanning Files: 1/3" in plan  # 2023, 2024, 2025
    both = con.sql(f"select count(*) from {table}_of_years('2023-12-01', '2025-01-31')").fetchall()
    assert both == con.sql(f"select count(*) from {table}").fetchall()



def test_a_query_of_two_statements_binds_the_first_rows_columns(fixture_warehouse, tmp_path,
                                                                monkeypatch):
    """A statement before the last returns one row; its columns are named parameters of the
    statements after it (values bound, never put into the SQL text)."""
    (tmp_path / "_macros.sql").write_text(queries.sql_text("_macros"))
    (tmp_path / "two.sql").write_text(
        "-- first; then\nselect max(posted_date) as latest, count(*) as n from postings\n"
        "where country = $country;\n"
        "select $latest::date as latest, $n::bigint as n, $country as country;\n")
    (tmp_path / "many.sql").write_text("select * from range(2);\nselect 1 as x;\n")
    monkeypatch.setattr(queries, "SQL_DIR", tmp_path)
    queries.sql_text.cache_clear(), queries.statements.cache_clear()
    try:
        assert [len(names) for _, names in queries.statements("two")] == [1, 3]
        row = queries.run("two", warehouse=fixture_warehouse, country="DE").row(0, named=True)
        assert row == {"latest": dt.date(2025, 12, 5), "n": 72, "country": "DE"}  # day 1 + i
        with pytest.raises(ValueError, match="returned 2 rows, not one"):
            queries.run("many", warehouse=fixture_warehouse)
    finally:
        queries.sql_text.cache_clear(), queries.statements.cache_clear()


def test_a_query_naming_whole_upto_gets_its_end_bound_first(fixture_warehouse, tmp_path,
                                                            monkeypatch):
    """$whole_upto (the end of the build's whole-range answers that answers the filters, or
    null) is bound by a first statement radar.queries puts before any query naming it, with
    $dimension_upto (the same end when one value of one dimension alone is narrowed)."""
    choices = queries.choices(fixture_warehouse)
    (tmp_path / "_macros.sql").write_text(queries.sql_text("_macros"))
    (tmp_path / "ends.sql").write_text("select $whole_upto::date as whole_upto, "
                                       "(select max(upto_month) from pay_quartiles_whole) "
                                       "as last_end, $dimension_upto::date as by_value;\n")
    (tmp_path / "plain.sql").write_text("select $country as country;\n")
    monkeypatch.setattr(queries, "SQL_DIR", tmp_path)
    queries.sql_text.cache_clear(), queries.statements.cache_clear()
    try:
        steps = queries.statements("ends")
        assert [text for text, _ in steps][0] == queries.WHOLE_UPTO
        assert steps[0][1] == {"date_from", "date_to", "countries", "remote", "seniority",
                               "role_family", "sources"}
        assert len(queries.statements("plain")) == 1
        whole = queries.run("ends", choices.defaults(), fixture_warehouse).row(0)
        # the default view: the last end, and no dimension value
        assert whole[0] is not None and whole[0] == whole[1] and whole[2] is None
        base = choices.defaults()
        for narrowed, by_value in ((replace(base, countries=("DE",)), whole[1]),
                                   (replace(base, remote=("remote",)), whole[1]),
                                   (replace(base, countries=("DE", "US")), None),
                                   (replace(base, countries=("DE",), seniority=("senior",)),
                                    None),
                                   (replace(base, countries=("DE",),
                                            date_from=base.date_to.replace(day=1)), None)):
            assert queries.run("ends", narrowed, fixture_warehouse).row(0)[::2] == \
                (None, by_value), narrowed
    finally:
        queries.sql_text.cache_clear(), queries.statements.cache_clear()
