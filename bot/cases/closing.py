"""Close a case with a reason. A customer writing again reopens it (see bot.lifecycle)."""

from __future__ import annotations

from bot import lifecycle
from bot.cases.common import get_case, snapshot
from bot.errors import Conflict, UserFacingError
from bot.i18n import _
from bot.services import Services
from bot.slack.builders.thread import CLOSE_REASONS, build_closed_message
from storage.db import session_scope
from storage.models import utcnow


def check_may_close(services: Services, case_id: int) -> None:
    """Before the modal opens: the case exists and is not closed already."""
    with session_scope(services.factory) as session:
        if not get_case(session, case_id).is_open:
            raise Conflict(_("This case is already closed."))


def close_case(services: Services, case_id: int, user: str, reason: str) -> None:
    if reason not in CLOSE_REASONS:
        raise UserFacingError(_("Choose why the case is closed."))
    with session_scope(services.factory) as session:
        if not lifecycle.apply(session, lifecycle.close(case_id, user, reason, utcnow())):
            get_case(session, case_id)  # gone, or closed by someone else
            raise Conflict(_("This case is already closed."))
        shown = snapshot(services, session, get_case(session, case_id))
    services.thread.post(shown, lambda: build_closed_message(user, reason), "the closing note")
    services.thread.refresh_card(shown)
