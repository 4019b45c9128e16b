from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.escalation import escalation_team_names
from bot.services import services_of
from bot.slack.builders.modals import build_escalate_modal
from handlers.actions.click import Click


def handle_escalate(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Open the modal to pick a specialist team."""
    ack()
    click = Click.from_body(body)
    services = services_of(context)
    view = build_escalate_modal(click.target_id, escalation_team_names(services, click.target_id))
    services.slack.views_open(trigger_id=click.trigger_id, view=view)
