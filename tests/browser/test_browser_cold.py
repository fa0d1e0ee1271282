"""The Overview in a real browser makes only the open tab's chart; opening another tab draws
that tab's chart (the page reruns)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser import HEADINGS, open_page

pytestmark = pytest.mark.browser


def test_overview_tab_chart_drawn_when_opened(page, app_url):
    open_page(page, app_url, HEADINGS["overview"], charts=2)
    titles = page.locator("[data-testid='stPlotlyChart'] .gtitle")
    expect(titles.filter(has_text="Languages")).to_have_count(1)
    expect(titles.filter(has_text="Databases")).to_have_count(0)
    page.get_by_role("tab", name="Databases").click()
    expect(titles.filter(has_text="Databases")).to_have_count(1)
    expect(titles.filter(has_text="Languages")).to_have_count(0)
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2)
    expect(page.get_by_test_id("stException")).to_have_count(0)
