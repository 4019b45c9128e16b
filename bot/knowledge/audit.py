"""Audit events of changes that belong to no case: saved replies, team settings,
customers' tags, notes and linked accounts (the audit log's case is empty)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from storage.enums import AuditAction
from storage.models import AuditEvent


def record_team_event(session: Session, actor: str, action: AuditAction, **details: Any) -> None:
    """Add one case-less audit event to the unit of work (it commits with the change)."""
    session.add(
        AuditEvent(
            case_id=None,
            actor=actor,
            action=action,
            details={k: v for k, v in details.items() if v is not None},
        )
    )
