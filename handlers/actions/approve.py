from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.cases.approval import Approval, approve_draft
from bot.services import services_of
from bot.slack.builders.common import blocks_as_dicts
from bot.slack.builders.ephemerals import build_stale_confirmation
from bot.slack.ids import Action
from handlers.actions.click import Click


def handle_approve(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """Approve (in the thread or a DM) and send to X after the ack; a possibly stale draft
    asks first. Permission is checked by the service, never read from the button."""
    ack()
    click = Click.from_body(body)
    confirmed = click.action_id == Action.APPROVE_STALE
    result = approve_draft(services_of(context), click.target_id, click.user, confirmed=confirmed)
    if confirmed:
        respond(delete_original=True)
    elif result is Approval.NEEDS_CONFIRMATION:
        text, blocks = build_stale_confirmation(click.target_id)
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=text,
            blocks=blocks_as_dicts(blocks),
        )
