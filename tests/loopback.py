"""A real HTTP server on 127.0.0.1 serving recorded or hand-written responses."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Reply:
    """One canned response: status, body, headers, and an optional delay before answering."""

    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    delay_s: float = 0.0


Route = Reply | list[Reply] | Callable[[str, dict], Reply]


class LoopbackServer:
    """Serves routes keyed by path (query string ignored unless the key contains '?').

    A list of replies is served in order, the last one repeating, so a test can script
    "429, then 200". Every request is recorded in ``requests`` as (path_with_query, headers).
    """

    def __init__(self, routes: dict[str, Route]):
        self.routes = routes
        self.requests: list[tuple[str, dict]] = []
        self._served: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                server.requests.append((self.path, dict(self.headers)))
                reply = server._reply_for(self.path, dict(self.headers))
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                body = reply.body.encode() if isinstance(reply.body, str) else reply.body
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def _reply_for(self, path: str, headers: dict) -> Reply:
        route = self.routes.get(path) or self.routes.get(urlsplit(path).path)
        if route is None:
            return Reply(b'{"error": "not found"}', status=404)
        if callable(route):
            return route(path, headers)
        if isinstance(route, list):
            n = self._served.get(path, 0)
            self._served[path] = n + 1
            return route[min(n, len(route) - 1)]
        return route

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
