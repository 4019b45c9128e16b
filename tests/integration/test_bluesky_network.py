"""BlueskyNetwork (the atproto client underneath) against the Bluesky stand-in: reading
notifications, threads, replies as records and chat messages, exactly-once sending,
sessions, limits and errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.networks.base import (
    TEXT_FIELD,
    FetchedPost,
    NetworkError,
    NetworkUnavailable,
    Outgoing,
    Page,
    RateLimited,
    ReplyContext,
    ReplyTarget,
)
from bot.networks.bluesky import (
    BlueskyNetwork,
    BlueskySettings,
    connect,
    read_settings,
    record_key,
)
from bot.settings_reader import EnvReader
from sandbox.bluesky_api import BlueskyStandIn
from sandbox.lexicon import Lexicons
from storage.enums import Visibility
from tests.specs import spec_path

BRAND = "carethread.bsky.social"


@pytest.fixture
def server() -> Iterator[BlueskyStandIn]:
    folder = spec_path("bluesky/lexicons/app.bsky.feed.post.json").parent
    stand_in = BlueskyStandIn(lexicon_folder=folder)
    stand_in.start()
    yield stand_in
    stand_in.stop()


def network_for(server: BlueskyStandIn, password: str | None = None) -> BlueskyNetwork:
    settings = BlueskySettings(server.base_url, BRAND, password or server.app_password)
    return connect(settings, timeout=2)


@pytest.fixture
def network(server: BlueskyStandIn) -> BlueskyNetwork:
    return network_for(server)


def first_poll(network: BlueskyNetwork) -> Page:
    return network.fetch_notifications(None, datetime.now(UTC) - timedelta(days=1))


def target_of(post: FetchedPost) -> ReplyTarget:
    return ReplyTarget(
        post_id=post.external_id,
        customer_id=post.author.external_id,
        customer_handle=post.author.handle,
        conversation_id=post.conversation_id,
        post_created_at=post.created_at,
        post_meta=post.meta,
    )


def test_three_new_posts_then_a_reply_in_the_same_thread(
    server: BlueskyStandIn, network: BlueskyNetwork
) -> None:
    server.add_customer("ana.bsky.social", "Ana", followers=40, language="es")
    server.add_customer("ben.bsky.social", "Ben", followers=7, language="en")
    announcement = server.write_record(
        server.brand_did,
        "app.bsky.feed.post",
        server.next_tid(),
        {
            "$type": "app.bsky.feed.post",
            "text": "New app version!",
            "createdAt": "2026-08-20T09:00:00Z",
        },
    )
    asked = server.post("ana.bsky.social", f"@{BRAND} mi pedido no llega")
    server.reply_in_thread("ben.bsky.social", announcement["uri"], "it crashes on start")
    server.post("ben.bsky.social", "this is bad", quote=announcement["uri"])
    server.post("ana.bsky.social", "unrelated post, no mention")

    page = first_poll(network)

    assert [(p.author.handle, p.meta["reason"]) for p in page.posts] == [
        ("ana.bsky.social", "mention"),
        ("ben.bsky.social", "reply"),
        ("ben.bsky.social", "quote"),
    ]
    mention, reply, quote = page.posts
    assert mention.conversation_id == mention.external_id == asked["uri"]
    assert (
        reply.conversation_id == announcement["uri"] and reply.in_reply_to_id == announcement["uri"]
    )
    assert quote.conversation_id == quote.external_id
    assert mention.lang == "es" and mention.author.followers == 40 and mention.author.name == "Ana"
    assert (
        mention.url
        == f"https://bsky.app/profile/ana.bsky.social/post/{asked['uri'].rsplit('/', 1)[1]}"
    )
    ours = network.send(Outgoing(Visibility.PUBLIC, "Lo miramos", "draft-1", target_of(mention)))
    server.reply_in_thread("ana.bsky.social", ours.external_id, "gracias, es el 1234")

    later = network.fetch_notifications(page.cursor, None)

    assert [p.text for p in later.posts] == ["gracias, es el 1234"]
    assert later.posts[0].conversation_id == asked["uri"]
    assert later.posts[0].in_reply_to_id == ours.external_id


def test_a_restart_resumes_from_the_checkpoint_without_repeats(
    server: BlueskyStandIn, network: BlueskyNetwork
) -> None:
    server.add_customer("ana.bsky.social")
    for n in range(130):  # more than one page of 100
        server.post("ana.bsky.social", f"@{BRAND} message {n}")
    page = first_poll(network)
    server.post("ana.bsky.social", f"@{BRAND} after the restart")

    restarted = network_for(server)
    later = restarted.fetch_notifications(page.cursor, None)

    assert len(page.posts) == 130
    assert [p.text for p in later.posts] == [f"@{BRAND} after the restart"]
    assert restarted.fetch_notifications(later.cursor, None).posts == []
    assert len(page.cursor or "") <= 64  # it is stored in a 64-character column


def test_public_reply_has_strong_refs_and_a_mention_facet_at_utf8_byte_offsets(
    server: BlueskyStandIn, network: BlueskyNetwork
) -> None:
    server.add_customer("jose.bsky.social", "José", language="es")
    root = server.post("jose.bsky.social", f"@{BRAND} hola")
    follow_up = server.reply_in_thread("jose.bsky.social", root["uri"], f"@{BRAND} ¿hay novedades?")
    post = first_poll(network).posts[-1]
    assert post.external_id == follow_up["uri"]
    text = "Hola José 👋🏽 @jose.bsky.social, ya está en camino: https://example.com/t/1"

    sent = network.send(Outgoing(Visibility.PUBLIC, text, "draft-5", target_of(post)))

    record = server.brand_posts()[-1]["value"]
    Lexicons(spec_path("bluesky/lexicons/app.bsky.feed.post.json").parent).validate_record(
        "app.bsky.feed.post", record
    )
    assert sent.external_id.endswith("/" + record_key("draft-5", post.created_at))
    assert (
        record["reply"]["root"]["uri"] == root["uri"]
        and record["reply"]["root"]["cid"] == root["cid"]
    )
    assert record["reply"]["parent"]["uri"] == follow_up["uri"]
    assert record["reply"]["parent"]["cid"] == follow_up["cid"]
    assert record["langs"] == ["es"]
    encoded = text.encode("utf-8")
    spans = {
        facet["features"][0]["$type"].split("#")[1]: encoded[
            facet["index"]["byteStart"] : facet["index"]["byteEnd"]
        ].decode()
        for facet in record["facets"]
    }
    assert spans == {"mention": "@jose.bsky.social", "link": "https://example.com/t/1"}
    mention = next(f for f in record["facets"] if f["features"][0]["$type"].endswith("mention"))
    assert mention["features"][0]["did"] == post.author.external_id
    assert mention["index"]["byteStart"] != text.index("@")  # bytes, not characters


def test_a_retried_send_with_the_same_key_posts_once(
    server: BlueskyStandIn, network: BlueskyNetwork
) -> None:
    server.add_customer("ana.bsky.social")
    server.post("ana.bsky.social", f"@{BRAND} hola")
    outgoing = Outgoing(
        Visibility.PUBLIC, "Ya está", "d-7", target_of(first_poll(network).posts[0])
    )

    sent = [network.send(outgoing), network.send(outgoing)]

    assert sent[0] == sent[1]
    assert len(server.brand_posts()) == 1
    other_draft = Outgoing(Visibility.PUBLIC, "Ya está", "d-8", outgoing.target)
    assert network.send(other_draft) != sent[0]  # another draft is another post


def test_a_send_whose_answer_was_lost_is_found_not_repeated(
    server: BlueskyStandIn, network: BlueskyNetwork
) -> None:
    server.add_customer("ana.bsky.social")
    server.post("ana.bsky.social", f"@{BRAND} hola")
    outgoing = Outgoing(
        Visibility.PUBLIC, "Lo vemos", "d-9", target_of(first_poll(network).posts[0])
    )
    assert network.find_sent(outgoing, datetime.now(UTC)) is None
    server.drop_after_writing()

    sent = network.send(outgoing)  # the create's answer is lost; the key is read back

    assert len(server.dropped) == 1
    assert [p["uri"] for p in server.brand_posts()] == [sent.external_id]
    assert network.find_sent(outgoing, datetime.now(UTC)) == sent


def test_a_private_reply_goes_through_chat_and_a_lost_one_is_found(
    server: BlueskyStandIn, network: BlueskyNetwork
) -> None:
    server.add_customer("ana.bsky.social", accepts_messages="all")
    server.post("ana.bsky.social", f"@{BRAND} hola")
    started = datetime.now(UTC)
    outgoing = Outgoing(
        Visibility.PRIVATE, "¿Número de pedido?", "d-11", target_of(first_poll(network).posts[0])
    )
    server.drop_after_writing("chat.bsky.convo.sendMessage")

    with pytest.raises(NetworkUnavailable):
        network.send(outgoing)
    found = network.find_sent(outgoing, started)

    messages = server.brand_messages()
    assert [(m["text"], m["to"]) for m in messages] == [("¿Número de pedido?", ["ana.bsky.social"])]
    assert found is not None and found.external_id == messages[0]["id"]
    chat_calls = [r for r in server.requests if r.path.startswith("/xrpc/chat.")]
    assert {r.headers.get("atproto-proxy") for r in chat_calls} == {
        "did:web:api.bsky.chat#bsky_chat"
    }


@pytest.mark.parametrize(
    ("setting", "follows_brand", "words"),
    [
        ("none", True, "does not accept direct messages on Bluesky: answer with a public reply"),
        ("following", False, "only from accounts they follow, and they do not follow the brand"),
    ],
)
def test_a_customer_who_does_not_accept_messages_gets_a_plain_words_refusal(
    server: BlueskyStandIn, network: BlueskyNetwork, setting: str, follows_brand: bool, words: str
) -> None:
    server.add_customer("quiet.bsky.social", accepts_messages=setting, follows_brand=follows_brand)
    server.post("quiet.bsky.social", f"@{BRAND} hola")
    outgoing = Outgoing(Visibility.PRIVATE, "Hi", "d-12", target_of(first_poll(network).posts[0]))

    with pytest.raises(NetworkError) as caught:
        network.send(outgoing)

    assert caught.value.retryable is False
    assert caught.value.reason.startswith("@quiet.bsky.social ") and words in caught.value.reason
    assert server.brand_messages() == []


def test_an_app_password_without_message_access_is_explained(server: BlueskyStandIn) -> None:
    server.messages_allowed = False
    network = network_for(server)
    server.add_customer("ana.bsky.social")
    server.post("ana.bsky.social", f"@{BRAND} hola")
    outgoing = Outgoing(Visibility.PRIVATE, "Hi", "d-13", target_of(first_poll(network).posts[0]))
    with pytest.raises(NetworkError) as caught:
        network.send(outgoing)
    assert "access to direct messages" in caught.value.reason and not caught.value.retryable


def test_one_session_refreshed_not_recreated(server: BlueskyStandIn) -> None:
    server.access_lifetime = timedelta(minutes=10)  # the client refreshes 15 minutes early
    network = network_for(server)
    server.add_customer("ana.bsky.social")
    for n in range(3):
        server.post("ana.bsky.social", f"@{BRAND} {n}")
        first_poll(network)
    assert len(server.sessions_created) == 1 and server.sessions_refreshed >= 3

    server.expire_sessions()  # e.g. the service forgot our tokens: log in again, once
    assert len(first_poll(network).posts) == 3
    assert len(server.sessions_created) == 2


def test_a_429_pauses_until_the_reset_time(server: BlueskyStandIn, network: BlueskyNetwork) -> None:
    network.whoami()
    server.rate_limited("app.bsky.notification.listNotifications", reset_in=90)

    with pytest.raises(RateLimited) as caught:
        first_poll(network)

    expected = datetime.now(UTC) + timedelta(seconds=90)
    assert abs((caught.value.until - expected).total_seconds()) < 3


def test_wrong_credentials_are_not_retried_and_name_the_variables(server: BlueskyStandIn) -> None:
    with pytest.raises(NetworkError) as caught:
        network_for(server, password="wrong-pass-word-xxxx").whoami()
    assert caught.value.retryable is False
    assert "BLUESKY_HANDLE" in caught.value.reason and "BLUESKY_APP_PASSWORD" in caught.value.reason


def test_outages_are_retryable(server: BlueskyStandIn, network: BlueskyNetwork) -> None:
    network.whoami()
    server.server_error("app.bsky.notification.listNotifications", status=503)
    with pytest.raises(NetworkUnavailable):
        first_poll(network)


def test_length_is_300_graphemes(network: BlueskyNetwork) -> None:
    target = ReplyTarget(
        "at://x/app.bsky.feed.post/1", "did:plc:x", "ana.bsky.social", None, datetime.now(UTC)
    )
    now = datetime.now(UTC)
    context = ReplyContext(target, True, now, now)
    thumb = "👍🏽"  # two code points, eight bytes, one grapheme
    family = "👨‍👩‍👧"  # five code points, eighteen bytes, one grapheme

    assert network.reply_problems(thumb * 300, Visibility.PUBLIC, context) == {}
    complaint = network.reply_problems(thumb * 301, Visibility.PUBLIC, context)
    assert "300 characters" in complaint[TEXT_FIELD] and "has 301" in complaint[TEXT_FIELD]
    assert network.reply_problems(thumb * 301, Visibility.PRIVATE, context) == {}  # chat: 1000
    # The record's text is also limited to 3,000 bytes.
    assert (
        "5400 bytes" in network.reply_problems(family * 300, Visibility.PUBLIC, context)[TEXT_FIELD]
    )


def test_settings_block() -> None:
    assert read_settings(EnvReader({})) is None
    half = EnvReader({"BLUESKY_HANDLE": "brand.bsky.social"})
    read_settings(half)
    assert [p.split(" ")[0] for p in half.problems] == ["BLUESKY_APP_PASSWORD"]
    full = EnvReader({"BLUESKY_HANDLE": "@brand.bsky.social", "BLUESKY_APP_PASSWORD": "p"})
    assert read_settings(full) == BlueskySettings("https://bsky.social", "brand.bsky.social", "p")
