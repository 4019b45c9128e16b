"""Modal submissions; one listener per file."""

from slack_bolt import App

from bot.slack.ids import Callback
from handlers.reporting import reported
from handlers.views.close import handle_close_submission
from handlers.views.draft import handle_draft_submission
from handlers.views.escalate import handle_escalate_submission
from handlers.views.move import handle_move_submission
from handlers.views.reject import handle_reject_submission


def register(app: App) -> None:
    app.view(Callback.DRAFT.value)(reported(handle_draft_submission))
    app.view(Callback.REJECT.value)(reported(handle_reject_submission))
    app.view(Callback.ESCALATE.value)(reported(handle_escalate_submission))
    app.view(Callback.CLOSE.value)(reported(handle_close_submission))
    app.view(Callback.MOVE.value)(reported(handle_move_submission))
