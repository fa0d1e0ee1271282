"""A polite HTTP client for source connectors: User-Agent, delay, retries, clear errors.

Stdlib only (urllib), so connectors need nothing beyond the project's pinned packages.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

USER_AGENT = "HiringRadar/0.1 (+https://github.com/hiring-radar/hiring-radar; open-source research)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A request that failed for good: names the URL and what went wrong."""

    def __init__(self, url: str, problem: str):
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem


@dataclass
class HttpClient:
    """Fetches URLs one at a time with a polite delay and retries on 429, 5xx and timeouts."""

    delay_s: float = 1.0
    timeout_s: float = 20.0
    retries: int = 3
    backoff_s: float = 2.0
    user_agent: str = USER_AGENT
    sleep: callable = time.sleep
    _last_request: float = field(default=0.0, repr=False)

    def get_bytes(self, url: str, params: dict | None = None,
                  headers: dict | None = None) -> bytes:
        """The body of a GET request, after retries; raises FetchError when it cannot be had."""
        full_url = url + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
        request_headers = {"User-Agent": self.user_agent, "Accept": "application/json, */*"}
        request_headers.update(headers or {})
        last_problem = "no attempt made"
        for attempt in range(self.retries + 1):
            self._wait_politely()
            try:
                request = urllib.request.Request(full_url, headers=request_headers)
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                    return response.read()
            except urllib.error.HTTPError as err:
                last_problem = f"HTTP {err.code} {err.reason}"
                if err.code not in RETRY_STATUSES:
                    raise FetchError(full_url, last_problem) from err
                wait = _retry_after_s(err.headers.get("Retry-After"))
            except (TimeoutError, urllib.error.URLError, ConnectionError) as err:
                reason = getattr(err, "reason", err)
                last_problem = f"timed out after {self.timeout_s:g} s" if isinstance(
                    reason, TimeoutError) or "timed out" in str(reason) else f"{reason}"
                wait = None
            if attempt < self.retries:
                self.sleep(wait if wait is not None else self.backoff_s * (2 ** attempt))
        raise FetchError(full_url, f"{last_problem} (gave up after {self.retries + 1} attempts)")

    def get_json(self, url: str, params: dict | None = None, headers: dict | None = None):
        """The decoded JSON body of a GET request; raises FetchError on malformed JSON."""
        body = self.get_bytes(url, params, headers)
        try:
            return json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise FetchError(url, f"malformed JSON ({err})") from err

    def _wait_politely(self) -> None:
        elapsed = time.monotonic() - self._last_request
        if self._last_request and elapsed < self.delay_s:
            self.sleep(self.delay_s - elapsed)
        self._last_request = time.monotonic()


def _retry_after_s(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header given in seconds (capped at 60)."""
    try:
        return min(float(value), 60.0) if value else None
    except ValueError:
        return None
