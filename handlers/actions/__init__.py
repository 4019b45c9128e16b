"""Button clicks on case cards."""

from slack_bolt import App

from bot.slack.ids import Action
from handlers.actions.coming_soon import handle_coming_soon


def register(app: App) -> None:
    for action in (Action.CLAIM, Action.DRAFT, Action.ESCALATE, Action.CLOSE):
        app.action(action.value)(handle_coming_soon)
