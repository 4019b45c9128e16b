"""The options of the draft modal's saved-reply select (block_suggestion), suggested first
for the case's intent, language and network."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.knowledge.saved_replies import suggest
from bot.reply_context import latest_customer_post
from bot.services import services_of
from bot.slack.builders.saved_replies import build_saved_reply_options
from storage.db import session_scope
from storage.models import Case


def handle_saved_reply_options(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Answer within Slack's 3 seconds: one small query, no Slack calls."""
    services = services_of(context)
    view = body.get("view") or {}
    case_id = int(json.loads(view.get("private_metadata") or "{}").get("case_id") or 0)
    with session_scope(services.factory) as session:
        case = session.get(Case, case_id)
        post = latest_customer_post(session, case_id)
        triage = (post.triage if post else None) or {}
        suggested, others = suggest(
            session,
            intent=triage.get("intent"),
            language=triage.get("language"),
            network=case.network if case else None,
            query=str(body.get("value") or ""),
        )
    ack(**build_saved_reply_options(suggested, others, triage.get("language")))
