from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.cases.claim import unclaim_case
from bot.cases.history import case_history
from bot.cases.moving import move_choices
from bot.cases.private_data import reveal_original
from bot.errors import UserFacingError
from bot.i18n import _
from bot.knowledge.customers import customer_of_case
from bot.services import services_of
from bot.slack.builders.common import blocks_as_dicts
from bot.slack.builders.ephemerals import build_history, build_original_posts
from bot.slack.builders.modals import build_move_modal
from bot.slack.ids import CaseMenu
from handlers.actions.click import Click
from handlers.knowledge.customer import open_customer_profile


def handle_case_menu(
    ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    """The card's overflow menu: the case history or the original text (approvers only),
    both shown only to the clicker; unclaim; or the modal to send the case to another team."""
    ack()
    click = Click.from_body(body)
    services = services_of(context)
    if click.choice == CaseMenu.HISTORY:
        message = build_history(click.target_id, case_history(services, click.target_id))
    elif click.choice == CaseMenu.SHOW_ORIGINAL:
        originals = reveal_original(services, click.target_id, click.user)
        message = build_original_posts(click.target_id, originals)
    elif click.choice == CaseMenu.UNCLAIM:
        unclaim_case(services, click.target_id, click.user)
        return
    elif click.choice == CaseMenu.MOVE:
        choices, current = move_choices(services, click.target_id)
        view = build_move_modal(click.target_id, choices, current)
        services.slack.views_open(trigger_id=click.trigger_id, view=view)
    elif click.choice == CaseMenu.CUSTOMER:
        customer_id = customer_of_case(services, click.target_id)
        open_customer_profile(services, click.trigger_id, customer_id, click.target_id)
        return
    else:
        raise UserFacingError(_("This menu is out of date; use the case's latest message."))
    text, blocks = message
    # Ephemeral: never in the channel, whatever it holds.
    respond(
        response_type="ephemeral",
        replace_original=False,
        text=text,
        blocks=blocks_as_dicts(blocks),
    )
