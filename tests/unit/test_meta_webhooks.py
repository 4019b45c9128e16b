"""Meta webhook checks and payloads (pure): signature, handshake, which events are posts."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from typing import Any

import pytest

from bot.networks.meta.objects import MentionRef
from bot.networks.meta.webhooks import (
    handle_meta_webhook,
    mention_refs,
    parse_webhook,
    verify_handshake,
    verify_signature,
)

SECRET = "app-secret"
PAGE = "1000000000000001"


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def environ(method: str, body: bytes = b"", query: str = "", **headers: str) -> dict[str, Any]:
    env = {
        "REQUEST_METHOD": method,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    env.update({"HTTP_" + k.upper(): v for k, v in headers.items()})
    return env


def feed(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "page",
        "entry": [{"id": PAGE, "time": 1, "changes": [{"field": "feed", "value": value}]}],
    }


COMMENT = {
    "item": "comment",
    "verb": "add",
    "comment_id": "55_66",
    "post_id": f"{PAGE}_55",
    "parent_id": f"{PAGE}_55",
    "from": {"id": "71", "name": "Bob Stone"},
    "message": "Open on Sunday?",
    "created_time": 1784037900,
}


def test_the_signature_is_the_hmac_of_the_raw_body() -> None:
    body = json.dumps(feed(COMMENT)).encode()
    assert verify_signature(body, sign(body), SECRET) is True
    assert verify_signature(body, sign(body).upper().replace("SHA256=", "sha256="), SECRET) is True
    assert verify_signature(body + b" ", sign(body), SECRET) is False
    assert verify_signature(body, sign(body, "other"), SECRET) is False
    assert verify_signature(body, None, SECRET) is False
    assert verify_signature(body, sign(body).removeprefix("sha256="), SECRET) is False


def test_the_handshake_needs_subscribe_and_our_token() -> None:
    good = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert verify_handshake(good, "tok") == "1158201444"
    assert verify_handshake(good | {"hub.verify_token": "tak"}, "tok") is None
    assert verify_handshake(good | {"hub.mode": "unsubscribe"}, "tok") is None
    assert verify_handshake(good, None) is None  # webhooks not configured


def test_a_comment_and_a_visitor_post_are_posts_but_edits_and_the_pages_own_are_not() -> None:
    visitor = {
        "item": "status",
        "verb": "add",
        "post_id": f"{PAGE}_77",
        "from": {"id": "72", "name": "Ann Lee"},
        "message": "Lost my receipt",
        "created_time": 1784037800,
    }
    payload = {
        "object": "page",
        "entry": [
            {
                "id": PAGE,
                "time": 1,
                "changes": [
                    {"field": "feed", "value": COMMENT},
                    {"field": "feed", "value": visitor},
                    {"field": "feed", "value": COMMENT | {"verb": "edited", "comment_id": "55_67"}},
                    {"field": "feed", "value": COMMENT | {"from": {"id": PAGE, "name": "Us"}}},
                    {"field": "feed", "value": {"item": "reaction", "verb": "add"}},
                ],
            }
        ],
    }
    posts = parse_webhook(payload)
    assert [(p.external_id, p.meta["kind"]) for p in posts] == [
        ("55_66", "comment"),
        (f"{PAGE}_77", "visitor_post"),
    ]
    comment = posts[0]
    assert comment.conversation_id == "55_66" and comment.in_reply_to_id == f"{PAGE}_55"
    assert comment.created_at.timestamp() == 1784037900


def test_messenger_events_skip_echoes_receipts_and_keep_attachments() -> None:
    def event(**message: Any) -> dict[str, Any]:
        return {
            "sender": {"id": "81"},
            "recipient": {"id": PAGE},
            "timestamp": 1784037900123,
            "message": message,
        }

    payload = {
        "object": "page",
        "entry": [
            {
                "id": PAGE,
                "time": 1784037900123,
                "messaging": [
                    event(mid="m_1", text="Hello"),
                    event(mid="m_2", text="Our answer", is_echo=True),
                    event(mid="m_3", attachments=[{"type": "image"}]),
                    {"sender": {"id": "81"}, "recipient": {"id": PAGE}, "read": {"watermark": 1}},
                ],
            }
        ],
    }
    posts = parse_webhook(payload)
    assert [(p.external_id, p.text) for p in posts] == [("m_1", "Hello"), ("m_3", "(attachment)")]
    assert posts[0].conversation_id == "messenger:81"
    assert posts[0].created_at.timestamp() == pytest.approx(1784037900.123)


def test_instagram_comments_dms_and_mentions() -> None:
    account = "17841400000000001"
    payload = {
        "object": "instagram",
        "entry": [
            {
                "id": account,
                "time": 1784037900,
                "changes": [
                    {
                        "field": "comments",
                        "value": {
                            "from": {"id": "61", "username": "dana"},
                            "id": "1801",
                            "parent_id": "1800",
                            "text": "Same question",
                            "media": {"id": "1790", "media_product_type": "FEED"},
                        },
                    },
                    {"field": "mentions", "value": {"media_id": "1795", "comment_id": "1802"}},
                    {"field": "mentions", "value": {"media_id": "1796"}},
                ],
                "messaging": [
                    {
                        "sender": {"id": "62"},
                        "recipient": {"id": account},
                        "timestamp": 1784037900000,
                        "message": {"mid": "aWdfZA", "text": "Refund?"},
                    }
                ],
            }
        ],
    }
    posts = parse_webhook(payload)
    assert [(p.network, p.external_id, p.meta["kind"], p.conversation_id) for p in posts] == [
        ("instagram", "1801", "ig_comment_reply", "1800"),
        ("instagram", "aWdfZA", "ig_dm", "instagram-dm:62"),
    ]
    assert mention_refs(payload) == [MentionRef("1795", "1802"), MentionRef("1796")]


def test_the_handler_answers_each_kind_of_request() -> None:
    body = json.dumps(feed(COMMENT)).encode()
    accepted = handle_meta_webhook(
        environ("POST", body, X_HUB_SIGNATURE_256=sign(body)), app_secret=SECRET, verify_token="t"
    )
    unsigned = handle_meta_webhook(environ("POST", body), app_secret=SECRET, verify_token="t")
    bad_json = handle_meta_webhook(
        environ("POST", b"{", X_HUB_SIGNATURE_256=sign(b"{")), app_secret=SECRET, verify_token="t"
    )
    huge = environ("POST", b"")
    huge["CONTENT_LENGTH"] = str(10_000_000)
    too_big = handle_meta_webhook(huge, app_secret=SECRET, verify_token="t")
    put = handle_meta_webhook(environ("PUT"), app_secret=SECRET, verify_token="t")
    challenge = handle_meta_webhook(
        environ("GET", query="hub.mode=subscribe&hub.verify_token=t&hub.challenge=99"),
        app_secret=SECRET,
        verify_token="t",
    )

    assert (accepted.status, accepted.body, len(accepted.posts)) == ("200 OK", b"EVENT_RECEIVED", 1)
    assert (unsigned.status, unsigned.posts) == ("401 Unauthorized", [])
    assert bad_json.status == "400 Bad Request"
    assert too_big.status.startswith("413")
    assert put.status.startswith("405")
    assert (challenge.status, challenge.body) == ("200 OK", b"99")
