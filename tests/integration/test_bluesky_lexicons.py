"""Every response the Bluesky stand-in gives the atproto client validates against the
lexicons in `../shared/specs/bluesky/lexicons`, and so does every record it stores.

Responses are captured off the client's own httpx transport (event hooks), so what is
validated is exactly what atproto received. The validator is `sandbox/lexicon.py`; the
last tests show it refuses what the lexicons forbid.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import httpx
import pytest
from atproto import Client
from atproto_client.exceptions import (
    BadRequestError,
    RateLimitExceededError,
    RequestException,
    UnauthorizedError,
)
from atproto_client.exceptions import NetworkError as AtprotoNetworkError
from atproto_client.request import Request

from bot.networks.bluesky import encode_tid, mention_facets
from sandbox.bluesky_api import BlueskyStandIn
from sandbox.lexicon import LexiconError, Lexicons
from tests.specs import spec_path


@cache
def lexicons() -> Lexicons:
    return Lexicons(spec_path("bluesky/lexicons/app.bsky.feed.post.json").parent)


def validate(response: httpx.Response) -> None:
    nsid = response.request.url.path.removeprefix("/xrpc/")
    body = response.json() if response.content else None
    if response.is_success:
        lexicons().validate_output(nsid, body)
    else:
        lexicons().validate_error(nsid, body)


@pytest.fixture
def server() -> Iterator[BlueskyStandIn]:
    stand_in = BlueskyStandIn(lexicon_folder=lexicons_folder())
    stand_in.start()
    yield stand_in
    stand_in.stop()


def lexicons_folder() -> Path:
    return spec_path("bluesky/lexicons/app.bsky.feed.post.json").parent


@pytest.fixture
def seen() -> list[httpx.Response]:
    return []


def client_for(server: BlueskyStandIn, seen: list[httpx.Response]) -> Client:
    def keep(response: httpx.Response) -> None:
        response.read()
        seen.append(response)

    return Client(base_url=server.base_url, request=Request(event_hooks={"response": [keep]}))


def logged_in(server: BlueskyStandIn, seen: list[httpx.Response]) -> Client:
    client = client_for(server, seen)
    client.login(server.brand_handle, server.app_password, fetch_bsky_profile=False)
    return client


def validate_all(seen: list[httpx.Response]) -> list[int]:
    for response in seen:
        validate(response)
    return [response.status_code for response in seen]


def test_success_responses_validate(server: BlueskyStandIn, seen: list) -> None:
    jose = server.add_customer("jose.bsky.social", "José", followers=4, language="es")
    question = server.post("jose.bsky.social", "@carethread.bsky.social ¿y mi pedido? 📦")
    server.post(
        "jose.bsky.social", "más detalles https://example.com/order/1", reply_to=question["uri"]
    )
    client = logged_in(server, seen)
    brand = server.brand_did
    text = "Hola José 👋 @jose.bsky.social, lo miramos"
    record = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": "2026-08-20T10:00:00.000Z",
        "langs": ["es"],
        "facets": mention_facets(text, "jose.bsky.social", jose["did"]),
        "reply": {
            "root": {"uri": question["uri"], "cid": question["cid"]},
            "parent": {"uri": question["uri"], "cid": question["cid"]},
        },
    }
    rkey = encode_tid(1_755_684_000_000_000, 42)

    client.app.bsky.actor.get_profile({"actor": brand})
    client.app.bsky.actor.get_profiles({"actors": [jose["did"], brand]})
    first = client.app.bsky.notification.list_notifications({"reasons": ["mention"], "limit": 1})
    client.app.bsky.notification.list_notifications({"limit": 1, "cursor": first.cursor})
    client.com.atproto.repo.create_record(
        {"repo": brand, "collection": "app.bsky.feed.post", "rkey": rkey, "record": record}
    )
    client.com.atproto.repo.get_record(
        {"repo": brand, "collection": "app.bsky.feed.post", "rkey": rkey}
    )
    client.com.atproto.server.refresh_session(
        headers={"Authorization": f"Bearer {client._session.refresh_jwt}"}
    )
    chat = client.with_bsky_chat_proxy()
    convo = chat.chat.bsky.convo.get_convo_for_members({"members": [jose["did"]]}).convo
    chat.chat.bsky.convo.send_message({"convoId": convo.id, "message": {"text": "¿Número?"}})
    chat.chat.bsky.convo.get_convo_for_members({"members": [jose["did"]]})
    chat.chat.bsky.convo.get_messages({"convoId": convo.id})

    assert validate_all(seen) == [200] * 12
    index = server.brand_posts()[-1]["value"]["facets"][0]["index"]
    assert (index["byteStart"], index["byteEnd"]) == (
        len("Hola José 👋 ".encode()),
        len("Hola José 👋 @jose.bsky.social".encode()),
    )


def test_error_responses_validate(server: BlueskyStandIn, seen: list) -> None:
    server.add_customer("ann.bsky.social", accepts_messages="none")
    server.add_customer("bo.bsky.social", accepts_messages="following", follows_brand=False)
    ann, bo = server.actor("ann.bsky.social"), server.actor("bo.bsky.social")
    client = logged_in(server, seen)
    chat = client.with_bsky_chat_proxy()
    brand = server.brand_did
    calls = [
        lambda: client_for(server, seen).login(server.brand_handle, "wrong-password"),  # 401
        lambda: chat.chat.bsky.convo.get_convo_for_members({"members": [ann["did"]]}),
        lambda: chat.chat.bsky.convo.get_convo_for_members({"members": [bo["did"]]}),
        lambda: client.com.atproto.repo.get_record(
            {"repo": brand, "collection": "app.bsky.feed.post", "rkey": "3jzfcijpj2z2a"}
        ),
        lambda: client.com.atproto.repo.create_record(  # 301 graphemes
            {
                "repo": brand,
                "collection": "app.bsky.feed.post",
                "record": {"text": "é" * 301, "createdAt": "2026-08-20T10:00:00Z"},
            }
        ),
    ]
    for call in calls:
        with pytest.raises((UnauthorizedError, BadRequestError)):
            call()
    server.rate_limited("app.bsky.notification.listNotifications")
    with pytest.raises(RateLimitExceededError):
        client.app.bsky.notification.list_notifications()
    server.server_error("app.bsky.actor.getProfile", status=502)
    with pytest.raises(AtprotoNetworkError):  # atproto raises a 502 as a network error
        client.app.bsky.actor.get_profile({"actor": brand})
    with pytest.raises(RequestException):  # chat without the proxy header: the PDS has no chat
        client.chat.bsky.convo.get_messages({"convoId": "x"})

    assert validate_all(seen) == [200, 401, 400, 400, 400, 400, 429, 502, 501]
    assert [r.json()["error"] for r in seen[2:5]] == [
        "MessagesDisabled",
        "NotFollowedBySender",
        "RecordNotFound",
    ]


def test_session_limit_answers_429_with_the_window(server: BlueskyStandIn, seen: list) -> None:
    for _ in range(30):
        client_for(server, seen).login(
            server.brand_handle, server.app_password, fetch_bsky_profile=False
        )
    with pytest.raises(RateLimitExceededError) as caught:
        client_for(server, seen).login(server.brand_handle, server.app_password)
    assert caught.value.limit == 30 and caught.value.policy == "30;w=300"
    assert validate_all(seen)[-1] == 429


def test_the_validator_refuses_what_the_lexicons_forbid() -> None:
    post = {"$type": "app.bsky.feed.post", "text": "ok", "createdAt": "2026-08-20T10:00:00Z"}
    lexicons().validate_record("app.bsky.feed.post", post)
    broken = [
        ({**post, "text": "👍🏽" * 301}, "graphemes"),  # one grapheme each, 301 of them
        ({**post, "createdAt": "yesterday"}, "datetime"),
        ({**post, "langs": ["es", "en", "fr", "de"]}, "at most 3"),
        (
            {
                **post,
                "facets": [
                    {
                        "index": {"byteStart": 0},
                        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "x"}],
                    }
                ],
            },
            "byteEnd",
        ),
        ({**post, "reply": {"root": {"uri": "at://did:plc:abc/app.bsky.feed.post/1"}}}, "parent"),
    ]
    for record, complaint in broken:
        with pytest.raises(LexiconError, match=complaint):
            lexicons().validate_record("app.bsky.feed.post", record)
    lexicons().validate_record("app.bsky.feed.post", {**post, "text": "👍🏽" * 300})


def test_validation_catches_a_response_that_breaks_the_lexicon(
    server: BlueskyStandIn, seen: list
) -> None:
    server.add_customer("dee.bsky.social")
    server.post("dee.bsky.social", "@carethread.bsky.social ping")
    client = logged_in(server, seen)
    client.app.bsky.notification.list_notifications()
    response = seen[-1]
    body = response.json()
    body["notifications"][0]["indexedAt"] = "soon"
    response._content = json.dumps(body).encode()
    with pytest.raises(LexiconError, match="indexedAt"):
        validate(response)
