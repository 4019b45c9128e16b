from typing import Any

from slack_bolt import BoltContext

from bot.services import services_of


def handle_app_home_opened(event: dict[str, Any], context: BoltContext) -> None:
    """Publish the user's Home tab whenever they open it (Bolt acknowledges events itself)."""
    if event.get("tab", "home") != "home":
        return
    services = services_of(context)
    services.home.opened(services, str(event["user"]))
