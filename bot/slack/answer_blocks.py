"""Pure Block Kit builders for answering: modals, draft messages, approver DMs, outcomes.

Every string that came from the internet (customer posts, handles) or that a person typed
(draft text, notes, reasons) is escaped here, so a draft saying `<!channel>` pings nobody.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.slack.ids import Action, Callback
from bot.slack.text import SECTION_TEXT_LIMIT, cut_escaped, escape, link, one_line

# Input block ids of the modals; validation errors are keyed by them.
TEXT_FIELD = "text"
VISIBILITY_FIELD = "visibility"
REASON_FIELD = "reason"
TEAM_FIELD = "team"
NOTE_FIELD = "note"
# Room in a section for the draft text after its label.
_DRAFT_TEXT_LIMIT = SECTION_TEXT_LIMIT - 300
CLOSE_REASONS = {
    "answered": "Answered",
    "no_reply_needed": "No reply needed",
    "spam": "Spam",
}
VISIBILITY_LABELS = {"public": "Public reply on X", "private": "Private message on X"}


@dataclass(frozen=True)
class DraftView:
    """A draft as messages show it."""

    id: int
    case_id: int
    text: str
    visibility: str
    status: str
    author: str
    customer_handle: str
    editor: str | None = None
    approved_by: str | None = None
    rejected_by: str | None = None
    reject_reason: str | None = None
    external_url: str | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class DraftFormView:
    """What the draft modal needs: context, prefill, and where to save."""

    case_id: int
    customer_handle: str
    post_text: str
    post_url: str
    publicly_replyable: bool
    text: str
    visibility: str
    draft_id: int | None = None


@dataclass(frozen=True)
class OriginalPost:
    """A customer's post as written, personal data included (approvers, ephemeral only)."""

    at: datetime
    url: str
    text: str
    # Human words for what triage found: "card number", "email address".
    found: tuple[str, ...]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    details: str = ""


# -- the case card -----------------------------------------------------------------------
def build_claimed_elsewhere(case_id: int, owner: str) -> tuple[str, list[Block]]:
    """The ephemeral for an agent who lost the race to claim."""
    text = f"Already claimed by <@{escape(owner)}>."
    return text, [
        SectionBlock(block_id="claimed", text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id="take_over",
            elements=[
                ButtonElement(text="Take over", action_id=Action.TAKE_OVER, value=str(case_id))
            ],
        ),
    ]


def build_moved_to_private(
    public_draft: int | None, private_draft: int, why_no_public: str | None
) -> tuple[str, list[Block]]:
    """The clicker's ephemeral after Move to private: what was drafted, and why not more."""
    if public_draft is not None:
        text = (
            f"Drafted a public reply inviting the customer to a private conversation "
            f"(#{public_draft}) and a private message for the details (#{private_draft}). "
            "Both wait for approval in the thread; approving one leaves the other waiting."
        )
    else:
        text = (
            f"Drafted only a private message (#{private_draft}): {why_no_public} "
            "It waits for approval in the thread."
        )
    return _plain(text)


def build_original_posts(case_id: int, posts: Sequence[OriginalPost]) -> tuple[str, list[Block]]:
    """The unmasked posts of a case, for one approver's eyes (an ephemeral message)."""
    title = f"🔓 Original text of case #{case_id}, personal data included"
    blocks: list[Block] = [
        SectionBlock(block_id="original_title", text=MarkdownTextObject(text=f"*{title}*")),
        ContextBlock(
            block_id="original_note",
            elements=[
                MarkdownTextObject(
                    text="Only you can see this, and your viewing was recorded in the case "
                    "history. Do not copy it into the thread."
                )
            ],
        ),
    ]
    for index, post in enumerate(posts[:10]):
        found = escape(", ".join(post.found))
        head = f"{_when(post.at)} · {link(post.url, 'View on X')} · {found}"
        body = cut_escaped(post.text, SECTION_TEXT_LIMIT - len(head) - 20, "…")
        blocks.append(
            SectionBlock(
                block_id=f"original_{index}", text=MarkdownTextObject(text=f"{head}\n{body}")
            )
        )
    if not posts:
        blocks.append(
            SectionBlock(
                block_id="original_none",
                text=MarkdownTextObject(text="_No post of this case holds personal data._"),
            )
        )
    return title, blocks


# -- the draft modal ---------------------------------------------------------------------
def build_draft_modal(form: DraftFormView) -> View:
    blocks: list[Block] = [
        SectionBlock(
            block_id="context",
            text=MarkdownTextObject(
                text=f"*@{escape(form.customer_handle)} wrote:*\n"
                + cut_escaped(form.post_text, 2500, "…")
                + f"\n{link(form.post_url, 'View on X')}"
            ),
        ),
        InputBlock(
            block_id=TEXT_FIELD,
            label="Reply",
            element=PlainTextInputElement(
                action_id=TEXT_FIELD, multiline=True, initial_value=form.text or None
            ),
            hint="A public reply may be 280 characters as X counts them "
            "(links 23, emoji 2); a private message up to 10,000.",
        ),
    ]
    options = _visibility_options(form.publicly_replyable)
    chosen = next((o for o in options if o.value == form.visibility), options[0])
    blocks.append(
        InputBlock(
            block_id=VISIBILITY_FIELD,
            label="Send as",
            element=RadioButtonsElement(
                action_id=VISIBILITY_FIELD, options=options, initial_option=chosen
            ),
        )
    )
    if not form.publicly_replyable:
        blocks.append(
            ContextBlock(
                block_id="private_only",
                elements=[
                    MarkdownTextObject(
                        text="⚠️ Found by keyword search: X does not allow a public reply "
                        "to an author who did not mention the brand. Send a private message."
                    )
                ],
            )
        )
    metadata = {"case_id": form.case_id, "draft_id": form.draft_id}
    return _modal(
        Callback.DRAFT,
        "Edit draft" if form.draft_id else "Draft a reply",
        "Save draft",
        metadata,
        blocks,
    )


def _modal(callback: Callback, title: str, submit: str, metadata: dict, blocks: list) -> View:
    """A modal of ours: Cancel to close, its context carried in private_metadata."""
    return View(
        type="modal",
        callback_id=callback,
        title=title,
        submit=submit,
        close="Cancel",
        private_metadata=json.dumps(metadata),
        blocks=blocks,
    )


def _visibility_options(publicly_replyable: bool) -> list[Option]:
    private = Option(value="private", label=VISIBILITY_LABELS["private"])
    public = Option(
        value="public",
        label=VISIBILITY_LABELS["public"],
        description=None if publicly_replyable else "Not allowed by X for this post",
    )
    return [public, private] if publicly_replyable else [private, public]


# -- drafts in the thread and in approvers' DMs ------------------------------------------
def build_draft_message(draft: DraftView) -> tuple[str, list[Block]]:
    """The draft in the case thread: text, author, visibility, state and its buttons."""
    return _draft_blocks(draft, heading=f"📝 *Draft #{draft.id}*", in_dm=False)


def build_approval_dm(draft: DraftView, thread_url: str | None) -> tuple[str, list[Block]]:
    """The approver's copy: everything needed to decide from a phone notification."""
    where = f" · {link(thread_url, 'open the thread')}" if thread_url else ""
    heading = f"🔔 *Approval needed* for a reply to @{escape(draft.customer_handle)}{where}"
    text, blocks = _draft_blocks(draft, heading=heading, in_dm=True)
    return text, blocks


def _draft_blocks(draft: DraftView, *, heading: str, in_dm: bool) -> tuple[str, list[Block]]:
    visibility = VISIBILITY_LABELS.get(draft.visibility, draft.visibility)
    by = f"by <@{escape(draft.author)}>"
    if draft.editor and draft.editor != draft.author:
        by += f", edited by <@{escape(draft.editor)}>"
    blocks: list[Block] = [
        SectionBlock(block_id="draft_heading", text=MarkdownTextObject(text=heading)),
        SectionBlock(
            block_id="draft_text",
            text=MarkdownTextObject(text=_quoted(draft.text)),
        ),
        ContextBlock(
            block_id="draft_meta",
            elements=[MarkdownTextObject(text=f"{visibility} · {by}")],
        ),
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
        "pending": "waiting for approval",
        "approved": "approved, sending",
        "posted": "posted",
        "failed": "not sent",
        "rejected": "rejected",
        "superseded": "superseded",
    }.get(draft.status, draft.status)


def draft_state_line(draft: DraftView) -> str:
    if draft.status == "pending":
        return "⏳ Waiting for approval"
    if draft.status == "approved":
        return f"👍 Approved by <@{escape(draft.approved_by or '')}> · sending to X…"
    if draft.status == "posted":
        where = f" · {link(draft.external_url, 'see it on X')}" if draft.external_url else ""
        return f"✅ Approved by <@{escape(draft.approved_by or '')}> · posted{where}"
    if draft.status == "failed":
        reason = escape(draft.last_error or "unknown reason")
        return f"⚠️ Approved by <@{escape(draft.approved_by or '')}> · not sent: {reason}"
    if draft.status == "rejected":
        reason = f": {escape(draft.reject_reason)}" if draft.reject_reason else ""
        return f"🚫 Rejected by <@{escape(draft.rejected_by or '')}>{reason}"
    if draft.status == "superseded":
        return "↪️ Superseded: another draft was approved"
    return escape(draft.status)


def _draft_buttons(draft: DraftView, *, in_dm: bool) -> list[ButtonElement]:
    value = str(draft.id)
    if draft.status == "pending":
        buttons = [
            ButtonElement(text="Approve", action_id=Action.APPROVE, value=value, style="primary"),
        ]
        if not in_dm:
            buttons.append(ButtonElement(text="Edit", action_id=Action.EDIT, value=value))
        buttons.append(
            ButtonElement(text="Reject", action_id=Action.REJECT, value=value, style="danger")
        )
        return buttons
    if draft.status == "failed":
        return [ButtonElement(text="Retry", action_id=Action.RETRY, value=value, style="primary")]
    return []


def build_stale_confirmation(draft_id: int) -> tuple[str, list[Block]]:
    """Asked before approving a draft written before the customer's latest post."""
    text = (
        "The customer wrote again after this draft was written, so it may be out of date. "
        "Read the thread first. Approve anyway?"
    )
    return text, [
        SectionBlock(block_id="stale", text=MarkdownTextObject(text=f"⚠️ {text}")),
        ActionsBlock(
            block_id="stale_actions",
            elements=[
                ButtonElement(
                    text="Approve anyway",
                    action_id=Action.APPROVE_STALE,
                    value=str(draft_id),
                    style="danger",
                )
            ],
        ),
    ]


# -- outcomes in the thread ----------------------------------------------------------------
def build_sent_message(draft: DraftView) -> tuple[str, list[Block]]:
    what = "Public reply" if draft.visibility == "public" else "Private message"
    where = f": {link(draft.external_url, 'see it on X')}" if draft.external_url else ""
    text = (
        f"✅ {what} to @{escape(draft.customer_handle)} posted{where} "
        f"(draft #{draft.id}, approved by <@{escape(draft.approved_by or '')}>)"
    )
    return _plain(text)


def build_send_failed_message(draft: DraftView) -> tuple[str, list[Block]]:
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


def build_send_unknown_message(draft: DraftView) -> tuple[str, list[Block]]:
    return _plain(
        f"⏳ X did not answer while sending draft #{draft.id}. Carethread checks X before "
        "trying again, so it will not be posted twice; this thread will say what happened."
    )


def build_rejected_message(draft: DraftView) -> tuple[str, list[Block]]:
    reason = escape(draft.reject_reason or "")
    return _plain(
        f"🚫 <@{escape(draft.rejected_by or '')}> rejected draft #{draft.id} "
        f"by <@{escape(draft.author)}>: {reason}"
    )


def build_rejection_dm(draft: DraftView, thread_url: str | None) -> tuple[str, list[Block]]:
    where = f" {link(thread_url, 'Open the thread')}." if thread_url else ""
    reason = escape(draft.reject_reason or "")
    return _plain(
        f"🚫 <@{escape(draft.rejected_by or '')}> rejected your draft #{draft.id} for "
        f"@{escape(draft.customer_handle)}: {reason}.{where}"
    )


def build_escalation_message(
    team: str, pings: Sequence[str], by: str, note: str
) -> tuple[str, list[Block]]:
    """`pings` are Slack ids: S… user groups become `<!subteam^S…>`, users `<@U…>`."""
    mentions = " ".join(
        f"<!subteam^{escape(p)}>" if p.startswith("S") else f"<@{escape(p)}>" for p in pings
    )
    said = f"\n>{cut_escaped(one_line(note), 2000)}" if note.strip() else ""
    return _plain(f"🚨 {mentions} <@{escape(by)}> escalated this case to *{escape(team)}*.{said}")


def build_escalation_dm(
    team: str, customer_handle: str, thread_url: str | None, by: str
) -> tuple[str, list[Block]]:
    where = link(thread_url, "Open the thread") if thread_url else "See the case channel"
    return _plain(
        f"🚨 <@{escape(by)}> escalated a case from @{escape(customer_handle)} to "
        f"*{escape(team)}*. {where} and claim it there."
    )


def build_closed_message(by: str, reason: str) -> tuple[str, list[Block]]:
    label = CLOSE_REASONS.get(reason, reason)
    return _plain(f"🔒 <@{escape(by)}> closed the case: {escape(label)}.")


def build_history(case_id: int, entries: Sequence[HistoryEntry]) -> tuple[str, list[Block]]:
    """A compact, newest-last history of a case, for an ephemeral message."""
    lines = [
        f"• {_when(e.at)} · {_actor(e.actor)} · *{escape(e.action)}*"
        + (f" · {escape(e.details)}" if e.details else "")
        for e in entries
    ]
    # Keep the newest lines when the history outgrows one section.
    body = ""
    for line in reversed(lines):
        if len(body) + len(line) + 1 > SECTION_TEXT_LIMIT - 100:
            body = "…\n" + body
            break
        body = line + ("\n" + body if body else "")
    text = f"History of case #{case_id}"
    return text, [
        SectionBlock(block_id="history_title", text=MarkdownTextObject(text=f"*{text}*")),
        SectionBlock(block_id="history", text=MarkdownTextObject(text=body or "_(nothing yet)_")),
    ]


def _when(at: datetime) -> str:
    fallback = at.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(at.timestamp())}^{{date_short}} {{time}}|{fallback}>"


def _actor(actor: str) -> str:
    return "Carethread" if actor == "carethread" else f"<@{escape(actor)}>"


def _plain(text: str) -> tuple[str, list[Block]]:
    return text, [SectionBlock(block_id="note", text=MarkdownTextObject(text=text))]


# -- small modals --------------------------------------------------------------------------
def build_reject_modal(draft_id: int) -> View:
    return _modal(
        Callback.REJECT,
        "Reject draft",
        "Reject",
        {"draft_id": draft_id},
        [
            InputBlock(
                block_id=REASON_FIELD,
                label="Why? The author will see this.",
                element=PlainTextInputElement(
                    action_id=REASON_FIELD, multiline=True, max_length=500
                ),
            )
        ],
    )


def build_escalate_modal(case_id: int, teams: Sequence[str]) -> View:
    options = [Option(value=t, label=t) for t in teams]
    blocks: list[Block] = [
        InputBlock(
            block_id=TEAM_FIELD,
            label="Specialist team",
            element=StaticSelectElement(action_id=TEAM_FIELD, options=options),
        ),
        InputBlock(
            block_id=NOTE_FIELD,
            label="Note for the specialists",
            optional=True,
            element=PlainTextInputElement(action_id=NOTE_FIELD, multiline=True, max_length=1000),
        ),
    ]
    return _modal(Callback.ESCALATE, "Escalate case", "Escalate", {"case_id": case_id}, blocks)


def build_close_modal(case_id: int) -> View:
    options = [Option(value=value, label=label) for value, label in CLOSE_REASONS.items()]
    return _modal(
        Callback.CLOSE,
        "Close case",
        "Close case",
        {"case_id": case_id},
        [
            InputBlock(
                block_id=REASON_FIELD,
                label="Reason",
                element=RadioButtonsElement(
                    action_id=REASON_FIELD, options=options, initial_option=options[0]
                ),
            )
        ],
    )
