"""radar.serve.wait_healthy, which the browser tests and ``etl.bench --app`` use to wait for a
starting server: a real HTTP server on 127.0.0.1 that answers its health check only after a
while, a server process that ends before answering, and one that never answers."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading

import pytest

from radar.serve import wait_healthy


class _Health(http.server.BaseHTTPRequestHandler):
    """Answers /_stcore/health with 503 for the first ``failures`` requests, then 200."""

    failures = 0
    asked = 0

    def do_GET(self):  # noqa: N802 (the handler's method name)
        type(self).asked += 1
        ok = self.path == "/_stcore/health" and type(self).asked > type(self).failures
        self.send_response(200 if ok else 503)
        self.end_headers()
        self.wfile.write(b"ok" if ok else b"starting")

    def log_message(self, *args):
        pass


@pytest.fixture
def health_server():
    def start(failures: int) -> tuple[str, type[_Health]]:
        handler = type("Handler", (_Health,), {"failures": failures, "asked": 0})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", handler

    servers: list[http.server.ThreadingHTTPServer] = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _process(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code])


def test_waits_until_the_health_check_answers(health_server):
    url, handler = health_server(failures=3)
    alive = _process("import time; time.sleep(60)")
    try:
        wait_healthy(url, alive, timeout=30, interval=0.01)
    finally:
        alive.kill()
        alive.wait()
    assert handler.asked == 4  # three refusals, then the answer that ended the wait


def test_a_server_process_that_ends_first_is_an_error(health_server):
    url, handler = health_server(failures=10**9)
    ended = _process("raise SystemExit(3)")
    ended.wait()
    with pytest.raises(RuntimeError, match=r"ended \(exit code 3\) before it answered"):
        wait_healthy(url, ended, timeout=30, interval=0.01)
    assert handler.asked == 1


def test_no_answer_within_the_timeout_is_an_error(health_server):
    url, handler = health_server(failures=10**9)
    alive = _process("import time; time.sleep(60)")
    try:
        with pytest.raises(RuntimeError, match="did not answer within 0.3 s"):
            wait_healthy(url, alive, timeout=0.3, interval=0.01)
    finally:
        alive.kill()
        alive.wait()
    assert handler.asked >= 2
