"""Service-level and listening alerts: the due-soon reminder and the miss in a case thread,
the lead's DM about a miss, and the admins' listening alert and recovery note."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.slack.builders.common import Message, mention, plain
from bot.slack.text import escape, link, slack_date


@dataclass(frozen=True)
class DeadlineNotice:
    """What a reminder or a miss says about one target of one case."""

    label: str  # "first response"
    priority: str
    target: timedelta
    due_at: datetime
    customer_handle: str
    owner: str | None


def _due(at: datetime, fmt: str = "{date_short_pretty} {time}") -> str:
    return slack_date(at.timestamp(), fmt, at.strftime("%Y-%m-%d %H:%M UTC"))


def _length(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds % 86_400 == 0:
        return f"{seconds // 86_400} d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def _who(notice: DeadlineNotice, on_duty: Sequence[str]) -> str:
    """The owner, or for an unclaimed case the on-duty group (nobody when none is set)."""
    if notice.owner:
        return mention(notice.owner)
    return " ".join(mention(i) for i in on_duty)


def build_due_soon_reminder(notice: DeadlineNotice, on_duty: Sequence[str]) -> Message:
    who = _who(notice, on_duty)
    promise = f"({escape(notice.priority)}, {_length(notice.target)} target)"
    if notice.owner:
        text = (
            f"🟠 {who} the {escape(notice.label)} to @{escape(notice.customer_handle)} is due "
            f"{_due(notice.due_at)} {promise}."
        )
    else:
        lead = f"{who} " if who else ""
        text = (
            f"🟠 {lead}nobody has claimed this case yet: the {escape(notice.label)} to "
            f"@{escape(notice.customer_handle)} is due {_due(notice.due_at)} {promise}. "
            "Claim it to answer."
        )
    return plain(text, block_id="sla_due_soon")


def build_miss_message(
    notice: DeadlineNotice, on_duty: Sequence[str], *, escalate: bool
) -> Message:
    """The thread says the target was missed; escalating pings the owner and on-duty."""
    late = _due(notice.due_at, "{date_short_pretty} {time} ({ago})")
    text = (
        f"🔴 *{escape(notice.label.capitalize())} target missed*: it was due {late} · "
        f"{escape(notice.priority)}, {_length(notice.target)} target."
    )
    if escalate:
        pings = [mention(notice.owner)] if notice.owner else []
        pings += [mention(i) for i in on_duty if i != notice.owner]
        if pings:
            text += f" {' '.join(pings)} please answer @{escape(notice.customer_handle)} now."
    return plain(text, block_id="sla_missed")


def build_miss_dm(notice: DeadlineNotice, thread_url: str | None) -> Message:
    where = link(thread_url, "Open the thread") if thread_url else "See the case channel"
    owner = f", claimed by {mention(notice.owner)}" if notice.owner else ", unclaimed"
    return plain(
        f"🔴 A {escape(notice.priority)} case from @{escape(notice.customer_handle)}{owner}, "
        f"missed its {escape(notice.label)} target (due {_due(notice.due_at)}). {where}.",
        block_id="sla_missed_dm",
    )


def build_listening_alert(what: str, since: datetime, advice: str) -> Message:
    return plain(
        f"🚨 *Carethread has a listening problem* (since {_due(since)}): {escape(what)}.\n"
        f"*What to do:* {escape(advice)}",
        block_id="listening_alert",
    )


def build_listening_recovery(what: str, since: datetime) -> Message:
    return plain(
        f"✅ *Recovered*: {escape(what)} works again (the problem started {_due(since)}). "
        "Whatever arrived meanwhile is picked up from where it stopped.",
        block_id="listening_recovered",
    )
