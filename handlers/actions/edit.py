from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.drafts import edit_form
from bot.knowledge.draft_modal import with_knowledge
from bot.services import services_of
from bot.slack.builders.modals import build_draft_modal
from handlers.actions.click import Click


def handle_edit(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Open the draft modal prefilled with a pending draft."""
    ack()
    click = Click.from_body(body)
    services = services_of(context)
    form = edit_form(services, click.target_id)
    form = with_knowledge(services, form)
    services.slack.views_open(trigger_id=click.trigger_id, view=build_draft_modal(form))
