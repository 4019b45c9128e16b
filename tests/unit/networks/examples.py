"""Real network objects for pure tests: constructed, never connected."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.networks.base import ReplyContext, ReplyTarget
from bot.networks.x import XNetwork, XSettings, connect_x

NOW = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)


def x_network() -> XNetwork:
    return connect_x(
        XSettings(
            bearer_token="bearer",
            api_key="key",
            api_secret="secret",
            access_token="1-token",
            access_token_secret="token-secret",
        )
    )


def context(publicly_replyable: bool = True) -> ReplyContext:
    target = ReplyTarget(
        post_id="1900",
        customer_id="42",
        customer_handle="ana",
        conversation_id="1900",
        post_created_at=NOW,
    )
    return ReplyContext(
        target=target,
        publicly_replyable=publicly_replyable,
        last_customer_post_at=NOW,
        now=NOW,
    )
