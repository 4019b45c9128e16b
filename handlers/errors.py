"""The one error handler: expected problems reach the clicking user, the rest get an id.

It runs for payloads that may be malformed (that is sometimes why it runs), so it reads
them defensively and never raises itself.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import UserFacingError
from bot.i18n import _
from bot.slack_payload_check import payload_channel, payload_user

log = logging.getLogger("carethread.errors")


def register(app: App) -> None:
    app.error(handle_error)


def handle_error(error: Exception, body: dict[str, Any], client: WebClient) -> None:
    if isinstance(error, UserFacingError):
        text = error.message
    else:
        error_id = uuid.uuid4().hex[:8]
        log.error("Unexpected error %s handling %s", error_id, _describe(body), exc_info=error)
        # Not "nothing was sent": the failure may come after a reply reached X.
        text = _(
            "Sorry, something went wrong on our side (error id {error_id}). Check the case "
            "thread before trying again."
        ).format(error_id=error_id)
    _tell_user(client, body, text)


def _describe(body: dict[str, Any]) -> str:
    """The payload's kind and clicked action, for the log (ascii, short, never raises)."""
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    action_id = action.get("action_id") if isinstance(action, dict) else None
    parts = [body.get("type"), action_id]
    return " ".join(ascii(p)[1:-1][:60] for p in parts if isinstance(p, str) and p) or "a request"


def _tell_user(client: WebClient, body: dict[str, Any], text: str) -> None:
    user, channel = payload_user(body), payload_channel(body)
    if user is None:
        return
    try:
        if channel:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
        else:
            client.chat_postMessage(channel=user, text=text)
    except SlackApiError as exc:
        log.warning("Could not tell %s about an error: %s", user, exc.response.get("error"))
    except OSError as exc:  # Slack unreachable: the log is all that is left
        log.warning("Could not tell %s about an error: %s", user, exc)
