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

from bot.knowledge.reactions import Reaction
from bot.knowledge.views import DraftAdvice, DraftKnowledge, PastCaseView, SpellingStatus
from bot.slack.builders.common import when
from bot.slack.ids import Action
from bot.slack.text import cut_escaped, escape

LANGUAGE_NAMES = {"es": "Spanish", "en": "English", "pt": "Portuguese", "fr": "French"}
REACTIONS = {
    Reaction.THANKED: "🙏 the customer thanked us",
    Reaction.ANGRY: "😠 the customer wrote again, unhappy",
    Reaction.WROTE_AGAIN: "💬 the customer wrote again",
    Reaction.NOTHING: "the customer did not write again",
}
TONE = {
    "negative": "reads negative: consider acknowledging the customer's problem first",
    "blaming": "may read as blaming",
    "sarcastic": "may read as sarcastic",
}


def language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get(code or "", code or "another language")


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
                    placeholder="Start from a saved reply…",
                    min_query_length=0,
                )
            ],
        )
    ]


def _spelling_line(advice: DraftAdvice) -> str | None:
    language = language_name(advice.language)
    if advice.spelling_status == SpellingStatus.LOADING:
        return "✍️ Spelling: the dictionaries are still loading; check again in a moment."
    if advice.spelling_status == SpellingStatus.UNSUPPORTED:
        return f"✍️ Spelling: no dictionary for {escape(language)}."
    if not advice.spelling:
        return f"✍️ Spelling ({escape(language)}): nothing to flag."
    shown = []
    for flag in advice.spelling:
        better = ", ".join(escape(s) for s in flag.suggestions) or "no suggestion"
        shown.append(f"*{escape(flag.word)}* → {better}")
    return f"✍️ Spelling ({escape(language)}): " + " · ".join(shown)


def advice_lines(advice: DraftAdvice) -> list[str]:
    """The drafting help as short mrkdwn lines."""
    lines = [line for line in [_spelling_line(advice)] if line]
    for remark in advice.tone:
        phrase = f" (“{escape(remark.phrase)}”)" if remark.phrase else ""
        lines.append(f"🗣️ Tone: {TONE.get(remark.kind, remark.kind)}{phrase}.")
    if advice.length:
        lines.append(f"📏 {escape(advice.length)}")
    if advice.customer_language:
        lines.append(
            f"🌐 The customer wrote in {escape(language_name(advice.customer_language))}; "
            f"this reply reads as {escape(language_name(advice.language))}."
        )
    return lines


def drafting_help(knowledge: DraftKnowledge) -> list[Block]:
    """Under the text box: what the last check found (never blocking), and the button."""
    blocks: list[Block] = []
    advice = knowledge.advice
    if advice is not None:
        lines = advice_lines(advice)
        if knowledge.warned:
            lines.append("Press *Save draft* again to save it as it is.")
        if not advice.has_warnings and advice.spelling_status == SpellingStatus.CHECKED:
            lines = [lines[0].replace("nothing to flag", "nothing to flag; tone reads fine")]
        blocks.append(
            ContextBlock(
                block_id="drafting_help",
                elements=[MarkdownTextObject(text=cut_line(line)) for line in lines[:10]],
            )
        )
    blocks.append(
        ActionsBlock(
            block_id="draft_tools",
            elements=[ButtonElement(text="Check spelling and tone", action_id=Action.CHECK_DRAFT)],
        )
    )
    return blocks


def cut_line(line: str, limit: int = 2000) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _past_case_text(past: PastCaseView) -> str:
    about = [escape(past.network_label), escape(language_name(past.language))]
    if past.intent:
        about.append(escape(past.intent))
    if past.closed_at:
        about.append(f"closed {when(past.closed_at)}")
    header = f"*{round(past.similarity * 100)}% similar* · " + " · ".join(about)
    said = cut_escaped(" ".join(past.customer_text.split()), 300)
    reply = cut_escaped(past.reply_template, 1500)
    return (
        f"{header}\n>{said}\n✅ *Approved reply:* {reply}\n"
        f"_{REACTIONS.get(past.reaction, past.reaction)}_"
    )


def past_cases(knowledge: DraftKnowledge) -> list[Block]:
    """Up to three similar closed cases, each with a button that copies its reply."""
    if knowledge.loading:
        return [
            ContextBlock(
                block_id="similar_loading",
                elements=[MarkdownTextObject(text="🔎 Looking for similar past cases…")],
            )
        ]
    if not knowledge.past_cases:
        return []
    blocks: list[Block] = [
        DividerBlock(block_id="similar_divider"),
        SectionBlock(
            block_id="similar_title",
            text=MarkdownTextObject(
                text="*How the team answered similar cases* (customers' data masked)"
            ),
        ),
    ]
    for past in knowledge.past_cases:
        blocks.append(
            SectionBlock(
                block_id=f"similar_{past.case_id}",
                text=MarkdownTextObject(text=_past_case_text(past)),
                accessory=ButtonElement(
                    text="Use this reply",
                    action_id=Action.COPY_PAST_REPLY,
                    value=json.dumps({"case": past.case_id, "draft": past.reply_draft_id}),
                ),
            )
        )
    return blocks
