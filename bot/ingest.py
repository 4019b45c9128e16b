"""Fetched posts → stored posts → cases.

Exactly one stored post per (network, external id): the unique constraint is the
guarantee, the lookup before it only saves work. A post joins an open case of the
same conversation (or a reply to one of its posts, or the same customer writing
again within 24 hours); otherwise it starts a new case.

A customer is one account on one network: the same handle on two networks is two
customers, and their cases never merge by a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import lifecycle
from bot.knowledge.embeddings import EmbedFn, store_embeddings
from bot.networks.base import Author, FetchedPost
from bot.triage import CustomerContext, Triage, TriageConfig, triage_post
from storage.enums import OPEN_STATUSES, Priority
from storage.models import BrandAccount, Case, Customer, Post

SAME_CUSTOMER_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class CustomerHistory:
    """What the brand already knows about a customer, for triage."""

    earlier_cases: int
    last_outcome: str | None


# (text, author, history) → the triage of a post. Passed in so ingest stays independent
# of the model.
TriageFn = Callable[[str, Author, CustomerHistory], Triage]
# (session, case, the post that just joined it) → the case's channel decided and stored
# (bot.routing.assign). Passed in, like triage, so ingest stays independent of the rules.
RouteFn = Callable[[Session, Case, Post], None]


def make_triage(config: TriageConfig) -> TriageFn:
    """The triage step of ingest: who is speaking (and their history) plus what they wrote."""

    def triage(text: str, author: Author, history: CustomerHistory) -> Triage:
        customer = CustomerContext(
            handle=author.handle,
            followers=author.followers,
            verified=author.verified,
            verified_type=author.verified_type,
            earlier_cases=history.earlier_cases,
            last_outcome=history.last_outcome,
        )
        return triage_post(text, customer, config)

    return triage


def upsert_brand(session: Session, network: str, me: Author) -> BrandAccount:
    brand = session.scalar(
        select(BrandAccount).where(
            BrandAccount.network == network, BrandAccount.external_id == me.external_id
        )
    )
    if brand is None:
        brand = BrandAccount(network=network, external_id=me.external_id, handle=me.handle)
        session.add(brand)
    brand.handle, brand.name = me.handle, me.name
    session.flush()
    return brand


def ingest_posts(
    session: Session,
    brand: BrandAccount,
    fetched: list[FetchedPost],
    triage: TriageFn | None = None,
    route: RouteFn | None = None,
    embed: EmbedFn | None = None,
) -> list[Post]:
    """Store the posts not seen before, oldest first, each in its case. Returns the new ones.

    With `embed`, the new posts' embeddings are stored too, in one batch (best effort: a
    failed embedding never costs a post)."""
    stored: list[Post] = []
    # Pages come oldest first; ties keep that order (ids are opaque to us).
    for item in sorted(fetched, key=lambda p: p.created_at):
        post = _store_one(session, brand, item, triage, route)
        if post is not None:
            stored.append(post)
    if embed is not None:
        store_embeddings(session, stored, embed)
    return stored


def _store_one(
    session: Session,
    brand: BrandAccount,
    item: FetchedPost,
    triage: TriageFn | None,
    route: RouteFn | None,
) -> Post | None:
    if _post_exists(session, item.network, item.external_id):
        return None
    # A savepoint, so that a concurrent insert of the same post (another process,
    # an overlapping page) only skips this post instead of failing the whole batch.
    try:
        with session.begin_nested():
            customer = _upsert_customer(session, item)
            history = customer_history(session, customer)
            result = triage(item.text, item.author, history) if triage else None
            case, reopened = _case_for(session, brand, customer, item)
            priority = Priority.parse(result.priority) if result else Priority.P3
            post = Post(
                network=item.network,
                external_id=item.external_id,
                case=case,
                customer=customer,
                text=item.text,
                url=item.url,
                lang=item.lang,
                conversation_id=item.conversation_id,
                in_reply_to_id=item.in_reply_to_id,
                source=item.source,
                publicly_replyable=item.publicly_replyable,
                meta=dict(item.meta),
                created_at=item.created_at,
                triage=result.to_json() if result else None,
                priority=priority,
                reopens_case=reopened,
            )
            session.add(post)
            lifecycle.customer_posted(
                case,
                at=item.created_at,
                priority=priority,
                response_target=result.response_target if result else None,
            )
            session.flush()
            if route is not None:
                route(session, case, post)
    except IntegrityError:
        return None
    return post


def _post_exists(session: Session, network: str, external_id: str) -> bool:
    return (
        session.scalar(
            select(Post.id).where(Post.network == network, Post.external_id == external_id)
        )
        is not None
    )


def _upsert_customer(session: Session, item: FetchedPost) -> Customer:
    author = item.author
    customer = session.scalar(
        select(Customer).where(
            Customer.network == item.network, Customer.external_id == author.external_id
        )
    )
    if customer is None:
        customer = Customer(network=item.network, external_id=author.external_id)
        session.add(customer)
    # Handles, names and follower counts change; keep the latest we saw.
    customer.handle = author.handle
    customer.name = author.name
    customer.followers = author.followers
    customer.verified = author.verified
    customer.verified_type = author.verified_type
    session.flush()
    return customer


def customer_history(session: Session, customer: Customer) -> CustomerHistory:
    count = session.scalar(select(func.count(Case.id)).where(Case.customer_id == customer.id)) or 0
    last = session.scalar(
        select(Case)
        .where(Case.customer_id == customer.id)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(1)
    )
    outcome = None
    if last is not None:
        outcome = f"closed: {last.close_reason}" if last.close_reason else last.status
    return CustomerHistory(earlier_cases=count, last_outcome=outcome)


def _case_for(
    session: Session, brand: BrandAccount, customer: Customer, item: FetchedPost
) -> tuple[Case, bool]:
    """The case this post belongs to, and whether joining it reopens a closed case."""
    case = _conversation_case(session, item)
    if case is None and item.joins_author_case:
        # Per network: `customer` is one account on `item.network` (network + external id).
        case = session.scalar(
            select(Case)
            .where(
                Case.customer_id == customer.id,
                Case.status.in_(OPEN_STATUSES),
                Case.last_customer_post_at >= item.created_at - SAME_CUSTOMER_WINDOW,
            )
            .order_by(Case.last_customer_post_at.desc())
            .limit(1)
        )
    if case is not None:
        reopened = not case.is_open
        if reopened:
            session.add(lifecycle.reopen(case, item.external_id))
        return case, reopened
    case = lifecycle.open_case(
        session,
        brand_id=brand.id,
        customer=customer,
        network=item.network,
        conversation_id=item.conversation_id or item.external_id,
        at=item.created_at,
    )
    return case, False


def _conversation_case(session: Session, item: FetchedPost) -> Case | None:
    """The latest case of the same conversation, or holding the post this one replies to.

    Closed cases count too: a customer writing again in the same conversation
    reopens it in the same Slack thread.
    """
    if item.conversation_id:
        case = session.scalar(
            select(Case)
            .where(Case.network == item.network, Case.conversation_id == item.conversation_id)
            .order_by(Case.created_at.desc(), Case.id.desc())
            .limit(1)
        )
        if case is not None:
            return case
        case = session.scalar(
            select(Case)
            .join(Post, Post.case_id == Case.id)
            .where(Post.network == item.network, Post.conversation_id == item.conversation_id)
            .order_by(Case.created_at.desc())
            .limit(1)
        )
        if case is not None:
            return case
    if item.in_reply_to_id:
        return session.scalar(
            select(Case)
            .join(Post, Post.case_id == Case.id)
            .where(Post.network == item.network, Post.external_id == item.in_reply_to_id)
            .limit(1)
        )
    return None
