"""An in-memory social network implementing `bot.networks.base.Network`, for tests only.

It proves the core is network-neutral (a case from "Fakebook" goes through the same
workflow as one from X, with nothing in `bot/cases/` or `bot/slack/` knowing it) and lets
the send protocol and polling be tested fast, without HTTP. Its ids are not numbers and
its cursor is not an id, on purpose.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.networks.base import (
    TEXT_FIELD,
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
from storage.enums import Visibility

MAX_PUBLIC = 100


@dataclass
class Sent:
    outgoing: Outgoing
    reply: SentReply
    at: datetime


@dataclass
class FakeNetwork:
    """A network whose world is a list in memory; tests steer its failures."""

    name: str = "fake"
    label: str = "Fakebook"
    icon: str = "🧪"
    can_reply_publicly: bool = True
    can_send_private: bool = True
    brand: Author = field(default_factory=lambda: Author("brand:acme", "acme", "Acme"))
    posts: list[FetchedPost] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    # Failures the next calls meet, consumed in order: "refuse", "unavailable" (nothing
    # sent), "drop" (sent, then the answer is lost), "rate_limit".
    send_faults: list[str] = field(default_factory=list)
    # For fetching: "unavailable", "rate_limit", "refuse" (needs a person), "malformed"
    # (needs a person, but the new posts could still be read: they come as `salvaged`).
    fetch_faults: list[str] = field(default_factory=list)
    # Set: the next fetch returns its posts with this pause (the window's last request).
    pause_after_fetch: datetime | None = None
    # find_sent fails with NetworkUnavailable while set.
    lookups_fail: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- the world -------------------------------------------------------------------------
    def customer_posts(
        self,
        handle: str,
        text: str,
        *,
        conversation: str | None = None,
        at: datetime | None = None,
        replyable: bool = True,
    ) -> FetchedPost:
        """A customer writes to the brand; returns the post as polling will fetch it."""
        with self._lock:
            number = len(self.posts) + 1
            post = FetchedPost(
                network=self.name,
                external_id=f"post:{handle}:{number}",
                author=Author(f"user:{handle}", handle, handle.title(), followers=10),
                text=text,
                created_at=at or datetime.now(UTC),
                url=f"https://fake.example/{handle}/{number}",
                conversation_id=conversation or f"thread:{handle}:{number}",
                publicly_replyable=replyable,
                meta={"thread": conversation or f"thread:{handle}:{number}"},
            )
            self.posts.append(post)
            return post

    # -- the Network protocol ------------------------------------------------------------------
    def whoami(self) -> Author:
        return self.brand

    def streams(self) -> list[Stream]:
        return [Stream("inbox", self._fetch)]

    def _fetch(
        self, cursor: str | None, start: datetime | None, progress: ProgressCallback | None
    ) -> Page:
        with self._lock:
            fault = self.fetch_faults.pop(0) if self.fetch_faults else None
            if fault == "rate_limit":
                raise RateLimited(datetime.now(UTC) + timedelta(minutes=5))
            if fault == "unavailable":
                raise NetworkUnavailable("Fakebook is down")
            if fault == "refuse":
                raise NetworkError("Fakebook revoked the brand's token", retryable=False)
            # The cursor is "seen:<count>": how many posts of the list were delivered.
            seen = int(cursor.removeprefix("seen:")) if cursor else 0
            new = [p for p in self.posts[seen:] if start is None or p.created_at >= start]
            total = len(self.posts)
            pause, self.pause_after_fetch = self.pause_after_fetch, None
        page = Page(new, f"seen:{total}" if total > seen else None, pause)
        if fault == "malformed":
            raise NetworkError("Fakebook's answer is malformed", retryable=False, salvaged=page)
        if progress and new:
            progress(len(new))
        return page

    def reply_problems(self, text: str, visibility: str, context: ReplyContext) -> dict[str, str]:
        if visibility == Visibility.PUBLIC and len(text) > MAX_PUBLIC:
            return {TEXT_FIELD: f"Fakebook allows {MAX_PUBLIC} characters, this is {len(text)}."}
        return {}

    def reply_hint(self) -> str:
        return f"Up to {MAX_PUBLIC} characters in public."

    def draft_prefill(self, customer_handle: str, visibility: str) -> str:
        return ""

    def private_message_link(self) -> str | None:
        return "https://fake.example/messages/acme"

    def reply_window(self, context: ReplyContext) -> str | None:
        return None

    def reply_note(self, post_meta: Mapping[str, Any], visibility: str) -> str | None:
        return None

    def send(self, outgoing: Outgoing) -> SentReply:
        with self._lock:
            fault = self.send_faults.pop(0) if self.send_faults else None
            if fault == "refuse":
                raise NetworkError(
                    "Fakebook refused it: the customer blocked the brand", retryable=False
                )
            if fault == "unavailable":
                raise NetworkUnavailable("Fakebook did not answer")
            if fault == "rate_limit":
                raise RateLimited(datetime.now(UTC) + timedelta(minutes=1))
            reply = SentReply(
                f"reply:{len(self.sent) + 1}", f"https://fake.example/r/{len(self.sent) + 1}"
            )
            self.sent.append(Sent(outgoing, reply, datetime.now(UTC)))
            if fault == "drop":
                raise NetworkUnavailable("the connection dropped after Fakebook took it")
            return reply

    def find_sent(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        with self._lock:
            if self.lookups_fail:
                raise NetworkUnavailable("Fakebook cannot be asked right now")
            for sent in self.sent:
                if sent.outgoing.key == outgoing.key and sent.at >= since - timedelta(minutes=2):
                    return sent.reply
        return None

    # -- what tests check -----------------------------------------------------------------
    def sent_texts(self) -> list[str]:
        with self._lock:
            return [s.outgoing.text for s in self.sent]
