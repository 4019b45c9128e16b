"""Escalate a case to a specialist team: ping it in the thread, DM each specialist."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.cases.common import get_case, refresh_card
from bot.cases.history import record
from bot.cases.permissions import GROUPS
from bot.config import EscalationTeam
from bot.errors import Conflict, UserFacingError
from bot.services import Services
from bot.slack.answer_blocks import build_escalation_dm, build_escalation_message
from bot.slack.cards import case_thread_link, post_in_thread, send_dm
from storage.db import compare_and_set, session_scope
from storage.models import Case, CaseStatus, utcnow

log = logging.getLogger(__name__)


def escalation_team_names(services: Services) -> list[str]:
    """The configured teams, for the modal; refuses when there are none."""
    names = [t.name for t in services.settings.escalation_teams]
    if not names:
        raise UserFacingError(
            "No specialist teams are configured: set ESCALATION_TEAMS (e.g. billing=S0123ABC)."
        )
    return names


def escalate_case(services: Services, case_id: int, user: str, team_name: str, note: str) -> None:
    """Hand the case to `team_name`: unowned so a specialist can claim it."""
    team = _team(services, team_name)
    with session_scope(services.factory) as session:
        previous = get_case(session, case_id).owner_slack_id
    with session_scope(services.factory) as session:
        moved = compare_and_set(
            session,
            Case,
            [Case.id == case_id, Case.status != CaseStatus.CLOSED],
            dict(
                status=CaseStatus.ESCALATED,
                escalated_to=team.name,
                owner_slack_id=None,
                updated_at=utcnow(),
            ),
        )
        if not moved:
            raise Conflict("This case is closed; it cannot be escalated.")
        record(
            session,
            case_id,
            user,
            "escalate",
            team=team.name,
            note=note or None,
            **{"from": previous},
        )
        handle = get_case(session, case_id).customer.handle
    post_in_thread(
        services.slack,
        services.factory,
        case_id,
        build_escalation_message(team.name, team.members, user, note),
    )
    link = case_thread_link(services.slack, services.factory, case_id)
    for specialist in sorted(_specialists(services, team) - {user}):
        send_dm(services.slack, specialist, build_escalation_dm(team.name, handle, link, user))
    refresh_card(services, case_id)


def _team(services: Services, name: str) -> EscalationTeam:
    for team in services.settings.escalation_teams:
        if team.name == name:
            return team
    raise UserFacingError(f"There is no specialist team called {name!r} any more.")


def _specialists(services: Services, team: EscalationTeam) -> set[str]:
    people = set(team.users)
    for group in team.usergroups:
        try:
            people |= GROUPS.members(services.slack, group)
        except (SlackApiError, SlackClientError, OSError) as exc:
            # The thread ping still reaches the group; only the personal DMs are missed.
            log.warning("Could not list members of %s for escalation DMs: %s", group, exc)
    return people
