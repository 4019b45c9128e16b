"""Views the builder tests share (pure values; no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.networks.registry import NetworkLook
from bot.slack.views import CustomerView, DraftView, PostView
from bot.triage import PiiMatch, Triage

X = NetworkLook(name="x", label="X", icon="𝕏")
WHEN = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
CARD = "4111 1111 1111 1111"
EVIL = "hi <!channel> <@U0SPOOF> & <https://evil|click>"


def triage(*, priority: str = "P3", reasons: tuple[str, ...] = (), pii=()) -> Triage:
    return Triage(
        language="es",
        intent="complaint",
        sentiment="negative",
        priority=priority,
        reasons=reasons,
        pii=tuple(pii),
        urgent_terms=(),
        response_target=timedelta(minutes=15),
    )


EXPOSED = triage(
    priority="P1",
    pii=[PiiMatch(type="payment_card", start=20, end=39, value=CARD, label="card number")],
)


def customer(**changes) -> CustomerView:
    values = dict(
        handle="lucia_m", name="Lucía Martín", followers=48_200, verified=True, verified_type="blue"
    )
    values.update(changes)
    return CustomerView(**values)


def post(text: str = "hi", **changes) -> PostView:
    values = dict(
        external_id="1900", text=text, url="https://x.com/lucia_m/status/1900", created_at=WHEN
    )
    values.update(changes)
    return PostView(**values)


def draft(**changes) -> DraftView:
    values = dict(
        id=3,
        case_id=7,
        text="@lucia Sorry!",
        visibility="public",
        status="pending",
        author="U0AGENT1",
        customer_handle="lucia",
        network=X,
    )
    values.update(changes)
    return DraftView(**values)
