"""Messages in a case thread: drafts with their state and buttons, and outcomes (sent,
refused, rejected, escalated, closed)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.slack.builders.common import Message, mention, plain
from bot.slack.ids import Action
from bot.slack.text import SECTION_TEXT_LIMIT, cut_escaped, escape, link, one_line
from bot.slack.views import DraftView
from storage.enums import DraftStatus, Visibility

# Room in a section for the draft text after its label.
_DRAFT_TEXT_LIMIT = SECTION_TEXT_LIMIT - 300
CLOSE_REASONS = {
    "answered": "Answered",
    "no_reply_needed": "No reply needed",
    "spam": "Spam",
}


def visibility_label(visibility: str, network_label: str) -> str:
    """ "Public reply on X" / "Private message on Mastodon"."""
    kind = "Public reply" if visibility == Visibility.PUBLIC else "Private message"
    return f"{kind} on {network_label}"


def build_draft_message(draft: DraftView) -> Message:
    """The draft in the case thread: text, author, visibility, state and its buttons."""
    return draft_blocks(draft, heading=f"📝 *Draft #{draft.id}*", in_dm=False)


def draft_blocks(draft: DraftView, *, heading: str, in_dm: bool) -> Message:
    """A draft as shown in the thread and, with another heading, in approvers' DMs."""
    by = f"by <@{escape(draft.author)}>"
    if draft.editor and draft.editor != draft.author:
        by += f", edited by <@{escape(draft.editor)}>"
    where = escape(visibility_label(draft.visibility, draft.network.label))
    blocks: list[Block] = [
        SectionBlock(block_id="draft_heading", text=MarkdownTextObject(text=heading)),
        SectionBlock(block_id="draft_text", text=MarkdownTextObject(text=_quoted(draft.text))),
        ContextBlock(block_id="draft_meta", elements=[MarkdownTextObject(text=f"{where} · {by}")]),
        SectionBlock(block_id="draft_state", text=MarkdownTextObject(text=draft_state_line(draft))),
    ]
    buttons = _draft_buttons(draft, in_dm=in_dm)
    if buttons:
        blocks.append(ActionsBlock(block_id="draft_actions", elements=buttons))
    fallback = cut_escaped(
        f"Draft for @{draft.customer_handle} ({draft_state_word(draft)}): {one_line(draft.text)}",
        300,
    )
    return fallback, blocks


def _quoted(text: str) -> str:
    body = cut_escaped(text, _DRAFT_TEXT_LIMIT, "… _(cut here; the whole text is sent)_")
    return "\n".join(f">{line}" for line in body.split("\n")) or ">"


def draft_state_word(draft: DraftView) -> str:
    return {
        DraftStatus.PENDING: "waiting for approval",
        DraftStatus.APPROVED: "approved, sending",
        DraftStatus.POSTED: "posted",
        DraftStatus.FAILED: "not sent",
        DraftStatus.REJECTED: "rejected",
        DraftStatus.SUPERSEDED: "superseded",
    }[draft.status]


def draft_state_line(draft: DraftView) -> str:
    approver = f"<@{escape(draft.approved_by or '')}>"
    network = escape(draft.network.label)
    if draft.status == DraftStatus.PENDING:
        return "⏳ Waiting for approval"
    if draft.status == DraftStatus.APPROVED:
        return f"👍 Approved by {approver} · sending to {network}…"
    if draft.status == DraftStatus.POSTED:
        where = _see_it(draft, " · ")
        return f"✅ Approved by {approver} · posted{where}"
    if draft.status == DraftStatus.FAILED:
        reason = escape(draft.last_error or "unknown reason")
        return f"⚠️ Approved by {approver} · not sent: {reason}"
    if draft.status == DraftStatus.REJECTED:
        reason = f": {escape(draft.reject_reason)}" if draft.reject_reason else ""
        return f"🚫 Rejected by <@{escape(draft.rejected_by or '')}>{reason}"
    return "↪️ Superseded: another draft was approved"


def _see_it(draft: DraftView, separator: str) -> str:
    if not draft.external_url:
        return ""
    return f"{separator}{link(draft.external_url, f'see it on {draft.network.label}')}"


def _draft_buttons(draft: DraftView, *, in_dm: bool) -> list[ButtonElement]:
    value = str(draft.id)
    if draft.status == DraftStatus.PENDING:
        buttons = [
            ButtonElement(text="Approve", action_id=Action.APPROVE, value=value, style="primary"),
        ]
        if not in_dm:
            buttons.append(ButtonElement(text="Edit", action_id=Action.EDIT, value=value))
        buttons.append(
            ButtonElement(text="Reject", action_id=Action.REJECT, value=value, style="danger")
        )
        return buttons
    if draft.status == DraftStatus.FAILED:
        return [ButtonElement(text="Retry", action_id=Action.RETRY, value=value, style="primary")]
    return []


# -- outcomes -----------------------------------------------------------------------------
def build_sent_message(draft: DraftView) -> Message:
    what = "Public reply" if draft.visibility == Visibility.PUBLIC else "Private message"
    text = (
        f"✅ {what} to @{escape(draft.customer_handle)} posted{_see_it(draft, ': ')} "
        f"(draft #{draft.id}, approved by <@{escape(draft.approved_by or '')}>)"
    )
    return plain(text)


def build_send_failed_message(draft: DraftView) -> Message:
    reason = escape(draft.last_error or "unknown reason")
    text = f"⚠️ Draft #{draft.id} was not sent: {reason}. The draft is kept."
    return text, [
        SectionBlock(block_id="failed", text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id="failed_actions",
            elements=[
                ButtonElement(
                    text="Retry", action_id=Action.RETRY, value=str(draft.id), style="primary"
                )
            ],
        ),
    ]


def build_send_unknown_message(draft: DraftView) -> Message:
    network = escape(draft.network.label)
    return plain(
        f"⏳ {network} did not answer while sending draft #{draft.id}. Carethread checks "
        f"{network} before trying again, so it will not be posted twice; this thread will say "
        "what happened."
    )


def build_rejected_message(draft: DraftView) -> Message:
    reason = escape(draft.reject_reason or "")
    return plain(
        f"🚫 <@{escape(draft.rejected_by or '')}> rejected draft #{draft.id} "
        f"by <@{escape(draft.author)}>: {reason}"
    )


def build_escalation_message(team: str, pings: Sequence[str], by: str, note: str) -> Message:
    """`pings` are Slack ids: S… user groups become `<!subteam^S…>`, users `<@U…>`."""
    mentions = " ".join(mention(p) for p in pings)
    said = f"\n>{cut_escaped(one_line(note), 2000)}" if note.strip() else ""
    return plain(f"🚨 {mentions} <@{escape(by)}> escalated this case to *{escape(team)}*.{said}")


def build_closed_message(by: str, reason: str) -> Message:
    label = CLOSE_REASONS.get(reason, reason)
    return plain(f"🔒 <@{escape(by)}> closed the case: {escape(label)}.")
