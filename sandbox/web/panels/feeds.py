"""Blogs and news sites through the feeds stand-in (RSS and Atom): each feed's entries as
a reader sees them, and a composer that publishes an entry on one of the feeds the bot
reads. Feeds are read-only for the brand: nothing private, no replies."""

from __future__ import annotations

import html
import re

from bot.networks.plain_text import html_to_text
from sandbox.feeds import Entry, Feed, FeedsStandIn
from sandbox.httpserver import StandInServer
from sandbox.web.networks import Account, ComposeError, Persona, PrivateMessage, TimelinePost
from sandbox.web.panels.common import check_post, title_and_body

FEED_NAME = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class FeedsPanel:
    """A "handle" here is a feed's short name; a post is a new entry, its first line the
    title. Only the feeds the bot was started with (RSS_FEEDS) can be written to: a new
    feed would never be read. Followers, verified and private messages do not apply."""

    name = "rss"
    label = "RSS/Atom"
    handle_pattern = FEED_NAME
    accepts_replies = False  # the page offers no "Reply as" on an entry
    private_side = False  # no private messages section
    seen_as = "what blogs and news sites Carethread reads publish"
    prefill = ""  # an entry starts with its title

    def __init__(self, server: FeedsStandIn) -> None:
        self.server = server

    @property
    def changes(self) -> StandInServer:
        return self.server

    def brand(self) -> Account:
        # Feeds are written by others about the brand: the panel shows no brand account.
        return Account(handle="feeds", name="Blogs and news")

    def timeline(self) -> list[TimelinePost]:
        with self.server.lock:
            posts = [
                self._post(feed, entry)
                for feed in self.server.feeds.values()
                for entry in feed.entries
            ]
        return sorted(posts, key=lambda p: p.created_at, reverse=True)

    def _post(self, feed: Feed, entry: Entry) -> TimelinePost:
        return TimelinePost(
            id=entry.guid,
            author=Account(handle=feed.name, name=entry.author or feed.title),
            text=f"{entry.title}\n\n{html_to_text(entry.summary)}".strip(),
            created_at=entry.published or feed.changed_at,
            url=entry.link or feed.link,
            is_brand=False,
            language=feed.language or "",
        )

    def private_messages(self) -> list[PrivateMessage]:
        return []

    def compose(self, persona: Persona, text: str, reply_to: str | None) -> TimelinePost:
        """A new entry at the top of the feed `persona.handle`, by `persona.name`."""
        if reply_to:
            raise ComposeError("Feeds have no replies: each entry stands alone.")
        name = persona.handle.strip().lstrip("@").lower()
        with self.server.lock:
            feeds = sorted(self.server.feeds)
        if not re.match(FEED_NAME, name) or name not in feeds:
            raise ComposeError(
                "Pick one of the feeds Carethread reads: " + ", ".join(feeds) + "."
                if feeds
                else "Carethread reads no feed in this sandbox."
            )
        check_post(persona, text)
        title, body = title_and_body(text)
        summary = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
        entry = self.server.add_entry(name, title, summary, author=persona.name.strip() or None)
        self.server.changed({"kind": "entry", "feed": name})
        with self.server.lock:
            return self._post(self.server.feeds[name], entry)

    def anchor_for(self, url: str) -> str | None:
        with self.server.lock:
            found = any(e.guid == url for f in self.server.feeds.values() for e in f.entries)
        return f"#{self.name}-post-{url}" if found else None
