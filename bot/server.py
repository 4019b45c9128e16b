"""The HTTP front: Slack's `POST /slack/events`, the health checks (`GET /livez`: the process
answers; `GET /readyz`: ready for its role's work; `GET /healthz`: as before roles
existed), Prometheus's `GET /metrics` and the networks' webhooks (e.g. `GET/POST
/webhooks/meta`), served by waitress.

waitress is a production WSGI server (pure Python, threads), unlike Bolt's
development server. In Socket Mode `/slack/events` is not served; the rest is. Every
request to the Slack endpoint passes `bot.slack_request_guard` before Bolt sees it.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from slack_sdk.signature import SignatureVerifier
from waitress.server import create_server

from bot.slack_request_guard import MAX_BODY_BYTES, check_request

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# () → (healthy, details)
HealthCheck = Callable[[], tuple[bool, dict[str, Any]]]


def make_wsgi_app(
    health: HealthCheck,
    slack: WSGIApp | None,
    signing_secret: str,
    *,
    metrics: WSGIApp | None = None,
    webhooks: Mapping[str, WSGIApp] | None = None,
    liveness: HealthCheck | None = None,
    readiness: HealthCheck | None = None,
) -> WSGIApp:
    """`/healthz` (`health`), `/livez` and `/readyz` (`liveness`, `readiness`; by default
    "answers" and `health`), `/metrics` (Prometheus, when given), `slack` (Bolt's WSGI
    adapter, None in Socket Mode or in a worker) behind the guard, and `webhooks`: path →
    the app of a network's webhook (they check their own signatures)."""
    guarded = guard_slack(slack, SignatureVerifier(signing_secret)) if slack else None
    routes = dict(webhooks or {})
    checks: dict[str, HealthCheck] = {
        "/healthz": health,
        "/livez": liveness or (lambda: (True, {})),
        "/readyz": readiness or health,
    }

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/metrics" and metrics is not None and method in {"GET", "HEAD"}:
            return metrics(environ, start_response)
        if path in checks and method in {"GET", "HEAD"}:
            healthy, details = checks[path]()
            body = json.dumps({"ok": healthy, **details}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(
                status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return [body]
        if path == "/slack/events" and guarded is not None:
            return guarded(environ, start_response)
        if path in routes:
            return routes[path](environ, start_response)
        return _answer(start_response, "404 Not Found", b"Not Found", "text/plain")

    return app


def guard_slack(slack: WSGIApp, verifier: SignatureVerifier) -> WSGIApp:
    """Refuse what `check_request` refuses (4xx, one log line); hand the rest to `slack`
    with the body it already read."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return slack(environ, start_response)
        body = _read_body(environ)
        headers = {
            "x-slack-request-timestamp": environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
            "x-slack-signature": environ.get("HTTP_X_SLACK_SIGNATURE", ""),
            "content-type": environ.get("CONTENT_TYPE", ""),
        }
        refusal = check_request(body, headers, verifier)
        if refusal is not None:
            # Unsigned noise is expected on a public URL; a signed malformed request is not.
            level = logging.INFO if refusal.status == 401 else logging.WARNING
            log.log(level, "Refused a Slack request (%s): %s", refusal.status, refusal.reason)
            answer = json.dumps({"error": refusal.reason}).encode()
            status = f"{refusal.status} {_REASONS[refusal.status]}"
            return _answer(start_response, status, answer, "application/json")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return slack(environ, start_response)

    return app


_REASONS = {400: "Bad Request", 401: "Unauthorized", 413: "Content Too Large"}


def _read_body(environ: dict[str, Any]) -> bytes:
    """At most one byte more than the guard accepts, so an oversized body is recognised
    without being read whole (waitress refuses larger declared lengths itself)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    if stream is None or length <= 0:
        return b""
    body: bytes = stream.read(min(length, MAX_BODY_BYTES + 1))
    return body


def _answer(
    start_response: Callable[..., Any], status: str, body: bytes, content_type: str
) -> Iterable[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


class HttpServer:
    """waitress in a background thread, with a clean `close()` for SIGTERM."""

    def __init__(self, app: WSGIApp, port: int, host: str = "0.0.0.0", threads: int = 8):
        # channel_timeout bounds how long a stalled client can hold a thread.
        self._server = create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            channel_timeout=30,
            # Nothing Slack sends is larger: waitress answers 413 without buffering it
            # (it refuses lengths from its limit up, so one more byte than ours).
            max_request_body_size=MAX_BODY_BYTES + 1,
        )
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
