"""Facebook Pages, Messenger and Instagram in the sandbox: the Graph stand-in, the bot's
settings for it, its webhooks pointed at the bot, and the story the demo plays.
"""

from __future__ import annotations

from typing import Any

from sandbox.meta_graph import MetaGraphStandIn

VERIFY_TOKEN = "sandbox-verify-token"
WEBHOOK_PATH = "/webhooks/meta"


def start_graph_stand_in(**world: Any) -> MetaGraphStandIn:
    """The Graph API stand-in (a Page with a linked Instagram account), started."""
    stand_in = MetaGraphStandIn(**world)
    stand_in.start()
    return stand_in


def bot_env(stand_in: MetaGraphStandIn, **overrides: str) -> dict[str, str]:
    """The bot's Meta settings for `stand_in` (Facebook and Instagram), as a deployment
    would set them; add them to the rest of the bot's environment."""
    return {
        "META_GRAPH_BASE_URL": stand_in.base_url,
        "META_APP_SECRET": stand_in.app_secret,
        "META_VERIFY_TOKEN": VERIFY_TOKEN,
        "FACEBOOK_PAGE_ID": stand_in.page["id"],
        "FACEBOOK_PAGE_ACCESS_TOKEN": stand_in.access_token,
        "INSTAGRAM_ACCOUNT_ID": stand_in.ig_account["id"],
        **overrides,
    }


def connect_webhooks(stand_in: MetaGraphStandIn, bot_base_url: str) -> bool:
    """Subscribe as Meta does (the verify-token handshake), then send every customer action
    to the bot as a signed webhook. Returns whether the bot answered the handshake."""
    callback = bot_base_url.rstrip("/") + WEBHOOK_PATH
    if not stand_in.verify_subscription(callback, VERIFY_TOKEN):
        return False
    stand_in.webhook_url = callback
    return True
