"""One small interface per social network: fetch new posts, reply publicly, send privately.

Everything above this package speaks in these types, never in tweepy objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Author:
    external_id: str
    handle: str
    name: str
    followers: int = 0
    verified: bool = False
    verified_type: str | None = None


@dataclass(frozen=True)
class FetchedPost:
    network: str
    external_id: str
    author: Author
    text: str
    created_at: datetime
    url: str
    lang: str | None = None
    conversation_id: str | None = None
    in_reply_to_id: str | None = None
    # "mention": the author addressed the brand; "search": found by keyword search.
    source: str = "mention"
    # X lets an app reply publicly only to authors who mentioned or quoted the brand.
    publicly_replyable: bool = True


@dataclass(frozen=True)
class Page:
    """Posts fetched from one stream, oldest first, and the newest id among them."""

    posts: list[FetchedPost]
    newest_id: str | None
    # Set when the last response said no requests are left in this rate-limit window.
    pause_until: datetime | None = None


@dataclass(frozen=True)
class SentReply:
    external_id: str
    url: str


class NetworkError(Exception):
    """The network refused or failed; `reason` is plain words for the person who can act."""

    def __init__(self, reason: str, *, retryable: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class RateLimited(NetworkError):
    def __init__(self, until: datetime, reason: str | None = None):
        super().__init__(reason or f"rate limited until {until:%H:%M} UTC")
        self.until = until


class NetworkUnavailable(NetworkError):
    """A 5xx, a timeout or a connection error: try again on the next tick."""


ProgressCallback = Callable[[int], None]


class Network(Protocol):
    name: str

    def whoami(self) -> Author: ...

    def fetch_mentions(
        self,
        since_id: str | None,
        start_time: datetime | None,
        progress: ProgressCallback | None = None,
    ) -> Page: ...

    def fetch_search(
        self,
        query: str,
        since_id: str | None,
        start_time: datetime | None,
        progress: ProgressCallback | None = None,
    ) -> Page: ...

    def reply_publicly(self, in_reply_to_id: str, text: str) -> SentReply: ...

    def send_private(self, recipient_id: str, text: str) -> SentReply: ...

    # Before retrying an interrupted send: did the earlier attempt reach the network?
    def find_public_reply(
        self, in_reply_to_id: str, text: str, since: datetime
    ) -> SentReply | None: ...

    def find_private_message(
        self, recipient_id: str, text: str, since: datetime
    ) -> SentReply | None: ...
