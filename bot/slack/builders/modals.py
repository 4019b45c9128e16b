"""Modals: draft a reply, reject a draft, escalate a case, close a case, send a case to
another team."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
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

from bot.i18n import _
from bot.slack.builders.common import window_text
from bot.slack.builders.drafting import (
    drafting_help,
    knowledge_metadata,
    past_cases,
    saved_reply_picker,
)
from bot.slack.builders.thread import CLOSE_REASONS, visibility_label
from bot.slack.ids import Action, Callback, Field, Waiting, versioned
from bot.slack.text import cut_escaped, escape, link
from bot.slack.views import ChannelChoice, DraftFormView
from storage.enums import Visibility


def build_draft_modal(form: DraftFormView) -> View:
    label = form.network.label
    knowledge = form.knowledge
    blocks: list[Block] = [
        SectionBlock(
            block_id="context",
            text=MarkdownTextObject(
                text=_("*@{handle} wrote:*").format(handle=escape(form.customer_handle))
                + "\n"
                + cut_escaped(form.post_text, 2500, "…")
                + f"\n{link(form.post_url, form.network.link_label)}"
            ),
        ),
        *(saved_reply_picker(knowledge) if knowledge else []),
        InputBlock(
            # A new version of the box when the bot replaced the text: Slack keeps what was
            # typed for an unchanged block id, so the replacement would not show otherwise.
            block_id=versioned(Field.TEXT, form.text_version),
            label=_("Reply"),
            element=PlainTextInputElement(
                action_id=Field.TEXT, multiline=True, initial_value=form.text or None
            ),
            hint=form.reply_hint or None,
        ),
        *(drafting_help(knowledge) if knowledge else []),
    ]
    blocks += _link_warning(form)
    options = _visibility_options(form.publicly_replyable, label)
    chosen = next((o for o in options if o.value == form.visibility), options[0])
    blocks.append(
        InputBlock(
            block_id=Field.VISIBILITY,
            label=_("Send as"),
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
    about = _where_replies_land(form)
    if about:
        blocks.append(ContextBlock(block_id="reply_rules", elements=about))
    blocks.append(_waiting_input(form.asks_customer))
    metadata: dict[str, Any] = {
        "case_id": form.case_id,
        "draft_id": form.draft_id,
        # The reply box's version: bumped when the bot replaces the text (bot.slack.ids).
        "v": form.text_version,
        **knowledge_metadata(knowledge),
    }
    if form.link_notice:
        # Seen once: saving again keeps the link (a warning, not a refusal).
        metadata["link_seen"] = True
    return _modal(
        Callback.DRAFT,
        _("Edit draft") if form.draft_id else _("Draft a reply"),
        _("Save draft"),
        metadata,
        blocks,
    )


def _waiting_input(asks_customer: bool | None) -> InputBlock:
    """After this reply, are we waiting on the customer? Unset lets the text decide."""
    options = [
        Option(value=Waiting.YES, label=_("Waiting on the customer (pause the response timer)")),
        Option(value=Waiting.NO, label=_("Not waiting on the customer")),
    ]
    chosen = None if asks_customer is None else options[0 if asks_customer else 1]
    return InputBlock(
        block_id=Field.WAITING,
        label=_("After this reply"),
        optional=True,
        element=RadioButtonsElement(
            action_id=Field.WAITING, options=options, initial_option=chosen
        ),
        hint=_("Leave unset and a reply that asks a question (?) pauses the timer."),
    )


def _link_warning(form: DraftFormView) -> list[Block]:
    """The link's cost, and a button that swaps in the wording without links."""
    if not form.link_notice:
        return []
    blocks: list[Block] = [
        SectionBlock(
            block_id="link_cost",
            text=MarkdownTextObject(text=f"💸 {escape(form.link_notice)}"),
        )
    ]
    if form.link_free_text:
        blocks[0] = SectionBlock(
            block_id="link_cost",
            text=MarkdownTextObject(
                text=f"💸 {escape(form.link_notice)}\n"
                + _("*Without the link:* ")
                + cut_escaped(form.link_free_text, 2000)
            ),
            accessory=ButtonElement(
                text=_("Use this wording"),
                action_id=Action.LINK_FREE,
                value=form.link_free_text[:2000],
            ),
        )
    return blocks


def _where_replies_land(form: DraftFormView) -> list[MarkdownTextObject]:
    """The network's window and where each kind of reply lands, under the choice (a modal
    cannot change with the choice, so both notes are shown, each named)."""
    lines = []
    if form.reply_window:
        lines.append(window_text(form.reply_window))
    for visibility, note in (
        (Visibility.PUBLIC, form.public_note),
        (Visibility.PRIVATE, form.private_note),
    ):
        if note:
            label = visibility_label(visibility, form.network.label)
            lines.append(f"ℹ️ *{escape(label)}:* {escape(note)}")
    return [MarkdownTextObject(text=line) for line in lines]


def _visibility_options(publicly_replyable: bool, network_label: str) -> list[Option]:
    private = Option(
        value=Visibility.PRIVATE, label=visibility_label(Visibility.PRIVATE, network_label)
    )
    public = Option(
        value=Visibility.PUBLIC,
        label=visibility_label(Visibility.PUBLIC, network_label),
        description=None
        if publicly_replyable
        else _("Not allowed by {network} for this post").format(network=network_label),
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
        close=_("Cancel"),
        private_metadata=json.dumps(metadata),
        blocks=blocks,
    )


def build_reject_modal(draft_id: int) -> View:
    return _modal(
        Callback.REJECT,
        _("Reject draft"),
        _("Reject"),
        {"draft_id": draft_id},
        [
            InputBlock(
                block_id=Field.REASON,
                label=_("Why? The author will see this."),
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
            label=_("Specialist team"),
            element=StaticSelectElement(action_id=Field.TEAM, options=options),
        ),
        InputBlock(
            block_id=Field.NOTE,
            label=_("Note for the specialists"),
            optional=True,
            element=PlainTextInputElement(action_id=Field.NOTE, multiline=True, max_length=1000),
        ),
    ]
    return _modal(
        Callback.ESCALATE, _("Escalate case"), _("Escalate"), {"case_id": case_id}, blocks
    )


def build_close_modal(case_id: int) -> View:
    options = [Option(value=value, label=_(label)) for value, label in CLOSE_REASONS.items()]
    return _modal(
        Callback.CLOSE,
        _("Close case"),
        _("Close case"),
        {"case_id": case_id},
        [
            InputBlock(
                block_id=Field.REASON,
                label=_("Reason"),
                element=RadioButtonsElement(
                    action_id=Field.REASON, options=options, initial_option=options[0]
                ),
            )
        ],
    )


def build_move_modal(case_id: int, choices: Sequence[ChannelChoice], current: str) -> View:
    """Pick the team channel to send the case to (never the one it is in)."""
    options = [Option(value=c.channel_id, label=c.label) for c in choices]
    blocks: list[Block] = [
        SectionBlock(
            block_id="move_about",
            text=MarkdownTextObject(
                text=_(
                    "The case is in {channel}. Its card moves to the channel you pick, with a "
                    "summary of the thread so far; a link stays behind here."
                ).format(channel=f"<#{escape(current)}>")
            ),
        ),
        InputBlock(
            block_id=Field.CHANNEL,
            label=_("Send to"),
            element=StaticSelectElement(action_id=Field.CHANNEL, options=options),
        ),
        InputBlock(
            block_id=Field.NOTE,
            label=_("Note for the team"),
            optional=True,
            element=PlainTextInputElement(action_id=Field.NOTE, multiline=True, max_length=1000),
        ),
    ]
    return _modal(Callback.MOVE, _("Send to another team"), _("Send"), {"case_id": case_id}, blocks)
