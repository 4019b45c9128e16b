"""The network panels' composer rules, on the stand-ins alone (no bot): the account the
composer describes is created, then updated; what a network would refuse is refused in
plain words before anything is posted; the brand's writes redraw the page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from sandbox.demo_networks import OtherNetworks, start_other_networks
from sandbox.web.networks import ComposeError, Persona
from sandbox.web.panels import BlueskyPanel, DiscoursePanel, MastodonPanel


@pytest.fixture(scope="module")
def networks() -> Iterator[OtherNetworks]:
    started = start_other_networks(("mastodon", "bluesky", "discourse", "rss"))
    yield started
    started.stop()


def panel(networks: OtherNetworks, name: str):
    return next(p for p in networks.panels() if p.name == name)


def test_mastodon_creates_then_updates_the_customer_and_mentions_the_brand(networks):
    mastodon: MastodonPanel = panel(networks, "mastodon")
    first = mastodon.compose(Persona("Zoë", "zoe_m", followers=10), "my line is down", None)
    assert first.text == "@acmeconecta my line is down" and first.author.followers == 10
    again = mastodon.compose(Persona("Zoë M.", "zoe_m", followers=12), "still down", first.id)
    assert (again.author.name, again.author.followers) == ("Zoë M.", 12)
    assert again.in_reply_to == first.id and again.in_reply_to_handle == "zoe_m"
    remote = mastodon.compose(Persona("Kai", "kai@fosstodon.example"), "hello", None)
    assert remote.author.handle == "kai@fosstodon.example"
    assert mastodon.anchor_for(remote.url) == f"#mastodon-post-{remote.id}"


@pytest.mark.parametrize(
    ("persona", "text", "reply_to", "words"),
    [
        (Persona("", "two words"), "hi", None, "A Mastodon handle"),
        (Persona("", "acmeconecta"), "hi", None, "brand's own account"),
        (Persona("", "ok_name"), "   ", None, "Write something"),
        (Persona("", "ok_name", followers=-1), "hi", None, "negative"),
        (Persona("", "ok_name"), "hi", "999999", "no longer exists"),
    ],
)
def test_mastodon_refuses_in_plain_words(networks, persona, text, reply_to, words):
    with pytest.raises(ComposeError, match=words):
        panel(networks, "mastodon").compose(persona, text, reply_to)


def test_bluesky_handles_and_the_chat_setting_follow_the_composer(networks):
    bluesky: BlueskyPanel = panel(networks, "bluesky")
    post = bluesky.compose(
        Persona("Ana", "ana-b", accepts_private_messages=False, language="es"), "hola", None
    )
    assert post.author.handle == "ana-b.bsky.social" and post.language == "es"
    assert post.text.startswith("@acmeconecta.bsky.social ")
    assert post.author.accepts_private_messages is False
    bluesky.compose(Persona("Ana", "ana-b.bsky.social"), "otra vez", None)
    did = bluesky.server.actor("ana-b.bsky.social")["did"]
    assert bluesky.server.allow_incoming(did) == "all"
    with pytest.raises(ComposeError, match="domain name"):
        bluesky.compose(Persona("", "bad handle"), "hi", None)
    with pytest.raises(ComposeError, match="brand's own"):
        bluesky.compose(Persona("", "acmeconecta.bsky.social"), "hi", None)


def test_discourse_applies_the_forums_minimum_lengths(networks):
    discourse: DiscoursePanel = panel(networks, "discourse")
    with pytest.raises(ComposeError, match="at least 15 characters"):
        discourse.compose(Persona("", "marco_p"), "Help\nMy modem reboots every night at 3.", None)
    with pytest.raises(ComposeError, match="Body is too short"):
        discourse.compose(Persona("", "marco_p"), "My modem reboots nightly\nWhy?", None)
    topic = discourse.compose(
        Persona("Marco P", "marco_p", accepts_private_messages=False),
        "My modem reboots nightly\nEvery night at 3:00 the modem restarts by itself.",
        None,
    )
    assert topic.text.startswith("My modem reboots nightly\n\n")
    assert discourse.server.user_named("marco_p").allow_private_messages is False
    reply = discourse.compose(
        Persona("Marco P", "marco_p"), "Same again tonight, nothing changed.", topic.id
    )
    assert reply.in_reply_to == topic.id and reply.in_reply_to_handle == "marco_p"
    with pytest.raises(ComposeError, match="no longer exists"):
        discourse.compose(Persona("", "marco_p"), "A reply that is long enough.", "9999")
    with pytest.raises(ComposeError, match="forum username"):
        discourse.compose(Persona("", "m"), "whatever", None)


def test_the_brands_writes_redraw_the_page_but_its_bookkeeping_does_not(networks):
    mastodon = panel(networks, "mastodon")
    events: list[dict] = []
    unsubscribe = mastodon.changes.observe(events.append)
    try:
        server = mastodon.server
        headers = {"Authorization": f"Bearer {server.access_token}"}
        posted = requests.post(
            server.base_url + "/api/v1/statuses",
            data={"status": "Hello from the brand", "visibility": "public"},
            headers=headers,
            timeout=10,
        )
        assert posted.status_code == 200, posted.text
        requests.get(server.base_url + "/api/v1/notifications", headers=headers, timeout=10)
    finally:
        unsubscribe()
    assert [e["kind"] for e in events] == ["written"]
    assert any(p.is_brand and p.text == "Hello from the brand" for p in mastodon.timeline())
