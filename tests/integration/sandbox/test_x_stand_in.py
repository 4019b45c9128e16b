"""The X stand-in through the real tweepy client, as Carethread will use it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
import tweepy

from bot.networks.x_transport import install_transport
from sandbox.x_api import REPLY_NOT_ALLOWED, XStandIn

TWEET_FIELDS = ["created_at", "conversation_id", "author_id", "lang", "note_tweet"]


@pytest.fixture
def x() -> Iterator[XStandIn]:
    stand_in = XStandIn()
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def client(x: XStandIn) -> tweepy.Client:
    client = tweepy.Client(**x.tweepy_credentials())
    install_transport(client.session, x.base_url)
    return client


@pytest.fixture
def alice(x: XStandIn) -> dict:
    return x.add_user("alice", "Alice A.", followers=120, verified=True, verified_type="blue")


def test_get_me_is_the_brand_with_user_context(client: tweepy.Client, x: XStandIn) -> None:
    me = client.get_me(user_fields=["public_metrics", "verified_type"]).data
    assert (str(me.id), me.username) == (x.brand_id, "carethread_demo")
    assert me.verified_type == "business"
    assert me.public_metrics["tweet_count"] == 0


def test_get_me_refuses_app_only_auth(x: XStandIn) -> None:
    app_only = tweepy.Client(bearer_token=x.bearer_token)
    install_transport(app_only.session, x.base_url)
    with pytest.raises(tweepy.Forbidden) as caught:
        app_only.get_me(user_auth=False)
    assert "Application-Only is forbidden" in caught.value.api_messages[0]


def test_wrong_bearer_token_is_unauthorized(x: XStandIn) -> None:
    stranger = tweepy.Client(bearer_token="not-the-token")
    install_transport(stranger.session, x.base_url)
    with pytest.raises(tweepy.Unauthorized):
        stranger.get_users_mentions(x.brand_id)


def test_mentions_page_newest_first_with_authors_and_since_id(
    client: tweepy.Client, x: XStandIn, alice: dict
) -> None:
    first = x.post("alice", "@carethread_demo where is my parcel?", lang="en")
    x.post("alice", "talking about something else entirely")  # no mention: not listed
    newer = [x.post("alice", f"@Carethread_Demo update {n}") for n in range(120)]

    seen, token = [], None
    while True:
        page = client.get_users_mentions(
            x.brand_id,
            since_id=first["id"],
            max_results=100,
            expansions=["author_id"],
            tweet_fields=TWEET_FIELDS,
            user_fields=["verified", "public_metrics"],
            pagination_token=token,
            user_auth=False,
        )
        seen += page.data
        assert page.includes["users"][0].username == "alice"
        token = page.meta.get("next_token")
        if not token:
            break

    assert [str(t.id) for t in seen] == [t["id"] for t in reversed(newer)]
    assert page.meta["result_count"] == 20


def test_mentions_of_an_empty_timeline_have_only_a_count(
    client: tweepy.Client, x: XStandIn
) -> None:
    page = client.get_users_mentions(x.brand_id, user_auth=False)
    assert page.data is None
    assert page.meta == {"result_count": 0}


def test_mentions_max_results_out_of_range_is_a_bad_request(
    client: tweepy.Client, x: XStandIn
) -> None:
    with pytest.raises(tweepy.BadRequest) as caught:
        client.get_users_mentions(x.brand_id, max_results=101)
    assert "not between 5 and 100" in caught.value.api_messages[0]


def test_only_the_800_most_recent_mentions_are_reachable(
    client: tweepy.Client, x: XStandIn, alice: dict
) -> None:
    for n in range(805):
        x.post(alice["id"], f"@carethread_demo n{n}")
    count, token = 0, None
    while True:
        page = client.get_users_mentions(x.brand_id, max_results=100, pagination_token=token)
        count += page.meta["result_count"]
        token = page.meta.get("next_token")
        if not token:
            break
    assert count == 800


def test_long_posts_come_with_their_full_note_tweet(
    client: tweepy.Client, x: XStandIn, alice: dict
) -> None:
    text = "@carethread_demo " + "my router keeps dropping the connection. " * 10
    x.post("alice", text)
    tweet = client.get_users_mentions(x.brand_id, tweet_fields=TWEET_FIELDS).data[0]
    assert tweet.text.endswith("…") and len(tweet.text) <= 280
    assert tweet.note_tweet["text"] == text


def test_search_recent_matches_terms_phrases_or_and_the_last_seven_days(
    client: tweepy.Client, x: XStandIn, alice: dict
) -> None:
    x.add_user("bob")
    hit = x.post("alice", "My ORDER arrived broken", lang="en")
    phrase = x.post("bob", "still waiting for a refund please", lang="en")
    x.post("bob", "order placed, all good? no: broken", created_at=x.clock() - timedelta(days=8))
    x.post("bob", "broken screen, new order", lang="fr")

    found = client.search_recent_tweets(
        'order broken -is:retweet lang:en OR "waiting for a refund"',
        expansions=["author_id"],
        tweet_fields=TWEET_FIELDS,
    )
    assert [str(t.id) for t in found.data] == [phrase["id"], hit["id"]]
    assert {u.username for u in found.includes["users"]} == {"alice", "bob"}


def test_search_refuses_a_start_time_older_than_seven_days(
    client: tweepy.Client, x: XStandIn
) -> None:
    with pytest.raises(tweepy.BadRequest) as caught:
        client.search_recent_tweets("order", start_time=x.clock() - timedelta(days=8))
    assert "start_time" in caught.value.api_messages[0]


def test_reply_joins_the_customers_conversation(
    client: tweepy.Client, x: XStandIn, alice: dict
) -> None:
    question = x.post("alice", "@carethread_demo my card was charged twice")
    answer = client.create_tweet(
        text="Sorry Alice, we'll fix it", in_reply_to_tweet_id=question["id"]
    )

    reply = x.replies_to(question["id"])[0]
    assert reply["id"] == answer.data["id"] and reply["author_id"] == x.brand_id
    assert reply["conversation_id"] == question["conversation_id"] == question["id"]
    assert answer.data["edit_history_tweet_ids"] == [answer.data["id"]]
    follow_up = x.post("alice", "thanks, still waiting", in_reply_to=answer.data["id"])
    assert follow_up["mentions_brand"]  # replies to the brand land in its mentions, as on X


def test_replying_to_an_author_who_did_not_mention_the_brand_is_forbidden(
    client: tweepy.Client, x: XStandIn, alice: dict
) -> None:
    unrelated = x.post("alice", "what a day")
    with pytest.raises(tweepy.Forbidden) as caught:
        client.create_tweet(text="Can we help?", in_reply_to_tweet_id=unrelated["id"])
    assert caught.value.api_messages == [REPLY_NOT_ALLOWED]
    assert x.tweets_by(x.brand_id) == []


def test_duplicate_missing_and_too_long_replies_are_refused(
    client: tweepy.Client, x: XStandIn, alice: dict
) -> None:
    question = x.post("alice", "@carethread_demo hello?")
    client.create_tweet(text="Hi!", in_reply_to_tweet_id=question["id"])
    with pytest.raises(tweepy.Forbidden, match="duplicate content"):
        client.create_tweet(text="Hi!", in_reply_to_tweet_id=question["id"])
    with pytest.raises(tweepy.Forbidden, match="deleted or not visible"):
        client.create_tweet(text="Hello", in_reply_to_tweet_id="1234567890")
    with pytest.raises(tweepy.BadRequest, match="too long"):
        client.create_tweet(text="é" * 281, in_reply_to_tweet_id=question["id"])
    # URLs weigh 23 whatever their length, as twitter-text counts them
    client.create_tweet(
        text="See https://example.com/" + "a" * 300, in_reply_to_tweet_id=question["id"]
    )


def test_dm_reaches_a_user_who_accepts_them(
    client: tweepy.Client, x: XStandIn, alice: dict
) -> None:
    sent = client.create_direct_message(participant_id=alice["id"], text="Your order number?")
    assert sent.data["dm_conversation_id"] == f"{x.brand_id}-{alice['id']}"
    assert [dm["text"] for dm in x.dms_to("alice")] == ["Your order number?"]


def test_dm_to_a_user_who_refuses_them_is_forbidden(
    client: tweepy.Client, x: XStandIn, alice: dict
) -> None:
    x.set_accepts_dms("alice", False)
    with pytest.raises(tweepy.Forbidden) as caught:
        client.create_direct_message(participant_id=alice["id"], text="Hello")
    assert caught.value.api_messages == ["You cannot send messages to this user."]
    assert x.dms_to("alice") == []


def test_injected_429_carries_x_rate_limit_headers(client: tweepy.Client, x: XStandIn) -> None:
    x.rate_limit("/2/users/", reset_in=30)
    with pytest.raises(tweepy.TooManyRequests) as caught:
        client.get_users_mentions(x.brand_id)
    headers = caught.value.response.headers
    assert headers["x-rate-limit-remaining"] == "0"
    assert int(headers["x-rate-limit-reset"]) >= int(time.time()) + 29
    assert client.get_users_mentions(x.brand_id).meta == {"result_count": 0}  # only once


def test_dm_limit_of_15_per_window_then_429_until_reset(
    client: tweepy.Client, x: XStandIn, alice: dict
) -> None:
    for n in range(15):
        client.create_direct_message(participant_id=alice["id"], text=f"message {n}")
    with pytest.raises(tweepy.TooManyRequests) as caught:
        client.create_direct_message(participant_id=alice["id"], text="one too many")
    assert caught.value.response.headers["x-rate-limit-limit"] == "15"

    later = x.clock() + timedelta(minutes=15, seconds=1)
    x.clock = lambda: later
    client.create_direct_message(participant_id=alice["id"], text="after the window")
    assert len(x.dms_to("alice")) == 16


def test_normal_responses_count_down_the_window(client: tweepy.Client, x: XStandIn) -> None:
    transport = install_transport(client.session, x.base_url)
    client.get_users_mentions(x.brand_id, user_auth=False)
    client.get_users_mentions(x.brand_id, user_auth=True)
    client.get_users_mentions(x.brand_id, user_auth=True)
    reading = transport.rate_limit_for("GET", "/mentions")
    assert (reading.limit, reading.remaining) == (300, 298)  # per user; the app has its own 450


def test_server_error_raises_twitter_server_error(client: tweepy.Client, x: XStandIn) -> None:
    x.server_error("/2/tweets", status=503)
    with pytest.raises(tweepy.TwitterServerError):
        client.search_recent_tweets("anything")


def test_slow_reply_trips_the_client_timeout(x: XStandIn) -> None:
    client = tweepy.Client(**x.tweepy_credentials())
    install_transport(client.session, x.base_url).timeout = (1.0, 0.2)
    x.slow("/2/users/me", seconds=0.6)
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.get_me()
    assert client.get_me().data.username == "carethread_demo"
