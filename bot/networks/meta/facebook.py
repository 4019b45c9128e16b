"""Facebook Page: visitor posts and comments (public), private replies and Messenger.

Polling (the fallback and the catch-up after downtime; webhooks are the fast path):
- `feed`: the Page feed, newest first, for posts of the last `TRACK_POSTS`; each post
  updated since the checkpoint (a comment updates it) gets its comments read with
  `filter=stream` (every level, not just top-level) and `since`. Visitor posts are feed
  items by someone other than the Page.
- `messenger`: conversations by `updated_time`, then their new messages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

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
    LOOKUP_PAGES,
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
    FACEBOOK,
    facebook_author,
    facebook_comment,
    graph_time,
    messenger_message,
    visitor_post,
)
from bot.networks.meta.rules import Kind
from bot.networks.meta.settings import MetaSettings

# Comments keep arriving on older posts; posts older than this are not scanned by polling.
TRACK_POSTS = timedelta(days=14)
FEED_FIELDS = "id,message,created_time,updated_time,from,permalink_url"
COMMENT_FIELDS = "id,message,created_time,from,parent{id},permalink_url"


class FacebookNetwork(MetaNetwork):
    name = FACEBOOK
    label = "Facebook"
    icon = "📘"
    platform = "messenger"

    def __init__(
        self,
        client: GraphClient,
        settings: MetaSettings,
        clock: Callable[[], datetime] = utc_now,
    ):
        super().__init__(client, settings, settings.page_id, clock)

    def _load_brand(self) -> Author:
        page = self.client.get(self.settings.page_id, {"fields": "id,name,username"})
        name = str(page.get("name") or "")
        return Author(
            external_id=str(page.get("id") or self.settings.page_id),
            handle=str(page.get("username") or name or self.settings.page_id),
            name=name,
        )

    def streams(self) -> list[Stream]:
        return [Stream("feed", self.fetch_feed), Stream("messenger", self.fetch_messenger)]

    def inbox_url(self) -> str:
        return f"https://business.facebook.com/latest/inbox/messenger?asset_id={self.account_id}"

    def participant_author(self, person: Json) -> Author:
        return facebook_author(person)

    # -- reading -----------------------------------------------------------------
    def fetch_feed(
        self, cursor: str | None, start: datetime | None, progress: ProgressCallback | None
    ) -> Page:
        self.check_pause()
        now = self.clock()
        since = checkpoint_time(read_cursor(cursor), start, now)
        floor, horizon = since - OVERLAP, now - TRACK_POSTS
        posts: list[FetchedPost] = []
        page_id = self.settings.page_id
        params: dict[str, str | int] = {"fields": FEED_FIELDS, "limit": 25}
        for batch in self.client.pages(f"{page_id}/feed", params):
            recent = [p for p in batch if graph_time(p.get("created_time")) >= horizon]
            for item in recent:
                created = graph_time(item.get("created_time"))
                sender = str((item.get("from") or {}).get("id") or page_id)
                if sender != page_id and created >= floor:
                    posts.append(self._visitor_post(item))
                if graph_time(item.get("updated_time") or item.get("created_time")) >= floor:
                    posts.extend(self._comments(str(item["id"]), floor))
            if len(recent) < len(batch):
                break
        return self.page_of(posts, write_cursor(next_checkpoint(posts, since, now)), progress)

    def _visitor_post(self, item: Json) -> FetchedPost:
        return visitor_post(
            post_id=str(item["id"]),
            page_id=self.settings.page_id,
            author=facebook_author(item.get("from")),
            text=str(item.get("message") or ""),
            created_at=graph_time(item.get("created_time")),
            url=item.get("permalink_url"),
        )

    def _comments(self, post_id: str, floor: datetime) -> list[FetchedPost]:
        params: dict[str, str | int] = {
            "filter": "stream",
            "order": "chronological",
            "since": int(floor.timestamp()),
            "fields": COMMENT_FIELDS,
            "limit": 100,
        }
        found = []
        for batch in self.client.pages(f"{post_id}/comments", params):
            for comment in batch:
                if str((comment.get("from") or {}).get("id")) == self.settings.page_id:
                    continue  # the brand's own answers
                found.append(
                    facebook_comment(
                        comment_id=str(comment["id"]),
                        post_id=post_id,
                        parent_id=(comment.get("parent") or {}).get("id"),
                        page_id=self.settings.page_id,
                        author=facebook_author(comment.get("from")),
                        text=str(comment.get("message") or ""),
                        created_at=graph_time(comment.get("created_time")),
                        url=comment.get("permalink_url"),
                    )
                )
        return found

    def fetch_messenger(
        self, cursor: str | None, start: datetime | None, progress: ProgressCallback | None
    ) -> Page:
        return self.fetch_messages(cursor, start, progress, self._message)

    def _message(self, message: Json) -> FetchedPost:
        return messenger_message(
            message_id=str(message["id"]),
            page_id=self.settings.page_id,
            author=facebook_author(message.get("from")),
            text=str(message.get("message") or ""),
            created_at=graph_time(message.get("created_time")),
        )

    # -- answering publicly ------------------------------------------------------------
    def _public_node(self, outgoing: Outgoing) -> str:
        """The object a public answer is a comment on: the visitor post, the comment, or
        for a reply the top-level comment (Facebook threads one level deep)."""
        meta = outgoing.target.post_meta
        kind = rules.kind_of(meta)
        if kind is Kind.VISITOR_POST:
            return outgoing.target.post_id
        if kind in {Kind.COMMENT, Kind.COMMENT_REPLY}:
            return str(meta.get(rules.TOP_COMMENT_ID) or outgoing.target.post_id)
        raise NetworkError(rules.no_public_side(kind, self.label), retryable=False)

    def _send_public(self, outgoing: Outgoing) -> SentReply:
        node = self._public_node(outgoing)
        response = self.client.post(f"{node}/comments", {"message": outgoing.text})
        comment_id = str(response.get("id") or "")
        return SentReply(comment_id, f"https://www.facebook.com/{comment_id}")

    def _find_public(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        node = self._public_node(outgoing)
        params: dict[str, str | int] = {
            "filter": "stream",
            "order": "chronological",
            "since": int(since.timestamp()),
            "fields": "id,message,from,created_time,permalink_url",
            "limit": 100,
        }
        for batch in self.client.pages(f"{node}/comments", params, LOOKUP_PAGES):
            for comment in batch:
                mine = str((comment.get("from") or {}).get("id")) == self.settings.page_id
                if mine and same_text(comment.get("message"), outgoing.text):
                    url = (
                        comment.get("permalink_url") or f"https://www.facebook.com/{comment['id']}"
                    )
                    return SentReply(str(comment["id"]), str(url))
        return None

    def _private_thread(self, outgoing: Outgoing) -> str | None:
        # A private reply opens a conversation that the comment points to.
        if rules.kind_of(outgoing.target.post_meta) in {Kind.COMMENT, Kind.COMMENT_REPLY}:
            comment = self.client.get(
                outgoing.target.post_id, {"fields": "id,private_reply_conversation"}
            )
            conversation = comment.get("private_reply_conversation") or {}
            return str(conversation["id"]) if conversation.get("id") else None
        return super()._private_thread(outgoing)


def connect_facebook(
    settings: MetaSettings,
    timeout: float | tuple[float, float],
    clock: Callable[[], datetime] = utc_now,
) -> FacebookNetwork:
    return FacebookNetwork(graph_client(settings, timeout, clock), settings, clock)
