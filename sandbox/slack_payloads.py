"""What Slack sends to an app: interaction payloads, slash commands and Events API callbacks.

Pure builders for `block_actions`, `block_suggestion`, `view_submission`, `view_closed`,
slash command, `url_verification` and `event_callback` payloads in the shape Slack
documents, how each travels to a Request URL (form-encoded `payload=<json>`, form fields, or
JSON) or over Socket Mode (which envelope type), and the signed POST itself. The stand-in
(sandbox/slack_api.py) supplies the stored message or view; nothing here holds state.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
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


FORM = "application/x-www-form-urlencoded"


def sign(signing_secret: str, body: str | bytes, timestamp: int) -> str:
    """Slack's v0 signature: HMAC-SHA256 of `v0:{timestamp}:{body}`, hex, prefixed `v0=`.
    Over the bytes as sent, so a test can sign a body that is not even UTF-8."""
    raw = body.encode() if isinstance(body, str) else body
    base = f"v0:{timestamp}:".encode() + raw
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def is_event(payload: dict) -> bool:
    """Events API deliveries (and their url_verification handshake) travel as JSON."""
    return payload.get("type") in ("event_callback", "url_verification", "app_rate_limited")


def is_slash_command(payload: dict) -> bool:
    return "command" in payload and "type" not in payload


def request_body(payload: dict) -> tuple[bytes, str]:
    """The body and Content-Type Slack POSTs `payload` with to a Request URL."""
    if is_event(payload):
        return json.dumps(payload).encode(), "application/json"
    if is_slash_command(payload):
        return urlencode(payload).encode(), FORM
    return urlencode({"payload": json.dumps(payload)}).encode(), FORM


def envelope_type(payload: dict) -> str:
    """The Socket Mode envelope `type` that carries `payload`."""
    if is_event(payload):
        return "events_api"
    if is_slash_command(payload):
        return "slash_commands"
    return "interactive"


def post_payload(
    url: str, payload: dict, signing_secret: str, timeout: float = SLACK_ACK_TIMEOUT
) -> tuple[int, str]:
    """POST `payload` signed, encoded as Slack encodes its kind; returns (status, body)."""
    body, content_type = request_body(payload)
    return post_signed(url, body, content_type, signing_secret, timeout)


def post_signed(
    url: str,
    body: bytes,
    content_type: str,
    signing_secret: str,
    timeout: float = SLACK_ACK_TIMEOUT,
) -> tuple[int, str]:
    """POST any `body` with a valid signature, as Slack's servers would; (status, body)."""
    timestamp = int(time.time())
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": sign(signing_secret, body, timestamp),
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    }
    request = Request(url, data=body, headers=headers, method="POST")
    try:
        with urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(errors="replace")
    except HTTPError as error:  # 4xx/5xx are answers too: the test wants to see them
        return error.code, error.read().decode(errors="replace")


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
            return copy.deepcopy(option)
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


def view_block_actions(
    *, team: dict, user: dict, view: dict, action: dict, trigger_id: str
) -> dict:
    """A `block_actions` payload for an element in a modal or a Home tab: the container
    is the view, which comes whole (with what was typed so far in `view.state`)."""
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


# What a person can put into each input element: one text, one option, or several options.
_TEXT_INPUTS = frozenset({"plain_text_input"})
_ONE_OPTION_INPUTS = frozenset({"radio_buttons", "static_select"})
_MANY_OPTION_INPUTS = frozenset({"checkboxes"})
FORM_INPUTS = _TEXT_INPUTS | _ONE_OPTION_INPUTS | _MANY_OPTION_INPUTS
REQUIRED_FIELD = "Please complete this required field."

RawValue = str | list[str] | None


def input_elements(blocks: list[dict]) -> Iterator[tuple[dict, dict]]:
    """Yield (block, element) for every input block's element."""
    for block in blocks:
        element = block.get("element")
        if block.get("type") == "input" and isinstance(element, dict):
            yield block, element


def _raw(raw: dict[str, dict[str, RawValue]], block: dict, element: dict) -> RawValue:
    return (raw.get(block.get("block_id", "")) or {}).get(element.get("action_id", ""))


def _is_empty(value: RawValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def missing_required(blocks: list[dict], raw: dict[str, dict[str, RawValue]]) -> dict[str, str]:
    """Slack's own check before a modal is submitted: every input block that is not
    `optional` needs a value. Errors keyed by block_id; the app never hears of these."""
    return {
        block["block_id"]: REQUIRED_FIELD
        for block, element in input_elements(blocks)
        if element.get("type") in FORM_INPUTS
        and not block.get("optional")
        and _is_empty(_raw(raw, block, element))
    }


def view_state_values(
    blocks: list[dict], raw: dict[str, dict[str, RawValue]]
) -> dict[str, dict[str, dict]]:
    """`view.state.values` as Slack builds it from what a person typed and picked.

    `raw` maps block_id → action_id → the text, the chosen option's value, or the list
    of chosen values; options come back whole, as defined in the view."""
    values: dict[str, dict[str, dict]] = {}
    for block, element in input_elements(blocks):
        kind = element.get("type")
        if kind not in FORM_INPUTS:
            continue
        given = _raw(raw, block, element)
        entry: dict = {"type": kind}
        if kind in _TEXT_INPUTS:
            entry["value"] = given if isinstance(given, str) and given != "" else None
        elif kind in _ONE_OPTION_INPUTS:
            chosen = given if isinstance(given, str) and given else None
            entry["selected_option"] = _option(element, chosen) if chosen else None
        else:
            chosen_many = given if isinstance(given, list) else []
            entry["selected_options"] = [_option(element, v) for v in chosen_many]
        values.setdefault(block["block_id"], {})[element["action_id"]] = entry
    return values


def block_suggestion(
    *,
    team: dict,
    user: dict,
    action_id: str,
    block_id: str,
    value: str,
    container: dict | None = None,
    view: dict | None = None,
) -> dict:
    """A `block_suggestion` payload: someone typed `value` in an external select (of the
    modal `view`, which then comes whole, as Slack sends it)."""
    if container is None:
        container = {"type": "view", "view_id": view["id"]} if view else {}
    return {
        "type": "block_suggestion",
        "user": user,
        "container": container,
        **({"view": view} if view is not None else {}),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "team": team,
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
    """A slash command as Slack posts it: flat form fields, all text."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team["id"],
        "team_domain": team.get("domain", ""),
        "channel_id": channel["id"],
        "channel_name": channel.get("name", ""),
        "user_id": user["id"],
        "user_name": user.get("name", ""),
        "command": command,
        "text": text,
        "api_app_id": API_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def url_verification(challenge: str) -> dict:
    """The handshake Slack sends when a Request URL for events is saved."""
    return {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}


def event_callback(
    *, team_id: str, bot_user_id: str, event: dict, event_id: str, event_time: int
) -> dict:
    """An Events API delivery wrapping `event` (e.g. app_home_opened), authorized for the
    app's bot user."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
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
