from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.closing import check_may_close
from bot.services import services_of
from bot.slack.builders.modals import build_close_modal
from handlers.actions.click import Click


def handle_close(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Ask why the case is closed (answered, no reply needed, spam) — unless it is gone or
    closed already, which the clicker is told instead."""
    ack()
    click = Click.from_body(body)
    services = services_of(context)
    check_may_close(services, click.target_id)
    services.slack.views_open(trigger_id=click.trigger_id, view=build_close_modal(click.target_id))
