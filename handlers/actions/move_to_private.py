from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.cases.private_data import move_to_private
from bot.services import services_of
from bot.slack.builders.common import blocks_as_dicts
from bot.slack.builders.ephemerals import build_moved_to_private
from handlers.actions.click import Click


def handle_move_to_private(
    ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    """Draft the public invitation and the private message; tell the clicker what was drafted."""
    ack()
    click = Click.from_body(body)
    moved = move_to_private(services_of(context), click.target_id, click.user)
    text, blocks = build_moved_to_private(
        moved.public_draft, moved.private_draft, moved.why_no_public
    )
    respond(
        response_type="ephemeral",
        replace_original=False,
        text=text,
        blocks=blocks_as_dicts(blocks),
    )
