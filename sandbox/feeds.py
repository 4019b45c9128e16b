"""Local RSS 2.0 and Atom 1.0 feeds for tests and the demo, served like a real web server.

Each feed lives at `/feeds/<name>.xml`. Responses carry a strong ETag and a
Last-Modified date, and conditional requests (If-None-Match, If-Modified-Since) get
`304 Not Modified` exactly as RFC 9110 says: If-None-Match wins when both are sent.
A feed can be broken on purpose: `break_feed(name)` serves ill-formed XML that a
forgiving parser still reads entries from, `break_feed(name, "html")` an HTML page that
is no feed at all. Servers that ignore validators are there too (`etag=False`,
`last_modified=False`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from xml.sax.saxutils import escape, quoteattr

from sandbox.httpserver import Request, Response, StandInServer

RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class Entry:
    guid: str
    title: str
    link: str | None
    summary: str  # HTML, as blogs write it
    author: str | None
    published: datetime | None


@dataclass
class Feed:
    name: str
    kind: str  # "rss" or "atom"
    title: str
    link: str
    language: str | None
    etag: bool
    last_modified: bool
    entries: list[Entry] = field(default_factory=list)
    broken: str | None = None  # None, "xml" or "html"
    changed_at: datetime = field(default_factory=utc_now)


class FeedsStandIn(StandInServer):
    """Feeds on 127.0.0.1 that tests change while the bot polls them."""

    def __init__(self) -> None:
        super().__init__()
        self.feeds: dict[str, Feed] = {}
        self._sequence = 0
        self.clock = utc_now

    # -- building the world ------------------------------------------------------------
    def add_feed(
        self,
        name: str,
        *,
        kind: str = "rss",
        title: str | None = None,
        link: str | None = None,
        language: str | None = "en",
        etag: bool = True,
        last_modified: bool = True,
    ) -> str:
        """Create an empty feed; returns its URL."""
        if kind not in ("rss", "atom"):
            raise ValueError("kind is 'rss' or 'atom'")
        with self.lock:
            self.feeds[name] = Feed(
                name,
                kind,
                title or f"{name.title()} blog",
                link or f"https://{name}.example/",
                language,
                etag,
                last_modified,
                changed_at=self.clock() - timedelta(days=1),
            )
        return self.url(name)

    def add_entry(
        self,
        name: str,
        title: str,
        summary: str = "",
        *,
        link: str | None = None,
        author: str | None = None,
        published: datetime | None = None,
        guid: str | None = None,
        dated: bool = True,
    ) -> Entry:
        """Publish an entry at the top of the feed (feeds list newest first)."""
        with self.lock:
            feed = self.feeds[name]
            self._sequence += 1
            default_link = f"{feed.link.rstrip('/')}/posts/{self._sequence}"
            entry = Entry(
                guid=guid or link or default_link,
                title=title,
                link=link if link is not None else default_link,
                summary=summary,
                author=author,
                published=(published or self.clock()) if dated else None,
            )
            feed.entries.insert(0, entry)
            feed.changed_at = max(self.clock(), feed.changed_at + timedelta(seconds=1))
            return entry

    def break_feed(self, name: str, how: str | None = "xml") -> None:
        """Serve the feed malformed: "xml" (ill-formed, entries still readable), "html"
        (a web page, no feed at all); None repairs it."""
        with self.lock:
            feed = self.feeds[name]
            feed.broken = how
            feed.changed_at = max(self.clock(), feed.changed_at + timedelta(seconds=1))

    def url(self, name: str) -> str:
        return f"{self.base_url}/feeds/{name}.xml"

    def statuses(self, name: str) -> list[int | None]:
        """The HTTP status of every request for one feed so far, in order."""
        path = f"/feeds/{name}.xml"
        with self.lock:
            return [r.status for r in self.requests if r.path == path]

    # -- serving -------------------------------------------------------------------------
    def dispatch(self, request: Request) -> Response:
        name = request.path.removeprefix("/feeds/").removesuffix(".xml")
        with self.lock:
            feed = self.feeds.get(name) if request.path.startswith("/feeds/") else None
            if feed is None or request.method != "GET":
                return Response(404, "Not Found", {"Content-Type": "text/plain"})
            body, content_type = render(feed)
        headers = {"Content-Type": content_type}
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if feed.etag:
            headers["ETag"] = etag
        if feed.last_modified:
            headers["Last-Modified"] = format_datetime(feed.changed_at, usegmt=True)
        if self._not_modified(request, feed, etag):
            return Response(304, None, {k: v for k, v in headers.items() if k != "Content-Type"})
        return Response(200, body, headers)

    @staticmethod
    def _not_modified(request: Request, feed: Feed, etag: str) -> bool:
        if_none_match = request.headers.get("if-none-match")
        if if_none_match is not None:  # RFC 9110 13.1.3: then If-Modified-Since is ignored
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return feed.etag and (etag in tags or "*" in tags)
        since = request.headers.get("if-modified-since")
        if since and feed.last_modified:
            try:
                moment = parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            return feed.changed_at <= moment
        return False


def render(feed: Feed) -> tuple[bytes, str]:
    """The document for `feed` and its media type."""
    if feed.broken == "html":
        page = f"<!DOCTYPE html><html><head><title>{escape(feed.title)}</title></head>"
        return (
            page + "<body><h1>Moved</h1><p>Our blog has a new home.</p></body></html>"
        ).encode(), "text/html; charset=utf-8"
    if feed.kind == "atom":
        text, content_type = _atom(feed), ATOM_TYPE
    else:
        text, content_type = _rss(feed), RSS_TYPE
    if feed.broken == "xml":
        # What hand-rolled feeds get wrong: a bare ampersand and a tag never closed.
        text = text.replace("</title>", " & friends</title>", 1).replace("</channel>", "", 1)
        text = text.replace("</feed>", "<entry><title>unfinished", 1)
    return text.encode(), content_type


def _rss(feed: Feed) -> str:
    items = []
    for entry in feed.entries:
        parts = [f"<title>{escape(entry.title)}</title>"]
        if entry.link:
            parts.append(f"<link>{escape(entry.link)}</link>")
        permalink = "true" if entry.guid == entry.link else "false"
        parts.append(f"<guid isPermaLink={quoteattr(permalink)}>{escape(entry.guid)}</guid>")
        if entry.summary:
            parts.append(f"<description>{escape(entry.summary)}</description>")
        if entry.author:
            parts.append(f"<author>{escape(entry.author)}</author>")
        if entry.published:
            parts.append(f"<pubDate>{format_datetime(entry.published, usegmt=True)}</pubDate>")
        items.append("<item>" + "".join(parts) + "</item>")
    language = f"<language>{escape(feed.language)}</language>" if feed.language else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(feed.title)}</title><link>{escape(feed.link)}</link>"
        f"<description>{escape(feed.title)}</description>{language}"
        f"<lastBuildDate>{format_datetime(feed.changed_at, usegmt=True)}</lastBuildDate>"
        + "".join(items)
        + "</channel></rss>"
    )


def _atom(feed: Feed) -> str:
    entries = []
    for entry in feed.entries:
        updated = entry.published or feed.changed_at
        parts = [
            f'<title type="text">{escape(entry.title)}</title>',
            f"<id>{escape(entry.guid)}</id>",
            f"<updated>{updated.isoformat().replace('+00:00', 'Z')}</updated>",
        ]
        if entry.published:
            parts.append(
                f"<published>{entry.published.isoformat().replace('+00:00', 'Z')}</published>"
            )
        if entry.link:
            parts.append(f'<link rel="alternate" href={quoteattr(entry.link)}/>')
        if entry.author:
            parts.append(f"<author><name>{escape(entry.author)}</name></author>")
        if entry.summary:
            parts.append(f'<content type="html">{escape(entry.summary)}</content>')
        entries.append("<entry>" + "".join(parts) + "</entry>")
    lang = f" xml:lang={quoteattr(feed.language)}" if feed.language else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"{lang}>'
        f'<title type="text">{escape(feed.title)}</title>'
        f'<link rel="alternate" href={quoteattr(feed.link)}/>'
        f"<id>{escape(feed.link)}</id>"
        f"<updated>{feed.changed_at.isoformat().replace('+00:00', 'Z')}</updated>"
        + "".join(entries)
        + "</feed>"
    )
