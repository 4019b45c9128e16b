"""Helpers for the Meta tests: networks pointed at the stand-in, reply targets, contexts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import requests

from bot.networks.base import FetchedPost, Outgoing, ReplyContext, ReplyTarget
from bot.networks.meta import FacebookNetwork, InstagramNetwork, MetaSettings
from bot.networks.meta.common import graph_client
from sandbox.meta_graph import MetaGraphStandIn
from storage.enums import Visibility

TIMEOUT = (2.0, 5.0)


def settings_for(stand_in: MetaGraphStandIn, **changes: Any) -> MetaSettings:
    settings = MetaSettings(
        app_secret=stand_in.app_secret,
        page_id=stand_in.page["id"],
        page_access_token=stand_in.access_token,
        base_url=stand_in.base_url,
        verify_token="sandbox-verify-token",
        instagram_account_id=stand_in.ig_account["id"],
    )
    return replace(settings, **changes)


def facebook_for(
    stand_in: MetaGraphStandIn, session: requests.Session | None = None, **changes: Any
) -> FacebookNetwork:
    settings = settings_for(stand_in, **changes)
    client = graph_client(settings, TIMEOUT, stand_in.now, session)
    return FacebookNetwork(client, settings, stand_in.now)


def instagram_for(
    stand_in: MetaGraphStandIn, session: requests.Session | None = None, **changes: Any
) -> InstagramNetwork:
    settings = settings_for(stand_in, **changes)
    client = graph_client(settings, TIMEOUT, stand_in.now, session)
    return InstagramNetwork(client, settings, stand_in.ig_account["id"], stand_in.now)


def target_of(post: FetchedPost) -> ReplyTarget:
    """The reply target the core rebuilds from a stored post."""
    return ReplyTarget(
        post_id=post.external_id,
        customer_id=post.author.external_id,
        customer_handle=post.author.handle,
        conversation_id=post.conversation_id,
        post_created_at=post.created_at,
        post_meta=dict(post.meta),
    )


def outgoing(post: FetchedPost, text: str, visibility: Visibility) -> Outgoing:
    return Outgoing(
        visibility=visibility, text=text, key="carethread-draft-1", target=target_of(post)
    )


def context_for(
    post: FetchedPost, now: datetime, *, private_replies: int = 0, last: datetime | None = None
) -> ReplyContext:
    return ReplyContext(
        target=target_of(post),
        publicly_replyable=post.publicly_replyable,
        last_customer_post_at=last or post.created_at,
        now=now,
        private_replies_to_target=private_replies,
    )


def only(posts: list[FetchedPost], kind: str) -> FetchedPost:
    """The one post of `kind` in a poll (fails loudly when there are none or several)."""
    found = [p for p in posts if p.meta.get("kind") == kind]
    assert len(found) == 1, [(p.external_id, p.meta.get("kind")) for p in posts]
    return found[0]
