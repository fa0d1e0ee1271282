"""radar.export: images through the shared Chromium, self-contained HTML, data files, names."""

from __future__ import annotations

import datetime as dt
import io
import struct

import plotly.graph_objects as go
import polars as pl
import pytest

from radar import charts, export
from radar.filters import Filters

FRAME = pl.DataFrame({"month": [dt.date(2024, 1, 1), dt.date(2024, 2, 1)],
                      "technology_id": ["go", "go"], "name": ["Go", "Go"],
                      "postings": [1, 3], "total": [6, 6], "share": [1 / 6, 0.5]})
FILTERS = Filters(dt.date(2024, 1, 1), dt.date(2024, 2, 1), ("US",))
needs_browser = pytest.mark.skipif(not export.images_available(),
                                   reason="no Chromium for static images")


def figure() -> go.Figure:
    footer = charts.footer_text(FILTERS.describe(), "Test fixture postings", 12, True)
    return charts.share_over_time(FRAME, footer, title="Languages: share")


@needs_browser
def test_png_has_the_signature_and_the_export_size():
    data = export.figure_bytes(figure(), "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width == export.WIDTH * export.PNG_SCALE
    assert height == export.standalone(figure()).layout.height * export.PNG_SCALE


@needs_browser
def test_svg_and_pdf():
    svg = export.figure_bytes(figure(), "svg")
    assert svg.lstrip().startswith(b"<svg") and b"Languages: share" in svg
    assert b"SAMPLE DATA" in svg and b"n = 12 postings" in svg and b"countries: US" in svg
    assert export.figure_bytes(figure(), "pdf").startswith(b"%PDF-")


def test_html_inlines_plotly_and_loads_nothing():
    html = export.figure_bytes(figure(), "html").decode()
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js is in the file
    assert "<script src=" not in html.replace(" ", "")
    assert "Languages: share" in html


def test_standalone_keeps_the_whole_footer():
    out = export.standalone(figure())
    footer = out.layout.annotations[0]
    assert footer.text.count("<br>") >= 1 and "Filters: 2024-01 to 2024-02" in footer.text
    assert out.layout.width == export.WIDTH and out.layout.margin.b > 90
    original = figure()
    export.standalone(original)
    assert original.layout.width is None  # the figure shown in the app is left as it was


def test_wrap_footer_splits_at_joints():
    text = "n = 1 postings · Source: " + "x" * 50 + "<br>Filters: " + "; ".join(["a" * 30] * 5)
    lines = export.wrap_footer(text, limit=60)
    assert lines[0].startswith("n = 1 postings") and all(len(line) <= 60 for line in lines[1:])
    assert "".join(lines).replace(" ", "").count("a" * 30) == 5


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_data_round_trips(fmt):
    data = export.frame_bytes(FRAME, fmt)
    back = (pl.read_csv(io.BytesIO(data), try_parse_dates=True) if fmt == "csv"
            else pl.read_parquet(io.BytesIO(data)))
    assert back.equals(FRAME)


def test_unknown_formats_are_refused():
    with pytest.raises(ValueError):
        export.frame_bytes(FRAME, "xlsx")
    with pytest.raises(ValueError):
        export.figure_bytes(figure(), "gif")


def test_names_say_what_the_chart_is():
    name = export.chart_name("languages", "share", FILTERS, ["python", "go"])
    assert name == "languages_share_python-go_202401-202402_us"
    assert export.filename(name, "png") == f"{name}.png"
    many = export.chart_name("cloud", "share", FILTERS, [f"t{i}" for i in range(9)])
    assert "t5-and-3-more" in many
    assert export.safe_name("../../etc/passwd; rm -rf") == "etc-passwd-rm--rf"


def test_no_browser_is_said(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert export.browser_path() is None and not export.images_available()


def test_without_a_browser_the_app_offers_html(fixture_warehouse, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import PROJECT_ROOT
    monkeypatch.setenv("HIRING_RADAR_WAREHOUSE", str(fixture_warehouse))
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    monkeypatch.chdir(PROJECT_ROOT)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    labels = {b.label for b in at.get("download_button")}
    assert "Chart (HTML)" in labels and "Image (PNG)" not in labels
    assert {"Data (CSV)", "Data (Parquet)"} <= labels
    assert any("Images need Chromium" in c.value for c in at.caption)
