"""`/carethread replies`: the saved-replies library, its editor, retiring, and the one-tap
holding-reply setting. Leads change things; everyone may look. Every change is checked on
the server (a demoted lead's open modal changes nothing)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.errors import UserFacingError
from bot.knowledge import phrases
from bot.knowledge.leads import require_lead
from bot.knowledge.saved_replies import (
    SavedReplyInput,
    get_reply,
    library,
    problems,
    retire_reply,
    save_reply,
)
from bot.knowledge.team_settings import ONE_TAP_HOLDING, set_flag
from bot.services import Services, services_of
from bot.slack.builders.saved_replies import (
    ANY,
    ONE_TAP_VALUE,
    build_library_modal,
    build_saved_reply_editor,
)
from bot.slack.failures import best_effort
from bot.slack.ids import Field, LibraryMenu
from handlers.knowledge.modal_action import ModalAction
from handlers.views.submission import Submission
from storage.enums import SavedReplyKind


def open_library(services: Services, trigger_id: str, user: str) -> None:
    services.slack.views_open(
        trigger_id=trigger_id, view=build_library_modal(library(services, user))
    )


def _refresh_library(services: Services, view_id: str, user: str) -> None:
    with best_effort(f"refresh the saved-replies library {view_id}"):
        services.slack.views_update(
            view_id=view_id, view=build_library_modal(library(services, user))
        )


def _editor(services: Services, reply_id: int | None) -> Any:
    reply = get_reply(services, reply_id) if reply_id is not None else None
    networks = tuple((n, services.networks.look(n).label) for n in services.networks)
    return build_saved_reply_editor(
        reply, languages=services.settings.triage.languages, networks=networks
    )


def handle_library_add(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    action = ModalAction.from_body(body)
    services = services_of(context)
    require_lead(services, action.user, phrases.CHANGE_SAVED_REPLIES)
    services.slack.views_push(trigger_id=action.trigger_id, view=_editor(services, None))


def handle_library_reply(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """A saved reply's menu in the library: edit (opens the editor) or retire."""
    ack()
    action = ModalAction.from_body(body)
    services = services_of(context)
    choice, _, raw_id = action.value.partition(":")
    if not raw_id.isdigit():
        raise UserFacingError(phrases.SAVED_REPLY_GONE)
    require_lead(services, action.user, phrases.CHANGE_SAVED_REPLIES)
    if choice == LibraryMenu.EDIT:
        services.slack.views_push(trigger_id=action.trigger_id, view=_editor(services, int(raw_id)))
    elif choice == LibraryMenu.RETIRE:
        retire_reply(services, action.user, int(raw_id))
        _refresh_library(services, action.view_id, action.user)


def handle_one_tap(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The library's checkbox: holding replies without approval (leads only, audited)."""
    ack()
    action = ModalAction.from_body(body)
    services = services_of(context)
    chosen = [o.get("value") for o in body["actions"][0].get("selected_options") or []]
    set_flag(services, action.user, ONE_TAP_HOLDING, ONE_TAP_VALUE in chosen)
    _refresh_library(services, action.view_id, action.user)


def _submitted(submission: Submission) -> SavedReplyInput:
    values = submission.values
    intent, network = values.get(Field.INTENT) or ANY, values.get(Field.NETWORK) or ANY
    kind = values.get(Field.KIND) or SavedReplyKind.REPLY
    return SavedReplyInput(
        title=values.get(Field.TITLE, ""),
        text=values.get(Field.TEXT, ""),
        language=values.get(Field.LANGUAGE, ""),
        kind=kind if kind in tuple(SavedReplyKind) else SavedReplyKind.REPLY,
        intent=None if intent == ANY else intent,
        network=None if network == ANY else network,
    )


def handle_saved_reply_submission(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Save the editor: problems (and a refusal for non-leads) show inline, nothing lost."""
    submission = Submission.from_body(body)
    services = services_of(context)
    reply = _submitted(submission)
    found = problems(reply)
    if not found:
        try:
            require_lead(services, submission.user, phrases.CHANGE_SAVED_REPLIES)
        except UserFacingError as refusal:
            found = {Field.TEXT: refusal.message}
    if found:
        ack(response_action="errors", errors=submission.errors_for_view(found))
        return
    ack()
    save_reply(services, submission.user, reply, submission.number("reply_id"))
    previous = body["view"].get("previous_view_id")
    if previous:
        _refresh_library(services, previous, submission.user)
