"""The audit log: every action on a case, and the compact history shown from the card."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.slack.answer_blocks import HistoryEntry
from storage.db import session_scope
from storage.models import AuditEvent

# Details worth showing in the compact history, in this order.
_SHOWN = (
    "draft",
    "drafts",
    "visibility",
    "language",
    "from",
    "team",
    "reason",
    "error",
    "url",
    "post",
    "note",
)


def record(session: Session, case_id: int, actor: str, action: str, **details: Any) -> None:
    """Add one audit event to the current unit of work (it commits with the change itself)."""
    session.add(
        AuditEvent(
            case_id=case_id,
            actor=actor,
            action=action,
            details={k: v for k, v in details.items() if v is not None},
        )
    )


def case_history(factory: sessionmaker[Session], case_id: int) -> list[HistoryEntry]:
    """Every audit event of a case, oldest first, as short lines."""
    with session_scope(factory) as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.case_id == case_id)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        ).all()
        return [
            HistoryEntry(at=e.created_at, actor=e.actor, action=e.action, details=_details(e))
            for e in events
        ]


def _details(event: AuditEvent) -> str:
    details = event.details or {}
    parts = []
    for key in _SHOWN:
        if key in details:
            value = str(details[key])
            parts.append(f"{key} {value[:80]}")
    return ", ".join(parts)
