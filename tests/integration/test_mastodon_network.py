"""MastodonNetwork (Mastodon.py underneath) against the Mastodon stand-in: reading mentions,
threads, replies public and direct, exactly-once sending, limits and errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from mastodon import Mastodon

from bot.networks.base import (
    TEXT_FIELD,
    VISIBILITY_FIELD,
    FetchedPost,
    NetworkError,
    NetworkUnavailable,
    Outgoing,
    Page,
    RateLimited,
    ReplyContext,
    ReplyTarget,
)
from bot.networks.mastodon import MastodonNetwork, MastodonSettings, connect, read_settings
from bot.settings_reader import EnvReader
from sandbox.mastodon_api import MastodonStandIn
from storage.enums import Visibility

DAY_AGO = timedelta(days=1)


@pytest.fixture
def server() -> Iterator[MastodonStandIn]:
    stand_in = MastodonStandIn()
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def network(server: MastodonStandIn) -> MastodonNetwork:
    return connect(MastodonSettings(server.base_url, server.access_token), timeout=2)


def first_poll(network: MastodonNetwork) -> Page:
    return network.fetch_mentions(None, datetime.now(UTC) - DAY_AGO)


def target_of(post: FetchedPost) -> ReplyTarget:
    return ReplyTarget(
        post_id=post.external_id,
        customer_id=post.author.external_id,
        customer_handle=post.author.handle,
        conversation_id=post.conversation_id,
        post_created_at=post.created_at,
        post_meta=post.meta,
    )


def context_for(target: ReplyTarget, *, publicly_replyable: bool = True) -> ReplyContext:
    now = datetime.now(UTC)
    return ReplyContext(target, publicly_replyable, now, now)


def test_three_new_mentions_then_a_reply_in_the_same_thread(
    server: MastodonStandIn, network: MastodonNetwork
) -> None:
    server.add_customer("ana", "Ana", followers=40, language="es")
    server.add_customer("ben", "Ben", followers=7, language="en")
    server.add_customer("cy", "Cy", domain="other.example")
    first = server.post("ana", "@carethread mi pedido no llega")
    server.post("ben", "@carethread the app crashes https://example.com/shot.png")
    server.post("cy@other.example", "@carethread hello?")

    page = first_poll(network)

    assert [p.author.handle for p in page.posts] == ["ana", "ben", "cy@other.example"]
    assert [p.conversation_id for p in page.posts] == [p.external_id for p in page.posts]
    assert page.posts[0].text == "@carethread mi pedido no llega"
    assert page.posts[0].lang == "es" and page.posts[0].author.followers == 40
    assert page.posts[1].text.endswith("https://example.com/shot.png")  # links spelled out
    ours = network.send(
        Outgoing(Visibility.PUBLIC, "@ana lo miramos", "draft-1", target_of(page.posts[0]))
    )
    server.reply_in_thread("ana", ours.external_id, "gracias, es el 1234")

    later = network.fetch_mentions(page.cursor, None)

    assert [p.text for p in later.posts] == ["@carethread gracias, es el 1234"]
    assert later.posts[0].conversation_id == first["id"]
    assert later.posts[0].in_reply_to_id == ours.external_id
    again = network.fetch_mentions(later.cursor, None)
    assert again.posts == [] and again.cursor is None  # nothing twice; the checkpoint stays


def test_85_mentions_between_two_polls_all_arrive(
    server: MastodonStandIn, network: MastodonNetwork
) -> None:
    server.add_customer("ana")
    server.post("ana", "@carethread first")
    page = first_poll(network)
    for n in range(85):
        server.post("ana", f"@carethread number {n}")

    later = network.fetch_mentions(page.cursor, None)

    assert [p.text for p in later.posts] == [f"@carethread number {n}" for n in range(85)]
    forward = [r for r in server.requests if r.path == "/api/v1/notifications" and r.arg("min_id")]
    assert [r.arg("limit") for r in forward] == ["80"] * 3  # pages of 80, 5, then none
    assert later.cursor == server.notifications[-1]["id"]


def test_a_filtered_mention_from_a_non_follower_arrives(
    server: MastodonStandIn, network: MastodonNetwork
) -> None:
    server.set_policy(for_not_followers="filter")
    server.add_customer("stranger", "New Person", follows_brand=False)
    server.post("stranger", "@carethread is anyone there?")
    plain = Mastodon(api_base_url=server.base_url, access_token=server.access_token)
    assert plain.notifications(types=["mention"]) == []  # hidden by the policy by default

    page = first_poll(network)

    assert [p.author.handle for p in page.posts] == ["stranger"]


def test_public_and_private_replies_go_out_with_the_right_shape(
    server: MastodonStandIn, network: MastodonNetwork
) -> None:
    server.add_customer("ana", language="es")
    server.add_customer("dee", domain="other.example")
    server.post("ana", "@carethread hola")
    server.post("dee@other.example", "@carethread secret question", visibility="direct")
    ana_post, dee_post = first_poll(network).posts

    public = network.send(Outgoing(Visibility.PUBLIC, "Lo miramos", "d-1", target_of(ana_post)))
    private = network.send(
        Outgoing(Visibility.PRIVATE, "@dee@other.example which order?", "d-2", target_of(dee_post))
    )

    posted = {s["id"]: s for s in server.brand_statuses()}
    assert posted[public.external_id]["visibility"] == "public"
    assert posted[public.external_id]["in_reply_to_id"] == ana_post.external_id
    assert posted[public.external_id]["language"] == "es"
    assert posted[private.external_id]["visibility"] == "direct"
    assert posted[private.external_id]["delivered_to"] == ["dee@other.example"]
    posts = [r for r in server.requests if r.method == "POST"]
    assert [r.headers["idempotency-key"] for r in posts] == ["carethread:d-1", "carethread:d-2"]
    assert public.url.startswith("https://mastodon.example/@carethread/")


def test_private_replies_must_open_with_the_customers_mention(network: MastodonNetwork) -> None:
    target = ReplyTarget("1", "2", "dee@other.example", "1", datetime.now(UTC))
    context = context_for(target)

    refused = network.reply_problems("which order?", Visibility.PRIVATE, context)
    prefilled = network.draft_prefill("dee@other.example", Visibility.PRIVATE) + "which order?"

    assert "start it with @dee@other.example" in refused[TEXT_FIELD]
    assert network.reply_problems(prefilled, Visibility.PRIVATE, context) == {}
    # @dee alone would reach a local dee, not the customer on other.example.
    assert network.reply_problems("@dee which order?", Visibility.PRIVATE, context)


def test_a_direct_mention_is_not_answered_in_public(
    server: MastodonStandIn, network: MastodonNetwork
) -> None:
    server.add_customer("ana")
    server.post("ana", "@carethread my address is …", visibility="direct")
    post = first_poll(network).posts[0]
    assert post.publicly_replyable is False
    problems = network.reply_problems(
        "Thanks", Visibility.PUBLIC, context_for(target_of(post), publicly_replyable=False)
    )
    assert "privately" in problems[VISIBILITY_FIELD]


def test_length_is_the_instances_limit_counted_as_mastodon_counts() -> None:
    with MastodonStandIn(max_characters=60) as server:
        network = connect(MastodonSettings(server.base_url, server.access_token), timeout=2)
        network.whoami()
        target = ReplyTarget("1", "2", "ana", "1", datetime.now(UTC))
        link = "https://example.com/" + "a" * 80  # counts 23, whatever its length
        fits = f"@ana@far.away.example see {link} ok"  # 4 + 1 + 3 + 1 + 23 + 3 = 35
        too_long = "x" * 61

        assert network.max_characters == 60
        assert network.reply_problems(fits, Visibility.PUBLIC, context_for(target)) == {}
        complaint = network.reply_problems(too_long, Visibility.PUBLIC, context_for(target))
        assert (
            "allows 60 characters" in complaint[TEXT_FIELD] and "counts 61" in complaint[TEXT_FIELD]
        )


def test_a_retried_send_with_the_same_key_posts_once(
    server: MastodonStandIn, network: MastodonNetwork
) -> None:
    server.add_customer("ana")
    server.post("ana", "@carethread hola")
    outgoing = Outgoing(
        Visibility.PUBLIC, "Ya está", "d-7", target_of(first_poll(network).posts[0])
    )

    sent = [network.send(outgoing), network.send(outgoing)]

    assert sent[0] == sent[1]
    assert len(server.brand_statuses()) == 1


def test_a_send_whose_answer_was_lost_is_found_and_not_repeated(
    server: MastodonStandIn, network: MastodonNetwork
) -> None:
    server.add_customer("ana")
    server.post("ana", "@carethread hola")
    started = datetime.now(UTC)
    outgoing = Outgoing(
        Visibility.PRIVATE,
        "@ana ¿número de pedido?",
        "d-9",
        target_of(first_poll(network).posts[0]),
    )
    server.drop_after_posting()

    with pytest.raises(NetworkUnavailable):
        network.send(outgoing)
    # More than the Idempotency-Key's hour later, the look-up still settles it.
    server.clock = lambda: datetime.now(UTC) + timedelta(hours=2)
    found = network.find_sent(outgoing, started)

    assert len(server.dropped) == 1
    assert [s["id"] for s in server.brand_statuses()] == [found.external_id if found else None]
    other_text = Outgoing(Visibility.PRIVATE, "@ana otra cosa", "d-10", outgoing.target)
    assert network.find_sent(other_text, started) is None


def test_a_429_pauses_until_mastodons_reset_time(
    server: MastodonStandIn, network: MastodonNetwork
) -> None:
    network.whoami()
    server.rate_limited("/api/v1/notifications", reset_in=120)

    with pytest.raises(RateLimited) as caught:
        network.fetch_mentions("5", None)

    expected = datetime.now(UTC) + timedelta(seconds=120)
    assert abs((caught.value.until - expected).total_seconds()) < 3


def test_the_last_request_of_the_window_pauses_the_stream() -> None:
    with MastodonStandIn(rate_limit=3) as server:
        network = connect(MastodonSettings(server.base_url, server.access_token), timeout=2)
        page = first_poll(network)  # verify_credentials, instance, notifications: 3 of 3
        assert page.pause_until is not None and page.pause_until > datetime.now(UTC)


def test_a_rejected_token_is_not_retried_and_names_the_variables(server: MastodonStandIn) -> None:
    network = connect(MastodonSettings(server.base_url, "revoked"), timeout=2)
    with pytest.raises(NetworkError) as caught:
        network.whoami()
    assert caught.value.retryable is False
    assert "MASTODON_ACCESS_TOKEN" in caught.value.reason and "401" in caught.value.reason


def test_outages_are_retryable(server: MastodonStandIn, network: MastodonNetwork) -> None:
    server.server_error("/api/v1/accounts/verify_credentials", status=503)
    with pytest.raises(NetworkUnavailable):
        network.whoami()
    quick = connect(MastodonSettings(server.base_url, server.access_token), timeout=0.3)
    server.slow("/api/v1/accounts/verify_credentials", seconds=1)
    with pytest.raises(NetworkUnavailable):
        quick.whoami()


def test_settings_block() -> None:
    assert read_settings(EnvReader({})) is None
    half = EnvReader({"MASTODON_BASE_URL": "https://mastodon.social"})
    read_settings(half)
    assert [p.split(" ")[0] for p in half.problems] == ["MASTODON_ACCESS_TOKEN"]
    full = EnvReader({"MASTODON_BASE_URL": "https://m.example/", "MASTODON_ACCESS_TOKEN": "t"})
    assert read_settings(full) == MastodonSettings("https://m.example", "t")
    assert full.problems == []
