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

from bot.i18n import N_, _
from bot.slack.builders.common import Message, mention, plain
from bot.slack.ids import Action
from bot.slack.text import SECTION_TEXT_LIMIT, cut_escaped, escape, link, one_line
from bot.slack.views import DraftView
from storage.enums import DraftStatus, Visibility

# Room in a section for the draft text after its label.
_DRAFT_TEXT_LIMIT = SECTION_TEXT_LIMIT - 300
CLOSE_REASONS = {
    "answered": N_("Answered"),
    "no_reply_needed": N_("No reply needed"),
    "spam": N_("Spam"),
}


def visibility_label(visibility: str, network_label: str) -> str:
    """ "Public reply on X" / "Private message on Mastodon"."""
    if visibility == Visibility.PUBLIC:
        return _("Public reply on {network}").format(network=network_label)
    return _("Private message on {network}").format(network=network_label)


def build_draft_message(draft: DraftView) -> Message:
    """The draft in the case thread: text, author, visibility, state and its buttons."""
    heading = _("📝 *Draft #{number}*").format(number=draft.id)
    return draft_blocks(draft, heading=heading, in_dm=False)


def draft_blocks(draft: DraftView, *, heading: str, in_dm: bool) -> Message:
    """A draft as shown in the thread and, with another heading, in approvers' DMs."""
    by = _("by {user}").format(user=f"<@{escape(draft.author)}>")
    if draft.editor and draft.editor != draft.author:
        by += _(", edited by {user}").format(user=f"<@{escape(draft.editor)}>")
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
        _("Draft for @{handle} ({state}): {text}").format(
            handle=draft.customer_handle, state=draft_state_word(draft), text=one_line(draft.text)
        ),
        300,
    )
    return fallback, blocks


def _quoted(text: str) -> str:
    body = cut_escaped(text, _DRAFT_TEXT_LIMIT, _("… _(cut here; the whole text is sent)_"))
    return "\n".join(f">{line}" for line in body.split("\n")) or ">"


def draft_state_word(draft: DraftView) -> str:
    return {
        DraftStatus.PENDING: _("waiting for approval"),
        DraftStatus.APPROVED: _("approved, sending"),
        DraftStatus.POSTED: _("posted"),
        DraftStatus.FAILED: _("not sent"),
        DraftStatus.REJECTED: _("rejected"),
        DraftStatus.SUPERSEDED: _("superseded"),
    }[draft.status]


def draft_state_line(draft: DraftView) -> str:
    approver = f"<@{escape(draft.approved_by or '')}>"
    network = escape(draft.network.label)
    if draft.status == DraftStatus.PENDING:
        return _("⏳ Waiting for approval")
    if draft.status == DraftStatus.APPROVED:
        return _("👍 Approved by {user} · sending to {network}…").format(
            user=approver, network=network
        )
    if draft.status == DraftStatus.POSTED:
        where = _see_it(draft, " · ")
        return _("✅ Approved by {user} · posted").format(user=approver) + where
    if draft.status == DraftStatus.FAILED:
        reason = escape(draft.last_error or _("unknown reason"))
        return _("⚠️ Approved by {user} · not sent: {reason}").format(user=approver, reason=reason)
    if draft.status == DraftStatus.REJECTED:
        reason = f": {escape(draft.reject_reason)}" if draft.reject_reason else ""
        rejecter = f"<@{escape(draft.rejected_by or '')}>"
        return _("🚫 Rejected by {user}").format(user=rejecter) + reason
    return _("↪️ Superseded: another draft was approved")


def _see_it(draft: DraftView, separator: str) -> str:
    if not draft.external_url:
        return ""
    label = _("see it on {network}").format(network=draft.network.label)
    return f"{separator}{link(draft.external_url, label)}"


def _draft_buttons(draft: DraftView, *, in_dm: bool) -> list[ButtonElement]:
    value = str(draft.id)
    if draft.status == DraftStatus.PENDING:
        buttons = [
            ButtonElement(
                text=_("Approve"), action_id=Action.APPROVE, value=value, style="primary"
            ),
        ]
        if not in_dm:
            buttons.append(ButtonElement(text=_("Edit"), action_id=Action.EDIT, value=value))
        buttons.append(
            ButtonElement(text=_("Reject"), action_id=Action.REJECT, value=value, style="danger")
        )
        return buttons
    if draft.status == DraftStatus.FAILED:
        return [
            ButtonElement(text=_("Retry"), action_id=Action.RETRY, value=value, style="primary")
        ]
    return []


# -- outcomes -----------------------------------------------------------------------------
def build_sent_message(draft: DraftView) -> Message:
    if draft.visibility == Visibility.PUBLIC:
        template = _(
            "✅ Public reply to @{handle} posted{where} (draft #{number}, approved by {user})"
        )
    else:
        template = _(
            "✅ Private message to @{handle} posted{where} (draft #{number}, approved by {user})"
        )
    text = template.format(
        handle=escape(draft.customer_handle),
        where=_see_it(draft, ": "),
        number=draft.id,
        user=f"<@{escape(draft.approved_by or '')}>",
    )
    return plain(text)


def build_send_failed_message(draft: DraftView) -> Message:
    reason = escape(draft.last_error or _("unknown reason"))
    text = _("⚠️ Draft #{number} was not sent: {reason}. The draft is kept.").format(
        number=draft.id, reason=reason
    )
    return text, [
        SectionBlock(block_id="failed", text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id="failed_actions",
            elements=[
                ButtonElement(
                    text=_("Retry"), action_id=Action.RETRY, value=str(draft.id), style="primary"
                )
            ],
        ),
    ]


def build_send_unknown_message(draft: DraftView) -> Message:
    network = escape(draft.network.label)
    return plain(
        _(
            "⏳ {network} did not answer while sending draft #{number}. Carethread checks "
            "{network} before trying again, so it will not be posted twice; this thread will "
            "say what happened."
        ).format(network=network, number=draft.id)
    )


def build_rejected_message(draft: DraftView) -> Message:
    reason = escape(draft.reject_reason or "")
    return plain(
        _("🚫 {user} rejected draft #{number} by {author}: {reason}").format(
            user=f"<@{escape(draft.rejected_by or '')}>",
            number=draft.id,
            author=f"<@{escape(draft.author)}>",
            reason=reason,
        )
    )


def build_escalation_message(team: str, pings: Sequence[str], by: str, note: str) -> Message:
    """`pings` are Slack ids: S… user groups become `<!subteam^S…>`, users `<@U…>`."""
    mentions = " ".join(mention(p) for p in pings)
    said = f"\n>{cut_escaped(one_line(note), 2000)}" if note.strip() else ""
    line = _("🚨 {mentions} {user} escalated this case to *{team}*.").format(
        mentions=mentions, user=f"<@{escape(by)}>", team=escape(team)
    )
    return plain(line + said)


def build_closed_message(by: str, reason: str) -> Message:
    label = _(CLOSE_REASONS[reason]) if reason in CLOSE_REASONS else reason
    return plain(
        _("🔒 {user} closed the case: {reason}.").format(
            user=f"<@{escape(by)}>", reason=escape(label)
        )
    )
