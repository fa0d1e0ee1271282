"""The Salary, Role profile and Map pages under AppTest on the pay fixture warehouse: what they
show (figure JSON, metrics, tables), after a filter change and from a shared link."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest


@pytest.fixture()
def pay_app(app_for, pay_warehouse):
    def make(page: str, query_params: dict | None = None) -> AppTest:
        at = app_for(pay_warehouse, query_params)
        at.run()
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, at.exception
        return at
    return make


def figures(at: AppTest) -> dict[str, dict]:
    out = {}
    for element in at.get("plotly_chart"):
        fig = json.loads(element.proto.spec)
        out[fig["layout"]["title"]["text"]] = fig
    return out


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_salary_several_countries_side_by_side_with_a_warning(pay_app):
    at = pay_app("salary")
    per_country = frame_with(at, "median (local currency)").set_index("country")
    # All years: US 80, 80, 90, 90, 100, 100, 100, 110, 110, 120, 130 k -> 100 k;
    # DE 55, 60, 60, 65, 66, 72 k EUR -> 62.5 k EUR; GB 50 k GBP.
    assert per_country.loc["United States", "median (local currency)"] == 100_000
    assert per_country.loc["Germany", "median (local currency)"] == 62_500
    assert per_country.loc["Germany", "currency"] == "EUR"
    assert per_country.loc["United Kingdom", "median (local currency)"] == 50_000
    assert any("mixes 3 markets" in w.value for w in at.warning)
    # Pooled in USD, 18 postings: the 9th and 10th values are 80 k and 90 k.
    assert metric(at, "Pooled median, all countries (USD)") == "$85,000"
    chart = figures(at)["Advertised annual pay per country (each its own market, in USD)"]
    # under the default minimum (20 postings) no country is ranked: one hollow grey trace,
    # by postings (GB 1, DE 6, US 11)
    [few] = chart["data"]
    assert few["customdata"] == ["GB", "DE", "US"]
    assert few["y"] == ["United Kingdom (n=1, too few)", "Germany (n=6, too few)",
                        "United States (n=11, too few)"]
    assert few["marker"]["color"] == "white"
    at.slider(key="salary_min_n").set_value(5).run()
    chart = figures(at)["Advertised annual pay per country (each its own market, in USD)"]
    few, ranked = chart["data"]
    assert few["customdata"] == ["GB"] and "not ranked" in few["hovertemplate"]
    # ranked by median in USD, lowest first (drawn bottom up): DE 62.5 k EUR, US 100 k
    assert ranked["customdata"] == ["DE", "US"]
    assert ranked["y"] == ["Germany (n=6)", "United States (n=11)"]
    assert ranked["marker"]["color"] != "white"
    assert at.query_params["salary_min_n"] == "5"


def test_salary_one_country_in_its_currency(pay_app):
    at = pay_app("salary", {"countries": "DE", "salary_min_n": "5"})
    assert metric(at, "Median advertised annual pay in Germany (EUR)") == "62,500 EUR"
    assert not any("mixes" in w.value for w in at.warning)
    over_time = figures(at)["Median advertised annual pay over time (EUR)"]
    assert [t["name"] for t in over_time["data"]] == ["nominal"]  # no US CPI for euros
    assert over_time["data"][0]["x"] == [2024]
    assert over_time["data"][0]["y"] == [pytest.approx(62_500)]
    at.multiselect(key="f_countries").set_value(["US"]).run()
    assert metric(at, "Median advertised annual pay in United States (USD)") == "$100,000"
    assert at.query_params["countries"] == "US"


def test_salary_nominal_and_real(pay_app):
    at = pay_app("salary", {"countries": "US", "from": "2023-01", "salary_min_n": "5"})
    fig = figures(at)["Median advertised annual pay over time (USD): nominal and real, "
                      "deflated by the US CPI-U (BLS CUUR0000SA0)"]
    nominal, real = fig["data"]
    # 2023 has 4 postings (under 5): only 2024 is shown, its real value equals the nominal.
    assert nominal["x"] == [2024] and nominal["y"] == [110_000]
    assert real["name"] == "real (2024 dollars)" and real["y"] == [110_000]
    at.multiselect(key="f_countries").set_value([]).run()
    fig = next(f for t, f in figures(at).items() if t.startswith("Median advertised annual"))
    # Every country pooled in USD from 2023: 2023 (4 US postings) still under 5; 2024 has 13.
    assert fig["data"][0]["x"] == [2024] and fig["data"][0]["customdata"] == [13]
    assert any("mix markets" in w.value for w in at.warning)


def test_salary_premium_table_from_a_link(pay_app):
    at = pay_app("salary", {"premium_min_n": "3", "salary_min_n": "5"})
    table = frame_with(at, "premium %").set_index("language")
    # (0.20 + 0.10) / 2 (see tests/test_pay.py), two cells, 6 postings on each side.
    assert table.loc["Python", "premium %"] == 15.0
    assert table.loc["Python", "95% low %"] == 4.7
    assert table.loc["Python", "cells"] == 2
    chart = figures(at)["Pay premium: postings naming the technology against those that do not"]
    assert "Python (n=6)" in chart["data"][0]["y"]
    at.slider(key="premium_min_n").set_value(4).run()
    assert any("enough postings on both sides" in i.value for i in at.info)
    assert at.query_params["premium_min_n"] == "4"


def test_role_profile_against_five_years_earlier(pay_app):
    at = pay_app("role_profile", {"from": "2024-01", "to": "2024-03"})
    assert metric(at, "Postings (2024-01 to 2024-03)") == "14"
    assert metric(at, "Postings (2019-03 to 2019-03)") == "2"
    assert metric(at, "Remote (2024-01 to 2024-03)") == "7.1%"
    chart = figures(at)["Share of postings naming each category"]
    then, now = chart["data"]
    assert now["name"] == "2024-01 to 2024-03" and then["name"] == "2019-03 to 2019-03"
    shares_now = dict(zip(now["y"], now["x"], strict=True))
    shares_then = dict(zip(then["y"], then["x"], strict=True))
    assert shares_now["Languages"] == round(100 * 13 / 14, 1)
    assert shares_now["Version control"] == round(100 * 13 / 14, 1)
    assert shares_then["Languages"] == 100.0 and shares_then["Version control"] == 50.0
    top = frame_with(at, "technology")
    assert top.iloc[0]["technology"] == "Python" and top.iloc[0]["change (pp)"] == 50.0
    # the build reads degree and years from the text; the fixture postings state neither
    degree = figures(at)["Lowest degree asked for"]["data"]
    years = figures(at)["Minimum years of experience asked for"]["data"]
    assert [(d["y"], d["x"]) for d in degree] == [(["none stated"], [100.0])] * 2
    assert [(d["y"], d["x"]) for d in years] == [(["not stated"], [100.0])] * 2
    at.multiselect(key="f_countries").set_value(["DE"]).run()
    assert metric(at, "Postings (2024-01 to 2024-03)") == "6"
    assert metric(at, "Median advertised pay (2024-01 to 2024-03)") == "62,500 EUR"
    assert any("is shown alone" in i.value for i in at.info)  # no German postings in 2019
    assert at.query_params["countries"] == "DE"


def test_map_countries_and_states(pay_app):
    at = pay_app("map", {"map_tech": "python"})
    fig = next(iter(figures(at).values()))
    assert fig["layout"]["title"]["text"] == "Share of postings naming Python, by country"
    shaded = {t["meta"]["key"]: t["meta"] for t in fig["data"] if t.get("meta")}
    assert shaded["US"]["postings"] == 13 and shaded["US"]["naming"] == 5
    assert shaded["GB"]["value"] == 1.0
    at.radio(key="map_area").set_value("us").run()
    fig = next(iter(figures(at).values()))
    shaded = {t["meta"]["key"]: t["meta"] for t in fig["data"] if t.get("meta")}
    # 13 postings, under the sidebar's default 30: outlined, not shaded by its share
    assert shaded == {"TX": {"key": "TX", "value": pytest.approx(5 / 13), "postings": 13,
                             "naming": 5, "shaded": False}}
    assert any("fewer than 30 postings" in c.value for c in at.caption)
    assert at.query_params["map_area"] == "us" and at.query_params["map_tech"] == "python"
    at.radio(key="map_show").set_value("postings").run()
    fig = next(iter(figures(at).values()))
    assert fig["layout"]["title"]["text"] == "US postings by state"
    assert fig["data"][-1]["marker"]["cmax"] == 13
    # counts are not shares: every state with postings is shaded whatever the minimum
    assert [t["meta"]["shaded"] for t in fig["data"] if t.get("meta")] == [True]


def test_map_shades_a_share_from_enough_postings(pay_app):
    at = pay_app("map", {"map_tech": "python", "min_n": "5"})
    fig = next(iter(figures(at).values()))
    shaded = {t["meta"]["key"]: t["meta"]["shaded"] for t in fig["data"] if t.get("meta")}
    # US 13, DE 6 postings: shaded; GB 1 posting (naming Python: 100%): outlined only
    assert shaded == {"US": True, "DE": True, "GB": False}
    gb = next(t for t in fig["data"] if t.get("meta", {}).get("key") == "GB")
    assert gb["name"].endswith("fewer than 5 postings, not shaded")
    # the scale tops at the largest share resting on enough postings, not GB's 100%
    assert fig["data"][-1]["marker"]["cmax"] < 100


def test_role_profile_and_map_charts_go_into_the_report(pay_app):
    at = pay_app("role_profile", {"from": "2024-01", "to": "2024-03"})
    add = next(b for b in at.button if b.key and b.key.startswith("add_profile_categories_"))
    add.click().run()
    at.switch_page("pages/map.py").run()
    next(b for b in at.button if b.key and b.key.startswith("add_map_world_")).click().run()
    items = at.session_state["report_items"]
    assert [(i.page, i.title) for i in items] == [
        ("Role profile", "Share of postings naming each category"),
        ("Map", "Share of postings naming Git, by country")]
    assert items[0].table.height == 9  # one row per profile category
    at.switch_page("pages/report.py").run()
    assert not at.exception
