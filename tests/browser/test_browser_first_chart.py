"""A cold browser shows the start page's first chart drawn without plotly.js before Plotly's code
runs, and Plotly's chart in its place once drawn; it loads Plotly's chart code, and the code of
the start page's other elements, while the page starts (the served index.html names them), and
on the other pages runs the Plotly code as soon as the app's run begins, not when the first
chart's data reaches it (Streamlit's frontend would ask for each only when its first element
arrives); the script element that runs it takes no room in the sidebar."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from streamlit.file_util import get_static_dir

from etl import bench_app
from radar import first_paint, frontend
from tests.browser.test_browser import HEADINGS, open_page, ready

pytestmark = pytest.mark.browser


def bundle_requests(page) -> list[str]:
    """The addresses of Plotly's chart code the page asks for, from now on: the module under the
    chunk's name and the code it runs."""
    bundle = frontend.plotly_bundle()
    assert bundle and bundle.startswith("PlotlyChart.")
    names = (f"/{bundle}", f"/{frontend.code_name(bundle)}")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith(names) else None)
    return asked


def test_plotly_code_asked_for_before_the_app_connects(page, app_url):
    """The served index.html names Plotly's code: the browser asks for it while the page
    starts, before the frontend opens its websocket to the server (and so before any chart);
    the module served under the chunk's name, when the first chart arrives; each once."""
    events: list[str] = []
    bundle = frontend.plotly_bundle()
    code = frontend.code_name(bundle)
    page.on("request", lambda r: events.append("code") if r.url.endswith(f"/{code}")
            else events.append("module") if r.url.endswith(f"/{bundle}") else None)
    page.on("websocket", lambda _ws: events.append("websocket"))
    open_page(page, app_url, HEADINGS["overview"], charts=2)
    assert events == ["code", "websocket", "module"], events


# When the start page's drawing was painted (its frame, by FIRST_CHART_SCRIPT's clock), when the
# Plotly code began to run (set by the module served under the chunk's name), where the drawing
# and the chart are, and the texts of their ticks.
FIRST_PAINT_STATE = """() => {
  const drawing = document.querySelector('.hr-first-paint');
  const chart = document.querySelector('.js-plotly-plot');
  const box = el => el.closest('.stElementContainer').getBoundingClientRect();
  const texts = (root, sel) => [...root.querySelectorAll(sel)].map(t => t.textContent);
  return {
    painted: window.__firstChart && window.__firstChart.drawn,
    codeRun: window.__plotlyChartCodeRun,
    drawingShown: getComputedStyle(drawing.closest('.stElementContainer')).display !== 'none',
    chartNext: drawing.closest('.stElementContainer').nextElementSibling
      === chart.closest('.stElementContainer'),
    chartHeight: box(chart).height, drawingHeight: parseFloat(drawing.style.height),
    drawnTicks: [texts(drawing, '.hr-xtick'), texts(drawing, '.hr-ytick')],
    plotlyTicks: [texts(chart, '.xtick text'), texts(chart, '.ytick text')],
    title: chart._fullLayout.title.text.replace(/<[^>]+>/g, ''),
    points: chart.data.filter(t => t.mode.includes('lines')).map(t => t.y.length),
  };
}"""


def test_the_start_pages_first_chart_is_drawn_before_plotlys_code_runs(page, app_url):
    """The drawing's frame is painted before Plotly's code starts to run (the module under the
    chunk's name waits for it); once Plotly has drawn the chart, the drawing is hidden and the
    chart stands where it stood; the drawing holds the chart's title, ticks and points."""
    page.add_init_script(bench_app.FIRST_CHART_SCRIPT)
    page.goto(app_url)
    bench_app._wait_first_chart(page)
    bench_app._wait_first_chart(page, interactive=True)
    ready(page, charts=2)
    state = page.evaluate(FIRST_PAINT_STATE)
    assert state["painted"] is not None and state["codeRun"] is not None
    assert state["painted"] <= state["codeRun"]
    # hidden, and the chart (the next element) in its place, as tall as the drawing was
    assert not state["drawingShown"] and state["chartNext"]
    assert state["chartHeight"] == state["drawingHeight"] > 300
    assert state["drawnTicks"] == state["plotlyTicks"]
    assert page.locator(f".{first_paint.CLASS}").get_attribute("aria-label") == state["title"]
    polylines = page.locator(f".{first_paint.CLASS} polyline").all()
    assert [len(p.get_attribute("points").split()) for p in polylines] == state["points"]


def test_other_pages_run_plotlys_code_without_waiting(page, app_url):
    """Away from the start page the module under the chunk's name runs the code at once: the
    charts of a page opened by its address draw, and no drawing is sent."""
    page.add_init_script(bench_app.FIRST_CHART_SCRIPT)
    open_page(page, f"{app_url}/languages", HEADINGS["languages"], charts=1)
    expect(page.locator(f".{first_paint.CLASS}")).to_have_count(0)
    assert page.evaluate("() => window.__plotlyChartCodeRun") is not None


def test_start_page_element_code_asked_for_before_the_app_connects(page, app_url):
    """Every chunk the start page draws with up to its first chart (Plotly and the sidebar's
    slider, filters, toggle and number input, the metrics, and what each imports) is asked for
    while the page starts, before the websocket opens, and only once: none is left for the
    frontend to fetch when its element arrives, from a server then busy running the page."""
    static = Path(get_static_dir())
    wanted = frontend.preloaded_files(static, (static / "index.html").read_text(encoding="utf-8"))
    assert frontend.code_name(frontend.plotly_bundle()) in wanted
    assert len(wanted) > len(frontend.FIRST_CHART_CHUNKS)  # the chunks and their imports
    events: list[str] = []
    page.on("request", lambda r: events.append(r.url.rsplit("/", 1)[-1])
            if "/static/js/" in r.url else None)
    page.on("websocket", lambda _ws: events.append("websocket"))
    open_page(page, app_url, HEADINGS["overview"], charts=2)
    assert "websocket" in events
    before = events[:events.index("websocket")]
    assert [f for f in wanted if f not in before] == []
    assert [f for f in wanted if events.count(f) != 1] == []
    # and the elements were drawn with them: the slider, a filter, the toggle, the metrics
    for element in ("stSlider", "stMultiSelect", "stCheckbox", "stNumberInput", "stMetric"):
        expect(page.get_by_test_id(element).first).to_be_visible()


def test_plotly_code_run_by_the_app_and_fetched_once(page, app_url):
    """A page without charts runs it too (a module script in the sidebar, made by the app's
    run, not by a chart), from the one fetch the preload made; the Overview's charts then draw
    with that module (no second request)."""
    asked = bundle_requests(page)
    open_page(page, f"{app_url}/about", HEADINGS["about"])
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)
    bundle = frontend.plotly_bundle()
    script = page.get_by_test_id("stSidebar").locator("script[type=module]")
    expect(script).to_have_count(1)
    assert script.get_attribute("src") == f"./static/js/{bundle}"
    page.wait_for_function("() => window.__plotlyChartCodeRun !== undefined")
    code = frontend.code_name(bundle)
    assert sorted(asked) == [f"{app_url}/static/js/{bundle}", f"{app_url}/static/js/{code}"]
    page.get_by_role("link", name="Overview").click()
    ready(page, charts=2)
    page.get_by_role("tab", name="Databases").click()
    expect(page.locator("[data-testid='stPlotlyChart'] .gtitle").filter(
        has_text="Databases")).to_have_count(1)
    assert len(asked) == 2


def test_the_early_script_takes_no_room(page, app_url):
    open_page(page, f"{app_url}/languages", HEADINGS["languages"], charts=1)
    script = page.get_by_test_id("stSidebar").get_by_test_id("stHtml")
    expect(script).to_have_count(1)
    assert script.bounding_box()["height"] == 0
    header = page.get_by_test_id("stSidebar").get_by_role("heading", name="Filters")
    expect(header).to_be_visible()


def test_the_benchs_first_chart_clock_reads_the_page(page, app_url):
    """`make bench`'s first-chart times (etl.bench_app.FIRST_CHART_SCRIPT): taken by the page
    when the start page's drawing or the first Plotly trace is in it, and when the first Plotly
    trace is, each two animation frames later; epoch times within this visit, by the page's
    clock, the drawing's first. A page without charts never takes them."""
    page.add_init_script(bench_app.FIRST_CHART_SCRIPT)
    opened = time.time()
    page.goto(app_url)
    drawn = bench_app._wait_first_chart(page)
    interactive = bench_app._wait_first_chart(page, interactive=True)
    record = page.evaluate("() => [window.__firstChart, window.__firstInteractiveChart]")
    assert all(0 < r["inserted"] <= r["drawn"] for r in record)
    assert opened - 1 < drawn < interactive < time.time() + 1  # the clocks agree
    expect(page.locator(".js-plotly-plot .main-svg .trace").first).to_be_attached()
    open_page(page, f"{app_url}/about", HEADINGS["about"])
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)
    assert page.evaluate("() => [window.__firstChart, window.__firstInteractiveChart]") == [
        None, None]  # none on a page without charts


def test_the_benchs_first_chart_clock_refuses_a_page_without_its_script(page, app_url):
    """Without the script the wait would last until its timeout (minutes): it says so at once."""
    page.goto(app_url)
    with pytest.raises(RuntimeError, match="FIRST_CHART_SCRIPT"):
        bench_app._wait_first_chart(page)


def test_the_floor_is_one_chart_served_by_plain_streamlit(browser, tmp_path):
    """`make bench`'s floor (etl.bench_app.first_chart_floor): a page of one Plotly chart and no
    sidebar, served by plain `streamlit run` with the app's server flags, timed by the same
    clock as the app's first chart; one figure per cold start, each within its visit."""
    script = bench_app.floor_app(tmp_path)
    argv = bench_app.floor_argv(script, 8501)
    assert argv[1:5] == ["-m", "streamlit", "run", str(script)]
    assert argv[argv.index("--server.address") + 1] == "127.0.0.1"
    assert argv[argv.index("--browser.gatherUsageStats") + 1] == "false"
    config = (tmp_path / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "gatherUsageStats = false" in config  # the project's own settings beside the page
    began = time.time()
    figures = bench_app.first_chart_floor(starts=2, launcher=browser.browser_type)
    assert figures["charts"] == [1, 1]
    assert len(figures["seconds"]) == 2
    assert all(0 < s < time.time() - began for s in figures["seconds"])
