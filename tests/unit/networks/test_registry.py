"""Every network is one registry line: configured by its variables, its settings block
connects to the network of the same name, and what the draft modal prefills passes that
network's own checks."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.networks.base import TEXT_FIELD, ReplyContext, ReplyTarget
from bot.networks.bluesky import BlueskyNetwork, mention_facets
from bot.networks.mastodon import MastodonNetwork
from bot.networks.registry import SETTINGS_READERS, Networks, read_network_blocks
from bot.settings_reader import EnvReader
from storage.enums import Visibility

EVERY_NETWORK = {
    "X_BEARER_TOKEN": "bearer",
    "X_API_KEY": "key",
    "X_API_SECRET": "secret",
    "X_ACCESS_TOKEN": "1-token",
    "X_ACCESS_TOKEN_SECRET": "token-secret",
    "MASTODON_BASE_URL": "https://mastodon.example",
    "MASTODON_ACCESS_TOKEN": "token",
    "BLUESKY_HANDLE": "acme.bsky.social",
    "BLUESKY_APP_PASSWORD": "abcd-efgh-ijkl-mnop",
    "RSS_FEEDS": "https://blog.example/feed.xml,https://news.example/atom.xml",
    "DISCOURSE_BASE_URL": "https://forum.example",
    "DISCOURSE_API_KEY": "key",
    "DISCOURSE_API_USERNAME": "acme",
}


def connected() -> Networks:
    reader = EnvReader(EVERY_NETWORK)
    blocks = read_network_blocks(reader)
    assert reader.problems == []
    # connect() builds clients only: nothing is requested until the network is used.
    return Networks(block.connect() for block in blocks)


def test_each_block_connects_to_the_network_of_its_name() -> None:
    reader = EnvReader(EVERY_NETWORK)
    blocks = read_network_blocks(reader)
    assert [b.name for b in blocks] == ["x", "mastodon", "bluesky", "rss", "discourse"]
    for block in blocks:
        assert block.connect().name == block.name


def test_a_network_is_off_until_one_of_its_variables_is_set() -> None:
    reader = EnvReader({})
    # None, or no accounts at all for networks that may have several.
    assert [bool(read(reader)) for read in SETTINGS_READERS] == [False] * len(SETTINGS_READERS)
    assert reader.problems == []


def test_feeds_are_read_only_and_the_others_answer_both_ways() -> None:
    networks = connected()
    for name in ("x", "mastodon", "bluesky", "discourse"):
        assert networks.look(name).can_reply
        assert networks[name].can_reply_publicly and networks[name].can_send_private
    feeds = networks["rss"]
    assert not feeds.can_reply_publicly and not feeds.can_send_private
    assert networks.look("rss").link_label == "Open in browser"
    assert all(networks[name].reply_hint() for name in networks)


def context(handle: str) -> ReplyContext:
    now = datetime.now(UTC)
    target = ReplyTarget("post-1", "user-1", handle, "post-1", now)
    return ReplyContext(target, True, now, now)


def test_a_mastodon_draft_starts_with_the_mention_a_direct_post_needs() -> None:
    mastodon = connected()["mastodon"]
    assert isinstance(mastodon, MastodonNetwork)
    for visibility in (Visibility.PUBLIC, Visibility.PRIVATE):
        text = mastodon.draft_prefill("dee@other.example", visibility) + "¿qué pedido?"
        assert mastodon.reply_problems(text, visibility, context("dee@other.example")) == {}
    refused = mastodon.reply_problems("¿qué pedido?", Visibility.PRIVATE, context("dee"))
    assert "reaches only the people it mentions" in refused[TEXT_FIELD]
    assert "only the accounts it mentions can see" in mastodon.reply_hint()


def test_a_bluesky_public_draft_starts_with_the_handle_its_facet_is_made_from() -> None:
    bluesky = connected()["bluesky"]
    assert isinstance(bluesky, BlueskyNetwork)
    text = bluesky.draft_prefill("jose.bsky.social", Visibility.PUBLIC) + "¡hola! 🧉"
    (facet,) = mention_facets(text, "jose.bsky.social", "did:plc:jose")
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert text.encode()[start:end] == b"@jose.bsky.social"
    assert bluesky.draft_prefill("jose.bsky.social", Visibility.PRIVATE) == ""
