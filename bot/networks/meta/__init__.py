"""Facebook Pages, Messenger and Instagram through Meta's Graph API.

One settings block (`read_settings`) connects two networks (`connect`): `facebook` always,
`instagram` when `INSTAGRAM_ACCOUNT_ID` is set. Webhooks for both arrive at one route
(`handle_meta_webhook`, then `complete_webhook` after answering).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.networks.meta.common import MetaNetwork
from bot.networks.meta.facebook import FacebookNetwork, connect_facebook
from bot.networks.meta.graph import GraphClient, GraphRefusal, TokenRejected, utc_now
from bot.networks.meta.instagram import InstagramNetwork, connect_instagram
from bot.networks.meta.objects import MentionRef
from bot.networks.meta.receiver import Completed, complete_webhook
from bot.networks.meta.settings import MetaSettings, read_settings
from bot.networks.meta.webhooks import (
    WebhookResult,
    handle_meta_webhook,
    make_meta_webhook_app,
    parse_webhook,
    verify_handshake,
    verify_signature,
)


def connect(
    settings: MetaSettings,
    timeout: float | tuple[float, float],
    clock: Callable[[], datetime] = utc_now,
) -> list[MetaNetwork]:
    """The networks this block serves: Facebook, and Instagram when its account is set."""
    networks: list[MetaNetwork] = [connect_facebook(settings, timeout, clock)]
    if settings.instagram_account_id:
        networks.append(connect_instagram(settings, timeout, clock))
    return networks


__all__ = [
    "Completed",
    "FacebookNetwork",
    "GraphClient",
    "GraphRefusal",
    "InstagramNetwork",
    "MentionRef",
    "MetaNetwork",
    "MetaSettings",
    "TokenRejected",
    "WebhookResult",
    "complete_webhook",
    "connect",
    "connect_facebook",
    "connect_instagram",
    "handle_meta_webhook",
    "make_meta_webhook_app",
    "parse_webhook",
    "read_settings",
    "verify_handshake",
    "verify_signature",
]
