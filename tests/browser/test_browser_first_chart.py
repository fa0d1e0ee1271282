"""A cold browser loads Plotly's chart code, and the code of the start page's other elements,
while the page starts (the served index.html names them) and runs the Plotly code as soon as the
app's run begins, not when the first chart's data reaches it (Streamlit's frontend would ask for
each only when its first element arrives); the script element that runs it takes no room in the
sidebar."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from streamlit.file_util import get_static_dir

from etl import bench_app
from radar import frontend
from tests.browser.test_browser import HEADINGS, open_page, ready

pytestmark = pytest.mark.browser


def bundle_requests(page) -> list[str]:
    """The addresses of Plotly's chart code the page asks for, from now on."""
    bundle = frontend.plotly_bundle()
    assert bundle and bundle.startswith("PlotlyChart.")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith(f"/{bundle}") else None)
    return asked


def test_plotly_code_asked_for_before_the_app_connects(page, app_url):
    """The served index.html names Plotly's code: the browser asks for it while the page
    starts, before the frontend opens its websocket to the server (and so before any chart)."""
    events: list[str] = []
    bundle = frontend.plotly_bundle()
    page.on("request", lambda r: events.append("bundle") if r.url.endswith(f"/{bundle}")
            else None)
    page.on("websocket", lambda _ws: events.append("websocket"))
    open_page(page, app_url, HEADINGS["overview"], charts=2)
    assert events[:2] == ["bundle", "websocket"], events
    assert events.count("bundle") == 1  # the charts use the module loaded then


def test_start_page_element_code_asked_for_before_the_app_connects(page, app_url):
    """Every chunk the start page draws with up to its first chart (Plotly and the sidebar's
    slider, filters, toggle and number input, the metrics, and what each imports) is asked for
    while the page starts, before the websocket opens, and only once: none is left for the
    frontend to fetch when its element arrives, from a server then busy running the page."""
    static = Path(get_static_dir())
    named = frontend.named_scripts((static / "index.html").read_text(encoding="utf-8"))
    wanted = frontend.first_chart_files(static, known=named)
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
    page.wait_for_function("n => performance.getEntriesByType('resource').some("
                           "r => r.name.endsWith(n) && r.responseEnd > 0)", arg=bundle)
    assert asked == [f"{app_url}/static/js/{bundle}"]
    page.get_by_role("link", name="Overview").click()
    ready(page, charts=2)
    page.get_by_role("tab", name="Databases").click()
    expect(page.locator("[data-testid='stPlotlyChart'] .gtitle").filter(
        has_text="Databases")).to_have_count(1)
    assert len(asked) == 1


def test_the_early_script_takes_no_room(page, app_url):
    open_page(page, app_url, HEADINGS["overview"], charts=2)
    script = page.get_by_test_id("stSidebar").get_by_test_id("stHtml")
    expect(script).to_have_count(1)
    assert script.bounding_box()["height"] == 0
    header = page.get_by_test_id("stSidebar").get_by_role("heading", name="Filters")
    expect(header).to_be_visible()


def test_the_benchs_first_chart_clock_reads_the_page(page, app_url):
    """`make bench`'s first-chart time (etl.bench_app.FIRST_CHART_SCRIPT): taken by the page
    when the first Plotly trace is in it, then two animation frames later; an epoch time within
    this visit, by the page's clock. A page without charts never takes it."""
    page.add_init_script(bench_app.FIRST_CHART_SCRIPT)
    opened = time.time()
    page.goto(app_url)
    drawn = bench_app._wait_first_chart(page)
    record = page.evaluate("() => window.__firstChart")
    assert 0 < record["inserted"] <= record["drawn"]
    assert opened - 1 < drawn < time.time() + 1  # the browser's and this process's clocks agree
    expect(page.locator(".js-plotly-plot .main-svg .trace").first).to_be_attached()
    open_page(page, f"{app_url}/about", HEADINGS["about"])
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)
    assert page.evaluate("() => window.__firstChart") is None  # none on a page without charts


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
