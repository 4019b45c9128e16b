"""The gate in front of Bolt on `POST /slack/events`: only signed, well-formed requests pass.

Bolt parses a request body while building its request object, before its own signature
check runs and outside its error handling, so a body it cannot read (not UTF-8, broken or
deeply nested JSON, `null` or a list as payload, a number where an object belongs) ends as
an HTTP 500 with a traceback. `check_request` looks first: the size, then the signature
(slack_sdk's `SignatureVerifier`; Bolt checks it again), then the body, parsed exactly as
Bolt 1.30 parses it (`slack_bolt.request.internals.parse_body`) and checked by
`check_payload`. It is pure: it reads nothing but its arguments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

from bot.slack_payload_check import check_payload
from bot.slack_shapes import Malformed

# Slack's largest payloads (a clicked message with 50 blocks, a modal of 100 blocks) stay
# well below 1 MB as JSON; form encoding can triple that.
MAX_BODY_BYTES = 4 * 1024 * 1024
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True)
class Refusal:
    """Why a request does not reach Bolt, as the HTTP status and a reason for the log."""

    status: int
    reason: str


def check_request(
    body: bytes, headers: Mapping[str, str], verifier: SignatureVerifier
) -> Refusal | None:
    """None if the request may go on to Bolt; otherwise the answer it gets instead.

    `headers` are lower-case names (`x-slack-signature`, `content-type`, …)."""
    if len(body) > MAX_BODY_BYTES:
        return Refusal(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    # SignatureVerifier calls int() on the timestamp, which also reads '²' and '١٢'.
    if not (_TIMESTAMP.fullmatch(timestamp) and _SIGNATURE.fullmatch(signature)):
        return Refusal(401, "no Slack signature")
    try:
        # Slack signs UTF-8 text; SignatureVerifier cannot even hash anything else.
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "the body is not UTF-8 text")
    if not verifier.is_valid(text, timestamp, signature):
        return Refusal(401, "invalid Slack signature")
    try:
        payload = parse_body(text, _content_type(headers))
    except (ValueError, RecursionError):
        return Refusal(400, "the body is not valid JSON or form data")
    try:
        check_payload(payload)
    except Malformed as malformed:
        return Refusal(400, malformed.reason)
    return None


def parse_body(text: str, content_type: str | None) -> object:
    """The payload as Bolt 1.30 reads it: JSON when declared or when it looks like an object,
    else a form whose `payload` field holds JSON (interactions) or whose fields are the
    payload (slash commands). Raises ValueError or RecursionError where Bolt would."""
    if not text:
        return {}
    if content_type == "application/json" or text.startswith("{"):
        return json.loads(text)
    if "payload" in text:
        payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
        return json.loads(payload) if payload is not None else {}
    return dict(parse_qsl(text, keep_blank_values=True))


def _content_type(headers: Mapping[str, str]) -> str | None:
    """As Bolt reads it: the part before `;`, case and spaces kept."""
    value = headers.get("content-type")
    return value.split(";")[0] if value else None
