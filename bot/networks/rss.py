"""Blogs, news and alerts: RSS and Atom feeds, read through feedparser.

Each feed is its own stream (`feed:<url>`), so one broken feed never delays another.
We fetch the bytes ourselves (feedparser's own fetching has no timeout), with a
conditional GET from the ETag and Last-Modified the feed sent last time, and hand them
to `feedparser.parse`. The stream's cursor remembers those two validators and the
entries already seen (by id and by link), so an unchanged feed costs one 304 and an
entry is imported once even when a feed reorders or re-dates its items.

Feeds are read-only: a case from a feed has no reply button; the agent opens the post
in a browser and answers there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import feedparser
import requests

from bot.i18n import N_, _
from bot.networks.base import (
    VISIBILITY_FIELD,
    Author,
    FetchedPost,
    NetworkError,
    NetworkUnavailable,
    Outgoing,
    Page,
    ProgressCallback,
    RateLimited,
    ReplyContext,
    SentReply,
    Stream,
)
from bot.networks.plain_text import html_to_text, tidy
from bot.settings_reader import EnvReader

log = logging.getLogger(__name__)

NAME = "rss"
SETTING = "RSS_FEEDS"
# Seconds to wait for a feed. Feeds are small static files: a server that has not answered
# in 15 s is down, and the other feeds of the same poll wait behind it (one by one).
DEFAULT_TIMEOUT = 15.0
# A feed is a few hundred kilobytes at most; anything far larger is not a feed we want.
MAX_FEED_BYTES = 5 * 1024 * 1024
# Entries read from one document (feeds list newest first; the rest are old news).
MAX_ENTRIES = 500
# Seen keys kept in the cursor besides those of the current document.
MAX_SEEN = 1000
# Characters of a post's text (title + summary); feeds sometimes carry whole articles.
MAX_TEXT = 4000
# Storage limits of the columns these values land in.
MAX_URL = 300
MAX_HANDLE = 64
MAX_NAME = 200
# A 429 without Retry-After: try again after this long.
DEFAULT_PAUSE = timedelta(minutes=15)
USER_AGENT = "Carethread feed reader (+https://github.com/carethread)"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
READ_ONLY = N_(
    "Posts from feeds cannot be answered from Carethread: open the post in a browser and "
    "answer there."
)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


# -- settings ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RssSettings:
    """`RSS_FEEDS`: feed URLs separated by commas (blogs, Google Alerts, forum feeds)."""

    name: ClassVar[str] = NAME
    feeds: tuple[str, ...]

    def connect(self) -> RssNetwork:
        return connect(self, DEFAULT_TIMEOUT)


def read_settings(reader: EnvReader) -> RssSettings | None:
    """The feeds to read, or None when `RSS_FEEDS` is not set."""
    if reader.raw(SETTING) is None:
        return None
    feeds: list[str] = []
    for item in reader.csv(SETTING):
        if not re.match(r"^https?://[^\s/]+\S*$", item):
            reader.problems.append(
                f"{SETTING} must list http(s) feed URLs separated by commas; {item!r} is not one."
            )
        elif item not in feeds:
            feeds.append(item)
    if not feeds and not reader.problems:
        reader.problems.append(f"{SETTING} is set but lists no feed URL.")
    return RssSettings(tuple(feeds))


def connect(block: RssSettings, timeout: float = DEFAULT_TIMEOUT) -> RssNetwork:
    return RssNetwork(block.feeds, timeout=timeout)


# -- errors --------------------------------------------------------------------------------
class FeedError(NetworkError):
    """A feed that cannot be read until a person acts (wrong address, gone, refused)."""

    def __init__(self, feed_url: str, reason: str, salvaged: Page | None = None):
        super().__init__(reason, retryable=False, salvaged=salvaged)
        self.feed_url = feed_url


class FeedMalformed(FeedError):
    """feedparser flagged the document as malformed (`bozo`).

    `salvaged` holds what could still be read (entries and the next cursor), or None
    when nothing could: polling stores it and moves the checkpoint, then records the
    error for the admins. The salvaged cursor keeps no ETag or Last-Modified, so the next
    poll reads the document again (never a 304) and reports it again until it is fixed,
    while the entries already taken stay taken.
    """

    def __init__(self, feed_url: str, detail: str, salvaged: Page | None):
        outcome = (
            "the entries it could read were imported"
            if salvaged is not None
            else "nothing could be read from it"
        )
        super().__init__(
            feed_url,
            f"The feed {feed_url} is malformed ({detail}); {outcome}. Ask the site to fix "
            f"the feed, or remove it from {SETTING}.",
            salvaged,
        )
        self.detail = detail


# -- the cursor ----------------------------------------------------------------------------
@dataclass(frozen=True)
class FeedCursor:
    """What one feed's stream remembers between polls (stored as JSON, opaque to the core)."""

    etag: str | None = None
    modified: str | None = None
    seen: tuple[str, ...] = field(default_factory=tuple)

    def dump(self) -> str:
        body = {"etag": self.etag, "modified": self.modified, "seen": list(self.seen)}
        return json.dumps(body, separators=(",", ":"))

    @classmethod
    def load(cls, raw: str) -> FeedCursor | None:
        """The cursor stored as `raw`, or None when it cannot be read."""
        try:
            body = json.loads(raw)
            seen = tuple(str(key) for key in body.get("seen", []))
            return cls(_text_or_none(body.get("etag")), _text_or_none(body.get("modified")), seen)
        except (ValueError, TypeError, AttributeError):
            return None


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def entry_keys(entry: Any) -> list[str]:
    """Short stable keys for an entry's id and link: either one marks it as seen."""
    values = [entry.get("id"), entry.get("link")]
    keys = [_digest(str(v).strip())[:16] for v in values if v and str(v).strip()]
    if not keys:  # neither id nor link: the title and date are all there is
        keys.append(_digest(f"{entry.get('title', '')}\n{entry.get('published', '')}")[:16])
    return list(dict.fromkeys(keys))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# -- the network ---------------------------------------------------------------------------
class RssNetwork:
    """The `Network` interface for a list of RSS/Atom feeds: one stream per feed, read-only."""

    name = NAME
    label = "RSS/Atom"
    icon = "📰"
    can_reply_publicly = False
    can_send_private = False

    def __init__(
        self,
        feeds: Iterable[str],
        *,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.feeds = tuple(feeds)
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": ACCEPT})
        self.timeout = timeout
        self.clock = clock

    def whoami(self) -> Author:
        # Feeds have no account of the brand's: one fixed identity keeps the brand row stable.
        return Author(external_id="feeds", handle="feeds", name="RSS/Atom feeds")

    def streams(self) -> list[Stream]:
        return [Stream(f"feed:{url}", partial(self.fetch_feed, url)) for url in self.feeds]

    def reply_problems(self, text: str, visibility: str, context: ReplyContext) -> dict[str, str]:
        return {VISIBILITY_FIELD: _(READ_ONLY)}

    def reply_hint(self) -> str:
        return _(READ_ONLY)

    def draft_prefill(self, customer_handle: str, visibility: str) -> str:
        return ""  # nothing is ever drafted for a feed: its cards have no Draft button

    def reply_window(self, context: ReplyContext) -> str | None:
        return None  # no messaging windows on this network

    def reply_note(self, post_meta: Mapping[str, Any], visibility: str) -> str | None:
        return None  # a reply lands where the agent expects

    def private_message_link(self) -> str | None:
        return None

    def send(self, outgoing: Outgoing) -> SentReply:
        raise NetworkError(READ_ONLY, retryable=False)

    def find_sent(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        return None  # nothing is ever sent to a feed

    # -- reading -------------------------------------------------------------------------
    def fetch_feed(
        self,
        url: str,
        cursor: str | None,
        start_time: datetime | None,
        progress: ProgressCallback | None = None,
    ) -> Page:
        """New entries of one feed since `cursor`; on the first start, those since `start_time`.

        Raises `FeedMalformed` for a document feedparser flags as malformed (with what it
        could still read), `FeedError` for a feed that needs a person, `RateLimited` and
        `NetworkUnavailable` for what passes by itself.
        """
        state = FeedCursor.load(cursor) if cursor else None
        if cursor and state is None:
            log.warning("Unreadable cursor for feed %s: starting afresh from now", url)
            start_time = self.clock()
        response = self._get(url, state)
        if response is None:  # 304 Not Modified: nothing new, keep the cursor
            return Page([], None)
        body, headers = response
        parsed = feedparser.parse(body, response_headers=headers)
        problem = malformed(parsed)
        if problem and not parsed.entries:
            raise FeedMalformed(url, problem, salvaged=None)
        entries = list(parsed.entries)[:MAX_ENTRIES]
        previous = state.seen if state else ()
        posts = self._new_posts(url, parsed.feed, entries, set(previous), state, start_time)
        seen = _remember(entries, previous)
        if problem:
            # No validators: a 304 next time would hide that the feed is still broken.
            raise FeedMalformed(url, problem, salvaged=Page(posts, FeedCursor(seen=seen).dump()))
        page = Page(
            posts,
            FeedCursor(
                etag=headers.get("etag"), modified=headers.get("last-modified"), seen=seen
            ).dump(),
        )
        if progress and posts:
            progress(len(posts))
        return page

    def _new_posts(
        self,
        url: str,
        feed: Any,
        entries: list[Any],
        seen: set[str],
        state: FeedCursor | None,
        start_time: datetime | None,
    ) -> list[FetchedPost]:
        now = self.clock()
        posts: list[FetchedPost] = []
        # Feeds list newest first: read them backwards so equal dates keep their order.
        for entry in reversed(entries):
            if any(key in seen for key in entry_keys(entry)):
                continue
            dated = _entry_time(entry)
            if state is None and start_time is not None and (dated is None or dated < start_time):
                continue  # first start: older entries are history, not new cases
            posts.append(entry_to_post(url, feed, entry, min(dated or now, now)))
        posts.sort(key=lambda p: p.created_at)
        return posts

    def _get(self, url: str, state: FeedCursor | None) -> tuple[bytes, dict[str, str]] | None:
        """The feed's bytes and headers (lower-cased names), or None for 304 Not Modified."""
        headers: dict[str, str] = {}
        if state and state.etag:
            headers["If-None-Match"] = state.etag
        if state and state.modified:
            headers["If-Modified-Since"] = state.modified
        try:
            with self.session.get(
                url, headers=headers, timeout=self.timeout, stream=True
            ) as response:
                if response.status_code == 304:
                    return None
                _check_status(url, response, self.clock())
                body = _read_limited(url, response)
                found = {k.lower(): v for k, v in response.headers.items()}
                # Relative links in the feed resolve against where it was finally read.
                found["content-location"] = response.url
                return body, found
        except requests.Timeout as exc:
            raise NetworkUnavailable(
                f"the feed {url} did not answer in time; will try again"
            ) from exc
        except requests.RequestException as exc:
            raise NetworkUnavailable(
                f"could not reach the feed {url} ({type(exc).__name__}); will try again"
            ) from exc


def _check_status(url: str, response: requests.Response, now: datetime) -> None:
    status = response.status_code
    if status == 429:
        until = retry_after(response.headers.get("Retry-After"), now) or now + DEFAULT_PAUSE
        raise RateLimited(
            until, f"the feed {url} asks us to slow down; paused until {until:%H:%M} UTC"
        )
    if status >= 500:
        raise NetworkUnavailable(
            f"the feed {url} is having trouble (HTTP {status}); will try again"
        )
    if status >= 400:
        reason = response.reason or ""
        raise FeedError(
            url,
            f"The feed {url} answered HTTP {status} {reason}".rstrip()
            + f": check the address in {SETTING}.",
        )


def _read_limited(url: str, response: requests.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > MAX_FEED_BYTES:
            raise FeedError(
                url,
                f"The feed {url} is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB, "
                "which no feed should be: check the address in " + SETTING + ".",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def retry_after(value: str | None, now: datetime) -> datetime | None:
    """A Retry-After header (seconds or an HTTP date) as a moment, or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def malformed(parsed: Any) -> str | None:
    """Why feedparser found the document malformed, in plain words; None when it is fine.

    feedparser also sets `bozo` for harmless things (a charset that differs from the HTTP
    header, an XML feed served as text/plain): those are not problems when it parsed.
    """
    version = parsed.get("version") or ""
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        harmless = isinstance(exc, feedparser.ThingsNobodyCaresAboutButMe)
        if not harmless:
            return _describe(exc)
        if not version and not parsed.entries:
            return "it is not an RSS or Atom feed"
        return None
    if not version and not parsed.entries:
        return "it is not an RSS or Atom feed"
    return None


def _describe(exc: object) -> str:
    line = getattr(exc, "getLineNumber", None)
    column = getattr(exc, "getColumnNumber", None)
    message = getattr(exc, "getMessage", None)
    if callable(line) and callable(column) and callable(message):
        return f"line {line()}, column {column()}: {message()}"
    return str(exc) or type(exc).__name__


def _remember(entries: list[Any], previous: tuple[str, ...]) -> tuple[str, ...]:
    """The keys to keep: all of the current document's, then the most recent earlier ones."""
    current = list(dict.fromkeys(key for entry in entries for key in entry_keys(entry)))
    kept = set(current)
    older = [key for key in previous if key not in kept][: max(0, MAX_SEEN - len(current))]
    return tuple(current + older)


# -- entries → posts -----------------------------------------------------------------------
def entry_to_post(feed_url: str, feed: Any, entry: Any, created_at: datetime) -> FetchedPost:
    link = unwrap_link(str(entry.get("link") or "").strip())
    identity = link or f"{feed_url}#{entry.get('id') or entry_keys(entry)[0]}"
    external_id = _digest(identity)[:32]
    return FetchedPost(
        network=NAME,
        external_id=external_id,
        author=_author(feed_url, feed, entry, link),
        text=_text(entry),
        created_at=created_at,
        url=_storable_url(link, feed, feed_url),
        lang=_language(entry, feed),
        # Each entry is its own conversation: feeds have no threads. And a blog's next
        # entry is not its author writing to the brand again: it never joins their case.
        conversation_id=external_id,
        source="feed",
        publicly_replyable=False,
        joins_author_case=False,
        meta={
            "feed": feed_url,
            "feed_title": _plain(feed.get("title_detail"), feed.get("title")),
            "entry_id": str(entry.get("id") or "")[:1000],
            "link": link,
        },
    )


def unwrap_link(link: str) -> str:
    """The target of a Google redirect link (as Google Alerts sends them), else the link."""
    parts = urlsplit(link)
    if parts.hostname and parts.hostname.endswith("google.com") and parts.path == "/url":
        target = parse_qs(parts.query).get("url") or parse_qs(parts.query).get("q")
        if target and re.match(r"^https?://", target[0]):
            return target[0]
    return link


def _storable_url(link: str, feed: Any, feed_url: str) -> str:
    for candidate in (link, str(feed.get("link") or ""), feed_url):
        if candidate and len(candidate) <= MAX_URL:
            return candidate
    parts = urlsplit(feed_url)
    return f"{parts.scheme}://{parts.netloc}/"[:MAX_URL]


def _text(entry: Any) -> str:
    title = _plain(entry.get("title_detail"), entry.get("title"))
    body = ""
    contents = entry.get("content") or []
    summary = entry.get("summary_detail")
    if summary is not None or entry.get("summary"):
        body = _plain(summary, entry.get("summary"))
    elif contents:
        body = _plain(contents[0], contents[0].get("value"))
    parts = [part for part in (title, body) if part]
    if len(parts) == 2 and parts[1].startswith(parts[0]):
        parts = parts[1:]
    text = "\n\n".join(parts)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1].rstrip() + "…"


def _plain(detail: Any, fallback: object) -> str:
    """A feedparser text construct as plain text, stripping HTML only where it is HTML."""
    value = (detail.get("value") if detail else None) or fallback or ""
    kind = (detail.get("type") if detail else None) or "text/html"
    return html_to_text(str(value)) if kind in HTML_TYPES else tidy(str(value))


def _author(feed_url: str, feed: Any, entry: Any, link: str) -> Author:
    """Who wrote the entry: its author, else the site it links to, else the feed itself."""
    feed_title = _plain(feed.get("title_detail"), feed.get("title"))
    link_host = urlsplit(link).hostname or ""
    feed_host = urlsplit(str(feed.get("link") or feed_url)).hostname or ""
    name = author_name(entry)
    if name:
        scope = link_host or feed_url
    elif link_host and link_host != feed_host:
        # Aggregators (Google Alerts, planets) list other sites' posts: the site wrote it.
        name, scope = link_host, link_host
    else:
        name, scope = feed_title or feed_host or feed_url, feed_url
    return Author(
        external_id=_digest(f"{scope}\n{name}")[:32],
        handle=name[:MAX_HANDLE],
        name=f"{name} ({feed_title})"[:MAX_NAME] if feed_title and feed_title != name else name,
    )


_EMAIL_THEN_NAME = re.compile(r"^\S+@\S+\s*\((?P<name>[^)]+)\)$")
_NAME_THEN_EMAIL = re.compile(r"^(?P<name>[^<]+?)\s*<\S+@\S+>$")


def author_name(entry: Any) -> str | None:
    """The author's name, never their e-mail address (RSS puts one in `<author>`)."""
    raw = str(entry.get("author") or "").strip()
    if not raw:
        detail = entry.get("author_detail") or {}
        raw = str(detail.get("name") or "").strip()
    if not raw:
        return None
    for pattern in (_EMAIL_THEN_NAME, _NAME_THEN_EMAIL):
        match = pattern.match(raw)
        if match:
            return match.group("name").strip()
    if "@" in raw and " " not in raw:  # a bare address: keep only the part before @
        return raw.split("@", 1)[0] or None
    return raw


def _entry_time(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            year, month, day, hour, minute, second = (int(part) for part in value[:6])
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return None


def _language(entry: Any, feed: Any) -> str | None:
    detail = entry.get("title_detail") or {}
    raw = detail.get("language") or feed.get("language") or ""
    primary = str(raw).strip().lower().replace("_", "-").split("-")[0]
    return primary[:16] if re.fullmatch(r"[a-z]{2,8}", primary) else None
