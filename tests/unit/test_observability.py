"""JSON log lines and the Prometheus endpoint's wiring."""

from __future__ import annotations

import json
import logging

from bot.observability.logs import JsonFormatter
from bot.server import make_wsgi_app


def test_json_log_lines_carry_extra_fields_and_exceptions() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "carethread", logging.ERROR, "f", 1, "case %s failed", (7,), sys.exc_info()
        )
    record.case_id = 7
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "case 7 failed" and line["level"] == "ERROR"
    assert line["case_id"] == 7 and "ValueError: boom" in line["exc"]


def test_metrics_path_is_routed_only_when_served() -> None:
    calls = []

    def metrics(environ, start_response):  # type: ignore[no-untyped-def]
        calls.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"carethread_cases_open 1"]

    def health():  # type: ignore[no-untyped-def]
        return True, {}

    statuses = []
    app = make_wsgi_app(health, None, "secret", metrics=metrics)
    body = app({"PATH_INFO": "/metrics", "REQUEST_METHOD": "GET"}, lambda s, h: statuses.append(s))
    assert b"".join(body) == b"carethread_cases_open 1" and calls == ["/metrics"]
    bare = make_wsgi_app(health, None, "secret")
    bare({"PATH_INFO": "/metrics", "REQUEST_METHOD": "GET"}, lambda s, h: statuses.append(s))
    assert statuses[-1].startswith("404")
