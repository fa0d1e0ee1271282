"""The app's shape: one technology page per category, and page controls kept in the URL by
ui.url_control (seeded from a shared link, refused values noticed, written back)."""

from __future__ import annotations

import json

from radar import categories
from tests.apptest_pages import open_address


def test_a_category_page_for_every_category(app_test):
    at = app_test().run()
    for category in categories.category_pages():
        open_address(at, category.url_path)
        assert at.title[0].value == category.title
    # the fixture names no web server: the page says so instead of drawing empty charts
    open_address(at, "web-servers")
    assert [i.value for i in at.info] == [
        "No posting under these filters names any of the web servers."]
    assert not at.get("plotly_chart")


def test_a_page_control_from_a_shared_link_and_back(app_test):
    at = app_test({"salary_min_n": "10", "salary_techs": "go,nosuch"}).run()
    at.switch_page("pages/salary.py").run()
    assert not at.exception, at.exception
    assert at.radio(key="salary_category").value == "language"
    assert at.slider(key="salary_min_n").value == 10
    assert at.multiselect(key="salary_techs").value == ["go"]
    assert any("nosuch" in w.value and "ignored" in w.value for w in at.warning)
    over_time = [json.loads(c.proto.spec) for c in at.get("plotly_chart")][-1]
    assert [t["name"] for t in over_time["data"] if "name" in t] == ["Go"]
    assert dict(at.query_params) == {"salary_min_n": "10", "salary_techs": "go"}
    at.radio(key="salary_category").set_value("database").run()
    assert at.query_params["salary_category"] == "database"
    at.radio(key="salary_category").set_value("language").run()
    assert "salary_category" not in at.query_params  # back to the default: out of the URL
