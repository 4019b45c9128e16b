"""`GET/POST /webhooks/meta` as the bot serves it.

The request thread only checks the signature (or the handshake's verify token), parses
the payload and hands the rest over: `submit` queues a piece of work that reads what the
payload left out from the Graph API (`complete_webhook`: senders' names, mentions' text)
and returns the posts, which the core then stores exactly as a poll would. Meta gets its
200 before any of that runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from bot.networks.base import FetchedPost
from bot.networks.meta.blocks import FacebookSettings
from bot.networks.meta.facebook import FacebookNetwork
from bot.networks.meta.instagram import InstagramNetwork
from bot.networks.meta.objects import FACEBOOK, INSTAGRAM
from bot.networks.meta.receiver import complete_webhook
from bot.networks.meta.webhooks import WebhookResult, WSGIApp, make_meta_webhook_app

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/meta"

# Work handed over by a webhook: run off the request thread, returns the posts to store.
PushedWork = Callable[[], list[FetchedPost]]


def meta_webhook_routes(
    blocks: Sequence[object],
    networks: Mapping[str, object],
    submit: Callable[[PushedWork], None],
) -> dict[str, WSGIApp]:
    """`{"/webhooks/meta": app}` when Meta is configured, else nothing.

    Served whether or not `META_VERIFY_TOKEN` is set: without it the handshake is refused
    (Meta cannot subscribe), but a delivery signed with the app secret is still Meta's."""
    block = next((b for b in blocks if isinstance(b, FacebookSettings)), None)
    if block is None:
        return {}
    found_facebook, found_instagram = networks.get(FACEBOOK), networks.get(INSTAGRAM)
    facebook = found_facebook if isinstance(found_facebook, FacebookNetwork) else None
    instagram = found_instagram if isinstance(found_instagram, InstagramNetwork) else None

    def deliver(result: WebhookResult) -> None:
        submit(lambda: completed_posts(result, facebook, instagram))

    app = make_meta_webhook_app(
        app_secret=block.meta.app_secret, verify_token=block.meta.verify_token, deliver=deliver
    )
    return {WEBHOOK_PATH: app}


def completed_posts(
    result: WebhookResult, facebook: FacebookNetwork | None, instagram: InstagramNetwork | None
) -> list[FetchedPost]:
    """The delivery's posts, completed from the Graph API; what could not be read is logged
    (the polls catch comments and messages up; mentions in captions and comments are only
    announced by webhook, so those are named)."""
    completed = complete_webhook(result, facebook, instagram)
    if completed.unresolved:
        ids = ", ".join(ref.comment_id or ref.media_id for ref in completed.unresolved)
        log.warning(
            "Meta webhook: %d Instagram mention(s) could not be read (%s): %s",
            len(completed.unresolved),
            completed.error or "Instagram is not connected",
            ids,
        )
    return completed.posts
