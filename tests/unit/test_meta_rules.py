"""Meta's reply windows and refusals as the modal and the card show them (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.networks.base import TEXT_FIELD, VISIBILITY_FIELD, ReplyContext, ReplyTarget
from bot.networks.meta.rules import (
    UNKNOWN_KIND,
    Delivery,
    Kind,
    draft_prefill,
    message_delivery,
    reply_hint,
    reply_note,
    reply_problems,
    reply_window,
)
from storage.enums import Visibility

WROTE = datetime(2026, 7, 14, 14, 5, tzinfo=UTC)  # a Tuesday


def context(kind: Kind, hours_later: float, private_replies: int = 0) -> ReplyContext:
    target = ReplyTarget(
        post_id="123_456",
        customer_id="71",
        customer_handle="Bob",
        conversation_id="123_456",
        post_created_at=WROTE,
        post_meta={"kind": kind.value, "top_comment_id": "123_400"},
    )
    return ReplyContext(
        target=target,
        publicly_replyable=kind not in {Kind.MESSENGER, Kind.IG_DM},
        last_customer_post_at=WROTE,
        now=WROTE + timedelta(hours=hours_later),
        private_replies_to_target=private_replies,
    )


@pytest.mark.parametrize(
    ("hours", "tag", "expected"),
    [
        (23, False, Delivery("RESPONSE")),
        (24, False, Delivery("RESPONSE")),
        (30, False, None),
        (30, True, Delivery("MESSAGE_TAG", "HUMAN_AGENT")),
        (24 * 7, True, Delivery("MESSAGE_TAG", "HUMAN_AGENT")),
        (24 * 8, True, None),
    ],
)
def test_the_messaging_type_follows_the_windows(hours: int, tag: bool, expected: object) -> None:
    assert message_delivery(WROTE, WROTE + timedelta(hours=hours), tag) == expected


def test_the_card_shows_the_open_window_with_its_day_and_time() -> None:
    assert reply_window(context(Kind.COMMENT, 1), False) == (
        "private reply possible until Tue 21 Jul 14:05 UTC"
    )
    assert reply_window(context(Kind.COMMENT, 1, private_replies=1), False) == (
        "private reply sent: the conversation continues when the customer answers"
    )
    assert reply_window(context(Kind.MESSENGER, 2), False) == (
        "messaging window open until Wed 15 Jul 14:05 UTC"
    )
    assert reply_window(context(Kind.IG_DM, 30), True) == (
        "human agent reply possible until Tue 21 Jul 14:05 UTC"
    )
    assert reply_window(context(Kind.IG_DM, 30), False) == (
        "messaging window closed: the customer must write again"
    )
    assert reply_window(context(Kind.IG_MENTION, 1), False) is None


def test_a_closed_messaging_window_says_when_it_closed_and_what_would_open_it() -> None:
    problems = reply_problems(
        "facebook", "Facebook", "Hi", Visibility.PRIVATE, context(Kind.MESSENGER, 30), False
    )
    assert problems == {
        VISIBILITY_FIELD: "Messaging window closed on Wed 15 Jul 14:05 UTC (24 hours after the "
        "customer's last message). Meta allows a later human reply, up to Tue 21 Jul 14:05 "
        "UTC, only with the HUMAN_AGENT tag, which is off here (META_HUMAN_AGENT_TAG): the "
        "customer must write again."
    }


def test_a_second_private_reply_and_a_late_one_are_refused() -> None:
    second = reply_problems(
        "instagram", "Instagram", "Hi", Visibility.PRIVATE, context(Kind.IG_COMMENT, 1, 1), False
    )
    late = reply_problems(
        "instagram",
        "Instagram",
        "Hi",
        Visibility.PRIVATE,
        context(Kind.IG_COMMENT, 24 * 7 + 1),
        False,
    )
    assert second[VISIBILITY_FIELD].startswith("A private reply was already sent to this comment")
    assert late[VISIBILITY_FIELD] == (
        "Private reply closed on Tue 21 Jul 14:05 UTC: Instagram allows one only within 7 days "
        "of the comment. Answer publicly instead."
    )


def test_direct_messages_have_no_public_side_and_mentions_no_private_one() -> None:
    public_dm = reply_problems(
        "instagram", "Instagram", "Hi", Visibility.PUBLIC, context(Kind.IG_DM, 1), False
    )
    private_mention = reply_problems(
        "instagram", "Instagram", "Hi", Visibility.PRIVATE, context(Kind.IG_MENTION, 1), False
    )
    assert public_dm == {
        VISIBILITY_FIELD: "Instagram direct messages have no public side: "
        "send the answer privately."
    }
    assert "no private reply to a mention" in private_mention[VISIBILITY_FIELD]


def test_text_limits_are_measured_as_meta_measures_them() -> None:
    ok = reply_problems(
        "instagram", "Instagram", "x" * 2200, Visibility.PUBLIC, context(Kind.IG_COMMENT, 1), False
    )
    too_long = reply_problems(
        "instagram", "Instagram", "x" * 2201, Visibility.PUBLIC, context(Kind.IG_COMMENT, 1), False
    )
    empty = reply_problems(
        "facebook", "Facebook", "  ", Visibility.PUBLIC, context(Kind.COMMENT, 1), False
    )
    assert ok == {}
    assert too_long == {
        TEXT_FIELD: "Instagram accepts at most 2,200 characters here; this reply has 2,201."
    }
    assert empty == {TEXT_FIELD: "Write the reply first."}


def test_the_modal_says_where_a_reply_to_a_reply_lands() -> None:
    reply = {"kind": Kind.IG_COMMENT_REPLY.value}
    assert "posted under the top-level comment" in (
        reply_note(reply, Visibility.PUBLIC, "Instagram") or ""
    )
    assert reply_note({"kind": Kind.COMMENT.value}, Visibility.PUBLIC, "Facebook") is None
    assert "once per comment" in (
        reply_note({"kind": Kind.COMMENT.value}, Visibility.PRIVATE, "Facebook") or ""
    )


def test_a_post_without_metas_kind_is_refused_rather_than_guessed() -> None:
    unknown = context(Kind.COMMENT, 1)
    bare = ReplyContext(
        target=ReplyTarget("1", "2", "x", None, WROTE, {}),
        publicly_replyable=True,
        last_customer_post_at=WROTE,
        now=unknown.now,
    )
    for visibility in (Visibility.PUBLIC, Visibility.PRIVATE):
        problems = reply_problems("facebook", "Facebook", "Hi", visibility, bare, False)
        assert problems == {VISIBILITY_FIELD: UNKNOWN_KIND}


def test_the_hint_gives_each_networks_limits_as_meta_counts_them() -> None:
    assert reply_hint("facebook") == (
        "A public reply may be 8,000 characters; a private message 2,000 characters."
    )
    assert reply_hint("instagram") == (
        "A public reply may be 2,200 characters; a private message 1,000 bytes "
        "(accented letters count 2, emoji 4)."
    )


def test_only_instagram_public_replies_start_with_the_username() -> None:
    assert draft_prefill("instagram", "dana", Visibility.PUBLIC) == "@dana "
    assert draft_prefill("instagram", "dana", Visibility.PRIVATE) == ""
    # Facebook people have names, not handles: "@Bob Stone" would tag no one.
    assert draft_prefill("facebook", "Bob Stone", Visibility.PUBLIC) == ""
