"""Finding what the brand already sent on X, to settle sends whose outcome is unknown.

Used before any retry of a send that was interrupted (a crash, a dropped connection):
a public reply is looked up on the brand's own timeline (GET /2/users/:id/tweets, which
is immediately consistent, unlike search), a DM among the conversation's events
(GET /2/dm_conversations/with/:participant_id/dm_events).

These belong on `XNetwork` (and the `Network` protocol); they live here only because
x.py has another owner. Both raise `NetworkError` like every other X call.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.networks import SentReply
from bot.networks.x import XNetwork, post_url

# Our clock and X's may disagree a little; look a bit before the send started.
CLOCK_MARGIN = timedelta(minutes=2)
MAX_PAGES = 5


def find_public_reply(
    network: XNetwork, in_reply_to_id: str, text: str, since: datetime
) -> SentReply | None:
    """The brand's reply to `in_reply_to_id` with `text` posted since `since`, if any."""
    brand = network.whoami()
    token: str | None = None
    for _ in range(MAX_PAGES):
        response = network._call(
            network.client.get_users_tweets,
            id=brand.external_id,
            start_time=since - CLOCK_MARGIN,
            max_results=100,
            pagination_token=token,
            tweet_fields=["referenced_tweets", "created_at"],
            user_auth=True,
        )
        for tweet in response.data or []:
            replied = {str(r.id) for r in tweet.referenced_tweets or [] if r.type == "replied_to"}
            if in_reply_to_id in replied and _same_text(tweet.text, text):
                return SentReply(str(tweet.id), post_url(brand.handle, str(tweet.id)))
        token = (response.meta or {}).get("next_token")
        if not token:
            return None
    return None


def find_private_message(
    network: XNetwork, recipient_id: str, text: str, since: datetime
) -> SentReply | None:
    """The brand's DM to `recipient_id` with `text` sent since `since`, if any."""
    brand = network.whoami()
    token: str | None = None
    for _ in range(MAX_PAGES):
        response = network._call(
            network.client.get_direct_message_events,
            participant_id=recipient_id,
            dm_event_fields=["created_at", "sender_id", "dm_conversation_id", "text"],
            event_types="MessageCreate",
            max_results=100,
            pagination_token=token,
            user_auth=True,
        )
        for event in response.data or []:
            created = _created(event)
            if (
                str(event.sender_id) == brand.external_id
                and _same_text(event.text or "", text)
                and (created is None or created >= since - CLOCK_MARGIN)
            ):
                conversation = str(getattr(event, "dm_conversation_id", "") or "")
                return SentReply(str(event.id), f"https://x.com/messages/{conversation}")
        token = (response.meta or {}).get("next_token")
        if not token:
            return None
    return None


def _same_text(found: str, sent: str) -> bool:
    # X normalises whitespace at the ends; links come back as t.co, so compare loosely then.
    if found.strip() == sent.strip():
        return True
    return "http" in sent and found.split("http")[0].strip() == sent.split("http")[0].strip()


def _created(event: Any) -> datetime | None:
    created = getattr(event, "created_at", None)
    return created if isinstance(created, datetime) else None
