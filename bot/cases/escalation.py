"""Escalate a case to a specialist team: ping it in the thread, DM each specialist."""

from __future__ import annotations

from bot import lifecycle
from bot.cases.common import get_case, snapshot
from bot.config import EscalationTeam
from bot.errors import Conflict, UserFacingError
from bot.i18n import _
from bot.services import Services
from bot.slack.builders.dms import build_escalation_dm
from bot.slack.builders.thread import build_escalation_message
from storage.db import session_scope
from storage.models import utcnow


def escalation_team_names(services: Services, case_id: int) -> list[str]:
    """The configured teams, for the modal; refuses when there are none or the case is
    gone or closed (before anyone fills in a modal for nothing)."""
    names = [t.name for t in services.settings.escalation_teams]
    if not names:
        raise UserFacingError(
            _("No specialist teams are configured: set ESCALATION_TEAMS (e.g. billing=S0123ABC).")
        )
    with session_scope(services.factory) as session:
        if not get_case(session, case_id).is_open:
            raise Conflict(_("This case is closed; it cannot be escalated."))
    return names


def escalate_case(services: Services, case_id: int, user: str, team_name: str, note: str) -> None:
    """Hand the case to `team_name`: unowned so a specialist can claim it."""
    team = _team(services, team_name)
    with session_scope(services.factory) as session:
        previous = get_case(session, case_id).owner_slack_id
    with session_scope(services.factory) as session:
        moved = lifecycle.apply(
            session, lifecycle.escalate(case_id, user, team.name, note, previous, utcnow())
        )
        if not moved:
            raise Conflict(_("This case is closed; it cannot be escalated."))
        case = get_case(session, case_id)
        shown = snapshot(services, session, case)
    # Each of these is best effort on its own: a failed thread post still DMs everyone.
    services.thread.post(
        shown,
        lambda: build_escalation_message(team.name, team.members, user, note),
        "the escalation",
    )
    link = services.thread.permalink(shown.thread)
    handle = shown.case.customer.handle
    for specialist in sorted(services.directory.people(team.members) - {user}):
        services.thread.dm(
            specialist, lambda: build_escalation_dm(team.name, handle, link, user), "an escalation"
        )
    services.thread.refresh_card(shown)


def _team(services: Services, name: str) -> EscalationTeam:
    for team in services.settings.escalation_teams:
        if team.name == name:
            return team
    raise UserFacingError(
        _("There is no specialist team called {name} any more.").format(name=repr(name))
    )
