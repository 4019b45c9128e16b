"""The one error handler: expected problems reach the clicking user, the rest get an id."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import UserFacingError

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
        text = (
            f"Sorry, something went wrong on our side (error id {error_id}). "
            "Check the case thread before trying again."
        )
    _tell_user(client, body, text)


def _describe(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return f"{body.get('type')} {actions[0].get('action_id', '')}".strip()


def _tell_user(client: WebClient, body: dict[str, Any], text: str) -> None:
    user = (body.get("user") or {}).get("id")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    if not user:
        return
    try:
        if channel:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
        else:
            client.chat_postMessage(channel=user, text=text)
    except SlackApiError as exc:
        log.warning("Could not tell %s about an error: %s", user, exc.response.get("error"))
