"""The HTTP front: Slack's `POST /slack/events`, `GET /healthz` and the networks' webhooks
(e.g. `GET/POST /webhooks/meta`), served by waitress.

waitress is a production WSGI server (pure Python, threads), unlike Bolt's
development server. In Socket Mode `/slack/events` is not served; the rest is.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from waitress.server import create_server

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# () → (healthy, details)
HealthCheck = Callable[[], tuple[bool, dict[str, Any]]]


def make_wsgi_app(
    health: HealthCheck, slack: WSGIApp | None, webhooks: Mapping[str, WSGIApp] | None = None
) -> WSGIApp:
    """`webhooks`: path → the app of a network's webhook (they check their own signatures)."""
    routes = dict(webhooks or {})

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in {"GET", "HEAD"}:
            healthy, details = health()
            body = json.dumps({"ok": healthy, **details}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(
                status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return [body]
        if path == "/slack/events" and slack is not None:
            return slack(environ, start_response)
        if path in routes:
            return routes[path](environ, start_response)
        body = b"Not Found"
        start_response(
            "404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return app


class HttpServer:
    """waitress in a background thread, with a clean `close()` for SIGTERM."""

    def __init__(self, app: WSGIApp, port: int, host: str = "0.0.0.0", threads: int = 8):
        # channel_timeout bounds how long a stalled client can hold a thread.
        self._server = create_server(app, host=host, port=port, threads=threads, channel_timeout=30)
        self.port = self._server.effective_port
        self._thread = threading.Thread(target=self._run, name="http", daemon=True)

    def _run(self) -> None:
        with contextlib.suppress(OSError):  # closed during shutdown
            self._server.run()

    def start(self) -> None:
        self._thread.start()
        log.info("Listening on port %s", self.port)

    def close(self) -> None:
        self._server.close()
        self._thread.join(timeout=2)
