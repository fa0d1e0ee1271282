"""Every page under Streamlit's AppTest, on the fixture warehouse: the numbers shown, and after
a filter change. AppTest does not render Plotly, so charts are checked through their JSON."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_pages import open_address


@pytest.fixture()
def app(app_test):
    at = app_test()
    at.run()
    assert not at.exception, at.exception
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def table(at: AppTest, column: str, index: int = 0):
    """The index-th dataframe shown that has the column (AppTest finds dataframes by position)."""
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    return frames[index]


def goto(at: AppTest, page: str) -> AppTest:
    if page in ("languages", "databases", "cloud"):
        return open_address(at, page)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def test_overview_numbers_and_filter_change(app):
    assert metric(app, "Postings") == "216"
    assert metric(app, "With advertised pay") == "72"
    postings = figures(app)[0]
    assert postings["layout"]["title"]["text"] == "Postings per month"
    assert postings["data"][0]["y"] == [6] * 36
    assert "n = 216 postings" in postings["layout"]["annotations"][0]["text"]
    assert not any("Sample data" in w.value for w in app.warning)
    app.multiselect(key="f_countries").set_value(["DE"]).run()
    assert metric(app, "Postings") == "72"
    assert figures(app)[0]["data"][0]["y"] == [2] * 36
    assert app.query_params["countries"] == "DE"


def test_overview_top_technologies_and_movers(app, app_test):
    bars = {f["layout"]["title"]["text"]: f for f in figures(app)}
    languages = bars["Languages"]["data"][0]
    assert dict(zip(languages["y"], languages["x"], strict=True))["Python"] == 50.0
    # Go rose by 13.89 pp but has 24 postings in the last 12 months, under the minimum of 30;
    # every other fixture technology keeps a constant share: no risers and no fallers.
    assert [d for d in app.dataframe if "technology" in d.value.columns] == []
    assert any("No technology named in at least 30 postings" in i.value for i in app.info)
    app = app_test({"min_n": "20"}).run()
    risers, fallers = table(app, "technology", 0), table(app, "technology", 1)
    assert list(risers["technology"]) == ["Go"] and fallers.empty
    assert risers.iloc[0]["change (pp)"] == pytest.approx(round(100 * (2 / 6 - 14 / 72), 2))
    assert risers.iloc[0]["n last 12 m"] == 24


def test_languages_page(app):
    goto(app, "languages")
    shares = figures(app)[0]
    lines = {t["name"]: t for t in shares["data"]}
    assert set(lines["Python"]["y"]) == {50.0}
    assert lines["Go"]["y"][-1] == pytest.approx(33.33)
    ranking = table(app, "change (pp)")
    assert ranking.iloc[0]["postings"] == 108
    app.multiselect(key="tech_language").set_value(["go"]).run()
    assert [t["name"] for t in figures(app)[0]["data"]] == ["Go"]
    assert app.query_params["tech_language"] == "go"
    app.radio(key="metric_language").set_value("count").run()
    assert figures(app)[0]["data"][0]["y"][-1] == 2


def test_databases_page_follows_filters(app):
    goto(app, "databases")
    lines = {t["name"]: t for t in figures(app)[0]["data"]}
    assert set(lines["PostgreSQL"]["y"]) == {33.33}
    app.multiselect(key="f_countries").set_value(["GB"]).run()
    lines = {t["name"]: t for t in figures(app)[0]["data"]}
    # GB postings are i in {2, 5}: PostgreSQL needs i % 4 == 0, MySQL i % 4 == 1 (i = 5)
    assert set(lines["MySQL"]["y"]) == {50.0}
    assert "PostgreSQL" not in lines or set(lines["PostgreSQL"]["y"]) == {0}


def test_cloud_page(app):
    goto(app, "cloud")
    ranking = table(app, "change (pp)")
    ranked = dict(zip(ranking.iloc[:, 0], ranking["postings"], strict=True))
    assert ranked == {"AWS": 108, "GCP": 36}


def test_salary_page(app):
    goto(app, "salary")
    ranking = table(app, "median")
    python = ranking[ranking["language"] == "Python"].iloc[0]
    assert python["postings"] == 36 and python["median"] == 122_750
    app.multiselect(key="f_seniority").set_value(["senior"]).run()
    # paid rows are i in {0, 3}; only i = 3 has "Senior" in its title
    assert metric(app, "Postings with advertised pay") == "36"


def test_about_page(app):
    goto(app, "about")
    assert metric(app, "Postings in the warehouse") == "216"
    sources = table(app, "licence")
    assert sources.iloc[0]["rejected"] == 1
    refused = table(app, "reason")
    assert refused.iloc[0]["reason"] == "posted_date None is not a date"
