"""radar.report: items to one self-contained HTML file and a PDF; the report page under AppTest."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from radar import charts, export, report
from tests.apptest_pages import open_address
from tests.conftest import PROJECT_ROOT

FRAME = pl.DataFrame({"month": [dt.date(2024, 1, 1), dt.date(2024, 2, 1)],
                      "technology_id": ["go", "go"], "name": ["Go", "Go"],
                      "postings": [1, 3], "total": [6, 6], "share": [1 / 6, 0.5]})


def items() -> list[report.Item]:
    fig = charts.share_over_time(FRAME, "n = 12 postings<br>Filters: 2024-01 to 2024-02",
                                 title="Go <share>")
    bars = charts.top_bar(FRAME.with_columns(pl.lit("Go").alias("name")), "Top", "n = 12")
    return [report.chart_item(fig, FRAME, "a", "Languages", "2024-01 to 2024-02",
                              "http://127.0.0.1:8501/languages?tech_language=go"),
            report.chart_item(bars, FRAME, "b", "Overview", "2024-01 to 2024-02"),
            report.table_item(FRAME, "Ranking & more", "c", "Languages", "2024-01 to 2024-02")]


def test_move_remove_and_notes():
    a, b, c = items()
    assert report.move([a, b, c], 0, 1) == [b, a, c]
    assert report.move([a, b, c], 0, -1) == [a, b, c]
    assert report.move([a, b, c], 2, 5) == [a, b, c]
    assert report.remove([a, b, c], 1) == [a, c]
    assert report.with_note([a, b], 1, "why")[1].note == "why"


def test_html_is_self_contained_and_escaped():
    html = report.report_html("Q1 <report>", "First line\n\n<script>x</script>",
                              report.with_note(items(), 0, "A note"))
    assert "<title>Q1 &lt;report&gt;</title>" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x</script>" not in html
    assert html.count("Plotly.newPlot") == 2 and len(html) > 3_000_000  # plotly.js inlined
    assert not re.search(r"<script[^>]+src=", html)
    assert "Go &lt;share&gt;" in html and "<td>Ranking" not in html and "A note" in html
    assert 'href="http://127.0.0.1:8501/languages?tech_language=go"' in html
    assert html.index("1. Go &lt;share&gt;") < html.index("2. Top") < html.index("3. Ranking")


def test_table_html_truncates_and_escapes():
    frame = pl.DataFrame({"a": ["<b>"] * 5})
    out = report.table_html(frame, limit=2)
    assert out.count("<tr>") == 3 and "&lt;b&gt;" in out and "First 2 of 5 rows" in out


@pytest.mark.skipif(not export.images_available(), reason="no Chromium for the PDF")
def test_pdf_of_the_same_content():
    static = report.report_html("Q1", "notes", items(), static=True)
    assert static.count("data:image/svg+xml;base64,") == 2 and "Plotly.newPlot" not in static
    pdf = report.report_pdf("Q1", "notes", items())
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000


@pytest.fixture()
def app(fixture_warehouse, monkeypatch):
    monkeypatch.setenv("HIRING_RADAR_WAREHOUSE", str(fixture_warehouse))
    monkeypatch.chdir(PROJECT_ROOT)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def test_report_page_collects_orders_and_removes(app):
    app.switch_page("pages/report.py").run()
    assert any("The report is empty" in i.value for i in app.info)
    open_address(app, "languages")
    app.button(key=next(b.key for b in app.button if b.key.startswith("add_languages_share"))
               ).click().run()
    app.switch_page("pages/overview.py").run()
    app.button(key=next(b.key for b in app.button if b.key.startswith("add_overview_postings"))
               ).click().run()
    app.switch_page("pages/report.py").run()
    assert not app.exception, app.exception
    # (the page titles are checked in the browser test: under AppTest st.navigation reports the
    # default page while running another one)
    items = app.session_state["report_items"]
    assert [i.name.split("_")[0] for i in items] == ["languages", "overview"]
    assert items[0].filters == "2023-01 to 2025-12"
    shown = [c.proto.spec for c in app.get("plotly_chart")]
    assert len(shown) == 2 and "Languages: share" in shown[0]
    app.button(key=f"down_{items[0].uid}").click().run()
    order = [i.name.split("_")[0] for i in app.session_state["report_items"]]
    assert order == ["overview", "languages"]
    app.button(key=f"remove_{items[0].uid}").click().run()
    assert [i.name.split("_")[0] for i in app.session_state["report_items"]] == ["overview"]
    assert app.get("download_button")[0].label == "Download HTML report"
