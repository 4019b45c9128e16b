"""What the web page shows of a social network: the public timeline and the private
messages as the customer sees them, and a way to post as a customer.

One `NetworkPanel` per enabled network. A network's stand-in plugs in by implementing
this small interface (see `XPanel`); the page, the composer and the live updates need
nothing else. A panel whose customers can also write to the brand privately (and whose
bot reads that) adds `compose_private(persona, text) -> PrivateMessage`: the composer's
"Write privately" then works on it. `changes` is the stand-in whose observer hook tells
the page to redraw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sandbox.httpserver import StandInServer
from sandbox.x_api import XStandIn


class ComposeError(ValueError):
    """Why a post cannot be made as asked, in words for the person at the composer."""


@dataclass(frozen=True)
class Persona:
    """A customer as the composer describes them; the panel creates or updates the account."""

    name: str
    handle: str
    followers: int = 0
    verified: bool = False
    language: str = ""  # an ISO 639-1 code the network records with the post, "" = not set
    accepts_private_messages: bool = True
    network: str = ""  # the network a preset belongs to (its panel's name); "" = any


@dataclass(frozen=True)
class Account:
    handle: str
    name: str
    followers: int = 0
    verified: bool = False
    accepts_private_messages: bool = True


@dataclass(frozen=True)
class TimelinePost:
    """One public post as the network shows it to anyone."""

    id: str
    author: Account
    text: str  # whole, as written (long posts too)
    created_at: datetime
    url: str
    is_brand: bool  # written by the brand's account (our reply)
    in_reply_to: str | None = None  # id of the post it answers
    in_reply_to_handle: str | None = None
    language: str = ""


@dataclass(frozen=True)
class PrivateMessage:
    """A private message between the brand and a customer."""

    id: str
    sender: Account
    recipient: Account
    text: str
    created_at: datetime


class NetworkPanel(Protocol):
    """A network as the sandbox page shows it (implement one per stand-in)."""

    name: str  # the network's registry key, e.g. "x", "mastodon"
    label: str  # what the page calls it, e.g. "X", "Mastodon"
    handle_pattern: str  # a regular expression a customer handle must match (for the form)

    @property
    def changes(self) -> StandInServer:
        """The stand-in whose `observe()` hook reports changes to this network."""
        ...

    def brand(self) -> Account:
        """The brand's own account on this network."""
        ...

    def timeline(self) -> list[TimelinePost]:
        """Public posts to and from the brand, newest first."""
        ...

    def private_messages(self) -> list[PrivateMessage]:
        """Private messages between the brand and customers, newest first."""
        ...

    def compose(self, persona: Persona, text: str, reply_to: str | None) -> TimelinePost:
        """Post `text` publicly as `persona` (creating or updating their account),
        replying to the post `reply_to` if given. Raises ComposeError for bad input."""
        ...

    def anchor_for(self, url: str) -> str | None:
        """The page anchor of a post this network's URLs point at, or None."""
        ...


X_HANDLE = r"^[A-Za-z0-9_]{1,15}$"
_X_STATUS = re.compile(r"^https://(?:x|twitter)\.com/[^/]+/status/(\d+)")


class XPanel:
    """X through the X stand-in."""

    name = "x"
    label = "X"
    handle_pattern = X_HANDLE

    def __init__(self, x: XStandIn) -> None:
        self.x = x

    @property
    def changes(self) -> StandInServer:
        return self.x

    def _account(self, user_id: str | None) -> Account:
        user = self.x.user(user_id or self.x.brand_id)
        return Account(
            handle=user["username"],
            name=user["name"],
            followers=user["followers"],
            verified=bool(user["verified"]) or user.get("verified_type", "none") != "none",
            accepts_private_messages=user["accepts_dms_from_brand"],
        )

    def brand(self) -> Account:
        return self._account(self.x.brand_id)

    def timeline(self) -> list[TimelinePost]:
        with self.x.lock:
            tweets = sorted(self.x.tweets.values(), key=lambda t: int(t["id"]), reverse=True)
            return [self._post(t) for t in tweets]

    def _post(self, tweet: dict) -> TimelinePost:
        author = self._account(tweet["author_id"])
        parent_handle = (
            self._account(tweet["in_reply_to_user_id"]).handle
            if tweet.get("in_reply_to_user_id")
            else None
        )
        return TimelinePost(
            id=tweet["id"],
            author=author,
            text=tweet["text"],
            created_at=tweet["created_at"],
            url=f"https://x.com/{author.handle}/status/{tweet['id']}",
            is_brand=tweet["author_id"] == self.x.brand_id,
            in_reply_to=tweet.get("in_reply_to"),
            in_reply_to_handle=parent_handle,
            language="" if tweet["lang"] == "und" else tweet["lang"],
        )

    def private_messages(self) -> list[PrivateMessage]:
        with self.x.lock:
            dms = list(self.x.dms)
        brand = self.brand()
        return [
            PrivateMessage(
                id=dm["dm_event_id"],
                sender=brand,
                recipient=self._account(dm["participant_id"]),
                text=dm["text"],
                created_at=dm["created_at"],
            )
            for dm in reversed(dms)
        ]

    def compose(self, persona: Persona, text: str, reply_to: str | None) -> TimelinePost:
        handle = persona.handle.strip().lstrip("@")
        if not re.match(X_HANDLE, handle):
            raise ComposeError("An X handle is 1 to 15 letters, digits or underscores (no spaces).")
        if handle.lower() == self.x.brand["username"].lower():
            raise ComposeError("That is the brand's own account: pick a customer's handle.")
        if not text.strip():
            raise ComposeError("Write something to post.")
        if persona.followers < 0:
            raise ComposeError("Followers cannot be negative.")
        self._upsert(persona, handle)
        try:
            tweet = self.x.post(handle, text, in_reply_to=reply_to or None, lang=persona.language)
        except KeyError as error:
            raise ComposeError("The post you are replying to no longer exists.") from error
        with self.x.lock:
            return self._post(self.x.tweets[tweet["id"]])

    def _upsert(self, persona: Persona, handle: str) -> None:
        name = persona.name.strip() or handle
        verified_type = "blue" if persona.verified else "none"
        try:
            existing = self.x.user(handle)
        except KeyError:
            self.x.add_user(
                handle,
                name=name,
                followers=persona.followers,
                verified=persona.verified,
                verified_type=verified_type,
                accepts_dms=persona.accepts_private_messages,
            )
            return
        if persona.verified and existing.get("verified_type", "none") != "none":
            verified_type = existing["verified_type"]  # keep a business or government badge
        self.x.update_user(
            handle,
            name=name,
            followers=persona.followers,
            verified=persona.verified,
            verified_type=verified_type,
            accepts_dms=persona.accepts_private_messages,
        )

    def anchor_for(self, url: str) -> str | None:
        match = _X_STATUS.match(url)
        return f"#{self.name}-post-{match.group(1)}" if match else None
