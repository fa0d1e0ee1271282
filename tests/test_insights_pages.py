"""Compare, Stacks, What to learn next and the monthly charts under AppTest, on the fixture
warehouse: what each shows, after a filter change, and from a shared link. AppTest does not
render Plotly: charts are checked through their JSON."""

from __future__ import annotations

import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_pages import open_address
from tests.test_real_sources import shared_warehouse  # noqa: F401  (the warehouse of ../shared/data)


def figures(at: AppTest) -> dict[str, dict]:
    specs = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    return {s["layout"]["title"]["text"]: s for s in specs}


def table(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def lines(figure: dict) -> dict[str, dict]:
    return {t["name"]: t for t in figure["data"] if t.get("showlegend") is not False}


def test_compare_from_a_shared_link_and_after_a_filter_change(app_test):
    at = app_test({"compare": "go,python", "rolling": "False"}).run()
    open_address(at, "compare")
    shown = table(at, "named most with")
    assert shown["technology"].to_list() == ["Go", "Python"]
    assert shown["postings"].to_list() == [38, 108]
    assert shown["change (pp)"].to_list() == [13.89, 0.0]
    assert shown["median pay USD"].to_list() == [123_500, 122_750]
    assert shown["pay n"].to_list() == [38, 36]
    share = lines(figures(at)["Share of postings mentioning each, per month"])
    assert share["Go"]["y"][-1] == 33.33 and set(share["Python"]["y"]) == {50.0}
    assert "2 of 6 postings" in share["Go"]["hovertemplate"] or share["Go"]["customdata"][-1][
        1:3] == [2, 6]
    assert at.query_params["compare"] == "go,python"
    at.multiselect(key="f_countries").set_value(["DE"]).run()
    # DE postings are i = 1 and 4: Python on i = 4, never Go
    shown = table(at, "named most with")
    assert shown["technology"].to_list() == ["Python"] and shown["postings"][0] == 36
    assert at.query_params["countries"] == "DE"


def test_stacks_from_a_shared_link_and_after_a_filter_change(app_test):
    at = app_test({"stack_tech": "python", "min_n": "19"}).run()
    open_address(at, "stacks")
    partners = table(at, "lift")
    assert partners["technology"].to_list() == ["PostgreSQL", "GCP", "Go", "AWS"]
    assert partners["lift"].to_list() == [2.0, 2.0, 1.0, 0.67]
    assert partners["% of Python"].to_list() == [66.7, 33.3, 17.6, 33.3]
    assert partners["n together"].to_list() == [72, 36, 19, 36]
    charts = figures(at)
    bars = charts["Named with Python: lift"]["data"][0]
    assert bars["y"][-1] == "PostgreSQL" and bars["x"][-1] == 2.0  # the first on top
    by_year = lines(charts["Named with Python, per year"])
    assert set(by_year) == {"PostgreSQL", "GCP", "Go"}
    assert by_year["Go"]["y"] == [0.0, 19.44, 33.33]  # 7 of 36 in 2024, 12 of 36 in 2025
    heat = charts["Lift between the most named technologies"]["data"][0]
    cell = dict(zip(heat["y"], heat["z"], strict=True))["AWS"][heat["x"].index("MySQL")]
    assert cell == pytest.approx(2.0)
    assert any("72 postings" in m.value and "PostgreSQL" in m.value for m in at.markdown)
    at.multiselect(key="f_countries").set_value(["US"]).run()
    # US postings are i = 0 and 3: Python 36, PostgreSQL and AWS on i = 0, Go on 0 and 3
    partners = table(at, "lift")
    assert dict(zip(partners["technology"], partners["lift"], strict=True)) == {
        "PostgreSQL": 2.0, "AWS": 2.0, "Go": 1.0}
    assert at.query_params["stack_tech"] == "python" and at.query_params["countries"] == "US"


def test_learn_next_from_a_shared_link_and_after_a_filter_change(app_test):
    at = app_test({"known": "python", "min_n": "10"}).run()
    open_address(at, "learn-next")
    ranked = table(at, "why")
    assert ranked["technology"].to_list() == ["Go", "AWS", "PostgreSQL", "GCP", "MySQL"]
    assert ranked["score"].to_list() == [68.8, 56.2, 53.1, 37.5, 34.4]
    assert ranked["why"][0] == "+13.9 pp in 12 months; pays +750 USD vs the median (n=38)"
    assert any("How the score is made" in m.value for m in at.markdown)
    # the fixture's pay comes from three countries: the pooled premium says it mixes markets
    assert [w.value for w in at.warning if "mixes markets" in w.value]
    at.pills(key="criteria").set_value(["demand"]).run()
    assert table(at, "why")["technology"][0] == "AWS"
    assert not [w.value for w in at.warning if "mixes markets" in w.value]  # no pay criterion
    assert at.query_params["criteria"] == "demand"
    at.number_input(key="min_n").set_value(30).run()
    shown = table(at, "why")
    assert shown["rank"][0] == 1 and shown["rank"][1:].isna().all()  # only AWS has 30
    assert shown["why"][1].startswith("not ranked: 24 postings")
    assert "min_n" not in at.query_params  # back to the default


def test_learn_next_pay_premium_within_one_country_has_no_market_warning(app_test):
    at = app_test({"known": "python", "countries": "US"}).run()
    open_address(at, "learn-next")
    assert not at.exception
    assert not [w.value for w in at.warning if "mixes markets" in w.value]
    assert "pay premium USD" in table(at, "why").columns


@pytest.fixture()
def partial_warehouse(fixture_warehouse, tmp_path):
    """The fixture warehouse as if built on 2025-12-07: its last month is incomplete."""
    folder = tmp_path / "warehouse"
    shutil.copytree(fixture_warehouse, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["built_at"] = "2025-12-07T10:00:00+00:00"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_the_incomplete_month_is_left_out_then_drawn_as_incomplete(app_for, partial_warehouse):
    at = app_for(partial_warehouse).run()
    assert not at.exception, at.exception
    postings = figures(at)["Postings per month"]
    assert len(postings["data"]) == 1 and len(postings["data"][0]["x"]) == 35  # to 2025-11
    assert postings["layout"]["yaxis"]["title"]["text"] == "Postings (3-month rolling mean)"
    at = app_for(partial_warehouse, {"to": "2025-12", "tech_language": "go"}).run()
    open_address(at, "languages")
    share = figures(at)["Languages: share of postings mentioning each, per month"]
    solid, dotted = share["data"]
    assert solid["x"][-1][:7] == "2025-11" and dotted["line"]["dash"] == "dot"
    assert [x[:7] for x in dotted["x"]] == ["2025-11", "2025-12"]
    assert "incomplete month" in dotted["customdata"][-1][3]
    # the postings panel still opens on the month chosen last, here the incomplete one
    assert at.query_params["to"] == "2025-12"


def test_rolling_mean_switch_and_greyed_points(app_test):
    at = app_test({"tech_language": "go"}).run()
    open_address(at, "languages")
    go = figures(at)["Languages: share of postings mentioning each, per month"]["data"][0]
    assert go["y"][16:20] == [0.0, 11.11, 22.22, 33.33]  # 2024-05 .. 2024-08, 3-month mean
    assert set(go["marker"]["color"]) == {"white"}  # 18 postings behind each: under 30
    assert "of %{customdata[2]} postings (3 months)" in go["hovertemplate"]
    at.toggle(key="rolling").set_value(False).run()
    go = figures(at)["Languages: share of postings mentioning each, per month"]["data"][0]
    assert go["y"][16:20] == [0.0, 33.33, 33.33, 33.33]
    assert at.query_params["rolling"] == "False"
    at.number_input(key="min_n").set_value(6).run()
    go = figures(at)["Languages: share of postings mentioning each, per month"]["data"][0]
    assert "white" not in go["marker"]["color"]  # 6 postings a month: every point drawn full


def test_the_new_pages_on_the_real_sources(shared_warehouse, app_for):  # noqa: F811
    from radar import queries, rules
    warehouse = shared_warehouse[0]
    filters = queries.choices(warehouse).defaults()
    ranking = queries.run("tech_ranking", filters, warehouse, category="")
    postings = dict(zip(ranking["technology_id"], ranking["postings"], strict=True))
    at = app_for(warehouse).run()
    assert not at.exception, at.exception
    for address in ("containers", "web-servers", "api-styles", "ci-cd", "methodologies"):
        open_address(at, address)
        assert at.title[0].value != ""
    open_address(at, "compare")
    shown = table(at, "named most with")
    expected = [t for t in ("go", "rust", "kotlin", "kubernetes") if t in postings]
    assert len(expected) >= 2
    assert shown["postings"].to_list() == [postings[t] for t in expected]
    open_address(at, "stacks")
    top = ranking["technology_id"][0]
    co = queries.run("co_mentions", filters, warehouse, technologies=[top])
    partners = rules.stack_partners(co, top, 30)
    assert table(at, "lift")["n together"].to_list() == partners["both_postings"].to_list()
    open_address(at, "learn-next")
    scored = rules.learn_next(queries.run("learn_next", filters, warehouse,
                                          technologies=["python"]), min_postings=30)
    shown = table(at, "why")
    assert shown["technology"].head(5).to_list() == scored["name"].head(5).to_list()
    assert shown["rank"][0] == 1
