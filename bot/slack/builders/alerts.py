"""Service-level and listening alerts: the due-soon reminder and the miss in a case thread,
the lead's DM about a miss, and the admins' listening alert and recovery note."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.i18n import _
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
        return _("{n} d").format(n=seconds // 86_400)
    if seconds % 3600 == 0:
        return _("{n} h").format(n=seconds // 3600)
    if seconds % 60 == 0:
        return _("{n} min").format(n=seconds // 60)
    return _("{n} s").format(n=seconds)


def _who(notice: DeadlineNotice, on_duty: Sequence[str]) -> str:
    """The owner, or for an unclaimed case the on-duty group (nobody when none is set)."""
    if notice.owner:
        return mention(notice.owner)
    return " ".join(mention(i) for i in on_duty)


def build_due_soon_reminder(notice: DeadlineNotice, on_duty: Sequence[str]) -> Message:
    who = _who(notice, on_duty)
    promise = _("({priority}, {length} target)").format(
        priority=escape(notice.priority), length=_length(notice.target)
    )
    values = {
        "who": who,
        "target": escape(_(notice.label)),
        "handle": escape(notice.customer_handle),
        "when": _due(notice.due_at),
        "promise": promise,
    }
    if notice.owner:
        text = _("🟠 {who} the {target} to @{handle} is due {when} {promise}.").format(**values)
    else:
        lead = f"{who} " if who else ""
        text = (
            "🟠 "
            + lead
            + _(
                "nobody has claimed this case yet: the {target} to @{handle} is due {when} "
                "{promise}. Claim it to answer."
            ).format(**values)
        )
    return plain(text, block_id="sla_due_soon")


def build_miss_message(
    notice: DeadlineNotice, on_duty: Sequence[str], *, escalate: bool
) -> Message:
    """The thread says the target was missed; escalating pings the owner and on-duty."""
    late = _due(notice.due_at, "{date_short_pretty} {time} ({ago})")
    text = _(
        "🔴 *{target} target missed*: it was due {when} · {priority}, {length} target."
    ).format(
        target=escape(_(notice.label).capitalize()),
        when=late,
        priority=escape(notice.priority),
        length=_length(notice.target),
    )
    if escalate:
        pings = [mention(notice.owner)] if notice.owner else []
        pings += [mention(i) for i in on_duty if i != notice.owner]
        if pings:
            text += " " + _("{pings} please answer @{handle} now.").format(
                pings=" ".join(pings), handle=escape(notice.customer_handle)
            )
    return plain(text, block_id="sla_missed")


def build_miss_dm(notice: DeadlineNotice, thread_url: str | None) -> Message:
    where = link(thread_url, _("Open the thread")) if thread_url else _("See the case channel")
    if notice.owner:
        owner = _(", claimed by {user}").format(user=mention(notice.owner))
    else:
        owner = _(", unclaimed")
    return plain(
        _(
            "🔴 A {priority} case from @{handle}{owner}, missed its {target} target "
            "(due {when}). {where}."
        ).format(
            priority=escape(notice.priority),
            handle=escape(notice.customer_handle),
            owner=owner,
            target=escape(_(notice.label)),
            when=_due(notice.due_at),
            where=where,
        ),
        block_id="sla_missed_dm",
    )


def build_listening_alert(what: str, since: datetime, advice: str) -> Message:
    return plain(
        _("🚨 *Carethread has a listening problem* (since {when}): {what}.").format(
            when=_due(since), what=escape(what)
        )
        + "\n"
        + _("*What to do:* {advice}").format(advice=escape(_(advice))),
        block_id="listening_alert",
    )


def build_listening_recovery(what: str, since: datetime) -> Message:
    return plain(
        _(
            "✅ *Recovered*: {what} works again (the problem started {when}). Whatever "
            "arrived meanwhile is picked up from where it stopped."
        ).format(what=escape(what), when=_due(since)),
        block_id="listening_recovered",
    )
