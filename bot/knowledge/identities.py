"""Accounts of one person on several networks, linked only by agents (never guessed)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import IdentityLink

# A person rarely has more than a handful of accounts; this bounds a bad chain of links.
MAX_LINKED = 20


def linked_customer_ids(session: Session, customer_id: int) -> set[int]:
    """`customer_id` and every account linked to it, directly or through another link."""
    found = {customer_id}
    frontier = {customer_id}
    while frontier and len(found) < MAX_LINKED:
        rows = session.execute(
            select(IdentityLink.customer_id, IdentityLink.other_customer_id).where(
                IdentityLink.unlinked_at.is_(None),
                or_(
                    IdentityLink.customer_id.in_(frontier),
                    IdentityLink.other_customer_id.in_(frontier),
                ),
            )
        ).all()
        neighbours = {c for row in rows for c in row} - found
        found |= neighbours
        frontier = neighbours
    return found
