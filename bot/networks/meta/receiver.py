"""The work after answering a webhook: what the payload left out, read from the Graph API.

Mentions arrive as ids only, and messages name their sender by id only. This runs after
Meta got its 200 (never inside the request), and returns what could not be completed so
the caller can log it: the posts it did complete are ingested either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.networks.base import FetchedPost, NetworkError
from bot.networks.meta.facebook import FacebookNetwork
from bot.networks.meta.instagram import InstagramNetwork
from bot.networks.meta.objects import FACEBOOK, INSTAGRAM, MentionRef
from bot.networks.meta.rules import ACCOUNT_ID
from bot.networks.meta.webhooks import WebhookResult


@dataclass(frozen=True)
class Completed:
    posts: list[FetchedPost]
    # Mentions whose text could not be read, and why (the `mentions` poll of tagged media
    # does not see mentions in captions or comments, so the caller should log these).
    unresolved: list[MentionRef]
    error: str | None = None


def complete_webhook(
    result: WebhookResult,
    facebook: FacebookNetwork | None,
    instagram: InstagramNetwork | None,
) -> Completed:
    """The posts of one accepted delivery, with names added and mentions read."""
    posts = [p for p in result.posts if _served(p, facebook, instagram)]
    facebook_posts = [p for p in posts if p.network == FACEBOOK]
    instagram_posts = [p for p in posts if p.network == INSTAGRAM]
    if facebook is not None:
        facebook_posts = facebook.with_names(facebook_posts)
    if instagram is None:
        return Completed(facebook_posts, list(result.mentions))
    instagram_posts = instagram.with_names(instagram_posts)
    try:
        mentioned = instagram.fetch_mentions(result.mentions)
    except NetworkError as exc:
        return Completed(facebook_posts + instagram_posts, list(result.mentions), exc.reason)
    return Completed(facebook_posts + instagram_posts + mentioned, [])


def _served(
    post: FetchedPost, facebook: FacebookNetwork | None, instagram: InstagramNetwork | None
) -> bool:
    """Only posts addressed to the connected Page / account (one app may serve several)."""
    network = facebook if post.network == FACEBOOK else instagram
    return network is not None and post.meta.get(ACCOUNT_ID) == network.account_id
