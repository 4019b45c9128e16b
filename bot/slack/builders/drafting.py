"""The knowledge parts of the draft modal: a saved-reply picker above the text box, the
drafting help under it, and similar past cases below (issue 15). Pure Block Kit."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    ExternalDataSelectElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.i18n import N_, _
from bot.knowledge.reactions import Reaction
from bot.knowledge.views import DraftAdvice, DraftKnowledge, PastCaseView, SpellingStatus
from bot.slack.builders.common import triage_word, when
from bot.slack.ids import Action
from bot.slack.text import cut_escaped, escape

LANGUAGE_NAMES = {
    "es": N_("Spanish"),
    "en": N_("English"),
    "pt": N_("Portuguese"),
    "fr": N_("French"),
}
REACTIONS = {
    Reaction.THANKED: N_("🙏 the customer thanked us"),
    Reaction.ANGRY: N_("😠 the customer wrote again, unhappy"),
    Reaction.WROTE_AGAIN: N_("💬 the customer wrote again"),
    Reaction.NOTHING: N_("the customer did not write again"),
}
TONE = {
    "negative": N_("reads negative: consider acknowledging the customer's problem first"),
    "blaming": N_("may read as blaming"),
    "sarcastic": N_("may read as sarcastic"),
}


def language_name(code: str | None) -> str:
    if code in LANGUAGE_NAMES:
        return _(LANGUAGE_NAMES[code])
    return code or _("another language")


def knowledge_metadata(knowledge: DraftKnowledge | None) -> dict[str, Any]:
    if knowledge is None:
        return {}
    return {"warned": knowledge.warned} if knowledge.warned else {}


def saved_reply_picker(knowledge: DraftKnowledge) -> list[Block]:
    """A searchable select of saved replies (options come from the bot: block_suggestion)."""
    if not knowledge.has_saved_replies:
        return []
    return [
        ActionsBlock(
            block_id="saved_reply",
            elements=[
                ExternalDataSelectElement(
                    action_id=Action.SAVED_REPLY_PICK,
                    placeholder=_("Start from a saved reply…"),
                    min_query_length=0,
                )
            ],
        )
    ]


def _spelling_line(advice: DraftAdvice) -> str | None:
    language = language_name(advice.language)
    if advice.spelling_status == SpellingStatus.LOADING:
        return _("✍️ Spelling: the dictionaries are still loading; check again in a moment.")
    if advice.spelling_status == SpellingStatus.UNSUPPORTED:
        return _("✍️ Spelling: no dictionary for {language}.").format(language=escape(language))
    if not advice.spelling:
        return _("✍️ Spelling ({language}): nothing to flag.").format(language=escape(language))
    shown = []
    for flag in advice.spelling:
        better = ", ".join(escape(s) for s in flag.suggestions) or _("no suggestion")
        shown.append(f"*{escape(flag.word)}* → {better}")
    return _("✍️ Spelling ({language}): ").format(language=escape(language)) + " · ".join(shown)


def advice_lines(advice: DraftAdvice) -> list[str]:
    """The drafting help as short mrkdwn lines."""
    lines = [line for line in [_spelling_line(advice)] if line]
    for remark in advice.tone:
        phrase = f" (“{escape(remark.phrase)}”)" if remark.phrase else ""
        said = _(TONE[remark.kind]) if remark.kind in TONE else remark.kind
        lines.append(_("🗣️ Tone: {remark}").format(remark=said) + f"{phrase}.")
    if advice.length:
        lines.append(f"📏 {escape(advice.length)}")
    if advice.customer_language:
        lines.append(
            _("🌐 The customer wrote in {customer}; this reply reads as {reply}.").format(
                customer=escape(language_name(advice.customer_language)),
                reply=escape(language_name(advice.language)),
            )
        )
    return lines


def drafting_help(knowledge: DraftKnowledge) -> list[Block]:
    """Under the text box: what the last check found (never blocking), and the button."""
    blocks: list[Block] = []
    advice = knowledge.advice
    if advice is not None:
        lines = advice_lines(advice)
        if knowledge.warned:
            lines.append(_("Press *Save draft* again to save it as it is."))
        if not advice.has_warnings and advice.spelling_status == SpellingStatus.CHECKED:
            language = escape(language_name(advice.language))
            lines = [
                _("✍️ Spelling ({language}): nothing to flag; tone reads fine.").format(
                    language=language
                )
            ]
        blocks.append(
            ContextBlock(
                block_id="drafting_help",
                elements=[MarkdownTextObject(text=cut_line(line)) for line in lines[:10]],
            )
        )
    blocks.append(
        ActionsBlock(
            block_id="draft_tools",
            elements=[
                ButtonElement(text=_("Check spelling and tone"), action_id=Action.CHECK_DRAFT)
            ],
        )
    )
    return blocks


def cut_line(line: str, limit: int = 2000) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _past_case_text(past: PastCaseView) -> str:
    about = [escape(past.network_label), escape(language_name(past.language))]
    if past.intent:
        about.append(escape(triage_word(past.intent)))
    if past.closed_at:
        about.append(_("closed {when}").format(when=when(past.closed_at)))
    header = _("*{percent} similar*").format(percent=f"{round(past.similarity * 100)}%")
    header += " · " + " · ".join(about)
    said = cut_escaped(" ".join(past.customer_text.split()), 300)
    reply = cut_escaped(past.reply_template, 1500)
    reaction = _(REACTIONS[past.reaction]) if past.reaction in REACTIONS else past.reaction
    return f"{header}\n>{said}\n" + _("✅ *Approved reply:*") + f" {reply}\n_{reaction}_"


def past_cases(knowledge: DraftKnowledge) -> list[Block]:
    """Up to three similar closed cases, each with a button that copies its reply."""
    if knowledge.loading:
        return [
            ContextBlock(
                block_id="similar_loading",
                elements=[MarkdownTextObject(text=_("🔎 Looking for similar past cases…"))],
            )
        ]
    if not knowledge.past_cases:
        return []
    blocks: list[Block] = [
        DividerBlock(block_id="similar_divider"),
        SectionBlock(
            block_id="similar_title",
            text=MarkdownTextObject(
                text=_("*How the team answered similar cases* (customers' data masked)")
            ),
        ),
    ]
    for past in knowledge.past_cases:
        blocks.append(
            SectionBlock(
                block_id=f"similar_{past.case_id}",
                text=MarkdownTextObject(text=_past_case_text(past)),
                accessory=ButtonElement(
                    text=_("Use this reply"),
                    action_id=Action.COPY_PAST_REPLY,
                    value=json.dumps({"case": past.case_id, "draft": past.reply_draft_id}),
                ),
            )
        )
    return blocks
