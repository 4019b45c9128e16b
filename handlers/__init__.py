"""Slack listeners, one package per kind; `register_all` is called only by `bot.app`."""

from slack_bolt import App

from handlers import actions, commands, errors, events, knowledge, views


def register_all(app: App) -> None:
    actions.register(app)
    views.register(app)
    commands.register(app)
    events.register(app)
    knowledge.register(app)
    errors.register(app)
