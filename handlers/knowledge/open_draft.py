"""Open the draft modal at once, then fill in the similar past cases (views.update), so that
nothing slow stands between the click and views.open (the trigger lives 3 seconds)."""

from __future__ import annotations

from bot.knowledge.draft_modal import loading_knowledge, with_knowledge
from bot.services import Services
from bot.slack.builders.modals import build_draft_modal
from bot.slack.failures import best_effort
from bot.slack.views import DraftFormView


def open_draft_modal(services: Services, trigger_id: str, form: DraftFormView) -> None:
    response = services.slack.views_open(
        trigger_id=trigger_id, view=build_draft_modal(loading_knowledge(form))
    )
    view = response.get("view") or {}
    full = with_knowledge(services, form)
    with best_effort(f"show the past cases in the draft modal {view.get('id')}"):
        # The hash makes Slack refuse this update if the modal changed meanwhile (a saved
        # reply picked already): that newer view has the past cases too.
        services.slack.views_update(
            view_id=str(view.get("id")), hash=str(view.get("hash")), view=build_draft_modal(full)
        )
