from typing import Any

from slack_bolt import Ack, Respond


def handle_coming_soon(ack: Ack, respond: Respond, action: dict[str, Any]) -> None:
    """Until answering lands, a click says so instead of failing silently."""
    ack()
    respond(
        response_type="ephemeral",
        replace_original=False,
        text="Claiming, drafting, escalating and closing from Slack are coming soon.",
    )
