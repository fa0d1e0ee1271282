"""The app in a real browser: every page, a filter change, downloads, the report, shared and
malformed links, the postings behind a figure. Numbers are checked against the query layer."""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import polars as pl
import pytest
from playwright.sync_api import Page, expect

from radar import export as exports
from radar import queries, rules
from radar.filters import Filters

pytestmark = pytest.mark.browser

PAGES = {"overview": "", "languages": "languages", "databases": "databases", "cloud": "cloud",
         "salary": "salary", "role_profile": "role_profile", "map": "map", "report": "report",
         "about": "about", "compare": "compare", "stacks": "stacks", "learn-next": "learn-next",
         "web-servers": "web-servers"}
# Overview: postings per month and the open tab's top-technology chart (a tab's chart is made
# when the tab is opened); no risers chart, because no fixture technology with 30 or more
# postings in the last 12 months changed its share.
# Salary: by language, pay per country (one market with pay: the US), nominal vs real, and
# pay over time; no premium chart (no fixture cell has postings on both sides).
# Compare: shares and the 12-month change; Stacks (Python, the most named): the lift bars, the
# lift per year and the market-wide heat map; What to learn next: the score of the one ranked
# technology (AWS, the only one with 30 postings in the last 12 months).
CHARTS = {"overview": 2, "languages": 1, "databases": 1, "cloud": 1, "salary": 4,
          "role_profile": 3, "map": 1, "compare": 2, "stacks": 3, "learn-next": 1}
HEADINGS = {"overview": "Hiring Radar: backend job postings", "languages": "Languages",
            "databases": "Databases", "cloud": "Cloud platforms", "salary": "Salary",
            "role_profile": "Role profile", "map": "Map",
            "report": "Report builder", "about": "About the data", "compare": "Compare",
            "stacks": "Stacks", "learn-next": "What to learn next",
            "web-servers": "Web servers", "ci-cd": "CI/CD"}


def ready(page: Page, charts: int = 0) -> None:
    """Wait until the script has run, every element is drawn (and ``charts`` charts at least),
    and no error is shown."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state",
                                                           "notRunning")
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    if charts:
        expect(page.locator("[data-testid='stPlotlyChart'] .main-svg >> nth=0")).to_be_attached()
        expect(page.get_by_test_id("stPlotlyChart")).to_have_count(charts)
        for chart in page.get_by_test_id("stPlotlyChart").all():
            expect(chart.locator(".main-svg").first).to_be_attached()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def open_page(page: Page, url: str, heading: str, charts: int = 0) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    ready(page, charts)


def metric(page: Page, label: str):
    box = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))
    return box.get_by_test_id("stMetricValue")


def download(page: Page, name: str) -> bytes:
    """Press a download button; the file's bytes."""
    with page.expect_download() as event:
        page.get_by_role("button", name=name, exact=True).click()
    return Path(event.value.path()).read_bytes()


def export(page: Page, name: str, nth: int = 0) -> bytes:
    """Open the nth chart's Export menu and download one of its files."""
    page.get_by_role("button", name="Export").nth(nth).click()
    data = download(page, name)
    page.keyboard.press("Escape")
    return data


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_every_page_renders(page, app_url, artefacts):
    """Every page in the navigation (new ones too): drawn without error, screenshot saved."""
    page.set_viewport_size({"width": 1400, "height": 2600})
    open_page(page, app_url, HEADINGS["overview"])
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    pages = [urlsplit(link.get_attribute("href")).path.strip("/") for link in links.all()]
    assert set(PAGES.values()) - {""} <= set(pages), pages
    for path in pages:
        name = path or "overview"
        page.goto(f"{app_url}/{path}")
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        if name in HEADINGS:
            expect(page.get_by_role("heading", name=HEADINGS[name], exact=True)).to_be_visible()
        ready(page, CHARTS.get(name, 0))
        page.screenshot(path=str(artefacts / f"{name}.png"), full_page=True)
    expect(metric(page, "Postings in the warehouse")).to_have_text("216")


def test_filter_change_and_the_shared_link(page, app_url, browser, fixture_warehouse):
    choices = queries.choices(fixture_warehouse)
    first, last = choices.first_month, choices.last_month
    open_page(page, app_url, HEADINGS["overview"])
    expect(metric(page, "Postings")).to_have_text("216")
    country = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
        has_text="Country")
    country.click()
    page.keyboard.type("Germany")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(metric(page, "Postings")).to_have_text("72")
    expect(page).to_have_url(re.compile(r"[?&]countries=DE(&|$)"))
    shared = page.url
    other = browser.new_page()  # a new session from the link alone
    try:
        open_page(other, shared, HEADINGS["overview"])
        expect(metric(other, "Postings")).to_have_text("72")
        kpis = queries.run("kpis", Filters(first, last, ("DE",)), fixture_warehouse).row(0)
        expect(metric(other, "Months")).to_have_text(str(kpis[1]))
        expect(metric(other, "With advertised pay")).to_have_text(str(kpis[4]))
    finally:
        other.close()


def test_shared_technology_view(page, app_url):
    open_page(page, f"{app_url}/languages?countries=US&tech_language=go&metric_language=count",
              "Languages")
    chosen = page.get_by_test_id("stMultiSelect").filter(has_text="Technologies to plot")
    expect(chosen).to_contain_text("Go")
    expect(chosen).not_to_contain_text("Python")
    expect(page.get_by_role("radio", name="Postings (count)")).to_be_checked()
    expect(page.get_by_role("heading", name="Ranking with the 12-month change (72 postings)")
           ).to_be_visible()
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"countries": ["US"], "tech_language": ["go"], "metric_language": ["count"]}


def test_malformed_link_shows_a_notice(page, app_url):
    bad = (f"{app_url}/languages?countries=XX,US%27%3Bdrop%20table%20postings--&from=2025-06"
           "&to=2023-01&tech_language=go,%3Cscript%3Ealert(1)%3C/script%3E&metric_language=pie")
    page.on("dialog", lambda d: pytest.fail(f"a script ran: {d.message}"))
    open_page(page, bad, "Languages")
    warnings = page.get_by_test_id("stAlert")
    expect(warnings.filter(has_text="runs backwards")).to_be_visible()
    expect(warnings.filter(has_text="unknown countries")).to_be_visible()
    expect(warnings.filter(has_text="alert(1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Ranking with the 12-month change (216 postings)")
           ).to_be_visible()
    expect(page.get_by_role("radio", name="Share of postings (%)")).to_be_checked()


def test_png_and_csv_downloads(page, app_url, fixture_warehouse):
    open_page(page, f"{app_url}/languages?tech_language=python,go", "Languages", charts=1)
    width, height = png_size(export(page, "Image (PNG)"))
    assert width == exports.WIDTH * exports.PNG_SCALE and 700 <= height <= 1600
    got = pl.read_csv(io.BytesIO(export(page, "Data (CSV)")), try_parse_dates=True)
    filters = queries.choices(fixture_warehouse).defaults()
    # the chart's data as drawn: 3-month rolling means, 30 postings to be drawn in full
    expected = rules.monthly_figures(queries.run("tech_share_by_month", filters,
                                                 fixture_warehouse, technologies=["python", "go"]),
                                     3, 30, None)
    assert got.height == expected.height == 72
    assert got.to_dicts() == pl.read_csv(io.BytesIO(expected.write_csv().encode()),
                                         try_parse_dates=True).to_dicts()


def test_two_chart_report(page, app_url, browser, tmp_path, artefacts):
    open_page(page, f"{app_url}/languages?tech_language=python,go", "Languages")
    page.get_by_role("button", name="Add to report").first.click()
    expect(page.get_by_test_id("stToast").filter(has_text="1 item")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Overview").click()
    expect(page.get_by_role("heading", name=HEADINGS["overview"])).to_be_visible()
    page.get_by_role("button", name="Add to report").first.click()
    expect(page.get_by_test_id("stToast").filter(has_text="2 items")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Report builder").click()
    expect(page.get_by_role("heading", name="Report builder")).to_be_visible()
    ready(page)
    page.get_by_label("Report title").fill("Go and Python")
    page.get_by_label("Report title").press("Enter")
    ready(page)
    items = page.locator("[class*='st-key-report_item_']")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Languages: share of postings")
    expect(items.nth(0)).to_contain_text("From Languages · Filters: 2023-01 to 2025-12")
    expect(items.nth(1)).to_contain_text("From Overview")
    page.get_by_role("button", name="Move down").first.click()
    expect(items.nth(0)).to_contain_text("Postings per month")
    ready(page, charts=2)
    page.screenshot(path=str(artefacts / "report-with-two-charts.png"), full_page=True)
    html = download(page, "Download HTML report")
    assert b"<title>Go and Python</title>" in html and b"Plotly.newPlot" in html
    assert not re.search(rb"<script[^>]+src=", html)  # plotly.js inlined: works offline
    report_file = tmp_path / "report.html"
    report_file.write_bytes(html)
    offline = browser.new_context()
    offline.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                  else r.abort())
    try:
        viewer = offline.new_page()
        viewer.goto(report_file.as_uri())
        expect(viewer.get_by_role("heading", name="Go and Python")).to_be_visible()
        expect(viewer.locator(".js-plotly-plot")).to_have_count(2)
        expect(viewer.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    finally:
        offline.close()


def test_postings_behind_a_figure(page, app_url):
    open_page(page, f"{app_url}/languages?tech_language=go", "Languages")
    expect(page.get_by_role("heading", name="Postings behind a figure")).to_be_visible()
    expect(page.get_by_text("2 of 6 postings in 2025-12 mention Go")).to_be_visible()
    table = page.locator("table.postings-behind")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("mark").first).to_have_text("Golang")
    expect(table).to_contain_text("alias")
    expect(table.get_by_role("link").first).to_have_attribute("href", "https://example.org/202512/0")
