"""Events API listeners; one per file."""

from slack_bolt import App

from handlers.events.home import handle_app_home_opened


def register(app: App) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
