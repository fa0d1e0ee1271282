"""The app as a user meets it (``python -m etl.bench --app``): the server started as `make run`
starts it, a real Chromium (Playwright, /usr/bin/chromium) opening the Overview; the time from
server start and from page open to the first Plotly chart drawn; then every page visited in
turn and the server process's resident memory (VmRSS from /proc) after each.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def page_paths() -> list[str]:
    """The address of every page of the app (app.py's navigation)."""
    from radar import categories
    return ["", *[c.url_path for c in categories.category_pages()], "compare", "stacks",
            "learn-next", "salary", "role_profile", "map", "report", "data", "about"]


def rss_mb(pid: int) -> float:
    """Resident memory of a process (VmRSS), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_idle(page, timeout: float = 120.0) -> None:
    """Until the page's script run has ended (Streamlit's running indicator gone for 1 s)."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 1.0:
            return
        page.wait_for_timeout(100)


def bench_app(warehouse: Path) -> dict:
    """Start the server on the warehouse, time the first chart, visit every page; prints and
    returns the figures."""
    from playwright.sync_api import sync_playwright
    port = _free_port()
    env = {**os.environ, "HIRING_RADAR_WAREHOUSE": str(warehouse)}
    from radar.serve import server_argv
    argv = server_argv(port)
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    out: dict = {}
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None:
                raise RuntimeError("the app server did not start")
            time.sleep(0.05)
        out["health_s"] = time.perf_counter() - started
        out["rss_idle_mb"] = rss_mb(server.pid)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            opened = time.perf_counter()
            page.goto(url)
            page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=120_000)
            now = time.perf_counter()
            out["first_chart_from_open_s"] = now - opened
            out["first_chart_from_start_s"] = now - started
            _wait_idle(page)
            out["pages"] = {}
            for path in page_paths():
                begin = time.perf_counter()
                page.goto(f"{url}/{path}")
                _wait_idle(page)
                out["pages"][path or "overview"] = (time.perf_counter() - begin,
                                                    rss_mb(server.pid))
            browser.close()
        out["rss_after_all_mb"] = rss_mb(server.pid)
        out["rss_peak_mb"] = max(r for _, r in out["pages"].values())
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"\napp on {warehouse} (real server + Chromium; a shared machine makes it noisy):")
    print(f"  server healthy after {out['health_s']:.1f} s (RSS {out['rss_idle_mb']:.0f} MB)")
    print(f"  first chart: {out['first_chart_from_open_s']:.1f} s after the page opened, "
          f"{out['first_chart_from_start_s']:.1f} s after the server started (goal < 2 s)")
    for name, (seconds, rss) in out["pages"].items():
        print(f"  {name:<18} {seconds:5.1f} s to idle, server RSS {rss:6.0f} MB")
    print(f"  server RSS after every page: {out['rss_after_all_mb']:.0f} MB, peak "
          f"{out['rss_peak_mb']:.0f} MB (goal < 1 GB)")
    return out
