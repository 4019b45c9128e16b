from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.escalation import escalation_team_names
from bot.slack.answer_blocks import build_escalate_modal
from handlers.actions.click import Click


def handle_escalate(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Open the modal to pick a specialist team."""
    ack()
    click = Click.from_body(body)
    services = context["services"]
    view = build_escalate_modal(click.target_id, escalation_team_names(services))
    services.slack.views_open(trigger_id=click.trigger_id, view=view)
