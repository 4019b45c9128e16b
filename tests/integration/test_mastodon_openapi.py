"""Every response the Mastodon stand-in gives Mastodon.py validates against the OpenAPI 3.1
description generated from Mastodon's documentation (`mastodon/mastodon-openapi.json`).

Responses are captured off Mastodon.py's own `requests` session, so what is validated is
exactly what the client saw, headers included (X-RateLimit-*, Link).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from mastodon import Mastodon, MastodonAPIError, MastodonRatelimitError
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from bot.networks.mastodon import FilteredNotificationsSession
from sandbox.mastodon_api import MastodonStandIn
from tests.specs import spec_path

SERVER = "https://mastodon.example"  # the description's server (its default hostname)


@cache
def openapi() -> OpenAPI:
    spec = json.loads(spec_path("mastodon/mastodon-openapi.json").read_text())
    # The description gives an integer a default of "null", so checking the description
    # itself fails; responses are what we check.
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


def validate(response: requests.Response) -> None:
    url = urlsplit(response.request.url)
    # Rails serves /api/v2/instance/ as /api/v2/instance: the description has no slash.
    path = url.path.rstrip("/")
    request = MockRequest(SERVER, response.request.method, path, args=dict(parse_qsl(url.query)))
    captured = MockResponse(
        response.content,
        status_code=response.status_code,
        headers=dict(response.headers),
        content_type=response.headers["Content-Type"].split(";")[0],
    )
    openapi().validate_response(request, captured)


@pytest.fixture
def server() -> Iterator[MastodonStandIn]:
    stand_in = MastodonStandIn()
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def seen() -> list[requests.Response]:
    return []


def client_for(
    server: MastodonStandIn, seen: list[requests.Response], token: str | None = None
) -> Mastodon:
    session = FilteredNotificationsSession()
    session.hooks["response"].append(lambda response, **_: seen.append(response))
    return Mastodon(
        api_base_url=server.base_url,
        access_token=token or server.access_token,
        ratelimit_method="throw",
        request_timeout=5,
        session=session,
    )


def validate_all(seen: list[requests.Response]) -> list[int]:
    for response in seen:
        validate(response)
    return [response.status_code for response in seen]


def test_success_responses_validate(server: MastodonStandIn, seen: list) -> None:
    client = client_for(server, seen)
    server.add_customer("alice", "Alice", followers=3, language="es")
    server.add_customer("bob", "Bob", domain="other.example", follows_brand=False)
    server.set_policy(for_not_followers="filter")
    root = server.post("alice", "@carethread la app falla https://example.com/a/very/long/link")
    for n in range(5):
        server.post("bob@other.example", f"@carethread detail {n}")
    server.post("alice", "@carethread private", visibility="direct")

    me = client.account_verify_credentials()
    client.instance_v2()
    first = client.notifications(types=["mention"], limit=3)
    client.fetch_next(first)
    client.fetch_previous(client.notifications(types=["mention"], min_id=first[-1]["id"]))
    reply = client.status_post(
        "@alice lo miramos", in_reply_to_id=root["id"], language="es", idempotency_key="k1"
    )
    client.status_post("@alice lo miramos", in_reply_to_id=root["id"], idempotency_key="k1")
    client.status_post("@alice ¿tu pedido?", in_reply_to_id=root["id"], visibility="direct")
    client.status_context(reply["id"])
    client.status(root["id"])
    client.account_statuses(me["id"], limit=2)
    client.conversations()

    assert validate_all(seen) == [200] * 13
    assert "Link" in seen[2].headers and "X-RateLimit-Reset" in seen[2].headers


def test_error_responses_validate(server: MastodonStandIn, seen: list) -> None:
    client = client_for(server, seen)
    server.add_token("write-only", {"write"})
    server.add_customer("carol")
    question = server.post("carol", "@carethread hi")
    calls = [
        lambda: client_for(server, seen, token="wrong").account_verify_credentials(),  # 401
        lambda: client_for(server, seen, token="write-only").account_verify_credentials(),  # 403
        lambda: client.status("999"),  # 404
        lambda: client.status_post("x" * 501, in_reply_to_id=question["id"]),  # 422
    ]
    for call in calls:
        with pytest.raises(MastodonAPIError):
            call()
    server.rate_limited("/api/v1/notifications")
    with pytest.raises(MastodonRatelimitError):
        client.notifications(types=["mention"])
    server.server_error("/api/v1/accounts/verify_credentials", status=503)
    with pytest.raises(MastodonAPIError):
        client.account_verify_credentials()

    assert validate_all(seen) == [401, 403, 404, 422, 429, 503]


def test_validation_catches_a_response_that_breaks_the_description(
    server: MastodonStandIn, seen: list
) -> None:
    client = client_for(server, seen)
    server.add_customer("dave")
    server.post("dave", "@carethread ping")
    client.notifications(types=["mention"])
    response = seen[0]
    body = response.json()
    del body[0]["account"]["acct"]
    response._content = json.dumps(body).encode()
    with pytest.raises(Exception, match="acct"):
        validate(response)
