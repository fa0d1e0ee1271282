"""What shortens a cold app's first chart: the served index.html asks for Plotly's chart code
while the page starts, every run begins by running that code in the browser (a script element in
the sidebar), and the server's warm-up makes the Overview's first figures once. (The browser's
side is in tests/browser/test_browser_first_chart.py; the timings in ``python -m etl.bench
--app``, never in tests.)"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st
from streamlit.file_util import get_static_dir

from radar import frontend, queries, ui

LINK = '<link rel="modulepreload" crossorigin href="./static/js/PlotlyChart.abc.js">'


def test_the_installed_frontend_has_one_plotly_bundle():
    bundle = frontend.plotly_bundle()
    assert bundle is not None and bundle.startswith("PlotlyChart.") and bundle.endswith(".js")
    path = Path(get_static_dir()) / "static" / "js" / bundle
    assert path.stat().st_size > 1_000_000  # the frontend's largest script
    # The frontend imports it by this name (the name the early script and the link use).
    index = next((Path(get_static_dir()) / "static" / "js").glob("index.*.js")).read_text()
    assert bundle in index


def test_index_gets_one_preload_link_in_its_head():
    html = "<html><head><title>x</title></head><body></body></html>"
    out = frontend.index_with_preload(html, "PlotlyChart.abc.js")
    assert out.count(LINK) == 1 and out.index(LINK) < out.index("</head>")
    assert frontend.index_with_preload(out, "PlotlyChart.abc.js") == out  # once only
    assert frontend.index_with_preload("<p>no head</p>", "PlotlyChart.abc.js") == "<p>no head</p>"


def _frontend(root: Path, with_bundle: bool = True) -> Path:
    js = root / "static" / "js"
    js.mkdir(parents=True)
    if with_bundle:
        (js / "PlotlyChart.abc.js").write_text("export default 1")
    (root / "favicon.png").write_bytes(b"png")
    (root / "index.html").write_text("<html><head></head><body></body></html>")
    return root


def test_the_served_folder_is_the_frontend_with_the_patched_index(tmp_path):
    static = _frontend(tmp_path / "streamlit")
    served = frontend.with_preload(static, (tmp_path / "served"))
    assert served == tmp_path / "served"
    assert sorted(p.name for p in served.iterdir()) == ["favicon.png", "index.html", "static"]
    assert (served / "static" / "js" / "PlotlyChart.abc.js").read_text() == "export default 1"
    assert LINK in (served / "index.html").read_text()
    assert LINK not in (static / "index.html").read_text()  # Streamlit's own file untouched


def test_no_folder_when_there_is_no_bundle(tmp_path):
    static = _frontend(tmp_path / "streamlit", with_bundle=False)
    (tmp_path / "served").mkdir()
    assert frontend.with_preload(static, tmp_path / "served") is None
    assert list((tmp_path / "served").iterdir()) == []


def test_every_run_starts_the_plotly_code_from_the_sidebar(app_test):
    at = app_test()
    at.run()
    assert not at.exception, at.exception
    scripts = [h for h in at.sidebar.get("html") if h.proto.unsafe_allow_javascript]
    assert len(scripts) == 1
    assert scripts[0].proto.body == (
        f'<script type="module" src="./static/js/{frontend.plotly_bundle()}"></script>')
    # The page's own HTML elements come first in the tree (tests index them from 0).
    assert not [h for h in at.main.get("html") if h.proto.unsafe_allow_javascript]


def test_warm_up_figures_are_the_overviews_first_two(app_test):
    st.cache_data.clear()
    at = app_test()
    at.run()
    assert not at.exception, at.exception
    shown = [json.loads(el.proto.spec) for el in at.get("plotly_chart")][:2]
    defaults = queries.choices().defaults()
    made = ui.warm_first_page_figures(defaults, queries.choices().incomplete_month)
    assert len(made) == 2
    for fig, spec in zip(made, shown, strict=True):
        assert [t["type"] for t in json.loads(fig.to_json())["data"]] == \
            [t["type"] for t in spec["data"]]
        assert [t.get("y") for t in json.loads(fig.to_json())["data"]] == \
            [t.get("y") for t in spec["data"]]
