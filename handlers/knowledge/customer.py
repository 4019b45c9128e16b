"""The customer in one place: opened from the card's menu or `/carethread find @handle`;
tags and notes saved from it; accounts linked and unlinked by agents."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.errors import UserFacingError
from bot.knowledge import phrases
from bot.knowledge.customers import (
    customer_profile,
    link_accounts,
    search_customers,
    unlink_accounts,
    update_customer,
)
from bot.services import Services, services_of
from bot.slack.builders.customer import (
    build_customer_modal,
    build_customer_options,
    build_link_modal,
)
from bot.slack.failures import best_effort
from bot.slack.ids import Field
from handlers.knowledge.modal_action import ModalAction
from handlers.views.submission import Submission


def open_customer_profile(
    services: Services, trigger_id: str, customer_id: int, from_case: int | None = None
) -> None:
    profile = customer_profile(services, customer_id, from_case)
    services.slack.views_open(trigger_id=trigger_id, view=build_customer_modal(profile))


def _refresh(services: Services, view_id: str, customer_id: int, from_case: int | None) -> None:
    profile = customer_profile(services, customer_id, from_case)
    with best_effort(f"refresh the customer modal {view_id}"):
        services.slack.views_update(view_id=view_id, view=build_customer_modal(profile))


def handle_customer_submission(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Save the profile's tags and note (each change audited)."""
    submission = Submission.from_body(body)
    services = services_of(context)
    note = submission.values.get(Field.NOTE, "")
    try:
        update_customer(
            services,
            submission.user,
            submission.number("customer_id") or 0,
            set(submission.choices.get(Field.TAGS, [])),
            note,
        )
    except UserFacingError as problem:
        ack(
            response_action="errors",
            errors=submission.errors_for_view({Field.NOTE: problem.message}),
        )
        return
    ack()


def handle_customer_link(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    action = ModalAction.from_body(body)
    services = services_of(context)
    profile = customer_profile(services, int(action.value))
    services.slack.views_push(
        trigger_id=action.trigger_id,
        view=build_link_modal(profile.customer_id, profile.handle, profile.network_label),
    )


def handle_customer_options(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    services = services_of(context)
    metadata = json.loads((body.get("view") or {}).get("private_metadata") or "{}")
    found = search_customers(
        services, str(body.get("value") or ""), int(metadata.get("customer_id") or 0)
    )
    ack(
        **build_customer_options(
            [
                (m.customer_id, m.handle, m.name, services.networks.look(m.network).label)
                for m in found
            ]
        )
    )


def handle_link_submission(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    submission = Submission.from_body(body)
    services = services_of(context)
    customer_id = submission.number("customer_id") or 0
    other = submission.values.get(Field.OTHER_CUSTOMER, "")
    try:
        if not other.isdigit():
            raise UserFacingError(phrases.CUSTOMER_GONE)
        link_accounts(services, submission.user, customer_id, int(other))
    except UserFacingError as problem:
        ack(
            response_action="errors",
            errors=submission.errors_for_view({Field.OTHER_CUSTOMER: problem.message}),
        )
        return
    ack()
    previous = body["view"].get("previous_view_id")
    if previous:
        _refresh(services, previous, customer_id, None)


def handle_customer_unlink(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    action = ModalAction.from_body(body)
    services = services_of(context)
    if not action.value.isdigit():
        raise UserFacingError(phrases.LINK_GONE)
    unlink_accounts(services, action.user, int(action.value))
    _refresh(services, action.view_id, action.number("customer_id") or 0, action.number("case_id"))
