"""What each kind of payload Slack sends the app must look like before anyone reads it.

Bolt builds its request context from fields it assumes have Slack's types (`"id" in team`,
`body["actions"][0]`, `view.get(...)`) and raises on anything else before any listener runs;
our listeners assume the same. `check_payload` states those assumptions once, for every kind
the app can receive over HTTP or Socket Mode, so a malformed payload is refused with a reason
instead of failing halfway through. Only fields that Bolt or our code read are checked; the
ids our own buttons and modals carry are checked in full (`parse_object_id`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from bot.slack.ids import Action, Callback
from bot.slack_shapes import (
    Check,
    JsonObject,
    Malformed,
    boolean,
    integer,
    list_of,
    mapping_of,
    null,
    nullable,
    obj,
    one_of,
    plain_tree,
    text,
)

# The largest id our tables hold: their ids are `integer` columns, 32-bit in PostgreSQL
# (which refuses a larger parameter with an error) and 64-bit in SQLite (which overflows
# at 2**63). A larger id is not ours and must not reach either.
MAX_OBJECT_ID = 2**31 - 1
# Deep enough for rich-text blocks inside a clicked message (about 12 levels).
MAX_DEPTH = 40
_OBJECT_ID = re.compile(r"[1-9][0-9]{0,9}")  # ASCII digits only: no '²', no '١٢'
_ELEMENT_VALUE = re.compile(r"(?:[a-z_]{1,32}:)?([^:]*)")

# The ids each of our modals carries in private_metadata (bot/slack/answer_blocks.py):
# (required, may be null).
MODAL_IDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Callback.DRAFT: (("case_id",), ("draft_id",)),
    Callback.REJECT: (("draft_id",), ()),
    Callback.ESCALATE: (("case_id",), ()),
    Callback.CLOSE: (("case_id",), ()),
    Callback.MOVE: (("case_id",), ()),
    Callback.SAVED_REPLIES: ((), ()),
    Callback.SAVED_REPLY: ((), ("reply_id",)),
    Callback.CUSTOMER: (("customer_id",), ("case_id",)),
    Callback.LINK_IDENTITY: (("customer_id",), ()),
}
# Elements whose value is not a case or draft id (a saved reply, a wording, a JSON pair,
# a choice): their listeners parse and check the value themselves.
_FREE_VALUE_ACTIONS = frozenset(
    {
        Action.LINK_FREE,
        Action.SAVED_REPLY_PICK,
        Action.COPY_PAST_REPLY,
        Action.CHECK_DRAFT,
        Action.LIBRARY_ADD,
        Action.LIBRARY_REPLY,
        Action.LIBRARY_ONE_TAP,
        Action.CUSTOMER_LINK,
        Action.CUSTOMER_UNLINK,
        Action.CUSTOMER_PICK,
    }
)
_OUR_ACTIONS = frozenset(action.value for action in Action) - _FREE_VALUE_ACTIONS


def parse_object_id(raw: object) -> int | None:
    """A case or draft id as a button, menu option or modal carries it: ASCII digits (or a
    JSON whole number) from 1 to MAX_OBJECT_ID; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _OBJECT_ID.fullmatch(raw):
        value = int(raw)
    else:
        return None
    return value if 1 <= value <= MAX_OBJECT_ID else None


def element_value(action: Mapping[str, object]) -> str:
    """What a clicked element carries: a button's value, or the chosen option's value."""
    value = action.get("value")
    if isinstance(value, str) and value:
        return value
    option = action.get("selected_option")
    chosen = option.get("value") if isinstance(option, Mapping) else None
    return chosen if isinstance(chosen, str) else ""


def element_target(value: str) -> int | None:
    """The case or draft id in an element value of ours: `42`, or `history:42` in menus."""
    match = _ELEMENT_VALUE.fullmatch(value)
    return parse_object_id(match.group(1)) if match else None


def payload_user(body: Mapping[str, object]) -> str | None:
    """Who clicked or submitted: the payload's `user.id`, if it is readable."""
    user = body.get("user")
    user_id = user.get("id") if isinstance(user, Mapping) else None
    return user_id if isinstance(user_id, str) and user_id else None


def payload_channel(body: Mapping[str, object]) -> str | None:
    """Where it happened: the payload's channel, else its container's (None in modals)."""
    for holder, key in ((body.get("channel"), "id"), (body.get("container"), "channel_id")):
        channel = holder.get(key) if isinstance(holder, Mapping) else None
        if isinstance(channel, str) and channel:
            return channel
    return None


def modal_ids(callback_id: str, private_metadata: object) -> dict[str, int | None]:
    """The ids one of our modals carries, checked; `Malformed` if any is missing or bad."""
    required, may_be_null = MODAL_IDS[callback_id]
    try:
        metadata = json.loads(private_metadata) if isinstance(private_metadata, str) else None
    except (ValueError, RecursionError) as error:
        raise Malformed("view.private_metadata is not JSON") from error
    if not isinstance(metadata, dict):
        raise Malformed("view.private_metadata must be a JSON object")
    ids: dict[str, int | None] = {}
    for key in required + may_be_null:
        raw = metadata.get(key)
        if raw is None and key in may_be_null:
            ids[key] = None
            continue
        ids[key] = parse_object_id(raw)
        if ids[key] is None:
            raise Malformed(f"view.private_metadata.{key} is not an id of ours")
    return ids


# -- field types ------------------------------------------------------------------------
SLACK_ID = text(pattern=r"[A-Z0-9]{2,64}")  # U…, W…, C…, G…, D…, T…, E…, B…
TS = text(pattern=r"[0-9]{1,12}(?:\.[0-9]{1,9})?")
URL = text(pattern=r"https?://[!-~]+", max_length=2048)  # printable ASCII, no spaces
NAME = text(max_length=255)  # action_id, block_id, callback_id, trigger_id, tokens
VALUE = text(max_length=2000)
USER = obj(required={"id": SLACK_ID}, optional={"team_id": nullable(SLACK_ID), "name": NAME})
OPTION = obj(optional={"value": VALUE})
STATE_VALUES = mapping_of(
    mapping_of(
        obj(
            optional={
                "type": NAME,
                # Free text as typed (Slack caps inputs at 3,000; room for more).
                "value": nullable(text(max_length=20_000)),
                "selected_option": nullable(OPTION),
            }
        )
    )
)
STATE = obj(optional={"values": STATE_VALUES})
_VIEW_FIELDS: dict[str, Check] = {
    "id": NAME,
    "callback_id": NAME,
    "type": NAME,
    "hash": NAME,
    "private_metadata": text(max_length=3000),
    "state": STATE,
    "team_id": nullable(SLACK_ID),
    "app_installed_team_id": nullable(SLACK_ID),
}
VIEW = obj(optional=_VIEW_FIELDS)


def _context_object(value: object, where: str) -> None:
    """The fields Bolt reads to build a request's context, wherever it looks for them:
    the payload, its event, and the messages, items and threads inside it."""
    _CONTEXT(value, where)


_CONTEXT = obj(
    optional={
        "type": NAME,
        "subtype": NAME,
        "user": one_of(SLACK_ID, obj(optional={"id": SLACK_ID, "team_id": nullable(SLACK_ID)})),
        "user_id": nullable(SLACK_ID),
        "team": one_of(
            null, SLACK_ID, obj(optional={"id": SLACK_ID, "enterprise_id": nullable(SLACK_ID)})
        ),
        "team_id": nullable(SLACK_ID),
        "enterprise": one_of(null, SLACK_ID, obj(optional={"id": SLACK_ID})),
        "enterprise_id": nullable(SLACK_ID),
        "channel": one_of(null, SLACK_ID, obj(optional={"id": SLACK_ID})),
        "channel_id": nullable(SLACK_ID),
        "thread_ts": nullable(TS),
        "bot_id": nullable(SLACK_ID),
        "user_team": nullable(SLACK_ID),
        "context_team_id": nullable(SLACK_ID),
        "context_enterprise_id": nullable(SLACK_ID),
        "is_ext_shared_channel": boolean,
        "api_app_id": NAME,
        "function_execution_id": nullable(NAME),
        "bot_access_token": nullable(NAME),
        "function_data": obj(optional={"execution_id": NAME, "inputs": obj()}),
        "function": obj(optional={"callback_id": NAME}),
        "inputs": nullable(obj()),
        "view": VIEW,
        "authorizations": list_of(_context_object),
        "response_url": URL,
        "response_urls": list_of(obj(optional={"response_url": URL})),
        "event": _context_object,
        "message": _context_object,
        "previous_message": _context_object,
        "item": _context_object,
        "assistant_thread": _context_object,
    }
)


# -- kinds ------------------------------------------------------------------------------
def _our_element(action: JsonObject, where: str) -> None:
    """A click on one of our elements must carry one of our ids (bot/slack/blocks.py)."""
    if action["action_id"] in _OUR_ACTIONS and element_target(element_value(action)) is None:
        raise Malformed(f"{where} does not carry a case or draft id")


def _our_modal(body: JsonObject, where: str) -> None:
    view = body["view"]
    if view["callback_id"] in MODAL_IDS:
        modal_ids(view["callback_id"], view.get("private_metadata"))


ACTION = obj(
    required={"action_id": NAME},
    optional={
        "block_id": NAME,
        "type": NAME,
        "value": VALUE,
        "selected_option": nullable(OPTION),
        "action_ts": TS,
    },
    also=(_our_element,),
)
CONTAINER = obj(
    optional={
        "type": NAME,
        "channel_id": SLACK_ID,
        "message_ts": TS,
        "thread_ts": TS,
        "view_id": NAME,
        "is_ephemeral": boolean,
    }
)
SUBMITTED_VIEW = obj(required={"id": NAME, "callback_id": NAME}, optional=_VIEW_FIELDS)

_KINDS: dict[str, Check] = {
    "block_actions": obj(
        required={"user": USER, "actions": list_of(ACTION, min_items=1, max_items=25)},
        optional={
            "container": CONTAINER,
            "trigger_id": NAME,
            "state": STATE,
            "message": obj(),
        },
    ),
    "block_suggestion": obj(
        required={"user": USER, "action_id": NAME},
        optional={"block_id": NAME, "value": VALUE, "container": CONTAINER},
    ),
    "view_submission": obj(
        required={"user": USER, "view": SUBMITTED_VIEW},
        optional={"trigger_id": NAME},
        also=(_our_modal,),
    ),
    "view_closed": obj(
        required={"user": USER, "view": SUBMITTED_VIEW}, optional={"is_cleared": boolean}
    ),
    "shortcut": obj(required={"user": USER, "callback_id": NAME}, optional={"trigger_id": NAME}),
    "message_action": obj(
        required={"user": USER, "callback_id": NAME},
        optional={"trigger_id": NAME, "message": obj()},
    ),
    "url_verification": obj(required={"challenge": text(max_length=500)}),
    "event_callback": obj(
        required={"event": obj(required={"type": NAME})},
        optional={"event_id": NAME, "event_time": integer},
    ),
    "app_rate_limited": obj(optional={"minute_rate_limited": integer}),
}
# Form-encoded (no `type`): every value is text already.
_SLASH_COMMAND = obj(
    required={"command": text(pattern=r"/[^\s/]{1,31}"), "user_id": SLACK_ID},
    optional={"text": text(max_length=4000), "trigger_id": NAME},
)
_SSL_CHECK = obj(required={"ssl_check": text(pattern="1")})


def check_payload(body: object) -> str:
    """Raise `Malformed` unless `body` is a payload of a kind Slack sends, in Slack's shape;
    return its kind (the payload `type`, "slash_command" or "ssl_check")."""
    if not isinstance(body, dict):
        raise Malformed("the payload must be a JSON object")
    plain_tree(body, max_depth=MAX_DEPTH)
    if "command" in body or "ssl_check" in body:
        # Bolt treats any payload with `command` as a slash command.
        if "type" in body:
            raise Malformed("a slash command has no type")
        kind, check = (
            ("slash_command", _SLASH_COMMAND) if "command" in body else ("ssl_check", _SSL_CHECK)
        )
    else:
        kind_field = body.get("type")
        check_or_none = _KINDS.get(kind_field) if isinstance(kind_field, str) else None
        if check_or_none is None:
            raise Malformed(f"unknown payload type {str(kind_field)[:40]!r}")
        kind, check = str(kind_field), check_or_none
    _context_object(body, "")
    check(body, "")
    return kind
