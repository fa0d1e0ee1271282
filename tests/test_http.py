"""The polite HTTP client against a real loopback server: retries, timeouts, malformed JSON."""

from __future__ import annotations

import pytest

from etl.http import FetchError, HttpClient
from tests.loopback import LoopbackServer, Reply


def client(**kw) -> HttpClient:
    sleeps: list[float] = []
    c = HttpClient(delay_s=0, backoff_s=0.01, sleep=sleeps.append, **kw)
    c.sleeps = sleeps
    return c


def test_retries_429_then_succeeds_and_sends_user_agent():
    routes = {"/jobs": [Reply("", 429, {"Retry-After": "3"}), Reply('{"ok": 1}')]}
    with LoopbackServer(routes) as srv:
        c = client()
        assert c.get_json(srv.url + "/jobs", {"page": 2}) == {"ok": 1}
    assert len(srv.requests) == 2
    assert srv.requests[0][0] == "/jobs?page=2"
    assert srv.requests[0][1]["User-Agent"].startswith("HiringRadar/")
    assert c.sleeps == [3.0]


def test_gives_up_after_retries_on_500_naming_the_url():
    with LoopbackServer({"/x": Reply("boom", 500)}) as srv:
        with pytest.raises(FetchError, match=r"/x: HTTP 500 .*gave up after 3 attempts"):
            client(retries=2).get_bytes(srv.url + "/x")
    assert len(srv.requests) == 3


def test_404_is_not_retried():
    with LoopbackServer({}) as srv:
        with pytest.raises(FetchError, match="HTTP 404"):
            client().get_bytes(srv.url + "/missing")
    assert len(srv.requests) == 1


def test_timeout_is_reported():
    with LoopbackServer({"/slow": Reply("{}", delay_s=1.0)}) as srv:
        with pytest.raises(FetchError, match="timed out"):
            client(timeout_s=0.2, retries=1).get_bytes(srv.url + "/slow")


def test_malformed_json_is_reported():
    with LoopbackServer({"/bad": Reply('{"jobs": [1, 2')}) as srv:
        with pytest.raises(FetchError, match="malformed JSON"):
            client().get_json(srv.url + "/bad")
