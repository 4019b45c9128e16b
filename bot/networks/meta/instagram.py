"""Instagram professional account (through its Facebook Page): comments on the account's
media, mentions of the account, and direct messages.

Polling (webhooks are the fast path; Meta "strongly recommends" them for comments):
- `comments`: the account's media of the last `TRACK_MEDIA`; when their
  `comments_count`s changed since the last poll, their comments are read, with replies
  expanded (`replies{…}`) — the comments edge has no time filter. (A deletion and a new
  comment between two polls leave the counts as they were: webhooks bring that comment);
- `mentions`: media in which the account is tagged (`/tags`). Mentions in captions and
  comments are announced only by the `mentions` webhook, whose payload carries ids, not
  text: `fetch_mentions` reads them (`mentioned_comment` / `mentioned_media`);
- `direct`: conversations with `platform=instagram`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.networks.base import (
    Author,
    FetchedPost,
    NetworkError,
    Outgoing,
    Page,
    ProgressCallback,
    SentReply,
    Stream,
)
from bot.networks.meta import rules
from bot.networks.meta.common import (
    OVERLAP,
    MetaNetwork,
    checkpoint_time,
    graph_client,
    next_checkpoint,
    read_cursor,
    same_text,
    write_cursor,
)
from bot.networks.meta.graph import GraphClient, Json, utc_now
from bot.networks.meta.objects import (
    INSTAGRAM,
    MentionRef,
    graph_time,
    instagram_author,
    instagram_comment,
    instagram_dm,
    instagram_mention,
)
from bot.networks.meta.rules import Kind
from bot.networks.meta.settings import MetaSettings

TRACK_MEDIA = timedelta(days=14)
COMMENT_FIELDS = "id,text,timestamp,username,from,parent_id"
MEDIA_FIELDS = "id,caption,timestamp,permalink,username,comments_count"


class InstagramNetwork(MetaNetwork):
    name = INSTAGRAM
    label = "Instagram"
    icon = "📸"
    platform = "instagram"

    def __init__(
        self,
        client: GraphClient,
        settings: MetaSettings,
        account_id: str,
        clock: Callable[[], datetime] = utc_now,
    ):
        super().__init__(client, settings, account_id, clock)

    def _load_brand(self) -> Author:
        user = self.client.get(self.account_id, {"fields": "id,username,name,followers_count"})
        username = str(user.get("username") or self.account_id)
        return Author(
            external_id=str(user.get("id") or self.account_id),
            handle=username,
            name=str(user.get("name") or username),
            followers=int(user.get("followers_count") or 0),
        )

    def streams(self) -> list[Stream]:
        return [
            Stream("comments", self.fetch_comments),
            Stream("mentions", self.fetch_tags),
            Stream("direct", self.fetch_direct),
        ]

    def inbox_url(self) -> str:
        return "https://business.facebook.com/latest/inbox/instagram_direct"

    def participant_author(self, person: Json) -> Author:
        return instagram_author(person)

    # -- reading -------------------------------------------------------------------------
    def fetch_comments(
        self, cursor: str | None, start: datetime | None, progress: ProgressCallback | None
    ) -> Page:
        self.check_pause()
        now = self.clock()
        state = read_cursor(cursor)
        since = checkpoint_time(state, start, now)
        floor = since - OVERLAP
        counts: dict[str, int] = {}
        tracked: list[Json] = []
        params: dict[str, str | int] = {
            "fields": MEDIA_FIELDS,
            "since": int((now - TRACK_MEDIA).timestamp()),
            "limit": 25,
        }
        for batch in self.client.pages(f"{self.account_id}/media", params):
            for media in batch:
                counts[str(media["id"])] = int(media.get("comments_count") or 0)
                tracked.append(media)
        # The comments edge has no time filter: read comments only when some media's count
        # moved since the last poll (the fingerprint keeps the cursor short).
        seen = _fingerprint(counts)
        posts: list[FetchedPost] = []
        if seen != state.get("seen"):
            for media in tracked:
                if counts[str(media["id"])]:
                    posts.extend(self._comments_on(media, floor))
        cursor = write_cursor(next_checkpoint(posts, since, now), seen=seen)
        return self.page_of(posts, cursor, progress)

    def _comments_on(self, media: Json, floor: datetime) -> Iterable[FetchedPost]:
        params: dict[str, str | int] = {
            "fields": f"{COMMENT_FIELDS},replies{{{COMMENT_FIELDS}}}",
            "limit": 50,
        }
        for batch in self.client.pages(f"{media['id']}/comments", params):
            for comment in batch:
                replies = (comment.get("replies") or {}).get("data") or []
                for item in [comment, *replies]:
                    mine = str((item.get("from") or {}).get("id")) == self.account_id
                    if not mine and graph_time(item.get("timestamp")) >= floor:
                        yield self._comment(item, str(media["id"]), media.get("permalink"))

    def _comment(self, item: Json, media_id: str, url: object) -> FetchedPost:
        return instagram_comment(
            comment_id=str(item["id"]),
            media_id=media_id,
            parent_id=item.get("parent_id"),
            account_id=self.account_id,
            author=instagram_author(item.get("from"), item.get("username")),
            text=str(item.get("text") or ""),
            created_at=graph_time(item.get("timestamp")),
            url=str(url) if url else None,
        )

    def fetch_tags(
        self, cursor: str | None, start: datetime | None, progress: ProgressCallback | None
    ) -> Page:
        self.check_pause()
        now = self.clock()
        since = checkpoint_time(read_cursor(cursor), start, now)
        floor = since - OVERLAP
        posts: list[FetchedPost] = []
        params: dict[str, str | int] = {
            "fields": "id,caption,timestamp,permalink,username",
            "limit": 25,
        }
        for batch in self.client.pages(f"{self.account_id}/tags", params):
            fresh = [m for m in batch if graph_time(m.get("timestamp")) >= floor]
            posts.extend(self._caption_mention(media) for media in fresh)
            if len(fresh) < len(batch):
                break
        return self.page_of(posts, write_cursor(next_checkpoint(posts, since, now)), progress)

    def _caption_mention(self, media: Json) -> FetchedPost:
        return instagram_mention(
            media_id=str(media["id"]),
            comment_id=None,
            account_id=self.account_id,
            author=instagram_author(None, media.get("username")),
            text=str(media.get("caption") or ""),
            created_at=graph_time(media.get("timestamp")),
            url=media.get("permalink"),
        )

    def fetch_mentions(self, refs: Iterable[MentionRef]) -> list[FetchedPost]:
        """The posts behind `mentions` webhooks (their payloads carry only ids)."""
        brand = self.whoami()
        posts = []
        for ref in refs:
            if ref.comment_id:
                fields = (
                    f"mentioned_comment.comment_id({ref.comment_id})"
                    "{id,text,timestamp,username,media{id,permalink,username}}"
                )
                found = self.client.get(self.account_id, {"fields": fields})
                comment = found.get("mentioned_comment") or {}
                media = comment.get("media") or {}
                if not comment or media.get("username") == brand.handle:
                    continue  # on our own media it is a comment: the comments path has it
                posts.append(
                    instagram_mention(
                        media_id=str(media.get("id") or ref.media_id),
                        comment_id=str(comment["id"]),
                        account_id=self.account_id,
                        author=instagram_author(None, comment.get("username")),
                        text=str(comment.get("text") or ""),
                        created_at=graph_time(comment.get("timestamp")),
                        url=media.get("permalink"),
                    )
                )
            else:
                fields = (
                    f"mentioned_media.media_id({ref.media_id})"
                    "{id,caption,timestamp,permalink,username}"
                )
                found = self.client.get(self.account_id, {"fields": fields})
                media = found.get("mentioned_media") or {}
                if media:
                    posts.append(self._caption_mention(media))
        return posts

    def fetch_direct(
        self, cursor: str | None, start: datetime | None, progress: ProgressCallback | None
    ) -> Page:
        return self.fetch_messages(cursor, start, progress, self._direct_message)

    def _direct_message(self, message: Json) -> FetchedPost:
        return instagram_dm(
            message_id=str(message["id"]),
            account_id=self.account_id,
            author=instagram_author(message.get("from")),
            text=str(message.get("message") or ""),
            created_at=graph_time(message.get("created_time")),
        )

    # -- answering publicly ----------------------------------------------------------------
    def _send_public(self, outgoing: Outgoing) -> SentReply:
        meta = outgoing.target.post_meta
        kind = rules.kind_of(meta)
        if kind in rules.IG_COMMENT_KINDS:
            # Only top-level comments take replies: a reply to a reply goes on the top one.
            top = str(meta.get(rules.TOP_COMMENT_ID) or outgoing.target.post_id)
            response = self.client.post(f"{top}/replies", {"message": outgoing.text})
        elif kind is Kind.IG_MENTION:
            body = {"media_id": str(meta.get(rules.MEDIA_ID)), "message": outgoing.text}
            if meta.get(rules.MENTIONED_IN) == "comment":
                body["comment_id"] = outgoing.target.post_id
            response = self.client.post(f"{self.account_id}/mentions", body)
        else:
            raise NetworkError(rules.no_public_side(kind, self.label), retryable=False)
        return SentReply(str(response.get("id") or ""), self._permalink(meta))

    @staticmethod
    def _permalink(meta: Mapping[str, Any]) -> str:
        """The media's link when polling saw it (webhooks do not carry it)."""
        return str(meta.get(rules.PERMALINK) or "https://www.instagram.com/")

    def _find_public(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        meta = outgoing.target.post_meta
        kind = rules.kind_of(meta)
        brand = self.whoami()
        if kind in rules.IG_COMMENT_KINDS:
            node = f"{meta.get(rules.TOP_COMMENT_ID) or outgoing.target.post_id}/replies"
        elif kind is Kind.IG_MENTION and meta.get(rules.MENTIONED_IN) == "comment":
            node = f"{outgoing.target.post_id}/replies"
        elif kind is Kind.IG_MENTION:
            node = f"{meta.get(rules.MEDIA_ID)}/comments"
        else:
            return None
        params: dict[str, str | int] = {"fields": COMMENT_FIELDS, "limit": 50}
        for batch in self.client.pages(node, params):
            for comment in batch:
                mine = comment.get("username") == brand.handle
                recent = graph_time(comment.get("timestamp")) >= since
                if mine and recent and same_text(comment.get("text"), outgoing.text):
                    return SentReply(str(comment["id"]), self._permalink(meta))
        return None


def _fingerprint(counts: Mapping[str, int]) -> str:
    listing = ",".join(f"{media}:{count}" for media, count in sorted(counts.items()))
    return hashlib.sha256(listing.encode()).hexdigest()[:12]


def connect_instagram(
    settings: MetaSettings,
    timeout: float | tuple[float, float],
    clock: Callable[[], datetime] = utc_now,
) -> InstagramNetwork:
    if not settings.instagram_account_id:
        raise ValueError("INSTAGRAM_ACCOUNT_ID is not set: Instagram is not connected")
    client = graph_client(settings, timeout, clock)
    return InstagramNetwork(client, settings, settings.instagram_account_id, clock)
