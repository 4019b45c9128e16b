"""Direct messages: an approver's copy of a draft, a rejected author, a specialist."""

from __future__ import annotations

from bot.slack.builders.common import Message, plain
from bot.slack.builders.thread import draft_blocks
from bot.slack.text import escape, link
from bot.slack.views import DraftView


def build_approval_dm(draft: DraftView, thread_url: str | None) -> Message:
    """The approver's copy: everything needed to decide from a phone notification."""
    where = f" · {link(thread_url, 'open the thread')}" if thread_url else ""
    heading = f"🔔 *Approval needed* for a reply to @{escape(draft.customer_handle)}{where}"
    return draft_blocks(draft, heading=heading, in_dm=True)


def build_rejection_dm(draft: DraftView, thread_url: str | None) -> Message:
    where = f" {link(thread_url, 'Open the thread')}." if thread_url else ""
    reason = escape(draft.reject_reason or "")
    return plain(
        f"🚫 <@{escape(draft.rejected_by or '')}> rejected your draft #{draft.id} for "
        f"@{escape(draft.customer_handle)}: {reason}.{where}"
    )


def build_escalation_dm(
    team: str, customer_handle: str, thread_url: str | None, by: str
) -> Message:
    where = link(thread_url, "Open the thread") if thread_url else "See the case channel"
    return plain(
        f"🚨 <@{escape(by)}> escalated a case from @{escape(customer_handle)} to "
        f"*{escape(team)}*. {where} and claim it there."
    )
