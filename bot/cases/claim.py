"""Claim, take over and unclaim: who owns a case. Exactly one of two racing claims wins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case as when

from bot.cases.common import get_case, refresh_card
from bot.cases.history import record
from bot.errors import Conflict, NotAllowed
from bot.services import Services
from storage.db import compare_and_set, session_scope
from storage.models import Case, CaseStatus, utcnow


@dataclass(frozen=True)
class ClaimResult:
    case_id: int
    claimed: bool
    # Who owns the case now (the clicking user when `claimed`).
    owner: str


def claim_case(services: Services, case_id: int, user: str) -> ClaimResult:
    """Assign an unowned case to `user`; a case someone owns is reported, not taken."""
    with session_scope(services.factory) as session:
        # The conditional UPDATE is the first statement, so SQLite takes its write lock
        # at once and PostgreSQL re-checks the WHERE after a concurrent commit.
        won = compare_and_set(
            session,
            Case,
            [
                Case.id == case_id,
                Case.owner_slack_id.is_(None),
                Case.status != CaseStatus.CLOSED,
            ],
            dict(
                owner_slack_id=user,
                status=when((Case.status == CaseStatus.NEW, CaseStatus.CLAIMED), else_=Case.status),
                updated_at=utcnow(),
            ),
        )
        case = get_case(session, case_id)
        if won:
            record(session, case_id, user, "claim")
        elif case.status == CaseStatus.CLOSED:
            raise Conflict("This case is closed. It reopens when the customer writes again.")
        elif case.owner_slack_id == user:
            raise Conflict("You already own this case.")
        owner = case.owner_slack_id or user
    if won:
        refresh_card(services, case_id)
    return ClaimResult(case_id=case_id, claimed=bool(won), owner=owner)


def take_over_case(services: Services, case_id: int, user: str) -> None:
    """Become the owner of a case someone else claimed (recorded with who had it)."""
    with session_scope(services.factory) as session:
        previous = get_case(session, case_id).owner_slack_id
    if previous == user:
        raise Conflict("You already own this case.")
    with session_scope(services.factory) as session:
        owner_was = (
            Case.owner_slack_id.is_(None) if previous is None else Case.owner_slack_id == previous
        )
        moved = compare_and_set(
            session,
            Case,
            [Case.id == case_id, owner_was, Case.status != CaseStatus.CLOSED],
            dict(
                owner_slack_id=user,
                status=when((Case.status == CaseStatus.NEW, CaseStatus.CLAIMED), else_=Case.status),
                updated_at=utcnow(),
            ),
        )
        if not moved:
            raise Conflict("The case changed hands in the meantime; look at the card again.")
        record(session, case_id, user, "take_over", **{"from": previous})
    refresh_card(services, case_id)


def unclaim_case(services: Services, case_id: int, user: str) -> None:
    """Put the case back in the queue; only its owner may."""
    with session_scope(services.factory) as session:
        released = compare_and_set(
            session,
            Case,
            [Case.id == case_id, Case.owner_slack_id == user],
            dict(
                owner_slack_id=None,
                status=when((Case.status == CaseStatus.CLAIMED, CaseStatus.NEW), else_=Case.status),
                updated_at=utcnow(),
            ),
        )
        if not released:
            owner = get_case(session, case_id).owner_slack_id
            if owner is None:
                raise Conflict("Nobody owns this case.")
            raise NotAllowed(f"Only the owner (<@{owner}>) can unclaim this case.")
        record(session, case_id, user, "unclaim")
    refresh_card(services, case_id)
