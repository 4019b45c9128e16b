from typing import Any

from slack_bolt import Ack, BoltContext

from bot.knowledge.holding import send_holding_reply
from bot.services import services_of
from handlers.actions.click import Click


def handle_holding_reply(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The card's "We're on it": the holding reply goes to approval (or out, one-tap)."""
    ack()
    click = Click.from_body(body)
    send_holding_reply(services_of(context), click.target_id, click.user)
