"""Close a case with a reason. A customer writing again reopens it (see bot.ingest)."""

from __future__ import annotations

from bot.cases.common import refresh_card
from bot.cases.history import record
from bot.errors import Conflict, UserFacingError
from bot.services import Services
from bot.slack.answer_blocks import CLOSE_REASONS, build_closed_message
from bot.slack.cards import post_in_thread
from storage.db import compare_and_set, session_scope
from storage.models import Case, CaseStatus, utcnow


def close_case(services: Services, case_id: int, user: str, reason: str) -> None:
    if reason not in CLOSE_REASONS:
        raise UserFacingError("Choose why the case is closed.")
    now = utcnow()
    with session_scope(services.factory) as session:
        closed = compare_and_set(
            session,
            Case,
            [Case.id == case_id, Case.status != CaseStatus.CLOSED],
            dict(status=CaseStatus.CLOSED, close_reason=reason, closed_at=now, updated_at=now),
        )
        if not closed:
            raise Conflict("This case is already closed.")
        record(session, case_id, user, "close", reason=reason)
    post_in_thread(services.slack, services.factory, case_id, build_closed_message(user, reason))
    refresh_card(services, case_id)
