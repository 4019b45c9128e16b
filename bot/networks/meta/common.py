"""What Facebook and Instagram share: the Send API, conversations, reply rules, checkpoints.

Both are served through the Facebook Page (Instagram API with Facebook Login): private
messages of either go to `POST /{page-id}/messages`, conversations are read from
`GET /{page-id}/conversations?platform=…`.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import requests

from bot.networks.base import (
    Author,
    FetchedPost,
    NetworkError,
    Outgoing,
    Page,
    ProgressCallback,
    RateLimited,
    ReplyContext,
    SentReply,
)
from bot.networks.meta import rules
from bot.networks.meta.graph import GraphClient, Json, utc_now
from bot.networks.meta.objects import graph_time
from bot.networks.meta.rules import Kind
from bot.networks.meta.settings import MetaSettings
from storage.enums import Visibility

# Each poll looks again at the last minutes before its checkpoint: Meta's clock and
# indexing lag a little; what was seen already is dropped by the store's unique key.
OVERLAP = timedelta(minutes=2)
# On a first start without a backfill time, look back this far.
FIRST_LOOK_BACK = timedelta(days=1)
# Our clock and Meta's may disagree: look a bit before a send started.
CLOCK_MARGIN = timedelta(minutes=2)
LOOKUP_PAGES = 5


def read_cursor(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def write_cursor(since: datetime, **extra: object) -> str:
    return json.dumps({"since": int(since.timestamp()), **extra}, sort_keys=True)


def checkpoint_time(cursor: Mapping[str, Any], start: datetime | None, now: datetime) -> datetime:
    """Where a poll starts: the stored checkpoint, else the backfill start, else a day ago."""
    since = cursor.get("since")
    if isinstance(since, int):
        return graph_time(since)
    return start or now - FIRST_LOOK_BACK


def graph_client(
    settings: MetaSettings,
    timeout: float | tuple[float, float],
    clock: Callable[[], datetime] = utc_now,
    session: requests.Session | None = None,
) -> GraphClient:
    """A Graph client for the Page in `settings`; `timeout` in seconds (or connect, read)."""
    return GraphClient(
        access_token=settings.page_access_token,
        app_secret=settings.app_secret,
        base_url=settings.base_url,
        version=settings.version,
        timeout=timeout if isinstance(timeout, tuple) else (min(5.0, timeout), timeout),
        clock=clock,
        session=session,
    )


def next_checkpoint(posts: Iterable[FetchedPost], since: datetime, now: datetime) -> datetime:
    """Where the next poll starts (before its `OVERLAP`): the newest post seen, but no
    earlier than `OVERLAP` before this poll, so an idle stream stops re-reading its last
    busy minutes. With the overlap, both our clock and Meta's indexing may lag 2 minutes."""
    newest = max((p.created_at for p in posts), default=since)
    return max(newest, since, now - OVERLAP)


def same_text(found: object, sent: str) -> bool:
    return isinstance(found, str) and found.strip() == sent.strip()


class MetaNetwork(ABC):
    """The parts of the `Network` protocol Facebook and Instagram share."""

    name = ""
    label = ""
    icon = ""
    can_reply_publicly = True
    can_send_private = True
    # `platform` of the Conversations API for this network's direct messages.
    platform = ""

    def __init__(
        self,
        client: GraphClient,
        settings: MetaSettings,
        account_id: str,
        clock: Callable[[], datetime] = utc_now,
    ):
        self.client = client
        self.settings = settings
        self.account_id = account_id
        self.clock = clock
        self._brand: Author | None = None
        self._names: dict[str, Author] = {}

    # -- identity --------------------------------------------------------------
    def whoami(self) -> Author:
        if self._brand is None:
            self._brand = self._load_brand()
        return self._brand

    @abstractmethod
    def _load_brand(self) -> Author:
        """Per network."""

    # -- the rules (pure) ------------------------------------------------------
    def reply_problems(self, text: str, visibility: str, context: ReplyContext) -> dict[str, str]:
        return rules.reply_problems(
            self.name, self.label, text, visibility, context, self.settings.human_agent_tag
        )

    def reply_hint(self) -> str:
        return rules.reply_hint(self.name)

    def draft_prefill(self, customer_handle: str, visibility: str) -> str:
        return rules.draft_prefill(self.name, customer_handle, visibility)

    def reply_window(self, context: ReplyContext) -> str | None:
        """The open reply window for the case card ("private reply possible until …")."""
        return rules.reply_window(context, self.settings.human_agent_tag)

    def reply_note(self, post_meta: Mapping[str, Any], visibility: str) -> str | None:
        """Where a reply will land, when the modal should say it (replies to replies)."""
        return rules.reply_note(post_meta, visibility, self.label)

    def private_message_link(self) -> str | None:
        # Taking a comment private is a private reply to it, not a link to the inbox.
        return None

    # -- sending ---------------------------------------------------------------
    def send(self, outgoing: Outgoing) -> SentReply:
        if outgoing.visibility == Visibility.PRIVATE:
            return self._send_private(outgoing)
        return self._send_public(outgoing)

    def find_sent(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        if outgoing.visibility == Visibility.PRIVATE:
            return self._find_private(outgoing, since - CLOCK_MARGIN)
        return self._find_public(outgoing, since - CLOCK_MARGIN)

    @abstractmethod
    def _send_public(self, outgoing: Outgoing) -> SentReply:
        """Per network."""

    @abstractmethod
    def _find_public(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        """Per network."""

    def _send_private(self, outgoing: Outgoing) -> SentReply:
        target = outgoing.target
        kind = rules.kind_of(target.post_meta)
        now = self.clock()
        body: dict[str, object] = {"message": {"text": outgoing.text}}
        if kind in rules.PRIVATE_REPLY_KINDS:
            closes = target.post_created_at + rules.PRIVATE_REPLY_WINDOW
            if now > closes:
                raise NetworkError(
                    f"Private reply closed on {rules.when(closes)}: {self.label} allows one "
                    "only within 7 days of the comment.",
                    retryable=False,
                )
            key = "post_id" if kind is Kind.VISITOR_POST else "comment_id"
            body.update(recipient={key: target.post_id}, messaging_type="RESPONSE")
        elif kind in rules.MESSAGE_KINDS:
            delivery = rules.message_delivery(
                target.post_created_at, now, self.settings.human_agent_tag
            )
            if delivery is None:
                raise NetworkError(
                    "Messaging window closed: the customer must write again.", retryable=False
                )
            body.update(
                recipient={"id": target.customer_id}, messaging_type=delivery.messaging_type
            )
            if delivery.tag:
                body["tag"] = delivery.tag
        else:
            raise NetworkError(rules.no_private_side(kind), retryable=False)
        response = self.client.post(f"{self.settings.page_id}/messages", body)
        return SentReply(str(response.get("message_id") or ""), self.inbox_url())

    def _find_private(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        thread = self._private_thread(outgoing)
        if thread is None:
            return None
        params: dict[str, str | int] = {"fields": "id,message,from,created_time", "limit": 50}
        for batch in self.client.pages(f"{thread}/messages", params, LOOKUP_PAGES):
            for message in batch:  # newest first
                if graph_time(message.get("created_time")) < since:
                    return None
                sender = str((message.get("from") or {}).get("id") or "")
                if sender == self.account_id and same_text(message.get("message"), outgoing.text):
                    return SentReply(str(message["id"]), self.inbox_url())
        return None

    def _private_thread(self, outgoing: Outgoing) -> str | None:
        """The conversation a private message to this target would be in, if there is one."""
        response = self.client.get(
            f"{self.settings.page_id}/conversations",
            {"platform": self.platform, "user_id": outgoing.target.customer_id, "fields": "id"},
        )
        threads = response.get("data") or []
        return str(threads[0]["id"]) if threads else None

    @abstractmethod
    def inbox_url(self) -> str:
        """Per network."""

    # -- polling helpers ---------------------------------------------------------
    def check_pause(self) -> None:
        """Raise `RateLimited` while Meta's usage for this account (or the app) is too high."""
        now = self.clock()
        until = self.client.usage.paused_until([self.account_id], now)
        if until is not None:
            raise RateLimited(
                until,
                f"{self.client.usage.describe([self.account_id])}: {self.label} polling "
                f"paused until {until:%H:%M} UTC",
            )

    def page_of(
        self, posts: list[FetchedPost], cursor: str, progress: ProgressCallback | None
    ) -> Page:
        posts.sort(key=lambda p: p.created_at)
        if progress and posts:
            progress(len(posts))
        until = self.client.usage.paused_until([self.account_id], self.clock())
        return Page(posts, cursor, until)

    def fetch_messages(
        self,
        cursor: str | None,
        start: datetime | None,
        progress: ProgressCallback | None,
        build: Callable[[Json], FetchedPost],
    ) -> Page:
        """Direct messages newer than the checkpoint, conversation by conversation.

        Conversations come most recently updated first and have no time filter (Meta:
        "time-based pagination is not available"), so we read until one is older.
        """
        self.check_pause()
        now = self.clock()
        since = checkpoint_time(read_cursor(cursor), start, now)
        floor = since - OVERLAP
        posts: list[FetchedPost] = []
        params: dict[str, str | int] = {
            "platform": self.platform,
            "fields": "id,updated_time",
            "limit": 25,
        }
        for batch in self.client.pages(f"{self.settings.page_id}/conversations", params):
            fresh = [c for c in batch if graph_time(c.get("updated_time")) >= floor]
            for conversation in fresh:
                posts.extend(self._customer_messages(str(conversation["id"]), floor, build))
            if len(fresh) < len(batch):
                break
        return self.page_of(posts, write_cursor(next_checkpoint(posts, since, now)), progress)

    def _customer_messages(
        self, thread: str, floor: datetime, build: Callable[[Json], FetchedPost]
    ) -> Iterable[FetchedPost]:
        params: dict[str, str | int] = {"fields": "id,message,from,created_time", "limit": 50}
        for batch in self.client.pages(f"{thread}/messages", params, LOOKUP_PAGES):
            for message in batch:  # newest first
                if graph_time(message.get("created_time")) < floor:
                    return
                sender = str((message.get("from") or {}).get("id") or "")
                if sender and sender != self.account_id:
                    yield build(message)

    def with_names(self, posts: list[FetchedPost]) -> list[FetchedPost]:
        """Webhook messages carry only the sender's id: add the name from the conversation's
        participants. Best effort: without it the card shows the id."""
        completed = []
        for post in posts:
            if post.author.name or rules.kind_of(post.meta) not in rules.MESSAGE_KINDS:
                completed.append(post)
                continue
            author = self._participant(post.author.external_id)
            completed.append(_replace_author(post, author) if author else post)
        return completed

    def _participant(self, user_id: str) -> Author | None:
        if user_id not in self._names:
            try:
                response = self.client.get(
                    f"{self.settings.page_id}/conversations",
                    {"platform": self.platform, "user_id": user_id, "fields": "participants"},
                )
            except NetworkError:
                return None
            for thread in response.get("data") or []:
                for person in (thread.get("participants") or {}).get("data") or []:
                    if str(person.get("id")) == user_id:
                        self._names[user_id] = self.participant_author(person)
        return self._names.get(user_id)

    @abstractmethod
    def participant_author(self, person: Json) -> Author:
        """Per network."""


def _replace_author(post: FetchedPost, author: Author) -> FetchedPost:
    return replace(post, author=author)
