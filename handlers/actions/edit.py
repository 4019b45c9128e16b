from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.drafts import draft_form
from bot.slack.answer_blocks import build_draft_modal
from handlers.actions.click import Click
from storage.db import session_scope
from storage.models import Draft


def handle_edit(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Open the draft modal prefilled with a pending draft."""
    ack()
    click = Click.from_body(body)
    services = context["services"]
    with session_scope(services.factory) as session:
        draft = session.get(Draft, click.target_id)
        case_id = draft.case_id if draft else 0
    form = draft_form(services, case_id, draft_id=click.target_id)
    services.slack.views_open(trigger_id=click.trigger_id, view=build_draft_modal(form))
