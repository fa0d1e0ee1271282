"""The app as a user meets it (``python -m etl.bench --app``): the server started as `make run`
starts it, a real Chromium (Playwright, /usr/bin/chromium) opening the Overview; the time from
server start and from page open to the first chart drawn (the start page's drawing made without
plotly.js, radar/first_paint.py) and to the first Plotly chart, and where that time went (the
server's own marks, radar/timeline.py; the browser's websocket and Plotly bundle; CPU seconds of
the server and of the browser until then); then every page visited in turn and the server
process's resident memory (VmRSS from /proc) after each; then the first chart for a browser
that has opened the app before (first_chart_returning), and the floor under it: the first chart
of a page holding one Plotly chart and nothing else (first_chart_floor).
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from radar.first_paint import CLASS as FIRST_PAINT_CLASS
from radar.timeline import ENV as TIMELINE_ENV

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


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of the processes so far, seconds (those gone count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (children, grandchildren, ...), from the parent ids in /proc
    (Chromium's zygote-forked renderers included)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def chromium_processes(pids: list[int]) -> dict[str, list[int]]:
    """The Chromium processes among ``pids`` by kind (renderer, gpu-process, utility, browser:
    the --type flag of their command line; other programs, e.g. Playwright's driver, left out)."""
    kinds: dict[str, list[int]] = {}
    for pid in pids:
        try:
            # Chromium rewrites its children's titles: one string with spaces, not argv
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
        except OSError:
            continue
        if not argv or not Path(argv[0].decode(errors="replace")).name.startswith("chrom"):
            continue
        kind = next((a[7:].decode() for a in argv if a.startswith(b"--type=")), "browser")
        kinds.setdefault(kind, []).append(pid)
    return kinds


def server_marks(path: Path, started_wall: float) -> list[tuple[float, str]]:
    """The server's timeline marks (radar/timeline.py) as (seconds after server start, label),
    the first of each label only, in time order."""
    seen: dict[str, float] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            when, _thread, label = line.split("\t", 2)
            seen.setdefault(label, float(when) - started_wall)
    return sorted((t, label) for label, t in seen.items())


# Installed in the page before any of its scripts: the main thread's long tasks (over 50 ms:
# script parsing and evaluation, layout, Plotly drawing) as (start, duration) in ms after the
# page's navigation started.
LONG_TASKS_SCRIPT = """
window.__longTasks = [];
new PerformanceObserver(list => { for (const e of list.getEntries())
  window.__longTasks.push([e.startTime, e.duration]); })
  .observe({type: 'longtask', buffered: true});
"""

# The page's own account, read after the first chart: when its navigation started (epoch ms),
# each script's fetch (start, end) and the long tasks so far.
BROWSER_TIMINGS_SCRIPT = """() => ({
  origin: performance.timeOrigin,
  scripts: performance.getEntriesByType('resource').filter(r => r.name.endsWith('.js'))
    .map(r => [r.name.split('/').pop().split('.')[0], r.startTime, r.responseEnd]),
  longTasks: window.__longTasks || [], plotlyCodeRun: window.__plotlyChartCodeRun})"""


def browser_marks(timings: dict, started_wall: float) -> list[tuple[float, str]]:
    """The page's own timings as (seconds after server start, label): the fetches of the Plotly
    chunk (the module under Streamlit's name and the code it runs), when that code began to run,
    and the main thread's long tasks (busy seconds per stretch) until the Plotly chart."""
    at = timings["origin"] / 1000 - started_wall
    out = []
    if timings.get("plotlyCodeRun") is not None:
        out.append((at + timings["plotlyCodeRun"] / 1000, "browser: Plotly code starts to run"))
    for name, start, end in timings["scripts"]:
        if name in ("PlotlyChart", "PlotlyChartCode", "index"):
            out += [(at + start / 1000, f"browser: {name}.js fetch starts"),
                    (at + end / 1000, f"browser: {name}.js fetched")]
    for start, duration in timings["longTasks"]:
        out.append((at + start / 1000, f"browser: main thread busy {duration / 1000:.2f} s"))
    return out


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (for a server started next)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_idle(page, timeout: float = 600.0) -> None:
    """Until the page's script run has ended: Streamlit's script state is "notRunning" (a fresh
    page starts "initial", so a run not yet begun is not taken for one ended) and no element is
    still a placeholder."""
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=stApp]');"
        " return app && app.getAttribute('data-test-script-state') === 'notRunning'"
        " && !document.querySelector('[data-testid=stSkeleton]'); }",
        timeout=timeout * 1000, polling=100)


def _start_server(port: int, env: dict | None = None, argv: list[str] | None = None,
                  cwd: Path = PROJECT_ROOT) -> subprocess.Popen:
    """A server on port, its output discarded: the app's as `make run` starts it, or argv's
    (run in cwd)."""
    from radar.serve import server_argv
    return subprocess.Popen(argv or server_argv(port), cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop_server(server: subprocess.Popen) -> None:
    """Ends the server: asked to stop, killed when it has not within 20 s."""
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


# Installed in the page before any of its scripts: when the first chart is in the page (the
# start page's drawing, radar/first_paint.py, or a Plotly trace: window.__firstChart) and when
# the first Plotly trace is (window.__firstInteractiveChart), each with the start of the frame
# after the one that drew it (two animation frames later: by then the frame holding the chart
# has been painted), in ms after the page's navigation started.
FIRST_CHART_SCRIPT = """
(() => {
  window.__firstChartWatched = true;
  const watch = (name, selector) => {
    const observer = new MutationObserver(() => {
      if (window[name] !== undefined || !document.querySelector(selector)) return;
      observer.disconnect();
      const inserted = performance.now();
      window[name] = null;
      requestAnimationFrame(() => requestAnimationFrame(() => {
        window[name] = {inserted: inserted, drawn: performance.now(),
                        origin: performance.timeOrigin};
      }));
    });
    observer.observe(document, {subtree: true, childList: true});
  };
  watch('__firstChart', '.__CLASS__ svg, .js-plotly-plot .main-svg .trace');
  watch('__firstInteractiveChart', '.js-plotly-plot .main-svg .trace');
})();
""".replace("__CLASS__", FIRST_PAINT_CLASS)


def _wait_first_chart(page, interactive: bool = False) -> float:
    """Until the page has drawn its first chart (FIRST_CHART_SCRIPT, installed before the page
    opened): the start page's drawing or a Plotly chart, whichever comes first, or with
    ``interactive`` the first Plotly chart; when it was drawn, by the page's clock, in seconds
    since the epoch.

    The page's own time, not the moment Playwright notices: Playwright polls the page and its
    answer crosses two processes; its locator wait came 0.18-0.65 s after the page's frame in
    eight cold starts on this 2-core machine. Raises RuntimeError, at once, on a page opened
    without the script."""
    if not page.evaluate("() => window.__firstChartWatched === true"):
        raise RuntimeError("the page was opened without bench_app.FIRST_CHART_SCRIPT "
                           "(page.add_init_script before page.goto)")
    name = "__firstInteractiveChart" if interactive else "__firstChart"
    drawn = page.wait_for_function(f"() => window.{name}", timeout=180_000,
                                   polling=100).json_value()
    return (drawn["origin"] + drawn["drawn"]) / 1000


def bench_app(warehouse: Path) -> dict:
    """Start the server on the warehouse, time the first chart, visit every page; prints and
    returns the figures. Chromium is started first, so the time from server start is the app's
    (a user's browser is already open), and the page is opened as soon as the server answers."""
    from playwright.sync_api import sync_playwright

    from radar.serve import wait_healthy
    port = free_port()
    marks = Path(tempfile.mkdtemp(prefix="hiring-radar-bench-")) / "timeline.tsv"
    env = {**os.environ, "HIRING_RADAR_WAREHOUSE": str(warehouse), TIMELINE_ENV: str(marks)}
    url = f"http://127.0.0.1:{port}"
    out: dict = {"load_before": os.getloadavg()}
    browser_events: dict[str, float] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.add_init_script(LONG_TASKS_SCRIPT)
        page.add_init_script(FIRST_CHART_SCRIPT)
        started, started_wall = time.perf_counter(), time.time()
        server = _start_server(port, env)

        def seen(label: str) -> None:
            browser_events.setdefault(label, time.time() - started_wall)

        def chromium() -> dict[str, list[int]]:
            mine = set(descendants(os.getpid())) - {server.pid, *descendants(server.pid)}
            return chromium_processes(sorted(mine))

        try:
            wait_healthy(url, server)
            out["health_s"] = time.perf_counter() - started
            out["rss_idle_mb"] = rss_mb(server.pid)
            page.on("websocket", lambda _ws: seen("browser: websocket open"))
            page.on("request", lambda r: seen("browser: Plotly bundle requested")
                    if "PlotlyChart" in r.url else None)
            page.on("requestfinished", lambda r: seen("browser: Plotly bundle loaded")
                    if "PlotlyChart" in r.url else None)
            cpu_server = cpu_seconds([server.pid])
            cpu_before = {pid: cpu_seconds([pid]) for pids in chromium().values()
                          for pid in pids}  # a renderer started by the visit counts from 0
            opened = time.time()
            seen("browser: page opened")
            page.goto(url)
            drawn = _wait_first_chart(page)
            seen("browser: Playwright saw the first chart")
            browser_events["browser: first chart drawn"] = drawn - started_wall
            interactive = _wait_first_chart(page, interactive=True)
            seen("browser: Playwright saw the first Plotly chart")
            browser_events["browser: first Plotly chart drawn"] = interactive - started_wall
            timings = page.evaluate(BROWSER_TIMINGS_SCRIPT)
            out["cpu_server_s"] = cpu_seconds([server.pid]) - cpu_server
            out["cpu_browser_s"] = {
                kind: sum(cpu_seconds([pid]) - cpu_before.get(pid, 0.0) for pid in pids)
                for kind, pids in chromium().items()}
            out["first_chart_from_open_s"] = drawn - opened
            out["first_chart_from_start_s"] = drawn - started_wall
            out["first_plotly_chart_from_open_s"] = interactive - opened
            out["first_chart_seen_from_open_s"] = browser_events[
                "browser: Playwright saw the first chart"] + started_wall - opened
            out["load_at_first_chart"] = os.getloadavg()
            _wait_idle(page)
            out["pages"] = {}
            for path in page_paths():
                begin = time.perf_counter()
                page.goto(f"{url}/{path}")
                _wait_idle(page)
                out["pages"][path or "overview"] = (time.perf_counter() - begin,
                                                    rss_mb(server.pid))
            out["rss_after_all_mb"] = rss_mb(server.pid)
            out["rss_peak_mb"] = max((r for _, r in out["pages"].values()), default=0.0)
        finally:
            browser.close()
            _stop_server(server)
    out["timeline"] = sorted([*server_marks(marks, started_wall),
                              *browser_marks(timings, started_wall),
                              *((t, label) for label, t in browser_events.items())])
    print(f"\napp on {warehouse} (real server + Chromium; a shared machine makes it noisy; "
          f"load average {out['load_before'][0]:.1f} before, "
          f"{out['load_at_first_chart'][0]:.1f} at the first chart):")
    print(f"  server healthy after {out['health_s']:.1f} s (RSS {out['rss_idle_mb']:.0f} MB)")
    print(f"  first chart: {out['first_chart_from_open_s']:.2f} s after the page opened, "
          f"{out['first_chart_from_start_s']:.2f} s after the server started (goal < 2 s; the "
          "page's clock, the frame after the one that drew it; Playwright saw it "
          f"{out['first_chart_seen_from_open_s']:.2f} s after the page opened); the start "
          "page draws it without plotly.js, and Plotly's chart takes its place "
          f"{out['first_plotly_chart_from_open_s']:.2f} s after the page opened")
    kinds = ", ".join(f"{kind} {sec:.1f}" for kind, sec in sorted(
        out["cpu_browser_s"].items(), key=lambda kv: -kv[1]))
    print(f"  CPU from page open to the Plotly chart: server {out['cpu_server_s']:.1f} s, Chromium "
          f"{sum(out['cpu_browser_s'].values()):.1f} s ({kinds})")
    print("  where the time went (seconds after the server started):")
    seen_at = browser_events["browser: Playwright saw the first Plotly chart"]
    for when, label in out["timeline"]:
        if when <= seen_at:
            print(f"    {when:6.2f}  {label}")
    for name, (seconds, rss) in out["pages"].items():
        print(f"  {name:<18} {seconds:5.1f} s to idle, server RSS {rss:6.0f} MB")
    print(f"  server RSS after every page: {out['rss_after_all_mb']:.0f} MB, peak "
          f"{out['rss_peak_mb']:.0f} MB (goal < 1 GB)")
    out["returning"] = first_chart_returning(warehouse)
    out["floor"] = first_chart_floor()
    return out


VISITS = ("first visit", "second visit", "returning (third) visit")


def first_chart_returning(warehouse: Path) -> dict[str, float]:
    """The first chart, from page open, for a browser that has opened the app before: three
    visits with one browser profile, each with the browser and the server started anew (both
    cold, as the next morning), the page opened as soon as the server answers. The first visit
    fills the browser's disk cache (Streamlit's scripts, the Plotly bundle); Chromium keeps the
    compiled code of a script only from its second load, so the third visit is the returning
    user's. Printed and returned in seconds."""
    from playwright.sync_api import sync_playwright

    from radar.serve import wait_healthy
    port = free_port()  # one origin for all visits: the browser's cache is per origin
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HIRING_RADAR_WAREHOUSE": str(warehouse)}
    profile = tempfile.mkdtemp(prefix="hiring-radar-profile-")
    out: dict[str, float] = {}
    try:
        with sync_playwright() as p:
            for visit in VISITS:
                context = p.chromium.launch_persistent_context(
                    profile, executable_path=str(CHROMIUM), args=LAUNCH_ARGS,
                    viewport={"width": 1400, "height": 1000})
                context.add_init_script(FIRST_CHART_SCRIPT)
                server = _start_server(port, env)
                try:
                    wait_healthy(url, server)
                    page = context.pages[0] if context.pages else context.new_page()
                    opened = time.time()
                    page.goto(url)
                    out[visit] = _wait_first_chart(page) - opened
                    _wait_idle(page)
                finally:
                    context.close()
                    _stop_server(server)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    print("  first chart after the page opened, one browser profile, browser and server started "
          "anew each time: " + ", ".join(f"{visit} {out[visit]:.2f} s" for visit in VISITS))
    return out


# The floor under the app's first chart: a Streamlit page holding a title and one Plotly chart of
# 24 points, nothing else (no sidebar, no query, no data), served by plain `streamlit run` with
# the app's server settings. What Streamlit's frontend and Plotly cost a cold browser on this
# machine before any chart can appear; the app's own first chart comes on top of it.
FLOOR_APP = """\
import plotly.graph_objects as go
import streamlit as st

st.title("One chart")
st.plotly_chart(go.Figure(go.Scatter(x=list(range(24)), y=[i * i % 17 for i in range(24)])))
"""
FLOOR_STARTS = 5


def floor_app(folder: Path) -> Path:
    """FLOOR_APP written into folder, beside the project's .streamlit/config.toml (usage
    statistics off); the script's path."""
    (folder / ".streamlit").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_ROOT / ".streamlit" / "config.toml",
                    folder / ".streamlit" / "config.toml")
    script = folder / "one_chart.py"
    script.write_text(FLOOR_APP, encoding="utf-8")
    return script


def floor_argv(script: Path, port: int) -> list[str]:
    """`streamlit run script` with the flags the app's server takes (radar.serve.server_argv)."""
    from radar.serve import server_argv
    argv = server_argv(port)
    return [argv[0], "-m", "streamlit", "run", str(script), *argv[argv.index("app.py") + 1:]]


def first_chart_floor(starts: int = FLOOR_STARTS, launcher=None) -> dict:
    """The first chart of FLOOR_APP from page open, as bench_app times the app's (a new browser
    and a new server each start, the page opened as soon as the server answers, the page's
    clock); ``starts`` cold starts. ``launcher``: the Playwright browser type that starts
    Chromium (one of a Playwright already running, as in the browser tests); None starts
    Playwright here. Printed and returned: the times in seconds and how many Plotly charts the
    page held when its run ended."""
    if launcher is None:
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p:
            return first_chart_floor(starts, p.chromium)
    from radar.serve import wait_healthy
    folder = Path(tempfile.mkdtemp(prefix="hiring-radar-floor-"))
    script = floor_app(folder)
    times: list[float] = []
    charts = []
    try:
        for _ in range(starts):
            browser = launcher.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.add_init_script(FIRST_CHART_SCRIPT)
            port = free_port()
            server = _start_server(port, argv=floor_argv(script, port), cwd=folder)
            try:
                wait_healthy(f"http://127.0.0.1:{port}", server)
                opened = time.time()
                page.goto(f"http://127.0.0.1:{port}")
                times.append(_wait_first_chart(page) - opened)
                _wait_idle(page)
                charts.append(page.locator(".js-plotly-plot").count())
            finally:
                browser.close()
                _stop_server(server)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ordered = sorted(times)
    print(f"  the floor: a Streamlit page of one Plotly chart and nothing else (plain `streamlit "
          f"run`, same browser and settings), first chart {statistics.median(times):.2f} s "
          f"after the page opened (median of {len(times)} cold starts; "
          f"{ordered[0]:.2f}-{ordered[-1]:.2f} s)")
    return {"seconds": times, "charts": charts}
