from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.cases.claim import take_over_case
from bot.services import services_of
from handlers.actions.click import Click


def handle_take_over(
    ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    """Take a claimed case over (recorded); the card shows the new owner."""
    ack()
    click = Click.from_body(body)
    take_over_case(services_of(context), click.target_id, click.user)
    respond(delete_original=True)
