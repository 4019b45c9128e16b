"""What a reply to a case answers, and the context its network judges it in.

Low in the import graph on purpose: the sender (`bot.outbound`), the workflow
(`bot.cases`) and the Slack views (the card's window line) all build the same context
from the same stored facts, so the card, the draft modal and the send agree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.networks.base import ReplyContext, ReplyTarget
from storage.enums import DraftStatus, Visibility
from storage.models import Case, Draft, Post


def reply_target(post: Post) -> ReplyTarget:
    """What a reply to `post` answers, as the network needs it."""
    return ReplyTarget(
        post_id=post.external_id,
        customer_id=post.customer.external_id,
        customer_handle=post.customer.handle,
        conversation_id=post.conversation_id,
        post_created_at=post.created_at,
        post_meta=dict(post.meta or {}),
    )


def latest_customer_post(session: Session, case_id: int) -> Post | None:
    """The customer's newest post in the case: what a reply answers."""
    return session.scalar(
        select(Post)
        .where(Post.case_id == case_id)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(1)
    )


def private_replies_to(session: Session, post_id: int) -> int:
    """Private replies the brand sent, or is sending, in answer to the stored post
    `post_id` (an approved draft being sent counts: it goes out exactly once)."""
    count = session.scalar(
        select(func.count(Draft.id)).where(
            Draft.target_post_id == post_id,
            Draft.visibility == Visibility.PRIVATE,
            Draft.status.in_((DraftStatus.APPROVED, DraftStatus.POSTED)),
        )
    )
    return count or 0


def context_for(session: Session, case: Case, post: Post, now: datetime) -> ReplyContext:
    """The context of a reply to `post` (the case's latest) at `now`: when the customer last
    wrote (messaging windows count from it), how many private replies it already got."""
    return ReplyContext(
        target=reply_target(post),
        publicly_replyable=post.publicly_replyable,
        last_customer_post_at=case.last_customer_post_at,
        now=now,
        private_replies_to_target=private_replies_to(session, post.id),
    )
