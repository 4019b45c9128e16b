from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.answer_blocks import build_close_modal
from handlers.actions.click import Click


def handle_close(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Ask why the case is closed (answered, no reply needed, spam)."""
    ack()
    click = Click.from_body(body)
    context["services"].slack.views_open(
        trigger_id=click.trigger_id, view=build_close_modal(click.target_id)
    )
