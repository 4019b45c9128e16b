"""Meta's reply rules as pure functions: which windows are open, what Meta would refuse.

Facts (networks notes §1.2, §2): a private reply to a comment or visitor post is allowed
once, within 7 days of it; Messenger and Instagram messages go out as `RESPONSE` within 24
hours of the customer's last message, and with `MESSAGE_TAG` + `HUMAN_AGENT` up to 7 days
after it, only for human replies and only when Meta granted the feature (our setting
`META_HUMAN_AGENT_TAG`). Instagram answers a reply to a reply on the top-level comment.
Messenger text is limited to 2,000 characters, Instagram DMs to 1,000 bytes of UTF-8,
Instagram comments to 2,200 characters, Facebook comments to 8,000 characters.

Everything here reads the post's `meta` (see `Kind` and the key constants), so the draft
modal, the card and the sender agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.i18n import N_, _
from bot.networks.base import TEXT_FIELD, VISIBILITY_FIELD, ReplyContext
from storage.enums import Visibility

MESSAGING_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
PRIVATE_REPLY_WINDOW = timedelta(days=7)


class Kind(StrEnum):
    """What a customer's post is on Meta; stored in `FetchedPost.meta["kind"]`."""

    VISITOR_POST = "visitor_post"  # a post by a visitor on the Page
    COMMENT = "comment"  # a top-level comment on a Page post or visitor post
    COMMENT_REPLY = "comment_reply"  # a reply to a comment
    MESSENGER = "messenger_message"
    IG_COMMENT = "ig_comment"  # a top-level comment on the account's media
    IG_COMMENT_REPLY = "ig_comment_reply"
    IG_MENTION = "ig_mention"  # @account in someone's caption or comment
    IG_DM = "ig_dm"


# Keys of `FetchedPost.meta`.
KIND = "kind"
POST_ID = "post_id"  # Facebook: the post a comment is on (or the visitor post itself)
PARENT_ID = "parent_id"  # the comment a reply answers
TOP_COMMENT_ID = "top_comment_id"  # where public replies to this comment thread go
MEDIA_ID = "media_id"  # Instagram: the media a comment or mention is on
MENTIONED_IN = "mentioned_in"  # Instagram mention: "caption" or "comment"
PERMALINK = "permalink"  # Instagram: the media's link, when known (polling knows it)
THREAD = "thread"  # the conversation key (also the post's conversation_id)
ACCOUNT_ID = "account_id"  # the Page or Instagram account the post was addressed to
CUSTOMER_AT = "customer_message_at"  # when the customer wrote (ISO 8601, UTC)

COMMENT_KINDS = frozenset({Kind.COMMENT, Kind.COMMENT_REPLY, Kind.VISITOR_POST})
IG_COMMENT_KINDS = frozenset({Kind.IG_COMMENT, Kind.IG_COMMENT_REPLY})
# Answered privately with one private reply to the comment (no open conversation yet).
PRIVATE_REPLY_KINDS = COMMENT_KINDS | IG_COMMENT_KINDS
MESSAGE_KINDS = frozenset({Kind.MESSENGER, Kind.IG_DM})
# A post stored without Meta's meta (it cannot come from this connector, but a database
# can hold anything): refuse rather than guess where the answer would land.
UNKNOWN_KIND = N_("Carethread cannot tell what kind of Meta post this is, so it cannot answer it.")
# How the limits' units read (`TextLimit.unit`).
UNITS = {"characters": N_("characters"), "bytes": N_("bytes")}


@dataclass(frozen=True)
class TextLimit:
    amount: int
    unit: str  # "characters" or "bytes"

    def measure(self, text: str) -> int:
        return len(text.encode()) if self.unit == "bytes" else len(text)


PUBLIC_LIMITS = {
    "facebook": TextLimit(8000, "characters"),
    "instagram": TextLimit(2200, "characters"),
}
PRIVATE_LIMITS = {"facebook": TextLimit(2000, "characters"), "instagram": TextLimit(1000, "bytes")}


def kind_of(meta: Mapping[str, Any]) -> Kind | None:
    try:
        return Kind(str(meta.get(KIND)))
    except ValueError:
        return None


def when(moment: datetime) -> str:
    """A deadline for people: "Tue 14 Jul 14:05 UTC" (the day is there: windows last a week)."""
    return f"{moment:%a %d %b %H:%M} UTC"


@dataclass(frozen=True)
class Delivery:
    """How a private message goes out: `RESPONSE`, or `MESSAGE_TAG` with a tag."""

    messaging_type: str
    tag: str | None = None


def message_delivery(
    last_customer_at: datetime, now: datetime, human_agent_tag: bool
) -> Delivery | None:
    """The Send API's messaging type for a message now, or None when Meta would refuse."""
    elapsed = now - last_customer_at
    if elapsed <= MESSAGING_WINDOW:
        return Delivery("RESPONSE")
    if human_agent_tag and elapsed <= HUMAN_AGENT_WINDOW:
        return Delivery("MESSAGE_TAG", "HUMAN_AGENT")
    return None


def private_problem(context: ReplyContext, human_agent_tag: bool, label: str) -> str | None:
    """Why Meta would refuse a private message for this target now, in plain words."""
    kind = kind_of(context.target.post_meta)
    now = context.now
    if kind in PRIVATE_REPLY_KINDS:
        if context.private_replies_to_target > 0:
            return _(
                "A private reply was already sent to this comment: Meta allows one. "
                "The conversation continues when the customer answers it."
            )
        closes = context.target.post_created_at + PRIVATE_REPLY_WINDOW
        if now > closes:
            return _(
                "Private reply closed on {when}: {network} allows one only within 7 days of "
                "the comment. Answer publicly instead."
            ).format(when=when(closes), network=label)
        return None
    if kind in MESSAGE_KINDS:
        last = context.last_customer_post_at
        if message_delivery(last, now, human_agent_tag) is not None:
            return None
        if now - last <= HUMAN_AGENT_WINDOW:
            return _(
                "Messaging window closed on {closed} (24 hours after the customer's last "
                "message). Meta allows a later human reply, up to {until}, only with the "
                "HUMAN_AGENT tag, which is off here (META_HUMAN_AGENT_TAG): the customer must "
                "write again."
            ).format(closed=when(last + MESSAGING_WINDOW), until=when(last + HUMAN_AGENT_WINDOW))
        return _("Messaging window closed: the customer must write again.")
    return no_private_side(kind)


def no_private_side(kind: Kind | None) -> str:
    if kind is Kind.IG_MENTION:
        return _(
            "Instagram has no private reply to a mention on someone else's post: answer "
            "publicly (the reply appears under their post)."
        )
    return _(UNKNOWN_KIND)


def no_public_side(kind: Kind | None, label: str) -> str:
    if kind in MESSAGE_KINDS:
        return _(
            "{network} direct messages have no public side: send the answer privately."
        ).format(network=label)
    return _(UNKNOWN_KIND)


def public_problem(context: ReplyContext, label: str) -> str | None:
    kind = kind_of(context.target.post_meta)
    if kind not in PRIVATE_REPLY_KINDS and kind is not Kind.IG_MENTION:
        return no_public_side(kind, label)
    if not context.publicly_replyable:
        return _("{network} does not allow a public reply to this post (it may be hidden).").format(
            network=label
        )
    return None


def reply_problems(
    network: str,
    label: str,
    text: str,
    visibility: str,
    context: ReplyContext,
    human_agent_tag: bool,
) -> dict[str, str]:
    """Why Meta would refuse this reply, keyed by modal field; {} when it may be sent."""
    problems: dict[str, str] = {}
    private = visibility == Visibility.PRIVATE
    problem = (
        private_problem(context, human_agent_tag, label)
        if private
        else public_problem(context, label)
    )
    if problem:
        problems[VISIBILITY_FIELD] = problem
    limit = (PRIVATE_LIMITS if private else PUBLIC_LIMITS)[network]
    if not text.strip():
        problems[TEXT_FIELD] = _("Write the reply first.")
    elif limit.measure(text) > limit.amount:
        problems[TEXT_FIELD] = _(
            "{network} accepts at most {limit} {unit} here; this reply has {length}."
        ).format(
            network=label,
            limit=f"{limit.amount:,}",
            unit=_(UNITS[limit.unit]),
            length=f"{limit.measure(text):,}",
        )
    return problems


def reply_hint(network: str) -> str:
    """The line under the draft box: Meta's length limits for this network, as it counts."""
    public, private = PUBLIC_LIMITS[network], PRIVATE_LIMITS[network]
    bytes_note = _(" (accented letters count 2, emoji 4)") if private.unit == "bytes" else ""
    return _(
        "A public reply may be {public} {public_unit}; a private message {private} "
        "{private_unit}{note}."
    ).format(
        public=f"{public.amount:,}",
        public_unit=_(UNITS[public.unit]),
        private=f"{private.amount:,}",
        private_unit=_(UNITS[private.unit]),
        note=bytes_note,
    )


def draft_prefill(network: str, customer_handle: str, visibility: str) -> str:
    """Instagram replies start with the customer's @username, as Instagram's own reply box
    does; Facebook people have names, not handles, and private messages need no address."""
    if network == "instagram" and visibility == Visibility.PUBLIC:
        return f"@{customer_handle} "
    return ""


def reply_window(context: ReplyContext, human_agent_tag: bool) -> str | None:
    """The window that is open for this post, for the case card; None when none applies."""
    kind = kind_of(context.target.post_meta)
    now = context.now
    if kind in PRIVATE_REPLY_KINDS:
        closes = context.target.post_created_at + PRIVATE_REPLY_WINDOW
        if context.private_replies_to_target > 0:
            return _("private reply sent: the conversation continues when the customer answers")
        if now > closes:
            return _("private reply closed on {when}").format(when=when(closes))
        return _("private reply possible until {when}").format(when=when(closes))
    if kind in MESSAGE_KINDS:
        last = context.last_customer_post_at
        if now - last <= MESSAGING_WINDOW:
            return _("messaging window open until {when}").format(
                when=when(last + MESSAGING_WINDOW)
            )
        if human_agent_tag and now - last <= HUMAN_AGENT_WINDOW:
            return _("human agent reply possible until {when}").format(
                when=when(last + HUMAN_AGENT_WINDOW)
            )
        return _("messaging window closed: the customer must write again")
    return None


def reply_note(meta: Mapping[str, Any], visibility: str, label: str) -> str | None:
    """What the modal should say about where a reply lands, when it is not obvious."""
    kind = kind_of(meta)
    if visibility != Visibility.PUBLIC:
        if kind in PRIVATE_REPLY_KINDS:
            return _(
                "Sent as a private reply to the comment: the customer gets it in their "
                "{inbox} inbox, once per comment."
            ).format(inbox="Instagram" if kind in IG_COMMENT_KINDS else "Messenger")
        return None
    if kind in {Kind.COMMENT_REPLY, Kind.IG_COMMENT_REPLY}:
        return _(
            "{network} threads replies one level deep: this answer is posted under the "
            "top-level comment of this thread."
        ).format(network=label)
    if kind is Kind.IG_MENTION:
        return _("Posted as a comment on the post where the customer mentioned the account.")
    return None
