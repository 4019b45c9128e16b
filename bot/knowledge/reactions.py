"""How a customer reacted after we answered, read from the triage of what they wrote next.

The first post the customer (on any of their linked accounts) wrote within a week after our
reply decides: thanks or praise → thanked; a complaint or a negative post → wrote again
angry; anything else → wrote again; no post → nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Post

REACTION_WINDOW = timedelta(days=7)


class Reaction(StrEnum):
    THANKED = "thanked"
    ANGRY = "wrote_again_angry"
    WROTE_AGAIN = "wrote_again"
    NOTHING = "nothing"


def reaction_of(triage: dict[str, object] | None) -> Reaction:
    """The reaction a post shows, by its stored triage. Pure."""
    if not triage:
        return Reaction.WROTE_AGAIN
    intent, sentiment = triage.get("intent"), triage.get("sentiment")
    if intent == "praise" or sentiment == "positive":
        return Reaction.THANKED
    if intent == "complaint" or sentiment == "negative":
        return Reaction.ANGRY
    return Reaction.WROTE_AGAIN


def reaction_after(
    session: Session, customer_ids: Collection[int], replied_at: datetime
) -> Reaction:
    """What the customer did after our reply posted at `replied_at`."""
    post = session.scalar(
        select(Post)
        .where(
            Post.customer_id.in_(customer_ids),
            Post.created_at > replied_at,
            Post.created_at <= replied_at + REACTION_WINDOW,
        )
        .order_by(Post.created_at, Post.id)
        .limit(1)
    )
    return Reaction.NOTHING if post is None else reaction_of(post.triage)
