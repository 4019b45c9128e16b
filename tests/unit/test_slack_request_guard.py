"""The gate in front of Bolt, without a server: what it refuses and why, and that it reads a
body exactly as Bolt does (so what it checked is what Bolt gets)."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_bolt.request.internals import parse_body as bolt_parse_body
from slack_sdk.signature import SignatureVerifier

from bot.slack_payload_check import MAX_OBJECT_ID, element_target, modal_ids, parse_object_id
from bot.slack_request_guard import MAX_BODY_BYTES, check_request, parse_body
from bot.slack_shapes import Malformed
from sandbox.slack_payloads import sign

SECRET = "unit-signing-secret"
VERIFIER = SignatureVerifier(SECRET)
CLICK = {
    "type": "block_actions",
    "user": {"id": "U0AGENT1"},
    "actions": [{"action_id": "case_claim", "block_id": "actions", "value": "42"}],
}


def _signed(body: bytes, content_type: str = "application/x-www-form-urlencoded") -> dict:
    timestamp = int(time.time())
    return {
        "x-slack-request-timestamp": str(timestamp),
        "x-slack-signature": sign(SECRET, body, timestamp),
        "content-type": content_type,
    }


def _form(payload: object) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def test_a_well_formed_signed_click_passes() -> None:
    body = _form(CLICK)
    assert check_request(body, _signed(body), VERIFIER) is None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-slack-request-timestamp": "²³", "x-slack-signature": "v0=" + "0" * 64},
        {"x-slack-request-timestamp": str(int(time.time())), "x-slack-signature": "v0=" + "0" * 64},
        {"x-slack-request-timestamp": "1000000000", "x-slack-signature": "v0=" + "0" * 64},
    ],
    ids=["unsigned", "unicode-digits-timestamp", "wrong-signature", "five-minutes-old"],
)
def test_unsigned_or_badly_signed_requests_get_401(headers: dict) -> None:
    refusal = check_request(_form(CLICK), headers, VERIFIER)
    assert refusal is not None and refusal.status == 401


def test_a_stale_timestamp_is_refused_even_with_a_correct_signature() -> None:
    body = _form(CLICK)
    stale = int(time.time()) - 600
    headers = {
        "x-slack-request-timestamp": str(stale),
        "x-slack-signature": sign(SECRET, body, stale),
    }
    refusal = check_request(body, headers, VERIFIER)
    assert refusal is not None and refusal.status == 401


def test_an_oversized_body_gets_413_before_anything_is_read() -> None:
    refusal = check_request(b"a" * (MAX_BODY_BYTES + 1), {}, VERIFIER)
    assert refusal is not None and refusal.status == 413


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"payload=\xff\xfe", "application/x-www-form-urlencoded", "not UTF-8"),
        (b"payload=%7Bnot json", "application/x-www-form-urlencoded", "not valid JSON"),
        (b"[" * 100_000, "application/json", "not valid JSON"),
        (b'{"a": ' + b"1" * 5000 + b"}", "application/json", "not valid JSON"),
        (_form(None), "application/x-www-form-urlencoded", "JSON object"),
        (_form([CLICK]), "application/x-www-form-urlencoded", "JSON object"),
        (_form({**CLICK, "user": "U0AGENT1"}), "application/x-www-form-urlencoded", "user"),
        (
            _form({**CLICK, "type": "dialog_submission"}),
            "application/x-www-form-urlencoded",
            "type",
        ),
        (_form({**CLICK, "channel": 5}), "application/x-www-form-urlencoded", "channel"),
        (_form({**CLICK, "actions": []}), "application/x-www-form-urlencoded", "actions"),
        (b"", "application/json", "type"),
    ],
)
def test_signed_but_malformed_bodies_get_400_with_a_reason(
    body: bytes, content_type: str, reason: str
) -> None:
    refusal = check_request(body, _signed(body, content_type), VERIFIER)
    assert refusal is not None and refusal.status == 400
    assert reason in refusal.reason


@pytest.mark.parametrize(
    "value", ["²", "١٢", "0", "-1", "1.5", " 1", "01", "1e3", str(2**31), "9" * 30, "", "x:1:2"]
)
def test_our_buttons_carry_only_sane_ascii_ids(value: str) -> None:
    click = {**CLICK, "actions": [{**CLICK["actions"][0], "value": value}]}
    body = _form(click)
    refusal = check_request(body, _signed(body), VERIFIER)
    assert refusal is not None and refusal.status == 400
    assert element_target(value) is None


def test_the_largest_id_passes_and_menu_values_carry_a_kind() -> None:
    assert parse_object_id(str(MAX_OBJECT_ID)) == MAX_OBJECT_ID == 2**31 - 1
    assert element_target("history:42") == 42
    assert element_target("a:b:42") is None
    assert parse_object_id(True) is None


def test_modal_ids_are_required_and_checked() -> None:
    assert modal_ids("draft_modal", '{"case_id": 7, "draft_id": null}') == {
        "case_id": 7,
        "draft_id": None,
    }
    for metadata in ("", "[]", "{}", '{"case_id": "7x"}', '{"case_id": 0}', '{"case_id": 1.0}'):
        with pytest.raises(Malformed):
            modal_ids("close_modal", metadata)


_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["payload=%7B%7D", "payload=null", '{"a": 1}', "command=%2Fx", "payload"]),
    st.builds(
        lambda v: urlencode({"payload": json.dumps(v)}), st.dictionaries(st.text(), st.text())
    ),
)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, content_type=st.sampled_from([None, "application/json", "text/plain"]))
def test_the_gate_reads_a_body_exactly_as_bolt_does(text: str, content_type: str | None) -> None:
    """What the gate checked is what Bolt's listeners get: same result, or both fail."""
    try:
        expected: object = bolt_parse_body(text, content_type)
    except (ValueError, RecursionError) as error:
        expected = type(error)
    try:
        actual: object = parse_body(text, content_type)
    except (ValueError, RecursionError) as error:
        actual = type(error)
    assert actual == expected
