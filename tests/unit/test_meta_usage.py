"""Meta's usage headers and the pause they imply (pure)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.networks.meta.usage import UsageGate, rate_limit_until, read_usage

PAGE = "1000000000000001"
NOW = datetime(2026, 7, 14, 12, 0, tzinfo=UTC)


def test_usage_headers_are_read_and_high_usage_pauses_until_it_recovers() -> None:
    now = NOW
    headers = {
        "X-App-Usage": '{"call_count": 12, "total_time": 30, "total_cputime": 5}',
        "X-Business-Use-Case-Usage": json.dumps(
            {
                PAGE: [
                    {
                        "type": "pages",
                        "call_count": 91,
                        "total_time": 2,
                        "total_cputime": 1,
                        "estimated_time_to_regain_access": 0,
                    }
                ]
            }
        ),
    }
    assert [(r.key, r.percent) for r in read_usage(headers)] == [("app", 30), (PAGE, 91)]
    assert read_usage({"X-App-Usage": "not json"}) == []

    gate = UsageGate()
    gate.observe(headers, now)
    assert gate.paused_until([PAGE], now) == now + timedelta(minutes=10)
    assert gate.paused_until(["17841400000000001"], now) is None  # the other account
    recovered = headers | {"X-Business-Use-Case-Usage": json.dumps({PAGE: [{"call_count": 40}]})}
    gate.observe(recovered, now + timedelta(minutes=1))
    assert gate.paused_until([PAGE], now + timedelta(minutes=1)) is None


def test_a_rate_limit_pauses_for_metas_estimate_or_ten_minutes() -> None:
    estimate = {
        "X-Business-Use-Case-Usage": json.dumps(
            {PAGE: [{"call_count": 100, "estimated_time_to_regain_access": 25}]}
        )
    }
    assert rate_limit_until(estimate, NOW) == NOW + timedelta(minutes=25)
    assert rate_limit_until({}, NOW) == NOW + timedelta(minutes=10)
