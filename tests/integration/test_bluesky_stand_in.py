"""The Bluesky stand-in behaves like Bluesky's services, through the real atproto client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from atproto import Client
from atproto_client.exceptions import BadRequestError, RateLimitExceededError, RequestException

from sandbox.bluesky_api import BlueskyStandIn
from tests.specs import spec_path

POST = "app.bsky.feed.post"


@pytest.fixture
def server() -> Iterator[BlueskyStandIn]:
    stand_in = BlueskyStandIn(
        lexicon_folder=spec_path("bluesky/lexicons/app.bsky.feed.post.json").parent
    )
    stand_in.start()
    yield stand_in
    stand_in.stop()


def logged_in(server: BlueskyStandIn) -> Client:
    client = Client(base_url=server.base_url)
    client.login(server.brand_handle, server.app_password, fetch_bsky_profile=False)
    return client


def create(
    client: Client, server: BlueskyStandIn, record: dict[str, Any], rkey: str | None = None
) -> Any:
    """createRecord's answer (atproto's generated model, which ships no type information)."""
    data = {"repo": server.brand_did, "collection": POST, "record": record}
    if rkey:
        data["rkey"] = rkey
    return client.com.atproto.repo.create_record(data)


def test_create_session_is_limited_to_30_per_5_minutes(server: BlueskyStandIn) -> None:
    for _ in range(30):
        logged_in(server)
    with pytest.raises(RateLimitExceededError):
        logged_in(server)
    server.clock = lambda: datetime.now(UTC) + timedelta(minutes=6)
    logged_in(server)  # the window has passed
    assert len(server.sessions_created) == 31


def test_a_refresh_token_works_once(server: BlueskyStandIn) -> None:
    client = logged_in(server)
    token = client._session.refresh_jwt
    headers = {"Authorization": f"Bearer {token}"}
    client.com.atproto.server.refresh_session(headers=headers)
    with pytest.raises(BadRequestError) as caught:
        client.com.atproto.server.refresh_session(headers=headers)
    assert caught.value.response.content.error == "InvalidToken"


def test_records_are_stored_by_key_and_a_second_create_at_that_key_fails(
    server: BlueskyStandIn,
) -> None:
    client = logged_in(server)
    record = {"$type": POST, "text": "hi", "createdAt": "2026-08-20T10:00:00Z"}
    made = create(client, server, record, rkey="3lbdg2gxmzk2a")
    assert made.uri == f"at://{server.brand_did}/{POST}/3lbdg2gxmzk2a"
    with pytest.raises(RequestException) as caught:  # live PDSes answer 500 here today
        create(client, server, record, rkey="3lbdg2gxmzk2a")
    assert caught.value.response.status_code == 500
    assert len(server.brand_posts()) == 1


def test_an_invalid_record_is_refused_with_the_lexicons_reason(server: BlueskyStandIn) -> None:
    client = logged_in(server)
    with pytest.raises(BadRequestError) as caught:
        create(
            client, server, {"$type": POST, "text": "x" * 301, "createdAt": "2026-08-20T10:00:00Z"}
        )
    assert caught.value.response.content.message.endswith(
        "Invalid app.bsky.feed.post record: record/text must be at most 300 graphemes"
    )


def test_notifications_page_back_with_a_cursor_and_filter_by_reason(server: BlueskyStandIn) -> None:
    server.add_customer("ana.bsky.social")
    for n in range(5):
        server.post("ana.bsky.social", f"@carethread.bsky.social {n}")
    client = logged_in(server)
    notifications = client.app.bsky.notification
    first = notifications.list_notifications({"limit": 3})
    second = notifications.list_notifications({"limit": 3, "cursor": first.cursor})
    texts = [n.record.text[-1] for n in first.notifications + second.notifications]
    assert texts == ["4", "3", "2", "1", "0"] and second.cursor is None
    assert notifications.list_notifications({"reasons": ["quote"]}).notifications == []


def test_chat_answers_only_through_the_proxy_and_respects_the_customers_setting(
    server: BlueskyStandIn,
) -> None:
    ok = server.add_customer("ok.bsky.social", accepts_messages="following", follows_brand=True)
    client = logged_in(server)
    with pytest.raises(RequestException) as caught:
        client.chat.bsky.convo.get_convo_for_members({"members": [ok["did"]]})
    assert caught.value.response.status_code == 501
    chat = client.with_bsky_chat_proxy()
    convo = chat.chat.bsky.convo.get_convo_for_members({"members": [ok["did"]]}).convo
    chat.chat.bsky.convo.send_message({"convoId": convo.id, "message": {"text": "Hola"}})
    assert [(m["text"], m["to"]) for m in server.brand_messages()] == [("Hola", ["ok.bsky.social"])]
