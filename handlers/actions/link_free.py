import dataclasses
import json
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.drafts import draft_form
from bot.services import services_of
from bot.slack.builders.modals import build_draft_modal
from storage.enums import Visibility


def handle_link_free(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Replace the draft modal's text with the link-free wording it offered."""
    ack()
    view = body["view"]
    metadata = json.loads(view.get("private_metadata") or "{}")
    wording = str(body["actions"][0].get("value") or "")
    services = services_of(context)
    form = draft_form(services, int(metadata["case_id"]), metadata.get("draft_id"))
    form = dataclasses.replace(
        form,
        text=wording,
        visibility=Visibility.PUBLIC,
        text_version=int(metadata.get("v") or 0) + 1,
        link_notice=None,
        link_free_text=None,
    )
    services.slack.views_update(
        view_id=view["id"], hash=view.get("hash"), view=build_draft_modal(form)
    )
