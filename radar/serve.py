"""`python -m radar.serve run app.py ...`: `streamlit run` with Streamlit's old `pages/` folder
route switched off from the start, and the app's modules and warehouse made ready while the
server starts.

With a pages/ folder beside app.py, the first session of a fresh server would look the address
up among the files of pages/ and, for an address st.navigation gives (/web-servers, /learn-next,
the category pages that share pages/technology.py), show "Page not found" over the page. The app
declares every page with st.navigation, so the old route is never wanted.

Cold start: Streamlit imports nothing of the app until the first browser session runs app.py,
so the first visitor would wait for DuckDB, Polars, Plotly and the query layer to import and for
the warehouse's views to be set up. A thread does that at server start instead (``make bench``
with ``--app`` measures the first chart after a cold start).

The server also sends without Nagle's algorithm (:func:`serve_without_nagle`): Streamlit's own
listening socket leaves it on, and each response after the first on a kept-alive connection
then waited up to 40 ms for the browser's delayed acknowledgement.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from streamlit import file_util
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web.cli import main

from radar import frontend, timeline


def server_argv(port: int) -> list[str]:
    """The command that serves the app as `make run` does, on 127.0.0.1:port, usage statistics
    off, headless, no file watcher (the browser tests and ``etl.bench --app`` start it so)."""
    return [sys.executable, "-m", "radar.serve", "run", "app.py", "--server.address",
            "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
            "--server.headless", "true", "--server.fileWatcherType", "none"]


def wait_healthy(url: str, server: subprocess.Popen, timeout: float | None = None,
                 interval: float = 0.05) -> None:
    """Until the server started as ``server`` answers its health check at ``url``. Raises
    RuntimeError when its process ends first, or after ``timeout`` seconds (None: no limit)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        if server.poll() is not None:
            raise RuntimeError(f"the app server ended (exit code {server.returncode}) before "
                               "it answered")
        if deadline is not None and time.monotonic() > deadline:
            raise RuntimeError(f"the app server did not answer within {timeout:g} s")
        time.sleep(interval)  # polling a server that is starting; nothing to wait on instead


def _runtime_ready(timeout: float = 60.0) -> bool:
    """Whether Streamlit's runtime exists (it holds the result caches sessions share), waiting
    up to ``timeout`` seconds for the server to create it."""
    from streamlit import runtime
    deadline = time.monotonic() + timeout
    while not runtime.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)  # the main thread is starting the server; nothing to wait on instead
    return True


def warm_streamlit_first_run(page_icon: str) -> None:
    """Pay now what Streamlit pays once per process in its first script run, in that run's
    first steps: the emoji table ``st.set_page_config`` checks the page icon against (a regular
    expression of every emoji, compiled when imported) and inspect's map of module files (the
    first element a process sends asks whether it runs in a REPL, through inspect.stack()).
    Together about 0.1 s of CPU in front of the first session's first elements."""
    from streamlit import env_util, string_util
    string_util.is_emoji(page_icon)
    env_util.is_repl()


def warm_up() -> None:
    """Import the modules every page uses, open the warehouse (views, macros), pay Streamlit's
    own first-run costs (:func:`warm_streamlit_first_run`) and fill the result caches the
    first page opens with under the default filters, so the first session finds them there; a
    problem is left for the app's first run to report."""
    try:
        timeline.mark("warm_up start")
        from radar import blocks, charts, context, queries, rules, ui  # noqa: F401
        timeline.mark("warm_up imported")
        queries.connection()
        timeline.mark("warm_up connected")
        warm_streamlit_first_run(ui.PAGE_ICON)
        timeline.mark("warm_up streamlit first run")
        if _runtime_ready():
            ui.warm_first_page(timeline.mark)
        timeline.mark("warm_up done")
    except Exception:  # noqa: BLE001 - the app shows the error (e.g. no warehouse) itself
        pass


def with_nodelay(bind: Callable[..., socket.socket]) -> Callable[..., socket.socket]:
    """``bind`` (a maker of listening sockets) with TCP_NODELAY set on each socket it returns.
    Linux gives the option to every connection accepted from that socket."""
    @functools.wraps(bind)
    def bind_nodelay(*args, **kwargs) -> socket.socket:
        sock = bind(*args, **kwargs)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    bind_nodelay.sets_nodelay = True  # type: ignore[attr-defined]
    return bind_nodelay


def serve_without_nagle() -> bool:
    """Have Streamlit's server send each response and websocket message at once; returns
    whether its socket maker was found (False: a Streamlit release without it, left alone).

    Streamlit 1.67 binds its listening socket itself (``starlette_server._bind_socket``, with
    ``socket.socket(family=...)``, protocol 0). asyncio turns Nagle's algorithm off only for
    sockets whose protocol is IPPROTO_TCP, so on the connections accepted from it a small write
    waits for the browser to acknowledge the last one, which it delays by up to 40 ms. Every
    static file after the first on a kept-alive connection came 40 ms late (the page's 60-odd
    module files, six connections at a time), and the script run's messages on the websocket
    could wait the same way."""
    from streamlit.web.server.starlette import starlette_server
    bind = getattr(starlette_server, "_bind_socket", None)
    if bind is None:
        return False
    if not getattr(bind, "sets_nodelay", False):
        starlette_server._bind_socket = with_nodelay(bind)
    return True


def serve_frontend_with_preload() -> None:
    """Have the server hand out :func:`radar.frontend.with_preload`'s folder (a temporary one,
    removed at exit) instead of Streamlit's own: the first chart of a cold browser then no
    longer waits for the 4.7 MB of Plotly code to download after its data arrives."""
    into = Path(tempfile.mkdtemp(prefix="hiring-radar-frontend-"))
    atexit.register(shutil.rmtree, into, ignore_errors=True)
    folder = frontend.with_preload(Path(file_util.get_static_dir()), into)
    if folder is not None:
        file_util.get_static_dir = lambda: str(folder)


if __name__ == "__main__":
    timeline.mark("server main")
    PagesManager.uses_pages_directory = False
    serve_without_nagle()
    serve_frontend_with_preload()
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    sys.exit(main())
