from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.approval import check_may_decide
from bot.services import services_of
from bot.slack.builders.modals import build_reject_modal
from handlers.actions.click import Click


def handle_reject(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Ask for the reason in a modal, after checking the clicker may decide at all."""
    ack()
    click = Click.from_body(body)
    services = services_of(context)
    check_may_decide(services, click.target_id, click.user)
    services.slack.views_open(trigger_id=click.trigger_id, view=build_reject_modal(click.target_id))
