"""The Discourse connector over real HTTP against the Discourse stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.networks import (
    NetworkError,
    NetworkUnavailable,
    Outgoing,
    Page,
    RateLimited,
    ReplyContext,
    ReplyTarget,
)
from bot.networks.base import TEXT_FIELD
from bot.networks.discourse import DiscourseNetwork, external_id
from bot.networks.discourse_watch import Watch
from sandbox.discourse_api import DiscourseStandIn, rate_limited
from sandbox.httpserver import Response
from storage.enums import Visibility

BRAND = "acme_support"


@pytest.fixture
def forum() -> Iterator[DiscourseStandIn]:
    stand_in = DiscourseStandIn(brand_username=BRAND)
    stand_in.add_user("alice", "Alice Martín")
    stand_in.add_user("bob", "Bob")
    stand_in.add_category("Support", "support")
    stand_in.add_category("Billing", "billing", parent="support")
    stand_in.add_category("Lounge", "lounge")
    stand_in.start()
    yield stand_in
    stand_in.stop()


def connect(
    forum: DiscourseStandIn, watch: Watch | None = None, **kwargs: object
) -> DiscourseNetwork:
    return DiscourseNetwork(
        forum.base_url, forum.api_key, forum.api_username, watch, timeout=2, **kwargs
    )


def started(network: DiscourseNetwork) -> str:
    """The cursor after a first start on an empty forum."""
    page = network.fetch_posts(None, datetime.now(UTC) - timedelta(days=1))
    assert page.posts == [] and page.cursor
    return page.cursor


def outgoing(
    post_id: str, author: str, meta: dict[str, object], visibility: Visibility, text: str
) -> Outgoing:
    target = ReplyTarget(
        post_id=post_id,
        customer_id="3",
        customer_handle=author,
        conversation_id=str(meta["topic_id"]),
        post_created_at=datetime.now(UTC),
        post_meta=meta,
    )
    return Outgoing(visibility, text, f"carethread-draft-{post_id}-{visibility}", target)


def test_three_new_posts_become_three_posts_threaded_by_topic(forum: DiscourseStandIn) -> None:
    network = connect(forum, Watch(categories=("support",), terms=("acme app",)))
    cursor = started(network)
    mention = forum.start_topic(
        "alice", "Order never arrived", "Hi @acme_support, order 77 is lost"
    )
    in_billing = forum.start_topic(
        "bob", "Charged twice this month", "Two charges on my card", category="billing"
    )
    term = forum.start_topic(
        "bob", "Thoughts on phones", "The ACME app  crashes on start", category="lounge"
    )
    forum.start_topic(
        "alice", "Lunch plans anyone", "Nothing about any brand here", category="lounge"
    )
    forum.reply(BRAND, mention.topic_id, "We are looking into it, Alice.")

    page = network.fetch_posts(cursor, None)

    assert [p.external_id for p in page.posts] == [
        str(mention.id),
        str(in_billing.id),
        str(term.id),
    ]
    assert [p.source for p in page.posts] == ["mention", "watch", "watch"]
    first = page.posts[0]
    assert first.text == "Order never arrived\n\nHi @acme_support, order 77 is lost"
    assert first.author.handle == "alice" and first.author.name == "Alice Martín"
    assert first.conversation_id == str(mention.topic_id)
    assert first.url == f"{forum.base_url}/t/order-never-arrived/{mention.topic_id}/1"
    assert dict(first.meta) == {
        "topic_id": mention.topic_id,
        "post_number": 1,
        "category_id": forum.uncategorized.id,
        "category": "uncategorized",
        "topic_title": "Order never arrived",
        "reply_to_post_number": None,
    }
    assert page.posts[1].meta["category"] == "billing"  # a subcategory of a watched one

    # The customer answers in the topic without mentioning the brand: it is still hers.
    follow_up = forum.reply("alice", mention.topic_id, "Any news on this?", reply_to_post_number=2)
    forum.reply("bob", in_billing.topic_id, "Same for me")
    later = network.fetch_posts(page.cursor, None)
    assert [(p.external_id, p.source) for p in later.posts] == [
        (str(follow_up.id), "thread"),
        (str(follow_up.id + 1), "watch"),
    ]
    assert later.posts[0].conversation_id == str(mention.topic_id)
    assert later.posts[0].meta["reply_to_post_number"] == 2
    assert network.fetch_posts(later.cursor, None) == Page([], None)


def test_a_long_gap_is_read_across_before_pages_in_order(forum: DiscourseStandIn) -> None:
    network = connect(forum)
    cursor = started(network)
    topic = forum.start_topic("bob", "A busy thread about nothing", "just chatting along here")
    expected = []
    for n in range(130):
        if n % 10 == 0:  # private messages take ids too: the public list has gaps
            forum.send_private_message("alice", ["bob"], "hello there", f"a private note {n}")
        expected.append(forum.reply("alice", topic.topic_id, f"@acme_support update number {n}").id)

    page = network.fetch_posts(cursor, None)

    assert [int(p.external_id) for p in page.posts] == expected
    befores = [r.arg("before") for r in forum.requests if r.path == "/posts.json"]
    assert len([b for b in befores if b]) >= 2  # it paged with `before`
    assert network.fetch_posts(page.cursor, None).posts == []


def test_catching_up_stops_at_a_rate_limit_and_resumes_where_it_stopped(
    forum: DiscourseStandIn,
) -> None:
    network = connect(forum)
    cursor = started(network)
    topic = forum.start_topic("bob", "Another busy thread here", "just chatting along here")
    expected = [
        forum.reply("alice", topic.topic_id, f"@acme_support note {n}").id for n in range(160)
    ]
    calls = {"n": 0}

    def third_call(request: object) -> bool:
        calls["n"] += 1
        return calls["n"] == 3

    forum.inject(lambda r: r.path == "/posts.json" and third_call(r), rate_limited(40))
    partial = network.fetch_posts(cursor, None)
    rest = network.fetch_posts(partial.cursor, None)

    assert partial.pause_until is not None
    assert timedelta(seconds=30) < partial.pause_until - datetime.now(UTC) <= timedelta(seconds=40)
    assert 0 < len(partial.posts) < len(expected)
    assert [int(p.external_id) for p in partial.posts + rest.posts] == expected


def test_first_start_reads_back_to_the_backfill_start_only(forum: DiscourseStandIn) -> None:
    now = datetime.now(UTC)
    forum.clock = lambda: now - timedelta(days=3)
    old = forum.start_topic("alice", "An old complaint here", "@acme_support this is old")
    forum.clock = lambda: now - timedelta(hours=2)
    recent = forum.start_topic("alice", "A recent complaint here", "@acme_support this is recent")
    forum.clock = lambda: now

    page = connect(forum).fetch_posts(None, now - timedelta(days=1))

    assert [p.external_id for p in page.posts] == [str(recent.id)]
    assert json.loads(page.cursor)["after"] == recent.id > old.id


def test_public_reply_goes_into_the_topic_answering_the_post(forum: DiscourseStandIn) -> None:
    network = connect(forum)
    cursor = started(network)
    forum.start_topic("alice", "Broken zipper on my bag", "@acme_support the zipper broke")
    question = forum.reply("alice", 1, "And the strap too, @acme_support")
    (_, post) = network.fetch_posts(cursor, None).posts
    reply = outgoing(
        post.external_id,
        "alice",
        dict(post.meta),
        Visibility.PUBLIC,
        "Sorry Alice, a new bag is on its way.",
    )

    sent = network.send(reply)

    created = forum.posts[int(sent.external_id)]
    assert created.user_id == forum.brand.id and created.topic_id == question.topic_id
    assert created.reply_to_post_number == question.post_number
    assert sent.url == f"{forum.base_url}/t/broken-zipper-on-my-bag/1/3"
    body = forum.requests[-1].json()
    assert body == {"raw": reply.text, "topic_id": 1, "reply_to_post_number": 2}


def test_private_reply_is_a_private_message_to_the_author(forum: DiscourseStandIn) -> None:
    network = connect(forum)
    cursor = started(network)
    forum.start_topic("alice", "My account was hacked", "@acme_support someone took my account")
    (post,) = network.fetch_posts(cursor, None).posts
    reply = outgoing(
        post.external_id,
        "alice",
        dict(post.meta),
        Visibility.PRIVATE,
        "Please send us your order number.",
    )

    sent = network.send(reply)

    (message,) = forum.private_messages_to("alice")
    assert message.title == "About your post: My account was hacked"
    assert message.external_id == external_id(reply.key)
    assert forum.posts[int(sent.external_id)].topic_id == message.id
    body = forum.requests[-1].json()
    assert body["archetype"] == "private_message" and body["target_recipients"] == "alice"


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.PRIVATE])
def test_a_send_whose_answer_is_lost_is_found_and_not_repeated(
    forum: DiscourseStandIn, visibility: Visibility
) -> None:
    network = connect(forum)
    cursor = started(network)
    forum.start_topic("alice", "Refund still missing", "@acme_support where is my refund?")
    (post,) = network.fetch_posts(cursor, None).posts
    reply = outgoing(
        post.external_id, "alice", dict(post.meta), visibility, "Your refund left today, Alice."
    )
    before_send = datetime.now(UTC)
    assert network.find_sent(reply, before_send) is None

    forum.drop_after_commit("POST", "/posts.json")
    with pytest.raises(NetworkUnavailable):
        network.send(reply)
    found = network.find_sent(reply, before_send)

    mine = forum.posts_by(BRAND)
    assert len(mine) == 1 and found is not None
    assert found.external_id == str(mine[0].id)
    assert found.url.startswith(forum.base_url + "/t/")


def test_sending_a_private_message_twice_returns_the_first(forum: DiscourseStandIn) -> None:
    network = connect(forum)
    forum.start_topic("alice", "Where is my parcel now", "@acme_support parcel 9 is late")
    meta = {"topic_id": 1, "post_number": 1, "topic_title": "Where is my parcel now"}
    reply = outgoing("1", "alice", meta, Visibility.PRIVATE, "It ships tomorrow, Alice.")
    first = network.send(reply)
    later = datetime.now(UTC) + timedelta(minutes=3)
    forum.clock = lambda: later  # past Discourse's 120-second memo: the external id still holds

    second = network.send(reply)

    assert second == first and len(forum.private_messages_to("alice")) == 1


def test_rate_limit_pauses_until_the_forum_says(forum: DiscourseStandIn) -> None:
    network = connect(forum)
    network.whoami()
    forum.rate_limit("/posts.json", wait_seconds=42)

    with pytest.raises(RateLimited) as caught:
        network.fetch_posts(None, datetime.now(UTC))

    wait = caught.value.until - datetime.now(UTC)
    assert timedelta(seconds=35) < wait <= timedelta(seconds=42)
    assert "rate limit" in caught.value.reason


def test_the_admin_api_limit_is_sixty_requests_a_minute(forum: DiscourseStandIn) -> None:
    network = connect(forum)
    forum.clock = lambda: datetime(2026, 6, 1, 12, 0, 5, tzinfo=UTC)
    cursor = started(network)

    with pytest.raises(RateLimited) as caught:
        for _ in range(100):
            network.fetch_posts(cursor, None)

    assert [r.status for r in forum.requests].count(200) == 60
    assert caught.value.until - datetime.now(UTC) <= timedelta(seconds=55)
    assert forum.requests[-1].status == 429


@pytest.mark.parametrize(
    "change",
    ["wrong key", "wrong username", "401"],
)
def test_refused_credentials_are_not_retried_and_name_the_variables(
    forum: DiscourseStandIn, change: str
) -> None:
    key, username = forum.api_key, forum.api_username
    if change == "wrong key":
        key = "not-the-key"
    elif change == "wrong username":
        username = "alice"
    else:
        forum.inject(
            lambda r: True,
            Response(401, {"errors": ["unauthorized"], "error_type": "invalid_access"}),
        )
    network = DiscourseNetwork(forum.base_url, key, username, timeout=2)

    with pytest.raises(NetworkError) as caught:
        network.whoami()

    assert not caught.value.retryable
    assert "DISCOURSE_API_KEY" in caught.value.reason
    assert "DISCOURSE_API_USERNAME" in caught.value.reason


def test_the_forums_own_refusals_reach_the_agent_in_its_words(forum: DiscourseStandIn) -> None:
    forum.add_user("carol", "Carol", allow_private_messages=False)
    network = connect(forum)
    forum.start_topic("carol", "Cannot log in at all", "@acme_support help me please")
    meta = {"topic_id": 1, "post_number": 1, "topic_title": "Cannot log in at all"}
    context = ReplyContext(
        target=outgoing("1", "carol", meta, Visibility.PUBLIC, "x").target,
        publicly_replyable=True,
        last_customer_post_at=datetime.now(UTC),
        now=datetime.now(UTC),
    )

    with pytest.raises(NetworkError) as short:
        network.send(outgoing("1", "carol", meta, Visibility.PUBLIC, "On it!"))
    with pytest.raises(NetworkError) as no_pms:
        network.send(outgoing("1", "carol", meta, Visibility.PRIVATE, "Please send your email."))

    assert "Body is too short (minimum is 20 characters)" in short.value.reason
    assert not short.value.retryable
    assert "can't send a message to carol" in no_pms.value.reason
    assert network.reply_problems("On it!", Visibility.PUBLIC, context) == {
        TEXT_FIELD: "Body is too short (minimum is 20 characters)"
    }
    assert network.reply_problems("On it, Carol!", Visibility.PRIVATE, context) == {}
    assert network.reply_problems("x" * 32001, Visibility.PRIVATE, context) == {
        TEXT_FIELD: "Body is too long (maximum is 32000 characters)"
    }
    assert forum.posts_by(BRAND) == []


def test_an_unknown_watched_category_is_named(forum: DiscourseStandIn) -> None:
    network = connect(forum, Watch(categories=("suport",)))
    cursor = started(network)
    forum.start_topic("alice", "Anything at all goes", "plain text without a mention")

    with pytest.raises(NetworkError) as caught:
        network.fetch_posts(cursor, None)

    assert not caught.value.retryable
    assert "DISCOURSE_WATCH" in caught.value.reason and "suport" in caught.value.reason
    assert "support" in caught.value.reason


def test_a_site_that_is_not_discourse_is_named(forum: DiscourseStandIn) -> None:
    forum.inject(
        lambda r: True, Response(200, "<html>Welcome</html>", {"Content-Type": "text/html"})
    )

    with pytest.raises(NetworkError) as caught:
        connect(forum).whoami()

    assert "DISCOURSE_BASE_URL" in caught.value.reason and not caught.value.retryable
