"""Claim, take over and unclaim: who owns a case. Exactly one of two racing claims wins."""

from __future__ import annotations

from dataclasses import dataclass

from bot import lifecycle
from bot.cases.common import get_case, snapshot
from bot.errors import Conflict, NotAllowed
from bot.i18n import _
from bot.services import Services
from storage.db import session_scope
from storage.enums import CaseStatus
from storage.models import utcnow


@dataclass(frozen=True)
class ClaimResult:
    case_id: int
    claimed: bool
    # Who owns the case now (the clicking user when `claimed`).
    owner: str


def claim_case(services: Services, case_id: int, user: str) -> ClaimResult:
    """Assign an unowned case to `user`; a case someone owns is reported, not taken."""
    with session_scope(services.factory) as session:
        won = lifecycle.apply(session, lifecycle.claim(case_id, user, utcnow()))
        case = get_case(session, case_id)
        if not won:
            if case.status == CaseStatus.CLOSED:
                raise Conflict(_("This case is closed. It reopens when the customer writes again."))
            if case.owner_slack_id == user:
                raise Conflict(_("You already own this case."))
            return ClaimResult(case_id, claimed=False, owner=case.owner_slack_id or user)
        shown = snapshot(services, session, case)
    services.thread.refresh_card(shown)
    return ClaimResult(case_id, claimed=True, owner=user)


def take_over_case(services: Services, case_id: int, user: str) -> None:
    """Become the owner of a case someone else claimed (recorded with who had it)."""
    with session_scope(services.factory) as session:
        previous = get_case(session, case_id).owner_slack_id
    if previous == user:
        raise Conflict(_("You already own this case."))
    with session_scope(services.factory) as session:
        if not lifecycle.apply(session, lifecycle.take_over(case_id, user, previous, utcnow())):
            raise Conflict(_("The case changed hands in the meantime; look at the card again."))
        shown = snapshot(services, session, get_case(session, case_id))
    services.thread.refresh_card(shown)


def unclaim_case(services: Services, case_id: int, user: str) -> None:
    """Put the case back in the queue; only its owner may."""
    with session_scope(services.factory) as session:
        released = lifecycle.apply(session, lifecycle.unclaim(case_id, user, utcnow()))
        case = get_case(session, case_id)
        if not released:
            if case.owner_slack_id is None:
                raise Conflict(_("Nobody owns this case."))
            raise NotAllowed(
                _("Only the owner ({user}) can unclaim this case.").format(
                    user=f"<@{case.owner_slack_id}>"
                )
            )
        shown = snapshot(services, session, case)
    services.thread.refresh_card(shown)
