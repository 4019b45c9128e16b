"""Slack listeners of the knowledge features (issue 15): the draft modal's tools, the
saved-replies library, holding replies, the customer in one place. `register(app)` is
called by `handlers.register_all`."""

from slack_bolt import App

from bot.slack.ids import Action, Callback
from handlers.knowledge.customer import (
    handle_customer_link,
    handle_customer_options,
    handle_customer_submission,
    handle_customer_unlink,
    handle_link_submission,
)
from handlers.knowledge.draft_tools import (
    handle_check_draft,
    handle_copy_past_reply,
    handle_pick_saved_reply,
)
from handlers.knowledge.holding import handle_holding_reply
from handlers.knowledge.library import (
    handle_library_add,
    handle_library_reply,
    handle_one_tap,
    handle_saved_reply_submission,
)
from handlers.knowledge.saved_reply_options import handle_saved_reply_options
from handlers.reporting import reported


def register(app: App) -> None:
    app.options(Action.SAVED_REPLY_PICK.value)(handle_saved_reply_options)
    app.action(Action.SAVED_REPLY_PICK.value)(reported(handle_pick_saved_reply))
    app.action(Action.COPY_PAST_REPLY.value)(reported(handle_copy_past_reply))
    app.action(Action.CHECK_DRAFT.value)(reported(handle_check_draft))
    app.action(Action.LIBRARY_ADD.value)(reported(handle_library_add))
    app.action(Action.LIBRARY_REPLY.value)(reported(handle_library_reply))
    app.action(Action.LIBRARY_ONE_TAP.value)(reported(handle_one_tap))
    app.view(Callback.SAVED_REPLY.value)(reported(handle_saved_reply_submission))
    app.action(Action.HOLDING_REPLY.value)(reported(handle_holding_reply))
    app.view(Callback.CUSTOMER.value)(reported(handle_customer_submission))
    app.action(Action.CUSTOMER_LINK.value)(reported(handle_customer_link))
    app.action(Action.CUSTOMER_UNLINK.value)(reported(handle_customer_unlink))
    app.options(Action.CUSTOMER_PICK.value)(handle_customer_options)
    app.view(Callback.LINK_IDENTITY.value)(reported(handle_link_submission))
