"""The queries and rules behind Compare, Stacks, What to learn next and the monthly charts,
against the fixture warehouse, with the numbers worked out by hand.

Fixture (tests/conftest.py): 6 postings a month, 2023-01 to 2025-12 (216); posting i of a month
names Python when i is even (0, 2, 4), Go when i % 3 == 0 (0, 3) from 2024-06, PostgreSQL when
i % 4 == 0 (0, 4), MySQL when i % 4 == 1 (1, 5), AWS when i % 5 in (0, 1) (0, 1, 5), GCP when
i % 5 == 2 (2). Pay (all US, USD) on i % 3 == 0: midpoint 120,000 + 500 x (month number - 1).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import polars as pl
import pytest

from radar import queries, rules
from radar.filters import Filters

ALL = Filters(dt.date(2023, 1, 1), dt.date(2025, 12, 1))


@pytest.fixture()
def run(fixture_warehouse):
    return lambda name, filters=ALL, **kw: queries.run(name, filters, fixture_warehouse, **kw)


# --- Months ------------------------------------------------------------------------------------

def test_incomplete_month_rule():
    december = dt.date(2025, 12, 1)
    assert rules.incomplete_month(december, dt.date(2025, 12, 10)) == december
    assert rules.incomplete_month(december, dt.date(2025, 12, 31)) == december
    assert rules.incomplete_month(december, dt.date(2026, 1, 1)) is None
    assert rules.last_complete_month(dt.date(2023, 1, 1), december,
                                     dt.date(2025, 12, 10)) == dt.date(2025, 11, 1)
    assert rules.last_complete_month(dt.date(2023, 1, 1), december,
                                     dt.date(2026, 2, 3)) == december
    # a warehouse of one incomplete month still has a range to show
    assert rules.last_complete_month(december, december, dt.date(2025, 12, 2)) == december


def test_choices_end_the_default_range_at_the_last_complete_month(fixture_warehouse, tmp_path):
    complete = queries.choices(fixture_warehouse)  # built today, data to 2025-12: complete
    assert complete.incomplete_month is None
    assert complete.defaults().date_to == dt.date(2025, 12, 1)
    early = tmp_path / "warehouse"
    shutil.copytree(fixture_warehouse, early)
    manifest = json.loads((early / "manifest.json").read_text())
    manifest["built_at"] = "2025-12-07T10:00:00+00:00"  # built a week into 2025-12
    (early / "manifest.json").write_text(json.dumps(manifest))
    partial = queries.choices(early)
    assert partial.last_month == dt.date(2025, 12, 1)
    assert partial.incomplete_month == dt.date(2025, 12, 1)
    assert partial.defaults().date_to == dt.date(2025, 11, 1)


def test_rolling_mean_by_hand(run):
    series = run("tech_share_by_month", technologies=["go", "python"])
    go = rules.rolling_mean(series, 3).filter(pl.col("technology_id") == "go")
    by_month = {r["month"]: r for r in go.to_dicts()}
    # Go: 0 of 6 until 2024-05, then 2 of 6 a month
    assert by_month[dt.date(2024, 5, 1)]["share"] == 0
    assert by_month[dt.date(2024, 6, 1)]["share"] == pytest.approx(2 / 18)
    assert by_month[dt.date(2024, 7, 1)]["share"] == pytest.approx(4 / 18)
    assert by_month[dt.date(2024, 8, 1)]["share"] == pytest.approx(6 / 18)
    assert by_month[dt.date(2024, 7, 1)]["per_month"] == pytest.approx(4 / 3)
    assert (by_month[dt.date(2024, 7, 1)]["window_postings"],
            by_month[dt.date(2024, 7, 1)]["window_total"]) == (4, 18)
    # the start of the range averages the months there are
    first, second = by_month[dt.date(2023, 1, 1)], by_month[dt.date(2023, 2, 1)]
    assert (first["window_months"], first["window_total"]) == (1, 6)
    assert (second["window_months"], second["window_total"]) == (2, 12)
    python = rules.rolling_mean(series, 3).filter(pl.col("technology_id") == "python")
    assert set(python["share"]) == {0.5}
    one = rules.rolling_mean(series, 1).filter(pl.col("technology_id") == "go")
    assert one["share"].to_list() == go.join(series, on=["month", "technology_id"]).sort(
        "month")["share_right"].to_list()


def test_monthly_figures_grey_and_incomplete(run):
    series = run("tech_share_by_month", technologies=["go"])
    figures = rules.monthly_figures(series, 3, 30, dt.date(2025, 12, 1))
    assert not figures["reliable"].any()  # 18 postings behind each 3-month figure
    assert rules.monthly_figures(series, 3, 18, None)["reliable"].sum() == 34  # from 2023-03
    assert figures.filter(pl.col("incomplete"))["month"].to_list() == [dt.date(2025, 12, 1)]
    postings = rules.postings_series(run("postings_by_month"))
    assert set(rules.monthly_figures(postings, 3, 30, None)["per_month"]) == {6.0}


# --- Stacks -------------------------------------------------------------------------------------

def test_co_mentions_per_year(run):
    co = run("co_mentions", technologies=["python"])
    assert set(co["technology_id"]) == {"postgresql", "aws", "gcp", "go"}  # never with MySQL
    go = co.filter(pl.col("technology_id") == "go").sort("year")
    assert go.select("year", "both_postings", "partner_postings", "chosen_postings",
                     "total").rows() == [(2023, 0, 0, 36, 72), (2024, 7, 14, 36, 72),
                                         (2025, 12, 24, 36, 72)]


def test_stack_partners_lift_share_and_rank(run):
    co = run("co_mentions", technologies=["python"])
    partners = rules.stack_partners(co, "python", min_postings=30)
    rows = {r["technology_id"]: r for r in partners.to_dicts()}
    # lift = both x total / (python x partner), over 216 postings with 108 naming Python
    assert rows["postgresql"]["lift"] == pytest.approx(72 * 216 / (108 * 72))  # 2.0
    assert rows["gcp"]["lift"] == pytest.approx(36 * 216 / (108 * 36))  # 2.0
    assert rows["aws"]["lift"] == pytest.approx(36 * 216 / (108 * 108))  # 0.667
    assert rows["go"]["lift"] == pytest.approx(19 * 216 / (108 * 38))  # 1.0
    assert rows["postgresql"]["share_of_chosen"] == pytest.approx(72 / 108)
    assert rows["go"]["share_of_chosen"] == pytest.approx(19 / 108)
    # ties on lift go to the pair with more postings; Go (19 together) is not ranked
    assert partners["technology_id"].to_list() == ["postgresql", "gcp", "aws", "go"]
    assert partners["rank"].to_list() == [1, 2, 3, None]
    assert rules.stack_partners(co, "python", min_postings=19)["rank"].to_list()[-1] == 4


def test_lift_by_year(run):
    co = run("co_mentions", technologies=["python"])
    go = rules.lift_by_year(co, "python", ["go"]).sort("year")
    assert go["lift"].to_list()[0] is None  # no Go in 2023
    assert go["lift"].to_list()[1:] == [pytest.approx(7 * 72 / (36 * 14)),
                                        pytest.approx(12 * 72 / (36 * 24))]
    assert go["share_of_chosen"].to_list() == [0, pytest.approx(7 / 36), pytest.approx(1 / 3)]


def test_tech_pairs_and_their_lift(run):
    pairs = run("tech_pairs", technologies=["python", "postgresql", "mysql", "aws"])
    got = {(r["technology_a"], r["technology_b"]): r["both_postings"] for r in pairs.to_dicts()}
    assert got == {("aws", "mysql"): 72, ("aws", "postgresql"): 36, ("aws", "python"): 36,
                   ("postgresql", "python"): 72}
    assert set(pairs["total"]) == {216}
    lifts = rules.pair_lifts(pairs)
    cell = {(r["row"], r["column"]): r["lift"] for r in lifts.to_dicts()}
    assert cell[("AWS", "MySQL")] == cell[("MySQL", "AWS")] == pytest.approx(2.0)
    assert cell[("Python", "AWS")] == pytest.approx(2 / 3)
    assert ("MySQL", "Python") not in cell


def test_postings_together(run):
    both = run("postings_together", technology_id="go", partners=["postgresql"], limit=5)
    assert both["matching"][0] == 19 and both.height == 5  # i = 0 from 2024-06
    assert both["posted_date"][0] == dt.date(2025, 12, 1)
    assert set(both["partners"]) == {"PostgreSQL (“PostgreSQL”)"}
    alone = run("postings_together", technology_id="go", partners=[], limit=50)
    assert alone["matching"][0] == 38


# --- Compare ------------------------------------------------------------------------------------

def test_comparison_table(run):
    chosen = ["go", "postgresql"]
    table = rules.comparison(run("tech_ranking", category=""),
                             run("salary_by_technology", category=""),
                             run("co_mentions", technologies=chosen), chosen, 30)
    go, pg = table.to_dicts()
    assert (go["technology"], go["postings"], go["change (pp)"]) == ("Go", 38, 13.89)
    assert go["median pay USD"] == 123_500 and go["pay n"] == 38
    # Go: with Python and AWS in 19 postings each (i = 0), PostgreSQL 19: under 30, none listed
    assert go["named most with"] is None
    assert pg["named most with"] == "Python (100%), AWS (50%)"
    assert pg["median pay USD"] == 122_750
    short = rules.comparison(run("tech_ranking", category=""),
                             run("salary_by_technology", category=""),
                             run("co_mentions", technologies=chosen), chosen, 19)
    assert short["named most with"][0] == "AWS (50%), PostgreSQL (50%), Python (50%)"


# --- What to learn next -------------------------------------------------------------------------

def test_learn_next_criteria(run):
    frame = run("learn_next", technologies=["python"])
    rows = {r["technology_id"]: r for r in frame.to_dicts()}
    assert "python" not in rows
    go = rows["go"]
    assert (go["recent_postings"], go["recent_total"]) == (24, 72)  # 2025
    assert (go["prior12_postings"], go["prior12_total"]) == (14, 72)  # 2024
    assert (go["prior24_postings"], go["prior24_total"]) == (0, 72)  # 2023
    assert (go["with_known"], go["known_total"]) == (19, 108)
    assert (go["paid_postings"], go["paid_median"]) == (38, 123_500)
    assert go["market_median"] == 122_750
    assert rows["mysql"]["with_known"] == 0 and rows["mysql"]["paid_postings"] == 0
    short = run("learn_next", Filters(dt.date(2024, 1, 1), dt.date(2025, 12, 1)),
                technologies=["python"])
    assert short["prior24_postings"].is_null().all()
    assert short["prior12_postings"].is_not_null().all()


def test_learn_next_score_by_hand(run):
    scored = rules.learn_next(run("learn_next", technologies=["python"]), min_postings=10)
    # ranks (0 lowest .. 1 highest, ties share the mean rank) over the 5 candidates:
    # demand     GCP 1/6 < Go = PostgreSQL = MySQL 1/3 < AWS 1/2 -> 0, .5, .5, .5, 1
    # growth     Go +13.9 pp, the rest 0                         -> Go 1, rest .375
    # with Py    MySQL 0 < Go 19 < AWS = GCP 36 < PostgreSQL 72  -> 0, .25, .625, .625, 1
    # pay        PostgreSQL = AWS +0 < Go +750 (n 36, 36, 38)    -> .25, .25, 1; MySQL, GCP
    #            have no pay: the middle, .5
    expected = {"go": (0.5 + 1 + 0.25 + 1) / 4, "aws": (1 + 0.375 + 0.625 + 0.25) / 4,
                "postgresql": (0.5 + 0.375 + 1 + 0.25) / 4, "gcp": (0 + 0.375 + 0.625 + 0.5) / 4,
                "mysql": (0.5 + 0.375 + 0 + 0.5) / 4}
    assert scored["technology_id"].to_list() == ["go", "aws", "postgresql", "gcp", "mysql"]
    assert scored["rank"].to_list() == [1, 2, 3, 4, 5]
    for tech, score in expected.items():
        assert scored.filter(pl.col("technology_id") == tech)["score"][0] == pytest.approx(
            100 * score)
    reasons = dict(zip(scored["technology_id"], scored["reason"], strict=True))
    assert reasons["go"] == "+13.9 pp in 12 months; pays +750 USD vs the median (n=38)"
    assert reasons["mysql"] == "named in 33.3% of postings; pay: too few postings (n=0)"


def test_learn_next_marks_cells_with_too_few_postings(run):
    frame = run("learn_next", technologies=["python"])
    scored = rules.learn_next(frame, min_postings=30)
    ranked = scored.filter(pl.col("ranked"))
    assert ranked["technology_id"].to_list() == ["aws"]  # 36 postings in 2025; others 24, 12
    go = scored.filter(pl.col("technology_id") == "go").row(0, named=True)
    assert go["rank"] is None and go["score"] is None
    assert go["reason"] == "not ranked: 24 postings in the last 12 months (fewer than 30)"
    # 24-month growth: Go from 0 of 72 (2023) to 24 of 72 (2025)
    growth24 = rules.learn_next(frame, ("growth",), growth_months=24, min_postings=10)
    assert growth24.filter(pl.col("technology_id") == "go")["growth"][0] == pytest.approx(
        100 / 3)
    assert growth24["technology_id"][0] == "go"
