"""The Mastodon stand-in behaves like a Mastodon server, through the real Mastodon.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonRatelimitError

from sandbox.mastodon_api import MastodonStandIn


@pytest.fixture
def server() -> Iterator[MastodonStandIn]:
    stand_in = MastodonStandIn()
    stand_in.start()
    yield stand_in
    stand_in.stop()


def client_for(server: MastodonStandIn, token: str | None = None) -> Mastodon:
    return Mastodon(
        api_base_url=server.base_url,
        access_token=token or server.access_token,
        ratelimit_method="throw",
        request_timeout=5,
    )


def test_an_idempotency_key_holds_for_an_hour(server: MastodonStandIn) -> None:
    client = client_for(server)
    first = client.status_post("Hello", idempotency_key="k")
    assert client.status_post("Hello", idempotency_key="k")["id"] == first["id"]
    server.clock = lambda: datetime.now(UTC) + timedelta(minutes=61)
    assert client.status_post("Hello", idempotency_key="k")["id"] != first["id"]
    assert len(server.brand_statuses()) == 2


def test_a_read_only_token_cannot_post(server: MastodonStandIn) -> None:
    server.add_token("read-only", {"read"})
    with pytest.raises(MastodonAPIError) as caught:
        client_for(server, "read-only").status_post("Hi")
    assert caught.value.args[1] == 403 and "outside the authorized scopes" in caught.value.args[3]


def test_the_notification_policy_filters_or_drops(server: MastodonStandIn) -> None:
    server.set_policy(for_not_followers="drop", for_new_accounts="filter")
    server.add_customer("stranger", follows_brand=False)
    server.add_customer("newbie", created_at=datetime.now(UTC) - timedelta(days=3))
    server.post("stranger", "@carethread dropped")
    server.post("newbie", "@carethread filtered")
    assert client_for(server).notifications(types=["mention"]) == []  # filtered: hidden
    kept = [(server.accounts[n["account_id"]]["acct"], n["filtered"]) for n in server.notifications]
    assert kept == [("newbie", True)]  # the stranger's was dropped, never created


def test_a_direct_status_is_seen_only_by_those_it_mentions(server: MastodonStandIn) -> None:
    server.add_customer("ana")
    server.add_customer("bo")
    secret = server.post("ana", "@bo just between us", visibility="direct")
    client = client_for(server)
    with pytest.raises(MastodonAPIError):
        client.status(secret["id"])  # the brand is not mentioned
    mentioned = server.post("ana", "@carethread @bo the three of us", visibility="direct")
    assert client.status(mentioned["id"])["visibility"] == "direct"


def test_over_the_instance_limit_is_refused_in_mastodons_words() -> None:
    with MastodonStandIn(max_characters=30) as server:
        client = client_for(server)
        client.status_post("https://example.com/" + "a" * 200 + " ok")  # 23 + 3
        with pytest.raises(MastodonAPIError) as caught:
            client.status_post("x" * 31)
        assert caught.value.args[3] == "Validation failed: Text character limit of 30 exceeded"
        assert client.instance_v2()["configuration"]["statuses"]["max_characters"] == 30


def test_the_window_counts_down_then_answers_429(server: MastodonStandIn) -> None:
    server.rate_limit = 2
    client = client_for(server)
    client.account_verify_credentials()
    assert client.ratelimit_remaining == 1
    client.account_verify_credentials()
    with pytest.raises(MastodonRatelimitError):
        client.account_verify_credentials()
    assert server.requests[-1].status == 429
