"""Direct messages: an approver's copy of a draft, a rejected author, a specialist."""

from __future__ import annotations

from bot.i18n import _
from bot.slack.builders.common import Message, plain
from bot.slack.builders.thread import draft_blocks
from bot.slack.text import escape, link
from bot.slack.views import DraftView


def build_approval_dm(draft: DraftView, thread_url: str | None) -> Message:
    """The approver's copy: everything needed to decide from a phone notification."""
    where = " · " + link(thread_url, _("open the thread")) if thread_url else ""
    heading = (
        _("🔔 *Approval needed* for a reply to @{handle}").format(
            handle=escape(draft.customer_handle)
        )
        + where
    )
    return draft_blocks(draft, heading=heading, in_dm=True)


def build_rejection_dm(draft: DraftView, thread_url: str | None) -> Message:
    where = " " + link(thread_url, _("Open the thread")) + "." if thread_url else ""
    reason = escape(draft.reject_reason or "")
    text = _("🚫 {user} rejected your draft #{number} for @{handle}: {reason}.").format(
        user=f"<@{escape(draft.rejected_by or '')}>",
        number=draft.id,
        handle=escape(draft.customer_handle),
        reason=reason,
    )
    return plain(text + where)


def build_escalation_dm(
    team: str, customer_handle: str, thread_url: str | None, by: str
) -> Message:
    where = link(thread_url, _("Open the thread")) if thread_url else _("See the case channel")
    return plain(
        _(
            "🚨 {user} escalated a case from @{handle} to *{team}*. {where} and claim it there."
        ).format(
            user=f"<@{escape(by)}>", handle=escape(customer_handle), team=escape(team), where=where
        )
    )
