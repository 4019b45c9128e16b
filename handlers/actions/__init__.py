"""Button and menu clicks on case cards, drafts and approver DMs; one listener per file."""

from slack_bolt import App

from bot.slack.ids import Action
from handlers.actions.approve import handle_approve
from handlers.actions.case_menu import handle_case_menu
from handlers.actions.claim import handle_claim
from handlers.actions.close import handle_close
from handlers.actions.draft import handle_draft
from handlers.actions.edit import handle_edit
from handlers.actions.escalate import handle_escalate
from handlers.actions.home_claim import handle_home_claim
from handlers.actions.link_free import handle_link_free
from handlers.actions.move_to_private import handle_move_to_private
from handlers.actions.reject import handle_reject
from handlers.actions.retry import handle_retry
from handlers.actions.take_over import handle_take_over
from handlers.reporting import reported


def register(app: App) -> None:
    app.action(Action.CLAIM.value)(reported(handle_claim))
    app.action(Action.TAKE_OVER.value)(reported(handle_take_over))
    app.action(Action.CASE_MORE.value)(reported(handle_case_menu))
    app.action(Action.DRAFT.value)(reported(handle_draft))
    app.action(Action.EDIT.value)(reported(handle_edit))
    app.action(Action.APPROVE.value)(reported(handle_approve))
    app.action(Action.APPROVE_STALE.value)(reported(handle_approve))
    app.action(Action.REJECT.value)(reported(handle_reject))
    app.action(Action.RETRY.value)(reported(handle_retry))
    app.action(Action.ESCALATE.value)(reported(handle_escalate))
    app.action(Action.CLOSE.value)(reported(handle_close))
    app.action(Action.MOVE_TO_PRIVATE.value)(reported(handle_move_to_private))
    app.action(Action.HOME_CLAIM.value)(reported(handle_home_claim))
    app.action(Action.LINK_FREE.value)(reported(handle_link_free))
