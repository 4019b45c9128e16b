"""Steps the knowledge tests share (beyond `sandbox.scenarios.knowledge`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.slack.ids import Action
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import AuditEvent, Case
from tests.integration.harness import CHANNEL, Sandbox

AGENT, OTHER_AGENT, LEAD, LEAD2 = "U0AGENT1", "U0AGENT2", "U0LEAD", "U0LEAD2"
TEAM = {"APPROVER_USER_IDS": f"{LEAD},{LEAD2}", "LEAD_USER_IDS": LEAD}


def card_with(sandbox: Sandbox, text: str) -> dict[str, Any]:
    """The case card whose post contains `text` (after a poll cycle)."""
    return sandbox.slack.wait_for(
        lambda: next((r for r in sandbox.roots() if text in str(r["blocks"])), None)
    )


def case_id_of(card: dict[str, Any]) -> int:
    actions = next(b for b in card["blocks"] if b["type"] == "actions")
    menu = next(e for e in actions["elements"] if e["action_id"] == Action.CASE_MORE)
    return int(menu["options"][0]["value"].split(":")[1])


def new_case(sandbox: Sandbox, username: str, name: str, text: str) -> dict[str, Any]:
    """`username` (display name `name`) mentions the brand; one cycle; their card."""
    return mention_case(sandbox, username, name, text)[1]


def mention_case(
    sandbox: Sandbox, username: str, name: str, text: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Like `new_case`; returns (the post on X, the card)."""
    if username not in {u["username"] for u in sandbox.x.users.values()}:
        sandbox.customer(username, name=name)
    post = sandbox.mention(username, text)
    sandbox.cycle()
    return post, card_with(sandbox, text[:25])


def audit_events(sandbox: Sandbox, action: str) -> list[AuditEvent]:
    engine = make_engine(sandbox.database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return list(
                session.scalars(
                    select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
                )
            )
    finally:
        engine.dispose()


def load_case(sandbox: Sandbox, case_id: int) -> Case:
    engine = make_engine(sandbox.database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            case = session.get_one(Case, case_id)
            session.expunge(case)
            return case
    finally:
        engine.dispose()


__all__ = ["CHANNEL"]
