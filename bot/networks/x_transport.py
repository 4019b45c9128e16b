"""The HTTP transport under tweepy: base-URL rewriting, timeouts and rate-limit readings.

tweepy builds every URL from the fixed host https://api.twitter.com and offers no
setting to change it, so we mount a transport adapter on its public `requests`
session instead of forking it. OAuth 1.0a signs the request before `send()`, over
the original URL, which is what X expects.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

X_HOSTS = ("https://api.twitter.com/", "https://api.x.com/")
# tweepy sets no timeout: without one a stalled connection would hang the poll job.
DEFAULT_TIMEOUT = (5.0, 20.0)


@dataclass(frozen=True)
class RateLimit:
    """One reading of X's x-rate-limit-* headers for an endpoint."""

    limit: int
    remaining: int
    reset_at: datetime


class XTransport(HTTPAdapter):
    """Sends X requests to `base_url` (when given) and remembers rate-limit headers."""

    def __init__(self, base_url: str | None = None, timeout: tuple[float, float] = DEFAULT_TIMEOUT):
        super().__init__(max_retries=0)
        self.base_url = base_url.rstrip("/") if base_url else None
        self.timeout = timeout
        self._lock = threading.Lock()
        self.rate_limits: dict[str, RateLimit] = {}

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def, override]
        if self.base_url:
            parts = urlsplit(request.url)
            request.url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        response = super().send(request, **kwargs)
        self._remember_rate_limit(request.method, urlsplit(request.url).path, response)
        return response

    def _remember_rate_limit(self, method: str, path: str, response: requests.Response) -> None:
        headers = response.headers
        try:
            reading = RateLimit(
                limit=int(headers["x-rate-limit-limit"]),
                remaining=int(headers["x-rate-limit-remaining"]),
                reset_at=datetime.fromtimestamp(int(headers["x-rate-limit-reset"]), UTC),
            )
        except (KeyError, ValueError):
            return
        with self._lock:
            self.rate_limits[f"{method} {path}"] = reading

    def rate_limit_for(self, method: str, path_fragment: str) -> RateLimit | None:
        """The latest reading for a request whose path contains `path_fragment`."""
        with self._lock:
            for key, reading in self.rate_limits.items():
                if key.startswith(method + " ") and path_fragment in key:
                    return reading
        return None


def install_transport(session: requests.Session, base_url: str | None) -> XTransport:
    """Mount an `XTransport` for both X hosts on tweepy's session."""
    transport = XTransport(base_url)
    for host in X_HOSTS:
        session.mount(host, transport)
    return transport
