"""What Slack sends to an app's Request URL: signed, form-encoded interaction payloads.

Pure builders for `block_actions`, `view_submission` and `view_closed` payloads in the shape
Slack documents, plus the signed POST itself. The stand-in (sandbox/slack_api.py) supplies
the stored message or view; nothing here holds state.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

API_APP_ID = "A0CARETHRD"
# The deprecated verification token Slack still puts in every payload.
VERIFICATION_TOKEN = "sandbox-verification-token"
# Slack gives up on a Request URL after 3 seconds ("operation_timeout").
SLACK_ACK_TIMEOUT = 3.0
STATEFUL_ELEMENTS = frozenset(
    {
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "checkboxes",
        "radio_buttons",
        "datepicker",
        "timepicker",
        "plain_text_input",
    }
)


def sign(signing_secret: str, body: str, timestamp: int) -> str:
    """Slack's v0 signature: HMAC-SHA256 of `v0:{timestamp}:{body}`, hex, prefixed `v0=`."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def post_payload(
    url: str, payload: dict, signing_secret: str, timeout: float = SLACK_ACK_TIMEOUT
) -> tuple[int, str]:
    """POST `payload=<json>` form-encoded and signed, as Slack does; returns (status, body)."""
    return post_form(url, {"payload": json.dumps(payload)}, signing_secret, timeout)


def post_form(
    url: str, fields: dict, signing_secret: str, timeout: float = SLACK_ACK_TIMEOUT
) -> tuple[int, str]:
    """POST `fields` form-encoded and signed (slash commands arrive as plain fields)."""
    body = urlencode(fields)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": sign(signing_secret, body, timestamp),
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    }
    request = Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except HTTPError as error:  # 4xx/5xx are answers too: the test wants to see them
        return error.code, error.read().decode()


def user_object(user: dict, team_id: str) -> dict:
    """The `user` of an interaction payload."""
    return {"id": user["id"], "username": user["name"], "name": user["name"], "team_id": team_id}


def _walk_elements(blocks: list[dict]):
    """Yield (block, element) for every interactive element in `blocks`."""
    for block in blocks:
        for element in block.get("elements") or []:
            if isinstance(element, dict) and "action_id" in element:
                yield block, element
        for key in ("accessory", "element"):
            element = block.get(key)
            if isinstance(element, dict) and "action_id" in element:
                yield block, element


def find_element(
    blocks: list[dict], action_id: str, block_id: str | None, value: str | None
) -> tuple[dict, dict]:
    """The (block, element) a click on `action_id` hits; `block_id`/`value` disambiguate."""
    for block, element in _walk_elements(blocks):
        if element["action_id"] != action_id:
            continue
        if block_id is not None and block.get("block_id") != block_id:
            continue
        if value is not None and element.get("value") not in (None, value):
            continue
        return block, element
    raise LookupError(f"no element with action_id={action_id!r} (block_id={block_id!r}) in message")


def find_option(element: dict, value: str) -> dict:
    """The option of a select, overflow, radio or checkbox element whose value is `value`."""
    return _option(element, value)


def _option(element: dict, value: str) -> dict:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    for option in options:
        if option.get("value") == value:
            return option
    raise LookupError(f"{element['action_id']!r} has no option with value {value!r}")


def action_object(
    block: dict, element: dict, *, value: str | None, selected_option: str | None, action_ts: str
) -> dict:
    """One entry of `actions`: what Slack reports about the clicked element."""
    action = {
        "type": element.get("type", "button"),
        "action_id": element["action_id"],
        "block_id": block["block_id"],
        "action_ts": action_ts,
    }
    if action["type"] == "button":
        action["text"] = element.get("text")
        chosen = value if value is not None else element.get("value")
        if chosen is not None:
            action["value"] = chosen
        if "style" in element:
            action["style"] = element["style"]
    elif selected_option is not None:
        action["selected_option"] = _option(element, selected_option)
    return action


def state_for(action: dict) -> dict:
    """`state.values` as Slack sends it after a select changed in a message."""
    if action["type"] not in STATEFUL_ELEMENTS or "selected_option" not in action:
        return {"values": {}}
    entry = {"type": action["type"], "selected_option": action["selected_option"]}
    return {"values": {action["block_id"]: {action["action_id"]: entry}}}


def block_actions(
    *,
    team: dict,
    user: dict,
    container: dict,
    channel: dict,
    message: dict | None,
    action: dict,
    trigger_id: str,
    response_url: str,
) -> dict:
    """A `block_actions` payload; `message` is None for ephemeral messages, as in Slack."""
    payload = {
        "type": "block_actions",
        "user": user,
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": trigger_id,
        "team": team,
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": channel,
        "state": state_for(action),
        "response_url": response_url,
        "actions": [action],
    }
    if message is not None:
        payload["message"] = message
    return payload


def view_submission(*, team: dict, user: dict, view: dict, trigger_id: str) -> dict:
    """A `view_submission` payload for `view` (whose state already holds the values)."""
    return {
        "type": "view_submission",
        "team": team,
        "user": user,
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "view": view,
        "response_urls": [],
        "enterprise": None,
        "is_enterprise_install": False,
    }


def view_closed(*, team: dict, user: dict, view: dict, is_cleared: bool) -> dict:
    """A `view_closed` payload (sent only when the view asked for `notify_on_close`)."""
    return {
        "type": "view_closed",
        "team": team,
        "user": user,
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "view": view,
        "is_cleared": is_cleared,
        "enterprise": None,
        "is_enterprise_install": False,
    }


def slash_command(
    *,
    team: dict,
    user: dict,
    channel: dict,
    command: str,
    text: str,
    trigger_id: str,
    response_url: str,
) -> dict:
    """The form fields of a slash command invocation."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team["id"],
        "team_domain": team["domain"],
        "channel_id": channel["id"],
        "channel_name": channel.get("name", "directmessage"),
        "user_id": user["id"],
        "user_name": user["name"],
        "command": command,
        "text": text,
        "api_app_id": API_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def view_action(*, team: dict, user: dict, view: dict, action: dict, trigger_id: str) -> dict:
    """A `block_actions` payload for a click inside a modal: the container is the view, the
    view comes whole (with what is typed in it), and there is no response_url."""
    return {
        "type": "block_actions",
        "user": user,
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": {"type": "view", "view_id": view["id"]},
        "trigger_id": trigger_id,
        "team": team,
        "enterprise": None,
        "is_enterprise_install": False,
        "view": view,
        "actions": [action],
    }


def block_suggestion(
    *, team: dict, user: dict, view: dict, block_id: str, action_id: str, value: str
) -> dict:
    """What Slack sends to load an external select's options as the user types."""
    return {
        "type": "block_suggestion",
        "user": user,
        "container": {"type": "view", "view_id": view["id"]},
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "team": team,
        "enterprise": None,
        "is_enterprise_install": False,
        "view": view,
    }


def check_options_answer(answer: dict) -> list[str]:
    """Slack's rules for an options answer: options or option_groups, at most 100 each,
    plain-text labels of at most 75 characters, values of at most 150."""
    problems: list[str] = []
    groups = answer.get("option_groups")
    if groups is not None:
        if len(groups) > 100:
            problems.append("more than 100 option groups")
        lists = [(f"option_groups/{i}", g.get("options") or []) for i, g in enumerate(groups)]
        for i, group in enumerate(groups):
            if len(((group.get("label") or {}).get("text")) or "") > 75:
                problems.append(f"option_groups/{i}/label longer than 75 characters")
    elif "options" in answer:
        lists = [("options", answer["options"])]
    else:
        return ["the answer has neither options nor option_groups"]
    for where, options in lists:
        if len(options) > 100:
            problems.append(f"{where}: more than 100 options")
        for j, option in enumerate(options):
            text = (option.get("text") or {}).get("text") or ""
            if not text or len(text) > 75:
                problems.append(f"{where}/{j}/text must be 1-75 characters")
            if not option.get("value") or len(str(option["value"])) > 150:
                problems.append(f"{where}/{j}/value must be 1-150 characters")
    return problems
