"""The customer in one place: their accounts on every network (linked only by agents, audited
and reversible), tags, notes, and earlier cases with outcomes and response times. Also the
one line the card shows: "3rd case in 30 days · last one: closed unhappy"."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.errors import Conflict, UserFacingError
from bot.i18n import _
from bot.knowledge import phrases
from bot.knowledge.audit import record_team_event
from bot.knowledge.identities import linked_customer_ids
from bot.knowledge.outcomes import case_outcome, tags_of
from bot.knowledge.views import CustomerProfileView, IdentityView, NoteView, PastCaseLine
from bot.services import Services
from bot.slack.views import first_post
from storage.db import session_scope
from storage.enums import AuditAction, CustomerTagName
from storage.models import Case, Customer, CustomerNote, CustomerTag, IdentityLink, utcnow

SHOWN_CASES = 15
SHOWN_NOTES = 10
NOTE_MAX_CHARS = 2000


@dataclass(frozen=True)
class CustomerMatch:
    customer_id: int
    network: str
    handle: str
    name: str
    cases: int


def _customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise UserFacingError(phrases.CUSTOMER_GONE)
    return customer


def customer_profile(
    services: Services, customer_id: int, from_case: int | None = None
) -> CustomerProfileView:
    looks = services.networks.look
    with session_scope(services.factory) as session:
        customer = _customer(session, customer_id)
        ids = linked_customer_ids(session, customer_id)
        identities = [
            IdentityView(customer.id, looks(customer.network).label, customer.handle, customer.name)
        ]
        links = session.scalars(
            select(IdentityLink)
            .where(
                IdentityLink.unlinked_at.is_(None),
                or_(IdentityLink.customer_id.in_(ids), IdentityLink.other_customer_id.in_(ids)),
            )
            .order_by(IdentityLink.linked_at)
        ).all()
        for link in links:
            for other_id in (link.customer_id, link.other_customer_id):
                if other_id == customer.id or any(i.customer_id == other_id for i in identities):
                    continue
                other = _customer(session, other_id)
                identities.append(
                    IdentityView(
                        other.id,
                        looks(other.network).label,
                        other.handle,
                        other.name,
                        link_id=link.id,
                        linked_by=link.linked_by,
                        linked_at=link.linked_at,
                    )
                )
        cases = session.scalars(
            select(Case)
            .where(Case.customer_id.in_(ids))
            .order_by(Case.created_at.desc(), Case.id.desc())
            .limit(SHOWN_CASES)
        ).all()
        lines = []
        for case in cases:
            post = first_post(session, case.id)
            responded = (
                int((case.first_response_at - case.created_at).total_seconds() // 60)
                if case.first_response_at
                else None
            )
            lines.append(
                PastCaseLine(
                    case_id=case.id,
                    network_label=looks(case.network).label,
                    opened_at=case.created_at,
                    intent=((post.triage or {}).get("intent") if post else None),
                    outcome=case_outcome(session, case, ids),
                    first_response_minutes=responded,
                )
            )
        notes = session.scalars(
            select(CustomerNote)
            .where(CustomerNote.customer_id.in_(ids))
            .order_by(CustomerNote.created_at.desc(), CustomerNote.id.desc())
            .limit(SHOWN_NOTES)
        ).all()
        return CustomerProfileView(
            customer_id=customer.id,
            name=customer.name,
            handle=customer.handle,
            network_label=looks(customer.network).label,
            identities=tuple(identities),
            tags=tags_of(session, ids),
            notes=tuple(NoteView(n.author, n.text, n.created_at) for n in notes),
            cases=tuple(lines),
            from_case=from_case,
        )


def customer_of_case(services: Services, case_id: int) -> int:
    with session_scope(services.factory) as session:
        case = session.get(Case, case_id)
        if case is None:
            raise UserFacingError(phrases.CUSTOMER_GONE)
        return case.customer_id


def find_customers(
    services: Services, handle: str, network: str | None = None
) -> list[CustomerMatch]:
    """Customers whose handle is `handle` (with or without @, any case), on every network
    or on `network`; for `/carethread find @handle`."""
    wanted = handle.strip().lstrip("@").lower()
    if not wanted:
        return []
    with session_scope(services.factory) as session:
        statement = select(Customer).where(func.lower(Customer.handle) == wanted)
        if network:
            statement = statement.where(Customer.network == network)
        found = session.scalars(statement.order_by(Customer.id)).all()
        return [
            CustomerMatch(
                c.id,
                c.network,
                c.handle,
                c.name,
                session.scalar(select(func.count(Case.id)).where(Case.customer_id == c.id)) or 0,
            )
            for c in found
        ]


def search_customers(
    services: Services, query: str, exclude: int, limit: int = 20
) -> list[CustomerMatch]:
    """Customers whose handle or name contains `query`, for the link picker."""
    needle = query.strip().lstrip("@").lower()
    with session_scope(services.factory) as session:
        statement = select(Customer).where(Customer.id != exclude)
        if needle:
            pattern = f"%{needle}%"
            statement = statement.where(
                or_(
                    func.lower(Customer.handle).like(pattern),
                    func.lower(Customer.name).like(pattern),
                )
            )
        found = session.scalars(statement.order_by(Customer.handle).limit(limit)).all()
        return [CustomerMatch(c.id, c.network, c.handle, c.name, 0) for c in found]


def link_accounts(services: Services, user: str, customer_id: int, other_id: int) -> None:
    """Record that two accounts are one person (an agent's explicit action); audited."""
    if customer_id == other_id:
        raise UserFacingError(phrases.LINK_SELF)
    with session_scope(services.factory) as session:
        one, other = _customer(session, customer_id), _customer(session, other_id)
        if other.id in linked_customer_ids(session, one.id):
            raise Conflict(phrases.LINK_EXISTS)
        link = IdentityLink(customer_id=one.id, other_customer_id=other.id, linked_by=user)
        session.add(link)
        session.flush()
        record_team_event(
            session,
            user,
            AuditAction.LINK_IDENTITY,
            link=link.id,
            customer=f"{one.network}:{one.handle}",
            other=f"{other.network}:{other.handle}",
        )


def unlink_accounts(services: Services, user: str, link_id: int) -> None:
    """Undo a link (kept in the table, marked unlinked); audited."""
    with session_scope(services.factory) as session:
        link = session.get(IdentityLink, link_id)
        if link is None or link.unlinked_at is not None:
            raise Conflict(phrases.LINK_GONE)
        link.unlinked_by, link.unlinked_at = user, utcnow()
        record_team_event(
            session,
            user,
            AuditAction.UNLINK_IDENTITY,
            link=link.id,
            customer=link.customer_id,
            other=link.other_customer_id,
        )


def update_customer(
    services: Services, user: str, customer_id: int, tags: set[str], note: str
) -> None:
    """Set the customer's tags (each change audited) and add a note if one was written."""
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise UserFacingError(_(phrases.NOTE_TOO_LONG).format(limit=NOTE_MAX_CHARS))
    known = {t.value for t in CustomerTagName}
    wanted = {t for t in tags if t in known}
    with session_scope(services.factory) as session:
        customer = _customer(session, customer_id)
        # Tags belong to the person: on any of their linked accounts.
        ids = linked_customer_ids(session, customer.id)
        current: dict[str, list[CustomerTag]] = {}
        for row in session.scalars(select(CustomerTag).where(CustomerTag.customer_id.in_(ids))):
            current.setdefault(row.tag, []).append(row)
        for tag in sorted(wanted - current.keys()):
            session.add(CustomerTag(customer_id=customer.id, tag=tag, added_by=user))
            record_team_event(
                session, user, AuditAction.TAG_CUSTOMER, customer=customer.id, tag=tag
            )
        for tag in sorted(current.keys() - wanted):
            for row in current[tag]:
                session.delete(row)
            record_team_event(
                session, user, AuditAction.UNTAG_CUSTOMER, customer=customer.id, tag=tag
            )
        if note:
            session.add(CustomerNote(customer_id=customer.id, author=user, text=note))
            record_team_event(session, user, AuditAction.NOTE_CUSTOMER, customer=customer.id)
