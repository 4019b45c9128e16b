"""Modals: draft a reply, reject a draft, escalate a case, close a case."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
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

from bot.slack.builders.drafting import (
    drafting_help,
    knowledge_metadata,
    past_cases,
    saved_reply_picker,
    text_block_id,
)
from bot.slack.builders.thread import CLOSE_REASONS, visibility_label
from bot.slack.ids import Callback, Field
from bot.slack.text import cut_escaped, escape, link
from bot.slack.views import DraftFormView
from storage.enums import Visibility


def build_draft_modal(form: DraftFormView) -> View:
    label = form.network.label
    knowledge = form.knowledge
    blocks: list[Block] = [
        SectionBlock(
            block_id="context",
            text=MarkdownTextObject(
                text=f"*@{escape(form.customer_handle)} wrote:*\n"
                + cut_escaped(form.post_text, 2500, "…")
                + f"\n{link(form.post_url, form.network.link_label)}"
            ),
        ),
        *(saved_reply_picker(knowledge) if knowledge else []),
        InputBlock(
            block_id=text_block_id(knowledge),
            label="Reply",
            element=PlainTextInputElement(
                action_id=Field.TEXT, multiline=True, initial_value=form.text or None
            ),
            hint=form.reply_hint or None,
        ),
        *(drafting_help(knowledge) if knowledge else []),
    ]
    options = _visibility_options(form.publicly_replyable, label)
    chosen = next((o for o in options if o.value == form.visibility), options[0])
    blocks.append(
        InputBlock(
            block_id=Field.VISIBILITY,
            label="Send as",
            element=RadioButtonsElement(
                action_id=Field.VISIBILITY, options=options, initial_option=chosen
            ),
        )
    )
    if form.public_refusal:
        blocks.append(
            ContextBlock(
                block_id="private_only",
                elements=[MarkdownTextObject(text=f"⚠️ {escape(form.public_refusal)}")],
            )
        )
    blocks += past_cases(knowledge) if knowledge else []
    metadata = {
        "case_id": form.case_id,
        "draft_id": form.draft_id,
        **knowledge_metadata(knowledge),
    }
    return _modal(
        Callback.DRAFT,
        "Edit draft" if form.draft_id else "Draft a reply",
        "Save draft",
        metadata,
        blocks,
    )


def _visibility_options(publicly_replyable: bool, network_label: str) -> list[Option]:
    private = Option(
        value=Visibility.PRIVATE, label=visibility_label(Visibility.PRIVATE, network_label)
    )
    public = Option(
        value=Visibility.PUBLIC,
        label=visibility_label(Visibility.PUBLIC, network_label),
        description=None if publicly_replyable else f"Not allowed by {network_label} for this post",
    )
    return [public, private] if publicly_replyable else [private, public]


def _modal(
    callback: Callback, title: str, submit: str, metadata: dict[str, Any], blocks: list[Block]
) -> View:
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


def build_reject_modal(draft_id: int) -> View:
    return _modal(
        Callback.REJECT,
        "Reject draft",
        "Reject",
        {"draft_id": draft_id},
        [
            InputBlock(
                block_id=Field.REASON,
                label="Why? The author will see this.",
                element=PlainTextInputElement(
                    action_id=Field.REASON, multiline=True, max_length=500
                ),
            )
        ],
    )


def build_escalate_modal(case_id: int, teams: Sequence[str]) -> View:
    options = [Option(value=t, label=t) for t in teams]
    blocks: list[Block] = [
        InputBlock(
            block_id=Field.TEAM,
            label="Specialist team",
            element=StaticSelectElement(action_id=Field.TEAM, options=options),
        ),
        InputBlock(
            block_id=Field.NOTE,
            label="Note for the specialists",
            optional=True,
            element=PlainTextInputElement(action_id=Field.NOTE, multiline=True, max_length=1000),
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
                block_id=Field.REASON,
                label="Reason",
                element=RadioButtonsElement(
                    action_id=Field.REASON, options=options, initial_option=options[0]
                ),
            )
        ],
    )
