"""Who is a lead: `LEAD_USER_IDS` plus the members of `LEAD_USERGROUP_ID`; when neither is
set, the approvers (a team small enough not to name leads lets its approvers run the
library). Checked on the server for every change, never taken from what a modal shows."""

from __future__ import annotations

import logging

from bot.errors import NotAllowed, UserFacingError
from bot.i18n import _
from bot.knowledge import phrases
from bot.services import Services
from bot.slack.failures import SLACK_FAILURES, slack_error

log = logging.getLogger(__name__)


def is_lead(services: Services, user: str) -> bool:
    settings = services.settings
    if not (settings.lead_user_ids or settings.lead_usergroup_id):
        return user in services.directory.approvers(asking_about=user)
    if user in settings.lead_user_ids:
        return True
    if settings.lead_usergroup_id is None:
        return False
    try:
        return user in services.directory.members(settings.lead_usergroup_id)
    except SLACK_FAILURES as exc:
        log.warning("Could not read the leads group: %s", slack_error(exc))
        raise UserFacingError(phrases.LEADS_UNREACHABLE) from exc


def require_lead(services: Services, user: str, action: str) -> None:
    """Raise NotAllowed unless `user` is a lead; `action` says what they tried."""
    settings = services.settings
    configured = settings.lead_user_ids or settings.lead_usergroup_id
    if not configured and not services.directory.has_approvers:
        raise NotAllowed(phrases.NO_LEADS)
    if not is_lead(services, user):
        raise NotAllowed(_(phrases.ONLY_LEADS).format(action=_(action)))
