from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.approval import retry_draft
from bot.services import services_of
from handlers.actions.click import Click


def handle_retry(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Send a failed draft again (approvers only); the thread shows the outcome."""
    ack()
    click = Click.from_body(body)
    retry_draft(services_of(context), click.target_id, click.user)
