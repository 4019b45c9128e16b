"""Store hand-built cases in a real database: customers, cases, posts, posted drafts and
their audit events, as the bot itself would have left them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.triage import Triage
from storage.enums import AuditAction, CaseStatus, DraftStatus, Priority, Visibility
from storage.models import AuditEvent, BrandAccount, Case, Customer, Draft, Post

_counter = iter(range(1, 10_000_000))


def brand(session: Session, network: str = "x", handle: str = "acmeconecta") -> BrandAccount:
    account = BrandAccount(network=network, external_id=f"brand-{network}", handle=handle)
    session.add(account)
    session.flush()
    return account


def customer(session: Session, handle: str, network: str = "x", followers: int = 10) -> Customer:
    person = Customer(
        network=network, external_id=f"{network}-{handle}", handle=handle, followers=followers
    )
    session.add(person)
    session.flush()
    return person


def triage_json(
    *,
    intent: str = "complaint",
    sentiment: str = "negative",
    priority: str = "P2",
    language: str = "es",
) -> dict[str, object]:
    return {
        "language": language,
        "intent": intent,
        "sentiment": sentiment,
        "priority": priority,
        "reasons": [intent, sentiment],
        "pii": [],
        "urgent_terms": [],
        "response_target_minutes": 60,
    }


@dataclass
class StoredCase:
    case: Case
    posts: list[Post] = field(default_factory=list)


def add_case(
    session: Session,
    account: BrandAccount,
    person: Customer,
    posts: list[datetime],
    replies: list[tuple[datetime, str]] = (),  # type: ignore[assignment]
    *,
    priority: Priority = Priority.P2,
    status: CaseStatus | None = None,
    owner: str | None = None,
    respond_by: datetime | None = None,
    closed_at: datetime | None = None,
    text: str = "my router is dead",
    sentiment: str = "negative",
    intent: str = "complaint",
    slack_ts: str | None = None,
) -> StoredCase:
    """A case with the customer's `posts` and our posted `replies` (time, author)."""
    if status is None:
        status = CaseStatus.REPLIED if replies else CaseStatus.CLAIMED if owner else CaseStatus.NEW
    case = Case(
        brand_id=account.id,
        customer_id=person.id,
        network=account.network,
        conversation_id=f"conv-{next(_counter)}",
        status=status,
        owner_slack_id=owner,
        priority=priority,
        respond_by=respond_by,
        created_at=posts[0],
        last_customer_post_at=posts[-1],
        first_response_at=replies[0][0] if replies else None,
        closed_at=closed_at,
        slack_channel="C0CASES" if slack_ts else None,
        slack_ts=slack_ts,
    )
    session.add(case)
    session.flush()
    session.add(
        AuditEvent(
            case_id=case.id, actor="carethread", action=AuditAction.OPEN, created_at=posts[0]
        )
    )
    stored = StoredCase(case)
    for when in posts:
        number = next(_counter)
        post = Post(
            network=account.network,
            external_id=f"p{number}",
            case_id=case.id,
            customer_id=person.id,
            text=text,
            url=f"https://x.com/{person.handle}/status/{number}",
            created_at=when,
            fetched_at=when,
            triage=triage_json(intent=intent, sentiment=sentiment, priority=priority),
            priority=priority,
            slack_ts=slack_ts,
        )
        session.add(post)
        stored.posts.append(post)
    session.flush()
    for when, author in replies:
        session.add(
            Draft(
                case_id=case.id,
                author_slack_id=author,
                text="@customer sorry",
                visibility=Visibility.PUBLIC,
                status=DraftStatus.POSTED,
                written_after=when,
                posted_at=when,
                created_at=when,
            )
        )
        session.add(
            AuditEvent(
                case_id=case.id, actor="carethread", action=AuditAction.POST, created_at=when
            )
        )
    if closed_at:
        session.add(
            AuditEvent(
                case_id=case.id,
                actor=owner or "U0LEAD",
                action=AuditAction.CLOSE,
                created_at=closed_at,
            )
        )
    if owner:
        session.add(
            AuditEvent(case_id=case.id, actor=owner, action=AuditAction.CLAIM, created_at=posts[0])
        )
    session.flush()
    return stored


__all__ = ["Triage", "add_case", "brand", "customer", "triage_json"]


def midday_zone() -> str:
    """A fixed-offset time zone where it is around midday now, so "today" holds the last
    few hours whatever time the tests run."""
    from datetime import UTC, datetime

    hour = datetime.now(UTC).hour
    for offset in range(-12, 15):
        if 10 <= (hour + offset) % 24 <= 14:
            # Etc/GMT-3 is UTC+3 (POSIX signs are reversed).
            return "Etc/GMT" + (f"{-offset:+d}" if offset else "")
    return "UTC"
