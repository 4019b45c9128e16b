from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.drafts import DraftSubmission, check_draft, link_warning_form, save_draft
from bot.knowledge.draft_modal import warning_form
from bot.services import services_of
from bot.slack.builders.modals import build_draft_modal
from bot.slack.ids import Field, Waiting
from handlers.views.submission import Submission


def handle_draft_submission(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Validate inline (the modal stays open with the errors), else close it and save."""
    submission = Submission.from_body(body)
    draft = DraftSubmission(
        case_id=submission.number("case_id") or 0,
        draft_id=submission.number("draft_id"),
        text=submission.values.get(Field.TEXT, ""),
        visibility=submission.values.get(Field.VISIBILITY, ""),
        user=submission.user,
        asks_customer=_waiting(submission.values.get(Field.WAITING, "")),
    )
    services = services_of(context)
    errors = check_draft(services, draft)
    if errors:
        ack(response_action="errors", errors=submission.errors_for_view(errors))
        return
    warning = warning_form(
        services,
        draft.case_id,
        draft.draft_id,
        text=draft.text,
        visibility=draft.visibility,
        text_version=submission.count("v"),
        warned=submission.text("warned"),
    )
    if warning is not None:
        ack(response_action="update", view=build_draft_modal(warning))
        return
    seen = bool(submission.settings.get("link_seen"))
    version = submission.count("v")
    warning = link_warning_form(services, draft, seen=seen, version=version)
    if warning is not None:
        # A warning, not a refusal: the modal shows the cost once; saving again keeps it.
        ack(response_action="update", view=build_draft_modal(warning))
        return
    ack()
    save_draft(services, draft)


def _waiting(choice: str) -> bool | None:
    """The modal's "after this reply" choice; unset lets the reply's text decide."""
    if choice == Waiting.YES:
        return True
    if choice == Waiting.NO:
        return False
    return None
