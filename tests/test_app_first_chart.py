"""What shortens a cold app's first chart: the start page sends its first figure also as a
drawing the browser shows without plotly.js (radar/first_paint.py, tests/test_first_paint.py),
the served index.html asks for Plotly's chart code and the code of the start page's other
elements while the page starts, the module served under the Plotly chunk's name runs that code
only once the drawing is painted, the run of every other page begins by running the Plotly code
in the browser (a script element in the sidebar), and the server's warm-up pays Streamlit's
first-run costs and makes the Overview's first figures once. (The browser's side is in
tests/browser/test_browser_first_chart.py; the timings in ``python -m etl.bench --app``, never in
tests.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import streamlit as st
from streamlit.file_util import get_static_dir

from radar import first_paint, frontend, queries, ui
from tests.conftest import PROJECT_ROOT

LINK = '<link rel="modulepreload" crossorigin href="./static/js/PlotlyChart.abc.js">'
CODE_LINK = '<link rel="modulepreload" crossorigin href="./static/js/PlotlyChartCode.abc.js">'


def _low(name: str) -> str:
    return f'<link rel="modulepreload" crossorigin href="./static/js/{name}" fetchpriority="low">'


def test_the_installed_frontend_has_one_plotly_bundle():
    bundle = frontend.plotly_bundle()
    assert bundle is not None and bundle.startswith("PlotlyChart.") and bundle.endswith(".js")
    path = Path(get_static_dir()) / "static" / "js" / bundle
    assert path.stat().st_size > 1_000_000  # the frontend's largest script
    # The frontend imports it by this name (the name the early script and the module served in
    # its place use), and it exports a default (what that module hands on, with the rest).
    index = next((Path(get_static_dir()) / "static" / "js").glob("index.*.js")).read_text()
    assert bundle in index
    assert "default" in frontend.chunk_exports(path.read_text(encoding="utf-8"))


def test_chunk_exports_are_the_names_of_its_closing_export_statement():
    assert frontend.chunk_exports('let a=1;var b=2;export{a as PlotlyChart,b as default};') == [
        "PlotlyChart", "default"]
    assert frontend.chunk_exports("export{x as default}\n") == ["default"]
    assert frontend.chunk_exports("export const a = 1;") == []
    assert frontend.code_name("PlotlyChart.D9Z0_fxz.js") == "PlotlyChartCode.D9Z0_fxz.js"


def test_the_module_under_the_chunks_name_runs_its_code_after_the_first_paint():
    module = frontend.after_first_paint("PlotlyChartCode.abc.js", ["PlotlyChart", "default"])
    assert 'const chunk = await import("./PlotlyChartCode.abc.js");' in module
    assert "export const PlotlyChart = chunk.PlotlyChart;" in module
    assert "export default chunk.default;" in module
    # it waits for the drawing only on the app's root address, and at most WAIT_MS
    assert f'document.querySelector(".{first_paint.CLASS}")' in module
    assert 'new URL("../../", import.meta.url).pathname' in module
    assert f"}}, {frontend.WAIT_MS});" in module
    assert "__" not in module.replace("__plotlyChartCodeRun", "")  # every placeholder filled


def test_index_gets_one_preload_link_per_file_in_its_head():
    html = ('<html><head><script type="module" src="./static/js/index.x.js"></script>'
            "</head><body></body></html>")
    files = ["PlotlyChart.abc.js", "dep.a.js", "index.x.js", "Slider.b.js"]
    out = frontend.index_with_preload(html, files)
    # the Plotly bundle at the browser's usual priority, the others low; none the page names
    assert out.count(LINK) == 1 and out.count(_low("dep.a.js")) == 1
    assert out.count(_low("Slider.b.js")) == 1 and out.count("index.x.js") == 1
    assert out.index(LINK) < out.index(_low("dep.a.js")) < out.index(_low("Slider.b.js")) \
        < out.index("</head>")
    assert frontend.index_with_preload(out, files) == out  # once only
    assert frontend.index_with_preload("<p>no head</p>", files) == "<p>no head</p>"


def test_static_imports_are_the_import_statements_not_the_lazy_ones():
    code = ('import{a as b,c as d}from"./one.A1.js";import"./two.B-2.js";import*as e from'
            '"./three.C$3.js";const f=()=>import("./lazy.D4.js"),g=import(`./lazy.E5.js`);')
    assert frontend.static_imports(code) == ["one.A1.js", "two.B-2.js", "three.C$3.js"]


def _frontend(root: Path, with_bundle: bool = True) -> Path:
    js = root / "static" / "js"
    js.mkdir(parents=True)
    if with_bundle:
        (js / "PlotlyChart.abc.js").write_text(
            'import{a}from"./index.x.js";import{b}from"./wrap.w.js";const c=1;export{c as default}')
    (root / "static" / "css").mkdir()
    (root / "static" / "css" / "index.c.css").write_text("body{}")
    (js / "wrap.w.js").write_text('import"./index.x.js";import"./gone.g.js";export const b=2')
    (js / "index.x.js").write_text('import"./shared.s.js";export const a=1')
    (js / "shared.s.js").write_text("export const s=1")
    (js / "Slider.sl.js").write_text('import"./wrap.w.js";import"./moment.m.js";export default 3')
    (js / "moment.m.js").write_text("export default 4")
    (root / "favicon.png").write_bytes(b"png")
    (root / "index.html").write_text(
        '<html><head><script type="module" src="./static/js/index.x.js"></script>'
        '<link rel="modulepreload" href="./static/js/shared.s.js"></head><body></body></html>')
    return root


def test_first_chart_files_are_each_chunk_then_what_it_imports_once(tmp_path):
    static = _frontend(tmp_path / "streamlit")
    js = static / "static" / "js"
    # imports before importers; a missing file (gone.g.js) left out
    assert frontend.import_closure(js, "Slider.sl.js") == [
        "shared.s.js", "index.x.js", "wrap.w.js", "moment.m.js", "Slider.sl.js"]
    known = frontend.named_scripts((static / "index.html").read_text())
    assert known == {"index.x.js", "shared.s.js"}
    # the Plotly bundle first; what index.html loads already (and its imports) left out
    assert frontend.first_chart_files(static, ("PlotlyChart", "Slider", "Absent"), known) == [
        "PlotlyChart.abc.js", "wrap.w.js", "Slider.sl.js", "moment.m.js"]
    (js / "PlotlyChart.abc.js").unlink()
    assert frontend.first_chart_files(static, ("PlotlyChart", "Slider"), known) == []


def test_the_installed_frontend_has_a_chunk_for_every_first_chart_element():
    static = Path(get_static_dir())
    html = (static / "index.html").read_text()
    files = frontend.first_chart_files(static, known=frontend.named_scripts(html))
    assert files[0] == frontend.plotly_bundle()
    for kind in frontend.FIRST_CHART_CHUNKS:
        assert any(f.startswith(f"{kind}.") for f in files), kind
    # the Plotly bundle's own imports that index.html does not load are among them
    assert "withFullScreenWrapper" in " ".join(files)
    assert len(files) == len(set(files))
    assert not frontend.named_scripts(html) & set(files)


def test_the_served_folder_is_the_frontend_with_the_patched_index(tmp_path):
    static = _frontend(tmp_path / "streamlit")
    served = frontend.with_preload(static, (tmp_path / "served"))
    assert served == tmp_path / "served"
    assert sorted(p.name for p in served.iterdir()) == ["favicon.png", "index.html", "static"]
    assert sorted(p.name for p in (served / "static").iterdir()) == ["css", "js"]
    js, own = served / "static" / "js", static / "static" / "js"
    assert sorted(p.name for p in js.iterdir()) == sorted(
        [p.name for p in own.iterdir()] + ["PlotlyChartCode.abc.js"])
    # the chunk's code under its new name; under its own name, the module that runs it
    assert (js / "PlotlyChartCode.abc.js").read_text().endswith("export{c as default}")
    assert (js / "PlotlyChart.abc.js").read_text() == frontend.after_first_paint(
        "PlotlyChartCode.abc.js", ["default"])
    assert (js / "Slider.sl.js").is_symlink() and (served / "static" / "css").is_symlink()
    html = (served / "index.html").read_text()
    # the code fetched early (at the usual priority), not the module that waits to run it
    assert CODE_LINK in html and LINK not in html
    assert _low("wrap.w.js") in html and _low("Slider.sl.js") in html
    assert html.count("shared.s.js") == 1  # named by Streamlit's page already
    assert "PlotlyChartCode" not in (static / "index.html").read_text()  # Streamlit's untouched
    assert (own / "PlotlyChart.abc.js").read_text().endswith("export{c as default}")


def test_no_folder_when_there_is_no_bundle(tmp_path):
    static = _frontend(tmp_path / "streamlit", with_bundle=False)
    (tmp_path / "served").mkdir()
    assert frontend.with_preload(static, tmp_path / "served") is None
    assert list((tmp_path / "served").iterdir()) == []


def test_no_folder_when_the_chunks_exports_cannot_be_read(tmp_path):
    """A Streamlit release whose Plotly chunk ends otherwise: Streamlit's own folder is served
    (the charts then draw as Streamlit draws them), not a module that would export nothing."""
    static = _frontend(tmp_path / "streamlit")
    (static / "static" / "js" / "PlotlyChart.abc.js").write_text("export default 1")
    (tmp_path / "served").mkdir()
    assert frontend.with_preload(static, tmp_path / "served") is None
    assert list((tmp_path / "served").iterdir()) == []


def test_warm_up_pays_streamlits_first_run_costs():
    """In a fresh process (this one has paid them already): the emoji table the page icon is
    checked against is imported and inspect's map of module files is filled."""
    code = ("import inspect, sys\n"
            "from radar import serve, ui\n"
            "assert 'streamlit.emojis' not in sys.modules and not inspect.modulesbyfile\n"
            "serve.warm_streamlit_first_run(ui.PAGE_ICON)\n"
            "assert 'streamlit.emojis' in sys.modules\n"
            "assert inspect.getabsfile(serve) in inspect.modulesbyfile\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def _early_scripts(at) -> list:
    return [h for h in at.sidebar.get("html") if h.proto.unsafe_allow_javascript]


def test_every_run_but_the_start_pages_starts_the_plotly_code_from_the_sidebar(app_test):
    """The start page draws its first chart without Plotly first, and Plotly's code waits for
    that drawing (the module served under the chunk's name): no early script there."""
    at = app_test()
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value.startswith("Hiring Radar") and _early_scripts(at) == []
    at.switch_page("pages/about.py").run()
    assert not at.exception, at.exception
    scripts = _early_scripts(at)
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
