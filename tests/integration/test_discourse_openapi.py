"""Every answer the Discourse stand-in gives the connector validates against Discourse's
published OpenAPI description (`../shared/specs/discourse/openapi.json`).

Responses are captured off the connector's own `requests` session, so what is validated
is exactly what the client read. The description documents success answers only (and
the 301 of a topic looked up by external id); Discourse's error bodies are not in it,
so those are checked against the shape Discourse's `render_json_error` produces.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from bot.networks import NetworkError, Outgoing, ReplyTarget
from bot.networks.discourse import DiscourseNetwork
from bot.networks.discourse_watch import Watch
from sandbox.discourse_api import DiscourseStandIn
from storage.enums import Visibility
from tests.specs import spec_path

HOST = "https://discourse.example.com"  # the description's server


@cache
def openapi() -> OpenAPI:
    spec = json.loads(spec_path("discourse/openapi.json").read_text())
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


def validate(response: requests.Response) -> None:
    url = urlsplit(response.request.url)
    request = MockRequest(
        HOST, str(response.request.method).lower(), url.path, args=dict(parse_qsl(url.query))
    )
    captured = MockResponse(
        response.content,
        status_code=response.status_code,
        headers=dict(response.headers),
        content_type=response.headers.get("Content-Type", "application/json").split(";")[0],
    )
    openapi().validate_response(request, captured)


def check_error_body(response: requests.Response) -> None:
    """Discourse's error answers: `errors` (strings) and an `error_type`, or a post
    creator's refusal (`action` and `errors`)."""
    body = response.json()
    assert isinstance(body["errors"], list) and all(isinstance(e, str) for e in body["errors"])
    assert isinstance(body.get("error_type"), str) or body.get("action") == "create_post"


@pytest.fixture
def forum() -> Iterator[DiscourseStandIn]:
    stand_in = DiscourseStandIn()
    stand_in.add_user("alice", "Alice")
    stand_in.add_user("dora", "Dora", allow_private_messages=False)
    stand_in.add_category("Support", "support")
    stand_in.add_category("Billing", "billing", parent="support")
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def seen() -> list[requests.Response]:
    return []


def network(
    forum: DiscourseStandIn, seen: list[requests.Response], **overrides: str
) -> DiscourseNetwork:
    session = requests.Session()
    session.hooks["response"].append(lambda response, **_: seen.append(response))
    return DiscourseNetwork(
        forum.base_url,
        overrides.get("key", forum.api_key),
        overrides.get("username", forum.api_username),
        Watch(categories=("support",)),
        session=session,
        timeout=2,
    )


def outgoing(
    visibility: Visibility, text: str, meta: dict[str, Any], handle: str = "alice"
) -> Outgoing:
    target = ReplyTarget("1", "3", handle, str(meta["topic_id"]), datetime.now(UTC), meta)
    return Outgoing(visibility, text, f"carethread-draft-{visibility}-{handle}", target)


def test_success_responses_validate(forum: DiscourseStandIn, seen: list) -> None:
    client = network(forum, seen)
    cursor = client.fetch_posts(None, datetime.now(UTC) - timedelta(days=1)).cursor
    first = forum.start_topic(
        "alice", "Invoice shows wrong VAT", "@acme_support my invoice is wrong", category="billing"
    )
    forum.reply("alice", first.topic_id, "Also the address is wrong", reply_to_post_number=1)
    forum.send_private_message(
        "alice", ["acme_support"], "private hello", "a private message to the brand"
    )
    page = client.fetch_posts(cursor, None)
    meta = dict(page.posts[0].meta)
    client.send(outgoing(Visibility.PUBLIC, "We will send a corrected invoice today.", meta))
    private = outgoing(Visibility.PRIVATE, "Which address should we use?", meta)
    client.send(private)
    client.find_sent(
        outgoing(Visibility.PUBLIC, "We will send a corrected invoice today.", meta),
        datetime.now(UTC) - timedelta(minutes=5),
    )
    client.find_sent(private, datetime.now(UTC) - timedelta(minutes=5))
    client.find_sent(
        outgoing(Visibility.PRIVATE, "never sent", meta, handle="nobody"), datetime.now(UTC)
    )

    statuses = []
    for response in seen:
        if response.status_code < 400:
            validate(response)
        else:
            check_error_body(response)
        statuses.append(
            (response.request.method, urlsplit(response.request.url).path, response.status_code)
        )
    assert statuses[:2] == [("GET", "/u/acme_support.json", 200), ("GET", "/posts.json", 200)]
    assert ("GET", "/categories.json", 200) in statuses
    assert statuses.count(("POST", "/posts.json", 200)) == 2
    assert ("GET", "/t/external_id/carethread-draft-private-alice.json", 301) in statuses
    (sent_message,) = [t for t in forum.private_messages_to("alice") if t.external_id]
    assert ("GET", f"/t/{sent_message.id}/posts.json", 200) in statuses
    assert ("GET", "/t/external_id/carethread-draft-private-nobody.json", 404) in statuses
    assert len(page.posts) == 2  # the private message to the brand is not a public post


def test_error_responses_have_discourses_shape(forum: DiscourseStandIn, seen: list) -> None:
    forum.start_topic("dora", "Parcel arrived broken", "@acme_support the parcel was crushed")
    meta = {"topic_id": 1, "post_number": 1, "topic_title": "Parcel arrived broken"}
    client = network(forum, seen)
    calls = [
        lambda: network(forum, seen, key="wrong").whoami(),  # 403 invalid_access
        lambda: client.send(outgoing(Visibility.PUBLIC, "Too short", meta, "dora")),  # 422
        lambda: client.send(
            outgoing(Visibility.PRIVATE, "Can you send a photo?", meta, "dora")
        ),  # 422
        lambda: client.send(
            outgoing(
                Visibility.PUBLIC,
                "A long enough reply for the topic",
                {**meta, "topic_id": 99},
                "dora",
            )
        ),  # 404
    ]
    for call in calls:
        with pytest.raises(NetworkError):
            call()
    forum.rate_limit("/posts.json", wait_seconds=10)
    with pytest.raises(NetworkError):
        client.fetch_posts(None, datetime.now(UTC))  # 429

    statuses = [r.status_code for r in seen if r.status_code >= 400]
    for response in seen:
        if response.status_code >= 400:
            check_error_body(response)
        else:
            validate(response)
    assert statuses == [403, 422, 422, 404, 429]
    limited = next(r for r in seen if r.status_code == 429)
    assert limited.headers["Retry-After"] == "10"
    assert limited.json()["extras"] == {"wait_seconds": 10, "time_left": "10 seconds"}


def test_validation_catches_a_response_that_breaks_the_description(
    forum: DiscourseStandIn, seen: list
) -> None:
    forum.start_topic("alice", "Anything about Acme here", "@acme_support ping")
    network(forum, seen).fetch_posts(None, datetime.now(UTC) - timedelta(days=1))
    response = next(r for r in seen if urlsplit(r.request.url).path == "/posts.json")
    body = response.json()
    body["latest_posts"][0]["post_number"] = "one"
    response._content = json.dumps(body).encode()

    with pytest.raises(Exception, match="post_number|integer"):
        validate(response)
