"""Settings leads change from Slack, each change audited (who, when, from what to what)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.knowledge import phrases
from bot.knowledge.audit import record_team_event
from bot.knowledge.leads import require_lead
from bot.services import Services
from storage.db import session_scope
from storage.enums import AuditAction
from storage.models import TeamSetting, utcnow

# Holding replies go out on one tap, without an approver (off unless a lead allows it).
ONE_TAP_HOLDING = "one_tap_holding_replies"
_TRUE = "true"


def flag(session: Session, name: str) -> bool:
    setting = session.get(TeamSetting, name)
    return setting is not None and setting.value == _TRUE


def set_flag(services: Services, user: str, name: str, value: bool) -> bool:
    """Set a yes/no team setting as lead `user`; returns whether it changed."""
    require_lead(services, user, phrases.CHANGE_TEAM_SETTINGS)
    wanted = _TRUE if value else "false"
    with session_scope(services.factory) as session:
        setting = session.get(TeamSetting, name)
        before = setting.value if setting else None
        if before == wanted or (before is None and not value):
            return False
        if setting is None:
            setting = TeamSetting(name=name, value=wanted, changed_by=user)
            session.add(setting)
        setting.value, setting.changed_by, setting.changed_at = wanted, user, utcnow()
        record_team_event(
            session, user, AuditAction.TEAM_SETTING, name=name, before=before, after=wanted
        )
    return True
