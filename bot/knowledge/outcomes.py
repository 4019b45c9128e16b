"""How a customer's cases ended and what the card says about their history.

Kept apart from the Slack views (which call `history_line` while rendering a card)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.knowledge.identities import linked_customer_ids
from bot.knowledge.reactions import Reaction, reaction_after
from bot.knowledge.views import CustomerHistoryView, Outcome
from storage.enums import OPEN_STATUSES, CustomerTagName, DraftStatus
from storage.models import Case, CustomerTag, Draft, Post

HISTORY_DAYS = 30


def approved_reply(session: Session, case_id: int) -> Draft | None:
    """The reply that went out last in a case (what the team settled on)."""
    return session.scalar(
        select(Draft)
        .where(Draft.case_id == case_id, Draft.status == DraftStatus.POSTED)
        .order_by(Draft.posted_at.desc(), Draft.id.desc())
        .limit(1)
    )


def case_outcome(session: Session, case: Case, customer_ids: set[int]) -> Outcome:
    """How a case ended, as the customer showed it: what they wrote after our reply, else
    the mood of their last post in it."""
    if case.status in OPEN_STATUSES:
        return Outcome.OPEN
    reply = approved_reply(session, case.id)
    if reply is not None and reply.posted_at is not None:
        reaction = reaction_after(session, customer_ids, reply.posted_at)
        if reaction == Reaction.THANKED:
            return Outcome.HAPPY
        if reaction == Reaction.ANGRY:
            return Outcome.UNHAPPY
    last = session.scalar(
        select(Post)
        .where(Post.case_id == case.id)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(1)
    )
    sentiment = (last.triage or {}).get("sentiment") if last is not None else None
    if reply is None and sentiment == "negative":
        return Outcome.UNHAPPY
    return Outcome.CLOSED


def tags_of(session: Session, customer_ids: set[int]) -> tuple[str, ...]:
    rows = session.scalars(
        select(CustomerTag.tag).where(CustomerTag.customer_id.in_(customer_ids))
    ).all()
    order = [t.value for t in CustomerTagName]
    return tuple(sorted(set(rows), key=lambda t: order.index(t) if t in order else len(order)))


def history_line(session: Session, case: Case) -> CustomerHistoryView | None:
    """The customer's recent history as the card shows it; None for a first-time customer."""
    ids = linked_customer_ids(session, case.customer_id)
    since = case.created_at - timedelta(days=HISTORY_DAYS)
    ordinal = (
        session.scalar(
            select(func.count(Case.id)).where(
                Case.customer_id.in_(ids),
                Case.created_at >= since,
                or_(
                    Case.created_at < case.created_at,
                    (Case.created_at == case.created_at) & (Case.id <= case.id),
                ),
            )
        )
        or 1
    )
    earlier = session.scalar(
        select(Case)
        .where(
            Case.customer_id.in_(ids),
            Case.id != case.id,
            Case.created_at <= case.created_at,
        )
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(1)
    )
    tags = tags_of(session, ids)
    if earlier is None and not tags:
        return None
    outcome = case_outcome(session, earlier, ids) if earlier is not None else None
    return CustomerHistoryView(ordinal=ordinal, days=HISTORY_DAYS, last_outcome=outcome, tags=tags)
