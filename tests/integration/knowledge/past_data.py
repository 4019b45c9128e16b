"""Cases built straight in the database (closed, answered, with stored vectors), for the
storage-level tests of similar cases; the end-to-end tests build theirs through Slack."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy.orm import Session

from bot.knowledge.embeddings import EmbedFn, store_embeddings
from storage.enums import CaseStatus, DraftStatus
from storage.models import BrandAccount, Case, Customer, Draft, Post, utcnow


def brand(session: Session) -> BrandAccount:
    account = BrandAccount(network="x", external_id="1", handle="acme")
    session.add(account)
    session.flush()
    return account


def add_case(
    session: Session,
    account: BrandAccount,
    n: int,
    text: str,
    *,
    embed: EmbedFn,
    closed: bool = True,
    answered: bool = True,
) -> Case:
    """Case number `n`: one customer post (`text`, embedded with `embed`), and when
    `answered` a posted reply; closed unless `closed` is False."""
    at = utcnow() - timedelta(days=3, minutes=n)
    customer = Customer(network="x", external_id=f"c{n}", handle=f"customer{n}", name="")
    case = Case(
        brand_id=account.id,
        customer=customer,
        network="x",
        conversation_id=f"conv{n}",
        status=CaseStatus.CLOSED if closed else CaseStatus.NEW,
        created_at=at,
        last_customer_post_at=at,
        closed_at=at + timedelta(hours=1) if closed else None,
    )
    post = Post(
        network="x",
        external_id=f"p{n}",
        case=case,
        customer=customer,
        text=text,
        url=f"https://x.com/p{n}",
        created_at=at,
        triage={"language": "en", "intent": "complaint", "sentiment": "negative"},
    )
    session.add_all([customer, case, post])
    session.flush()
    if answered:
        session.add(
            Draft(
                case_id=case.id,
                author_slack_id="U0AGENT1",
                text=f"reply to {n}",
                visibility="public",
                status=DraftStatus.POSTED,
                written_after=at,
                posted_at=at + timedelta(minutes=30),
            )
        )
    store_embeddings(session, [post], embed)
    return case


def topic_embedder(seed: int = 7) -> EmbedFn:
    """Texts of one topic (their first word) land near that topic's random direction."""
    rng = np.random.default_rng(seed)
    topics: dict[str, np.ndarray] = {}

    def embed(texts: list[str] | tuple[str, ...]) -> np.ndarray:
        rows = []
        for text in texts:
            topic = text.split()[0]
            if topic not in topics:
                topics[topic] = rng.standard_normal(512)
            row = topics[topic] + 0.6 * rng.standard_normal(512)
            rows.append(row / np.linalg.norm(row))
        return np.asarray(rows, dtype=np.float32)

    return embed  # type: ignore[return-value]
