from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.drafts import edit_form
from bot.services import services_of
from handlers.actions.click import Click
from handlers.knowledge.open_draft import open_draft_modal


def handle_edit(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Open the draft modal prefilled with a pending draft."""
    ack()
    click = Click.from_body(body)
    services = services_of(context)
    form = edit_form(services, click.target_id)
    open_draft_modal(services, click.trigger_id, form)
