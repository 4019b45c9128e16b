"""RSS/Atom feeds read through the real feedparser over HTTP from the feeds stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.networks import NetworkError, NetworkUnavailable, Page, RateLimited, Stream
from bot.networks.rss import FeedError, FeedMalformed, RssNetwork
from sandbox.feeds import FeedsStandIn
from sandbox.httpserver import Response

DAY = timedelta(days=1)


@pytest.fixture
def feeds() -> Iterator[FeedsStandIn]:
    stand_in = FeedsStandIn()
    stand_in.start()
    yield stand_in
    stand_in.stop()


def backfill_start() -> datetime:
    return datetime.now(UTC) - DAY


def stream_for(network: RssNetwork, url: str) -> Stream:
    return next(s for s in network.streams() if s.name == f"feed:{url}")


def first_poll(network: RssNetwork, url: str) -> Page:
    return stream_for(network, url).fetch(None, backfill_start(), None)


def test_rss_and_atom_entries_both_become_posts(feeds: FeedsStandIn) -> None:
    rss = feeds.add_feed("jane", title="Jane's tech blog", language="es-ES")
    atom = feeds.add_feed("forum", kind="atom", title="Acme forum: support")
    feeds.add_entry("jane", "La app de Acme falla", "<p>Desde ayer no abre.</p>", author="Jane")
    feeds.add_entry("forum", "Login loop", "<p>I keep getting logged out.</p>", author="Bob")
    network = RssNetwork([rss, atom])

    (from_rss,) = first_poll(network, rss).posts
    (from_atom,) = first_poll(network, atom).posts

    assert from_rss.text == "La app de Acme falla\n\nDesde ayer no abre."
    assert from_rss.author.handle == "Jane" and from_rss.lang == "es"
    assert from_rss.url == "https://jane.example/posts/1"
    assert from_atom.text == "Login loop\n\nI keep getting logged out."
    assert from_atom.author.name == "Bob (Acme forum: support)"
    assert from_atom.url == "https://forum.example/posts/2"
    for post in (from_rss, from_atom):
        assert post.network == "rss" and post.publicly_replyable is False
        assert post.conversation_id == post.external_id and len(post.external_id) <= 64
    assert from_rss.external_id != from_atom.external_id


def test_an_unchanged_feed_answers_304_and_nothing_is_imported_again(feeds: FeedsStandIn) -> None:
    url = feeds.add_feed("blog")
    feeds.add_entry("blog", "Acme outage", "Down again")
    stream = stream_for(RssNetwork([url]), url)

    first = stream.fetch(None, backfill_start(), None)
    second = stream.fetch(first.cursor, None, None)
    feeds.add_entry("blog", "Acme is back", "Up again")
    third = stream.fetch(first.cursor, None, None)

    assert feeds.statuses("blog") == [200, 304, 200]
    assert [p.text for p in first.posts] == ["Acme outage\n\nDown again"]
    assert second.posts == [] and second.cursor is None  # 304: keep the stored cursor
    assert [p.text for p in third.posts] == ["Acme is back\n\nUp again"]
    conditional = feeds.requests[1].headers
    assert conditional["if-none-match"].startswith('"')
    assert "if-modified-since" in conditional


def test_last_modified_alone_makes_the_request_conditional(feeds: FeedsStandIn) -> None:
    url = feeds.add_feed("dated", etag=False)
    feeds.add_entry("dated", "Acme review", "Meh")
    stream = stream_for(RssNetwork([url]), url)

    first = stream.fetch(None, backfill_start(), None)
    again = stream.fetch(first.cursor, None, None)

    assert feeds.statuses("dated") == [200, 304] and again.posts == []
    assert "if-none-match" not in feeds.requests[1].headers


def test_a_server_ignoring_validators_still_gets_each_entry_once(feeds: FeedsStandIn) -> None:
    url = feeds.add_feed("plain", etag=False, last_modified=False)
    feeds.add_entry("plain", "First", "one")
    stream = stream_for(RssNetwork([url]), url)

    first = stream.fetch(None, backfill_start(), None)
    feeds.add_entry("plain", "Second", "two")
    second = stream.fetch(first.cursor, None, None)
    third = stream.fetch(second.cursor, None, None)

    assert feeds.statuses("plain") == [200, 200, 200]
    assert [p.text for p in first.posts + second.posts] == ["First\n\none", "Second\n\ntwo"]
    assert third.posts == []


def test_an_entry_seen_under_another_id_or_link_is_not_imported_twice(feeds: FeedsStandIn) -> None:
    url = feeds.add_feed("moving")
    feeds.add_entry("moving", "Acme launch", link="https://moving.example/launch", guid="tag:1")
    stream = stream_for(RssNetwork([url]), url)
    first = stream.fetch(None, backfill_start(), None)

    # The blog moves to new guids but keeps its links, then edits a link but keeps the guid.
    feeds.add_entry("moving", "Acme launch", link="https://moving.example/launch", guid="urn:x")
    feeds.add_entry("moving", "Acme launch!", link="https://moving.example/launch-2", guid="tag:1")
    feeds.add_entry("moving", "Really new", link="https://moving.example/new", guid="tag:2")
    second = stream.fetch(first.cursor, None, None)

    assert len(first.posts) == 1
    assert [p.url for p in second.posts] == ["https://moving.example/new"]


def test_a_malformed_feed_is_reported_while_other_feeds_still_return_entries(
    feeds: FeedsStandIn,
) -> None:
    good = feeds.add_feed("good")
    sloppy = feeds.add_feed("sloppy")
    gone = feeds.add_feed("gone", kind="atom")
    for name in ("good", "sloppy", "gone"):
        feeds.add_entry(name, f"Acme on {name}", "text")
    feeds.break_feed("sloppy", "xml")
    feeds.break_feed("gone", "html")
    network = RssNetwork([sloppy, gone, good])

    results: dict[str, Page | NetworkError] = {}
    for stream in network.streams():  # as the polling layer does: each stream on its own
        try:
            results[stream.name] = stream.fetch(None, backfill_start(), None)
        except NetworkError as exc:
            results[stream.name] = exc

    healthy = results[f"feed:{good}"]
    salvageable = results[f"feed:{sloppy}"]
    unreadable = results[f"feed:{gone}"]
    assert isinstance(healthy, Page) and [p.text for p in healthy.posts] == ["Acme on good\n\ntext"]
    assert isinstance(salvageable, FeedMalformed) and isinstance(unreadable, FeedMalformed)
    assert not salvageable.retryable and not unreadable.retryable
    assert sloppy in salvageable.reason and "not well-formed" in salvageable.reason
    assert "entries it could read were imported" in salvageable.reason
    assert salvageable.salvaged is not None
    assert [p.text for p in salvageable.salvaged.posts] == ["Acme on sloppy\n\ntext"]
    assert gone in unreadable.reason and "not an RSS or Atom feed" in unreadable.reason
    assert unreadable.salvaged is None


def test_the_same_malformed_feed_gives_the_same_words_each_poll(feeds: FeedsStandIn) -> None:
    # A polling layer tells the admins once by comparing the reason with the last one.
    url = feeds.add_feed("broken")
    feeds.break_feed("broken", "html")
    stream = stream_for(RssNetwork([url]), url)

    reasons = []
    for _ in range(2):
        with pytest.raises(FeedMalformed) as caught:
            stream.fetch(None, backfill_start(), None)
        reasons.append(caught.value.reason)
    feeds.break_feed("broken", None)
    feeds.add_entry("broken", "Fixed", "works")

    assert reasons[0] == reasons[1]
    assert [p.text for p in stream.fetch(None, backfill_start(), None).posts] == ["Fixed\n\nworks"]


def test_html_is_stripped_and_hostile_text_kept_literal(feeds: FeedsStandIn) -> None:
    url = feeds.add_feed("hostile")
    feeds.add_entry(
        "hostile",
        "Acme <!channel> & <@U024BE7LH> *bold*",
        '<p>Read <a href="https://evil.example">this</a>'
        "<script>alert('x')</script><style>p{}</style></p>"
        "<ul><li>one</li><li>two &amp; three</li></ul>"
        "<p>Write to &lt;!here&gt; now<br/>please</p>",
    )

    (post,) = first_poll(RssNetwork([url]), url).posts

    assert post.text == (
        "Acme <!channel> & <@U024BE7LH> *bold*\n\n"
        "Read this\n\n• one\n• two & three\n\nWrite to <!here> now\nplease"
    )
    assert "alert" not in post.text and "evil.example" not in post.text


def test_first_start_imports_only_entries_newer_than_the_backfill_start(
    feeds: FeedsStandIn,
) -> None:
    url = feeds.add_feed("history")
    now = datetime.now(UTC)
    feeds.add_entry("history", "Ancient", published=now - timedelta(days=30))
    feeds.add_entry("history", "Undated and old", dated=False)
    feeds.add_entry("history", "Yesterday evening", published=now - timedelta(hours=3))
    stream = stream_for(RssNetwork([url]), url)

    first = stream.fetch(None, now - DAY, None)
    feeds.add_entry("history", "Undated but new", dated=False)
    second = stream.fetch(first.cursor, None, None)

    assert [p.text for p in first.posts] == ["Yesterday evening"]
    assert [p.text for p in second.posts] == ["Undated but new"]
    assert second.posts[0].created_at >= now


def test_a_google_alert_names_the_linked_site_and_drops_the_redirect(feeds: FeedsStandIn) -> None:
    url = feeds.add_feed(
        "alerts", kind="atom", title="Google Alert - acme", link="https://www.google.com/alerts"
    )
    target = "https://reviews.example/acme-phone-review"
    feeds.add_entry(
        "alerts",
        "Acme phone review",
        "The <b>Acme</b> phone is slow",
        link=f"https://www.google.com/url?rct=j&sa=t&url={target}&ct=ga&cd=x&usg=y",
    )

    (post,) = first_poll(RssNetwork([url]), url).posts

    assert post.url == target
    assert post.author.handle == "reviews.example"
    assert post.author.name == "reviews.example (Google Alert - acme)"


def test_an_authors_email_address_is_never_shown(feeds: FeedsStandIn) -> None:
    url = feeds.add_feed("mail")
    feeds.add_entry("mail", "One", author="jane@mail.example (Jane Doe)")
    feeds.add_entry("mail", "Two", author="bob@mail.example")

    posts = first_poll(RssNetwork([url]), url).posts

    assert [p.author.handle for p in posts] == ["Jane Doe", "bob"]
    assert all("@" not in p.author.name for p in posts)


def test_http_failures_become_plain_words_with_the_right_retry(feeds: FeedsStandIn) -> None:
    url = feeds.add_feed("flaky")
    stream = stream_for(RssNetwork([url], timeout=0.5), url)
    at = lambda path: lambda request: request.path == path  # noqa: E731
    path = "/feeds/flaky.xml"

    feeds.inject(at(path), Response(404, "Not Found"))
    with pytest.raises(FeedError) as missing:
        stream.fetch(None, backfill_start(), None)
    feeds.inject(at(path), Response(503, "busy"))
    with pytest.raises(NetworkUnavailable) as busy:
        stream.fetch(None, backfill_start(), None)
    feeds.inject(at(path), Response(429, "slow down", {"Retry-After": "120"}))
    with pytest.raises(RateLimited) as limited:
        stream.fetch(None, backfill_start(), None)
    feeds.inject(at(path), None, delay=1.5)
    with pytest.raises(NetworkUnavailable) as slow:
        stream.fetch(None, backfill_start(), None)

    assert not missing.value.retryable and "HTTP 404" in missing.value.reason
    assert "RSS_FEEDS" in missing.value.reason and url in missing.value.reason
    assert busy.value.retryable and "503" in busy.value.reason
    wait = limited.value.until - datetime.now(UTC)
    assert timedelta(seconds=100) < wait <= timedelta(seconds=120)
    assert "in time" in slow.value.reason
