from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.drafts import draft_form
from bot.services import services_of
from handlers.actions.click import Click
from handlers.knowledge.open_draft import open_draft_modal


def handle_draft(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Open the draft modal; only a quick database read stands before views.open, well
    within the trigger's three seconds (the similar past cases follow in an update)."""
    ack()
    click = Click.from_body(body)
    services = services_of(context)
    form = draft_form(services, click.target_id)
    open_draft_modal(services, click.trigger_id, form)
