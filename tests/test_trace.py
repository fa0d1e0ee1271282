"""The postings behind a figure: highlighting (escaped first), and the panel on the Languages page
under AppTest on the fixture warehouse."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from radar import queries, trace
from tests.apptest_pages import open_address
from tests.conftest import PROJECT_ROOT


def test_highlight_escapes_before_marking():
    out = trace.highlight("<b>Go</b> & golang, not Google", ["Go", "golang"])
    assert out == ("&lt;b&gt;<mark>Go</mark>&lt;/b&gt; &amp; <mark>golang</mark>, not Google")


def test_highlight_of_words_that_look_like_markup():
    out = trace.highlight("We use C++ and <script>", ["C++", "<script>"])
    assert out == "We use <mark>C++</mark> and <mark>&lt;script&gt;</mark>"
    assert trace.highlight(None, ["x"]) == "" and trace.highlight("a<b", []) == "a&lt;b"


def test_snippet_centres_on_the_match():
    text = "x " * 300 + "Golang here " + "y " * 300
    piece = trace.snippet(text, ["Golang"], width=100)
    assert "Golang" in piece and piece.startswith("…") and piece.endswith("…")
    assert len(piece) <= 102


def test_only_http_links_are_kept():
    assert trace.safe_link("https://example.org/a") == "https://example.org/a"
    assert trace.safe_link("javascript:alert(1)") is None
    assert trace.safe_link("data:text/html,x") is None and trace.safe_link(None) is None


def test_postings_html_escapes_every_field():
    frame = pl.DataFrame([{"title": "<img src=x onerror=alert(1)> Go dev", "company": "A&B",
                           "posted_date": dt.date(2025, 1, 2), "source": "hn",
                           "url": "javascript:alert(1)", "description": "We use Go.",
                           "technology_id": "go", "technology": "Go", "surface": "Go",
                           "rule": "alias 'go' <x>"}])
    out = trace.postings_html(frame)
    assert "<img" not in out and "&lt;img src=x" in out and "A&amp;B" in out
    assert "href" not in out  # a javascript: link is dropped, not linked
    assert "<mark>Go</mark> dev" in out and "alias &#x27;go&#x27; &lt;x&gt;" in out


def test_postings_behind_query(fixture_warehouse):
    filters = queries.choices(fixture_warehouse).defaults()
    rows = queries.run("postings_behind", filters, fixture_warehouse, technology_id="go",
                       month=dt.date(2025, 12, 1), limit=50)
    # Go is named by postings i % 3 == 0 (i = 0, 3) from 2024-06 on, as "Golang"
    assert rows.height == 2 and set(rows["surface"]) == {"Golang"}
    assert rows["url"].to_list() == ["https://example.org/202512/0",
                                     "https://example.org/202512/3"]


@pytest.fixture()
def languages(fixture_warehouse, monkeypatch):
    monkeypatch.setenv("HIRING_RADAR_WAREHOUSE", str(fixture_warehouse))
    monkeypatch.chdir(PROJECT_ROOT)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.run()
    open_address(at, "languages")
    assert not at.exception, at.exception
    return at


def test_panel_lists_the_postings_of_the_chosen_cell(languages):
    at = languages
    assert at.selectbox(key="trace_tech_language").value == "go"
    assert at.selectbox(key="trace_month_language").value == dt.date(2025, 12, 1)
    assert any("2 of 6 postings" in m.value for m in at.markdown)
    body = at.get("html")[0].proto.body
    assert body.count("<mark>Golang</mark>") == 2 and "alias" in body
    at.selectbox(key="trace_tech_language").set_value("python").run()
    at.selectbox(key="trace_month_language").set_value(dt.date(2023, 1, 1)).run()
    assert any("3 of 6 postings" in m.value for m in at.markdown)
    assert at.get("html")[0].proto.body.count("<mark>Python</mark>") == 3
