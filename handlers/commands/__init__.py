"""Slash commands: `/carethread` and its subcommands (a table in `carethread.py`)."""

from slack_bolt import App

from handlers.commands.carethread import COMMAND, handle_carethread
from handlers.reporting import reported


def register(app: App) -> None:
    app.command(COMMAND)(reported(handle_carethread))
