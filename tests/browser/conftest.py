"""One app server and one Chromium per session for the real-browser tests.

The app runs as `make run` runs it, `python -m radar.serve run app.py` (`streamlit run` without
the old pages/ folder route), on 127.0.0.1 and a free port, usage statistics off, reading the
fixture warehouse; Playwright drives Debian's Chromium (/usr/bin/chromium) and never
downloads a browser. Every request a page makes is checked: none may leave 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from etl.bench_app import CHROMIUM, LAUNCH_ARGS, free_port
from radar.serve import server_argv, wait_healthy
from tests.conftest import PROJECT_ROOT

ARTEFACTS = PROJECT_ROOT / "test-artefacts"
LOCAL_HOSTS = {"127.0.0.1"}
TIMEOUT_MS = 60_000


def _install_chromium() -> str | None:
    """`make browser` (apt-get install chromium) when it is missing; why it failed, else None."""
    if CHROMIUM.exists():
        return None
    if not shutil.which("make"):
        return "no make to run `make browser`"
    done = subprocess.run(["make", "--no-print-directory", "browser"], cwd=PROJECT_ROOT,
                          capture_output=True, timeout=900)
    if done.returncode:
        return done.stderr.decode(errors="replace")[-300:]
    return None if CHROMIUM.exists() else "`make browser` ran but /usr/bin/chromium is absent"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; installed with apt-get when missing; skip only when that fails."""
    reason = _install_chromium()
    if reason:
        pytest.skip(f"/usr/bin/chromium is absent and could not be installed: {reason}")
    return CHROMIUM


@pytest.fixture(scope="session")
def app_url(fixture_warehouse, chromium, tmp_path_factory) -> str:
    """The app served by `streamlit run` on 127.0.0.1 from the fixture warehouse."""
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {**os.environ, "HIRING_RADAR_WAREHOUSE": str(fixture_warehouse),
           "BROWSER_PATH": str(chromium)}
    with log.open("wb") as out:
        server = subprocess.Popen(
            server_argv(port), cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_healthy(url, server, timeout=90, interval=0.25)
        except RuntimeError as problem:
            pytest.fail(f"{problem}:\n{log.read_text()[-2000:]}")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="session")
def browser(chromium):
    """One headless Chromium for the session, driven by Playwright."""
    from playwright.sync_api import expect, sync_playwright
    expect.set_options(timeout=TIMEOUT_MS)  # Streamlit reruns on 2 busy cores take seconds
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
        yield browser
        browser.close()


def is_local(url: str) -> bool:
    """Whether a request stays on this machine: 127.0.0.1, or an inline data:, blob: or file:."""
    if url.startswith(("data:", "blob:", "file:", "about:")):
        return True
    return urlsplit(url).hostname in LOCAL_HOSTS


@pytest.fixture()
def page(browser, app_url):
    """A fresh browser context and page; fails the test if any request leaves 127.0.0.1."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    outside: list[str] = []

    def guard(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    context.on("request", lambda r: None if is_local(r.url) else outside.append(r.url))
    page = context.new_page()
    yield page
    context.close()
    assert not outside, f"requests left 127.0.0.1: {sorted(set(outside))[:10]}"


@pytest.fixture(scope="session")
def artefacts() -> Path:
    """test-artefacts/ (gitignored): screenshots of each page."""
    ARTEFACTS.mkdir(exist_ok=True)
    return ARTEFACTS
