"""What the workflow knows about a social network, and nothing more.

Everything above `bot.networks` speaks in these types, never in a client library's
objects. A network is one module in this package: its settings block, `connect()`, and a
class implementing `Network`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from storage.enums import Visibility

# Keys of `reply_problems()`: the draft modal shows each message beside its field.
TEXT_FIELD = "text"
VISIBILITY_FIELD = "visibility"


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
    # "mention": the author addressed the brand; "search": found by keyword search, etc.
    source: str = "mention"
    # Whether the network lets the brand answer this post publicly.
    publicly_replyable: bool = True
    # Whether this post may join its author's open case from the last 24 hours (the same
    # customer writing again). False where an author's posts are separate items, not a
    # conversation: a blog's new entry is not its author writing to the brand again.
    joins_author_case: bool = True
    # Network-specific facts stored with the post and handed back in `ReplyTarget`
    # (e.g. a Bluesky record's cid and thread root, a forum post's topic id).
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """Posts fetched from one stream, oldest first, and the cursor to resume from.

    The cursor is opaque to the core: the network decides what it is and how it orders.
    `None` keeps the stored cursor.
    """

    posts: list[FetchedPost]
    cursor: str | None
    # Set when the last response said no requests are left in this rate-limit window.
    pause_until: datetime | None = None


ProgressCallback = Callable[[int], None]
# (stored cursor or None on the first start, backfill start on the first start, progress)
Fetch = Callable[[str | None, datetime | None, ProgressCallback | None], Page]


@dataclass(frozen=True)
class Stream:
    """One thing to poll on a network, with its own checkpoint (named by `name`)."""

    name: str
    fetch: Fetch


@dataclass(frozen=True)
class SentReply:
    external_id: str
    url: str


@dataclass(frozen=True)
class ReplyTarget:
    """What a reply answers, rebuilt from the stored post it answers."""

    post_id: str
    customer_id: str
    customer_handle: str
    conversation_id: str | None
    post_created_at: datetime
    post_meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outgoing:
    """One approved reply to send."""

    visibility: Visibility
    text: str
    # Stable for a draft across retries and restarts: an idempotency key where the
    # network has one.
    key: str
    target: ReplyTarget


@dataclass(frozen=True)
class ReplyContext:
    """What a network needs to judge a reply before anything is sent."""

    target: ReplyTarget
    publicly_replyable: bool
    # The customer's latest message in the case (messaging windows count from it).
    last_customer_post_at: datetime
    now: datetime
    # Private replies the brand already sent in answer to the target post.
    private_replies_to_target: int = 0


class NetworkError(Exception):
    """The network refused or failed; `reason` is plain words for the person who can act.

    `salvaged` is what could still be read despite the failure (e.g. the entries of a
    malformed feed): polling stores it and moves the checkpoint, then records the error.
    """

    def __init__(self, reason: str, *, retryable: bool = True, salvaged: Page | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.salvaged = salvaged


class RateLimited(NetworkError):
    def __init__(self, until: datetime, reason: str | None = None):
        super().__init__(reason or f"rate limited until {until:%H:%M} UTC")
        self.until = until


class NetworkUnavailable(NetworkError):
    """A 5xx, a timeout or a connection error: try again on the next tick."""


class Network(Protocol):
    """A connected account on one social network."""

    # Registry key, stored as `Case.network` / `Post.network` (e.g. "x").
    name: str
    # How people call it, for cards and messages ("X", "Mastodon").
    label: str
    # An emoji that marks the network on cards.
    icon: str
    can_reply_publicly: bool
    can_send_private: bool

    def whoami(self) -> Author:
        """The brand's own account (cached by implementations)."""
        ...

    def streams(self) -> list[Stream]:
        """What to poll, each with its own checkpoint."""
        ...

    def reply_problems(self, text: str, visibility: str, context: ReplyContext) -> dict[str, str]:
        """Why this reply would be refused, in the network's own words, keyed by modal field
        (`TEXT_FIELD`, `VISIBILITY_FIELD`); empty when it may be sent. Pure."""
        ...

    def reply_hint(self) -> str:
        """One line under the draft box: the network's length rules, in its own words."""
        ...

    def draft_prefill(self, customer_handle: str, visibility: str) -> str:
        """How a new draft starts (e.g. "@handle " where replies address the customer)."""
        ...

    def private_message_link(self) -> str | None:
        """A link that opens a private conversation with the brand, if the network has one.

        None on a network that can send private messages means the message reaches the
        customer by itself, as an answer to their post (Meta's private reply): Move to
        private then drafts only the private message, no public invitation."""
        ...

    def reply_window(self, context: ReplyContext) -> str | None:
        """The network's answering window for this case, one line for the card and the draft
        modal ("private reply possible until Tue 14 Jul 14:05 UTC"); None where the network
        has no windows. Pure."""
        ...

    def reply_note(self, post_meta: Mapping[str, Any], visibility: str) -> str | None:
        """Where a reply of `visibility` to the post with `post_meta` lands, when the draft
        modal should say so (an Instagram reply to a reply goes on the top-level comment);
        None when it is obvious. Pure."""
        ...

    def send(self, outgoing: Outgoing) -> SentReply:
        """Publish or send one reply; raises `NetworkError` in plain words."""
        ...

    def find_sent(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        """Before retrying an interrupted send: the reply if it reached the network."""
        ...
