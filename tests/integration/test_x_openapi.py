"""Every response the X stand-in gives tweepy validates against X's OpenAPI description.

Responses are captured off tweepy's own `requests` session, so what is validated is
exactly what the client saw. X's description gives each operation a 2xx response and a
`default` one; for errors sent as application/json (as X sends them) the default's
schema is the generic `Error` (code, message).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import tweepy
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

from bot.networks.x_transport import install_transport
from sandbox.x_api import XStandIn
from tests.spec_files import spec_file

X_HOST = "https://api.x.com"  # the description's server; paths are the same as ours
TWEET_FIELDS = [
    "created_at",
    "author_id",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "lang",
    "public_metrics",
    "note_tweet",
    "reply_settings",
]
USER_FIELDS = [
    "created_at",
    "description",
    "protected",
    "public_metrics",
    "verified",
    "verified_type",
    "receives_your_dm",
]
EXPANSIONS = ["author_id", "in_reply_to_user_id", "referenced_tweets.id"]


@cache
def spec_dict() -> dict:
    return json.loads(spec_file("x-api-v2.openapi.json").read_text())


@cache
def openapi() -> OpenAPI:
    # The description repeats some enum values, so validating the description itself fails.
    return OpenAPI.from_dict(spec_dict(), config=Config(spec_validator_cls=None))


def validate(response: requests.Response) -> None:
    """Validate one captured response against its operation in X's description."""
    url = urlsplit(response.request.url)
    request = MockRequest(
        X_HOST, response.request.method, url.path, args=dict(parse_qsl(url.query))
    )
    captured = MockResponse(
        response.content,
        status_code=response.status_code,
        headers=dict(response.headers),
        content_type=response.headers["Content-Type"],
    )
    openapi().validate_response(request, captured)


@pytest.fixture
def x() -> Iterator[XStandIn]:
    stand_in = XStandIn()
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def seen() -> list[requests.Response]:
    return []


def tweepy_client(x: XStandIn, seen: list[requests.Response], **credentials: str) -> tweepy.Client:
    client = tweepy.Client(**(credentials or x.tweepy_credentials()))
    install_transport(client.session, x.base_url)
    client.session.hooks["response"].append(lambda response, **_: seen.append(response))
    return client


@pytest.fixture
def client(x: XStandIn, seen: list[requests.Response]) -> tweepy.Client:
    return tweepy_client(x, seen)


def validate_all(seen: list[requests.Response]) -> list[int]:
    for response in seen:
        validate(response)
    return [response.status_code for response in seen]


def test_success_responses_validate(client: tweepy.Client, x: XStandIn, seen: list) -> None:
    client.get_users_mentions(x.brand_id)  # empty timeline
    client.search_recent_tweets("nothing matches this")  # empty search
    customer = x.add_user("alice", "Alice", followers=3, description="likes tea")
    root = x.post("alice", "@carethread_demo the app crashes " + "again and again " * 20)
    for n in range(12):
        x.post("alice", f"@carethread_demo more detail {n}", in_reply_to=root["id"], lang="en")
    fields = {"tweet_fields": TWEET_FIELDS, "user_fields": USER_FIELDS, "expansions": EXPANSIONS}

    first = client.get_users_mentions(x.brand_id, max_results=5, **fields)
    client.get_users_mentions(
        x.brand_id, max_results=5, pagination_token=first.meta["next_token"], **fields
    )
    client.get_users_mentions("1234567", **fields)  # unknown user: 200 with a partial error
    client.search_recent_tweets("crashes OR detail", max_results=10, **fields)
    client.get_me(user_fields=USER_FIELDS)
    client.create_tweet(text="We're on it", in_reply_to_tweet_id=root["id"])
    client.create_direct_message(participant_id=customer["id"], text="Which phone?")
    # The look-ups Carethread makes before retrying an interrupted send.
    client.get_users_tweets(x.brand_id, tweet_fields=["referenced_tweets", "created_at"])
    client.get_direct_message_events(
        participant_id=customer["id"],
        dm_event_fields=["created_at", "sender_id", "dm_conversation_id", "text"],
        event_types="MessageCreate",
    )

    assert validate_all(seen) == [200] * 7 + [201, 201, 200, 200]
    assert "next_token" in first.meta and first.includes["tweets"]


def test_error_responses_validate(client: tweepy.Client, x: XStandIn, seen: list) -> None:
    customer = x.add_user("bob", accepts_dms=False)
    quiet = x.post("bob", "no mention here")
    calls = [
        lambda: client.get_users_mentions(x.brand_id, max_results=500),  # 400
        lambda: client.search_recent_tweets("order", tweet_fields=["no_such_field"]),  # 400
        lambda: client.create_direct_message(participant_id=customer["id"], text=""),  # 400
        lambda: client.create_tweet(text="Hello", in_reply_to_tweet_id=quiet["id"]),  # 403
        lambda: client.create_direct_message(participant_id=customer["id"], text="Hi"),  # 403
        lambda: tweepy_client(x, seen, bearer_token=x.bearer_token).get_me(user_auth=False),  # 403
        lambda: tweepy_client(x, seen, bearer_token="wrong").get_users_mentions(x.brand_id),  # 401
    ]
    for call in calls:
        with pytest.raises(tweepy.HTTPException):
            call()
    x.rate_limit("/2/tweets/search/recent")
    with pytest.raises(tweepy.TooManyRequests):
        client.search_recent_tweets("order")
    x.server_error("/2/users/me", status=503)
    with pytest.raises(tweepy.TwitterServerError):
        client.get_me()

    assert validate_all(seen) == [400, 400, 400, 403, 403, 403, 401, 429, 503]


def test_duplicate_and_exhausted_limit_validate(
    client: tweepy.Client, x: XStandIn, seen: list
) -> None:
    customer = x.add_user("carol")
    question = x.post("carol", "@carethread_demo hi")
    client.create_tweet(text="Hi Carol", in_reply_to_tweet_id=question["id"])
    with pytest.raises(tweepy.Forbidden):
        client.create_tweet(text="Hi Carol", in_reply_to_tweet_id=question["id"])
    for n in range(15):  # X's DM limit per 15 minutes
        client.create_direct_message(participant_id=customer["id"], text=f"n{n}")
    with pytest.raises(tweepy.TooManyRequests):
        client.create_direct_message(participant_id=customer["id"], text="too many")

    assert validate_all(seen) == [201, 403] + [201] * 15 + [429]


def test_unknown_route_answers_with_the_generic_error_schema(x: XStandIn) -> None:
    # No operation in the description matches, so check the body against `Error` itself.
    response = requests.get(f"{x.base_url}/2/no/such/endpoint", timeout=5)
    assert response.status_code == 404
    OAS30Validator(spec_dict()["components"]["schemas"]["Error"]).validate(response.json())


def test_validation_catches_a_response_that_breaks_the_description(
    client: tweepy.Client, x: XStandIn, seen: list
) -> None:
    x.add_user("dave")
    x.post("dave", "@carethread_demo ping")
    client.get_users_mentions(x.brand_id, tweet_fields=["created_at"])
    response = seen[0]
    body = response.json()
    body["data"][0]["created_at"] = "yesterday"
    response._content = json.dumps(body).encode()
    with pytest.raises(Exception, match="date-time"):
        validate(response)
