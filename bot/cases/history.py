"""The compact history of a case shown from its card, read from the audit log."""

from __future__ import annotations

from sqlalchemy import select

from bot.cases.common import get_case
from bot.services import Services
from bot.slack.views import HistoryEntry
from storage.db import session_scope
from storage.models import AuditEvent

# Details worth showing in the compact history, in this order.
_SHOWN = (
    "draft",
    "drafts",
    "visibility",
    "language",
    "from",
    "to",
    "rule",
    "team",
    "reason",
    "error",
    "url",
    "post",
    "note",
    "target",
    "due",
)


def case_history(services: Services, case_id: int) -> list[HistoryEntry]:
    """Every audit event of a case, oldest first, as short lines."""
    with session_scope(services.factory) as session:
        get_case(session, case_id)
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
