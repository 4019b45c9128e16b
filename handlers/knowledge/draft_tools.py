"""Clicks inside the draft modal: start from a saved reply, copy a past case's reply, check
spelling and tone. Each rebuilds the modal with views.update, keeping what was typed."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.errors import UserFacingError
from bot.knowledge import phrases
from bot.knowledge.draft_modal import CHECK_WAIT_SECONDS, modal_form, past_reply, review_draft
from bot.knowledge.saved_replies import filled_reply, filled_text
from bot.services import Services, services_of
from bot.slack.builders.modals import build_draft_modal
from bot.slack.failures import best_effort
from bot.slack.ids import Field
from bot.slack.views import DraftFormView
from handlers.knowledge.modal_action import ModalAction


def _update(services: Services, action: ModalAction, form: DraftFormView) -> None:
    # No hash: the person's own action wins over the update that brings the past cases
    # (which does send one, and gives way).
    with best_effort(f"update the draft modal {action.view_id}"):
        services.slack.views_update(view_id=action.view_id, view=build_draft_modal(form))


def _replace_text(services: Services, action: ModalAction, text: str) -> None:
    """Put `text` in the reply box (a new version of the box, so Slack shows it)."""
    case_id = action.number("case_id") or 0
    form = modal_form(
        services,
        case_id,
        action.number("draft_id"),
        text=text,
        visibility=action.form.values.get(Field.VISIBILITY, ""),
        text_version=action.form.count("v") + 1,
    )
    _update(services, action, form)


def handle_pick_saved_reply(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    action = ModalAction.from_body(body)
    services = services_of(context)
    if not action.value.isdigit():
        raise UserFacingError(phrases.SAVED_REPLY_GONE)
    case_id = action.number("case_id") or 0
    text = filled_reply(services, int(action.value), case_id, action.user)
    _replace_text(services, action, text)


def handle_copy_past_reply(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    action = ModalAction.from_body(body)
    services = services_of(context)
    try:
        chosen = json.loads(action.value)
        template = past_reply(services, int(chosen["case"]), int(chosen["draft"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise UserFacingError(phrases.PAST_REPLY_GONE) from exc
    case_id = action.number("case_id") or 0
    _replace_text(services, action, filled_text(services, template, case_id, action.user))


def handle_check_draft(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    action = ModalAction.from_body(body)
    services = services_of(context)
    case_id = action.number("case_id") or 0
    text = action.form.values.get(Field.TEXT, "")
    visibility = action.form.values.get(Field.VISIBILITY, "")
    advice = review_draft(services, case_id, text, visibility, wait_seconds=CHECK_WAIT_SECONDS)
    form = modal_form(
        services,
        case_id,
        action.number("draft_id"),
        text=text,
        visibility=visibility,
        text_version=action.form.count("v"),
        advice=advice,
    )
    _update(services, action, form)
