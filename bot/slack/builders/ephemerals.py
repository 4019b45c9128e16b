"""Messages only the clicking person sees: lost claim race, what Move to private drafted,
the unmasked original, a case's history, "approve anyway?"."""

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

from bot.i18n import _
from bot.slack.builders.common import Message, action_name, actor, plain, when
from bot.slack.ids import Action
from bot.slack.text import SECTION_TEXT_LIMIT, cut_escaped, escape, link
from bot.slack.views import HistoryEntry, OriginalPost


def build_claimed_elsewhere(case_id: int, owner: str) -> Message:
    """The ephemeral for an agent who lost the race to claim."""
    text = _("Already claimed by {user}.").format(user=f"<@{escape(owner)}>")
    return text, [
        SectionBlock(block_id="claimed", text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id="take_over",
            elements=[
                ButtonElement(text=_("Take over"), action_id=Action.TAKE_OVER, value=str(case_id))
            ],
        ),
    ]


def build_moved_to_private(
    public_draft: int | None, private_draft: int, why_no_public: str | None
) -> Message:
    """The clicker's ephemeral after Move to private: what was drafted, and why not more."""
    if public_draft is not None:
        text = _(
            "Drafted a public reply inviting the customer to a private conversation "
            "(#{public}) and a private message for the details (#{private}). Both wait for "
            "approval in the thread; approving one leaves the other waiting."
        ).format(public=public_draft, private=private_draft)
    else:
        text = _(
            "Drafted only a private message (#{private}): {why} It waits for approval in the "
            "thread."
        ).format(private=private_draft, why=escape(why_no_public or ""))
    return plain(text)


def build_original_posts(case_id: int, posts: Sequence[OriginalPost]) -> Message:
    """The unmasked posts of a case, for one approver's eyes (an ephemeral message)."""
    title = _("🔓 Original text of case #{number}, personal data included").format(number=case_id)
    blocks: list[Block] = [
        SectionBlock(block_id="original_title", text=MarkdownTextObject(text=f"*{title}*")),
        ContextBlock(
            block_id="original_note",
            elements=[
                MarkdownTextObject(
                    text=_(
                        "Only you can see this, and your viewing was recorded in the case "
                        "history. Do not copy it into the thread."
                    )
                )
            ],
        ),
    ]
    for index, post in enumerate(posts[:10]):
        found = escape(", ".join(_(kind) for kind in post.found))
        head = f"{when(post.at)} · {link(post.url, post.network.link_label)} · {found}"
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
                text=MarkdownTextObject(text=_("_No post of this case holds personal data._")),
            )
        )
    return title, blocks


def build_history(case_id: int, entries: Sequence[HistoryEntry]) -> Message:
    """A compact, newest-last history of a case."""
    lines = [
        f"• {when(e.at)} · {actor(e.actor)} · *{escape(action_name(e.action))}*"
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
    text = _("History of case #{number}").format(number=case_id)
    return text, [
        SectionBlock(block_id="history_title", text=MarkdownTextObject(text=f"*{text}*")),
        SectionBlock(
            block_id="history", text=MarkdownTextObject(text=body or _("_(nothing yet)_"))
        ),
    ]


def build_stale_confirmation(draft_id: int) -> Message:
    """Asked before approving a draft written before the customer's latest post."""
    text = _(
        "The customer wrote again after this draft was written, so it may be out of date. "
        "Read the thread first. Approve anyway?"
    )
    return text, [
        SectionBlock(block_id="stale", text=MarkdownTextObject(text=f"⚠️ {text}")),
        ActionsBlock(
            block_id="stale_actions",
            elements=[
                ButtonElement(
                    text=_("Approve anyway"),
                    action_id=Action.APPROVE_STALE,
                    value=str(draft_id),
                    style="danger",
                )
            ],
        ),
    ]
