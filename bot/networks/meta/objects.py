"""Meta objects as `FetchedPost`s — one builder per kind, used by polling and webhooks alike,
so a comment seen both ways is the same post (same network, external id, thread, meta).

Threading (what becomes one case): a reply joins its top-level comment's thread; a
top-level comment is its own thread and answers the post it is on (so comments under a
customer's visitor post join that post's case, while comments on the brand's own posts are
cases of their own); a Messenger or Instagram conversation is one thread per customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.networks.base import Author, FetchedPost
from bot.networks.meta.rules import (
    ACCOUNT_ID,
    CUSTOMER_AT,
    KIND,
    MEDIA_ID,
    MENTIONED_IN,
    PARENT_ID,
    PERMALINK,
    POST_ID,
    THREAD,
    TOP_COMMENT_ID,
    Kind,
)

FACEBOOK = "facebook"
INSTAGRAM = "instagram"
# Shown for a message that carries only an attachment (Meta sends no text for it).
ATTACHMENT_ONLY = "(attachment)"


@dataclass(frozen=True)
class MentionRef:
    """A `mentions` webhook names the media, and the comment when the mention is in one;
    the text has to be read from the Graph API (`InstagramNetwork.fetch_mentions`)."""

    media_id: str
    comment_id: str | None = None


def graph_time(raw: object) -> datetime:
    """A Graph API time ("2026-07-14T12:00:00+0000", or epoch seconds) as an aware datetime."""
    if isinstance(raw, int | float):
        return datetime.fromtimestamp(raw, UTC)
    text = str(raw)
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def facebook_author(sender: object) -> Author:
    """A Facebook person from a `from` object ({id, name}); people have no handles."""
    data = sender if isinstance(sender, dict) else {}
    external_id = str(data.get("id") or "unknown")
    name = str(data.get("name") or "")
    return Author(external_id=external_id, handle=name or external_id, name=name)


def instagram_author(sender: object, username: object = None) -> Author:
    """An Instagram person from a `from` object ({id, username}) or a bare username."""
    data = sender if isinstance(sender, dict) else {}
    handle = str(data.get("username") or username or "")
    external_id = str(data.get("id") or handle or "unknown")
    return Author(external_id=external_id, handle=handle or external_id, name=handle)


def visitor_post(
    *, post_id: str, page_id: str, author: Author, text: str, created_at: datetime, url: str | None
) -> FetchedPost:
    return FetchedPost(
        network=FACEBOOK,
        external_id=post_id,
        author=author,
        text=text,
        created_at=created_at,
        url=url or f"https://www.facebook.com/{post_id}",
        conversation_id=post_id,
        source="visitor_post",
        meta={
            KIND: Kind.VISITOR_POST.value,
            POST_ID: post_id,
            TOP_COMMENT_ID: None,
            THREAD: post_id,
            ACCOUNT_ID: page_id,
            CUSTOMER_AT: iso(created_at),
        },
    )


def facebook_comment(
    *,
    comment_id: str,
    post_id: str,
    parent_id: str | None,
    page_id: str,
    author: Author,
    text: str,
    created_at: datetime,
    url: str | None,
) -> FetchedPost:
    """`parent_id` is the comment answered, None (or the post id, as webhooks say) if top-level."""
    parent = parent_id if parent_id and parent_id != post_id else None
    thread = parent or comment_id
    return FetchedPost(
        network=FACEBOOK,
        external_id=comment_id,
        author=author,
        text=text,
        created_at=created_at,
        url=url or f"https://www.facebook.com/{comment_id}",
        conversation_id=thread,
        in_reply_to_id=parent or post_id,
        source="comment",
        meta={
            KIND: (Kind.COMMENT_REPLY if parent else Kind.COMMENT).value,
            POST_ID: post_id,
            PARENT_ID: parent,
            # Facebook keeps replies one level deep: a reply's parent is the top-level one.
            TOP_COMMENT_ID: thread,
            THREAD: thread,
            ACCOUNT_ID: page_id,
            CUSTOMER_AT: iso(created_at),
        },
    )


def messenger_message(
    *, message_id: str, page_id: str, author: Author, text: str, created_at: datetime
) -> FetchedPost:
    thread = f"messenger:{author.external_id}"
    return FetchedPost(
        network=FACEBOOK,
        external_id=message_id,
        author=author,
        text=text or ATTACHMENT_ONLY,
        created_at=created_at,
        url=f"https://business.facebook.com/latest/inbox/messenger?asset_id={page_id}",
        conversation_id=thread,
        source="messenger",
        publicly_replyable=False,
        meta={
            KIND: Kind.MESSENGER.value,
            THREAD: thread,
            ACCOUNT_ID: page_id,
            CUSTOMER_AT: iso(created_at),
        },
    )


def instagram_comment(
    *,
    comment_id: str,
    media_id: str,
    parent_id: str | None,
    account_id: str,
    author: Author,
    text: str,
    created_at: datetime,
    url: str | None,
) -> FetchedPost:
    thread = parent_id or comment_id
    return FetchedPost(
        network=INSTAGRAM,
        external_id=comment_id,
        author=author,
        text=text,
        created_at=created_at,
        url=url or "https://www.instagram.com/",
        conversation_id=thread,
        in_reply_to_id=parent_id or media_id,
        source="comment",
        meta={
            KIND: (Kind.IG_COMMENT_REPLY if parent_id else Kind.IG_COMMENT).value,
            MEDIA_ID: media_id,
            PERMALINK: url,
            PARENT_ID: parent_id,
            # Instagram replies are one level deep: answers go on the top-level comment.
            TOP_COMMENT_ID: thread,
            THREAD: thread,
            ACCOUNT_ID: account_id,
            CUSTOMER_AT: iso(created_at),
        },
    )


def instagram_mention(
    *,
    media_id: str,
    comment_id: str | None,
    account_id: str,
    author: Author,
    text: str,
    created_at: datetime,
    url: str | None,
) -> FetchedPost:
    """@account in someone's caption (external id = the media) or comment (= the comment)."""
    external_id = comment_id or media_id
    return FetchedPost(
        network=INSTAGRAM,
        external_id=external_id,
        author=author,
        text=text,
        created_at=created_at,
        url=url or "https://www.instagram.com/",
        conversation_id=external_id,
        in_reply_to_id=media_id if comment_id else None,
        source="mention",
        meta={
            KIND: Kind.IG_MENTION.value,
            MEDIA_ID: media_id,
            PERMALINK: url,
            MENTIONED_IN: "comment" if comment_id else "caption",
            TOP_COMMENT_ID: comment_id,
            THREAD: external_id,
            ACCOUNT_ID: account_id,
            CUSTOMER_AT: iso(created_at),
        },
    )


def instagram_dm(
    *, message_id: str, account_id: str, author: Author, text: str, created_at: datetime
) -> FetchedPost:
    thread = f"instagram-dm:{author.external_id}"
    return FetchedPost(
        network=INSTAGRAM,
        external_id=message_id,
        author=author,
        text=text or ATTACHMENT_ONLY,
        created_at=created_at,
        url="https://business.facebook.com/latest/inbox/instagram_direct",
        conversation_id=thread,
        source="direct_message",
        publicly_replyable=False,
        meta={
            KIND: Kind.IG_DM.value,
            THREAD: thread,
            ACCOUNT_ID: account_id,
            CUSTOMER_AT: iso(created_at),
        },
    )
