"""Hypothesis strategies for hostile requests to the Slack endpoint.

Each strategy starts from a well-formed payload of a kind the app receives (built by the
sandbox, so in Slack's shape) and breaks it in one way that is malformed for certain: a
required field gone, a field of the wrong type, an id that is not ours, text that is not
valid Unicode, nesting too deep, a body that is not UTF-8 or not JSON, an unknown type.
A strategy whose result could still be valid would make the test fail for the wrong
reason, so every replacement value is drawn from values the field cannot take.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from bot.slack_payload_check import MAX_DEPTH, MAX_OBJECT_ID, element_target
from sandbox.slack_payloads import FORM, request_body

JSON = "application/json"
KNOWN_TYPES = {
    "block_actions",
    "block_suggestion",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "url_verification",
    "event_callback",
    "app_rate_limited",
}


@dataclass(frozen=True, repr=False)
class Attack:
    """One request body, and what was done to it (shown when an example fails)."""

    body: bytes
    content_type: str
    what: str

    def __repr__(self) -> str:  # the body can be megabytes: Hypothesis prints this instead
        return f"Attack({self.what[:300]!r}, {len(self.body)} bytes, {self.content_type!r})"


# -- values a field cannot take ---------------------------------------------------------
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12)
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _not(*kinds: type) -> st.SearchStrategy[Any]:
    return JSON_VALUES.filter(lambda v: not isinstance(v, kinds))


NOT_OBJECT = _not(dict)
NOT_TEXT = _not(str)
NOT_LIST = _not(list)
# Neither null, text, nor an object (Slack sends any of those for team/channel/enterprise).
NOT_ID_HOLDER = _not(dict, str, type(None))
_SLACK_ID = re.compile(r"[A-Z0-9]{2,64}")
NOT_SLACK_ID = st.one_of(
    NOT_TEXT, st.text(max_size=70).filter(lambda v: not _SLACK_ID.fullmatch(v))
)
NOT_OUR_ID = st.one_of(
    st.sampled_from(["²", "١٢", "0", "00", "-1", "+1", "1.0", "1e3", " 1", "1 ", "0x10", "", "∞"]),
    st.integers(min_value=MAX_OBJECT_ID + 1).map(str),
    st.integers(max_value=0).map(str),
    st.from_regex(r"[0-9]{17,40}", fullmatch=True),
    st.text(max_size=10).filter(lambda v: element_target(v) is None),
)
NOT_URL = st.one_of(
    NOT_TEXT,
    st.sampled_from(["javascript:alert(1)", "ftp://example.com", "http://a b", "//x", "http://"]),
)
TOO_LONG = st.text(min_size=3001, max_size=3100)
_TS = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,9})?")
NOT_TS = st.one_of(_not(str), st.text(max_size=8).filter(lambda v: not _TS.fullmatch(v)))
NOT_SLACK_ID_TEXT = st.text(max_size=20).filter(lambda v: not _SLACK_ID.fullmatch(v))
LONE_SURROGATE = st.sampled_from(["\ud800", "x\udfff", "\udbff\udc00\ud800"])


# -- one way to break a payload ---------------------------------------------------------
@dataclass(frozen=True)
class Break:
    path: str  # dotted, list indexes as numbers: "actions.0.value"
    values: st.SearchStrategy[Any] | None  # None: delete the field


def _apply(payload: dict, path: str, value: Any, delete: bool) -> dict:
    broken = copy.deepcopy(payload)
    *parents, last = path.split(".")
    node: Any = broken
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        if delete:
            del node[int(last)]
        else:
            node[int(last)] = value
    elif delete:
        node.pop(last, None)
    else:
        node[last] = value
    return broken


_COMMON = [
    Break("user", NOT_OBJECT),
    Break("user", None),
    Break("user.id", NOT_SLACK_ID),
    Break("user.id", None),
    Break("team", NOT_ID_HOLDER),
    Break("team.id", NOT_SLACK_ID),
    Break("enterprise", NOT_ID_HOLDER),
    Break("type", NOT_TEXT),
    Break("type", st.text(max_size=20).filter(lambda t: t not in KNOWN_TYPES)),
    Break("authorizations", NOT_LIST),
    Break("authorizations", st.lists(_not(dict), min_size=1, max_size=2)),
]
BREAKS: dict[str, list[Break]] = {
    "block_actions": _COMMON
    + [
        Break("actions", NOT_LIST),
        Break("actions", st.just([])),
        Break("actions", None),
        Break("actions.0", NOT_OBJECT),
        Break("actions.0.action_id", NOT_TEXT),
        Break("actions.0.action_id", None),
        Break("actions.0.value", NOT_OUR_ID),
        Break("actions.0.value", TOO_LONG),
        Break("channel", NOT_ID_HOLDER),
        Break("channel.id", NOT_SLACK_ID),
        Break("container", NOT_OBJECT),
        Break("container.channel_id", NOT_SLACK_ID),
        Break("container.message_ts", NOT_TS),
        Break("trigger_id", NOT_TEXT),
        Break("response_url", NOT_URL),
        Break("state", NOT_OBJECT),
        Break("state.values", NOT_OBJECT),
        Break("view", NOT_OBJECT),
        Break("message", NOT_OBJECT),
        Break("message.user", _not(dict, str)),
        Break("message.thread_ts", NOT_TS.filter(lambda v: v is not None)),
        Break("actions.0.value", LONE_SURROGATE),
        Break("message.text", LONE_SURROGATE),
    ],
    "view_submission": _COMMON
    + [
        Break("view", NOT_OBJECT),
        Break("view", None),
        Break("view.callback_id", NOT_TEXT),
        Break("view.callback_id", None),
        Break("view.id", None),
        Break("view.private_metadata", NOT_TEXT),
        Break("view.private_metadata", st.sampled_from(["", "{", "[]", "null", "{}", "7"])),
        Break(
            "view.private_metadata",
            st.one_of(NOT_OUR_ID, _not(str, int)).map(lambda v: json.dumps({"case_id": v})),
        ),
        Break("view.state", NOT_OBJECT),
        Break("view.state.values", NOT_OBJECT),
        Break("view.state.values.text", NOT_OBJECT),
        Break("view.state.values.text.text", NOT_OBJECT),
        Break("view.state.values.text.text.value", _not(str, type(None))),
        Break("view.state.values.visibility.visibility.selected_option", _not(dict, type(None))),
        Break("view.state.values.text.text.value", LONE_SURROGATE),
        Break("response_urls", NOT_LIST),
    ],
    "view_closed": _COMMON
    + [
        Break("view", NOT_OBJECT),
        Break("view.callback_id", NOT_TEXT),
        Break("is_cleared", _not(bool)),
    ],
    "block_suggestion": _COMMON
    + [
        Break("action_id", NOT_TEXT),
        Break("action_id", None),
        Break("value", NOT_TEXT),
        Break("block_id", NOT_TEXT),
    ],
    "event_callback": [
        Break("type", NOT_TEXT),
        Break("event", NOT_OBJECT),
        Break("event", None),
        Break("event.type", NOT_TEXT),
        Break("event.type", None),
        Break("event.user", _not(str, dict)),
        Break("event.user", NOT_SLACK_ID_TEXT),
        Break("event.user", NOT_SLACK_ID.map(lambda v: {"id": v})),
        Break("event.channel", NOT_ID_HOLDER),
        Break("event.view", NOT_OBJECT),
        Break("event.tab", LONE_SURROGATE),
        Break("team_id", st.one_of(_not(str, type(None)), st.just("t lower"))),
        Break("event_time", _not(int)),
        Break("is_ext_shared_channel", _not(bool)),
        Break("authorizations", NOT_LIST),
        Break("authorizations.0", NOT_OBJECT),
        Break("authorizations.0.team_id", NOT_SLACK_ID.filter(lambda v: v is not None)),
    ],
    "url_verification": [
        Break("challenge", NOT_TEXT),
        Break("challenge", None),
        Break("challenge", st.text(min_size=501, max_size=600)),
    ],
}
# Slash commands arrive as form fields: every value is text, so only text can be wrong.
COMMAND_BREAKS = [
    Break("command", None),
    Break("command", st.text(max_size=40).filter(lambda c: not re.fullmatch(r"/[^\s/]{1,31}", c))),
    Break("user_id", None),
    Break("user_id", NOT_SLACK_ID_TEXT),
    Break("channel_id", NOT_SLACK_ID_TEXT),
    Break("response_url", st.sampled_from(["javascript:alert(1)", "ftp://x", "", "http:// x"])),
    Break("type", st.text(max_size=10)),  # Bolt would read a typed payload as a command too
]


def broken_payloads(templates: dict[str, dict]) -> st.SearchStrategy[Attack]:
    """A template of each kind with one of its `BREAKS` applied."""

    @st.composite
    def build(draw: st.DrawFn) -> Attack:
        kind = draw(st.sampled_from(sorted(templates)))
        template = templates[kind]
        breaks = COMMAND_BREAKS if kind == "slash_command" else BREAKS[kind]
        chosen = draw(st.sampled_from(breaks))
        value = draw(chosen.values) if chosen.values is not None else None
        broken = _apply(template, chosen.path, value, delete=chosen.values is None)
        if kind == "slash_command":
            return Attack(urlencode(broken).encode(), FORM, f"command {chosen.path}={value!r}")
        body, content_type = request_body(broken)
        what = f"{kind} {chosen.path}" + (" deleted" if chosen.values is None else f"={value!r}")
        return Attack(body, content_type, what)

    return build()


# -- bodies that are wrong as a whole ---------------------------------------------------
def _carried(text: str, as_json: bool) -> Attack:
    if as_json:
        return Attack(text.encode(), JSON, f"JSON body {text[:60]!r}")
    return Attack(urlencode({"payload": text}).encode(), FORM, f"payload={text[:60]!r}")


def _invalid_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return True
    return False


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


NON_UTF8 = st.one_of(
    st.binary(min_size=1, max_size=200).filter(_not_utf8),
    st.builds(
        lambda b: b"payload=%7B%7D" + b, st.sampled_from([b"\xff", b"\xc3(", b"\xed\xa0\x80"])
    ),
).map(lambda data: Attack(data, FORM, f"not UTF-8: {data[:40]!r}"))

BROKEN_JSON = st.builds(
    _carried,
    st.one_of(
        st.text(max_size=40).filter(_invalid_json),
        st.sampled_from(['{"type": "block_actions"', "{'type': 1}", "[1,]", "nul", "{,}"]),
        st.integers(min_value=4301, max_value=6000).map(lambda n: '{"a": ' + "1" * n + "}"),
    ),
    st.booleans(),
)

NOT_AN_OBJECT = st.builds(
    _carried,
    NOT_OBJECT.map(json.dumps).filter(lambda t: not t.startswith("{")),
    st.booleans(),
)


def _nested(depth: int, kind: str) -> str:
    if kind == "list":
        return '{"type": "block_actions", "x": ' + "[" * depth + "]" * depth + "}"
    return '{"type": "event_callback", "event": ' + '{"a": ' * depth + "1" + "}" * (depth + 1)


TOO_DEEP = st.builds(
    _carried,
    st.builds(
        _nested,
        st.one_of(
            st.integers(min_value=MAX_DEPTH, max_value=200),
            st.integers(min_value=5_000, max_value=50_000),
        ),
        st.sampled_from(["list", "object"]),
    ),
    st.booleans(),
)

UNKNOWN_KIND = st.builds(
    _carried,
    st.dictionaries(
        st.text(max_size=8).filter(lambda k: k not in ("command", "ssl_check")),
        JSON_VALUES,
        max_size=4,
    ).flatmap(
        lambda d: (
            st.text(max_size=24)
            .filter(lambda t: t not in KNOWN_TYPES)
            .map(lambda t: json.dumps({**d, "type": t}))
        )
    ),
    st.booleans(),
)

FORM_NOISE = st.dictionaries(
    st.text(max_size=10).filter(lambda k: k not in ("payload", "command", "ssl_check", "type")),
    st.text(max_size=10),
    max_size=4,
).map(lambda fields: Attack(urlencode(fields).encode(), FORM, f"form fields {fields!r}"))


def hostile_requests(templates: dict[str, dict]) -> st.SearchStrategy[Attack]:
    """Every way to be malformed, each kind of payload about equally often."""
    return st.one_of(
        broken_payloads(templates),
        broken_payloads(templates),
        broken_payloads(templates),
        NON_UTF8,
        BROKEN_JSON,
        NOT_AN_OBJECT,
        TOO_DEEP,
        UNKNOWN_KIND,
        FORM_NOISE,
    )
