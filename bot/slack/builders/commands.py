"""Answers to `/carethread`: help, case lists, one case. Shown only to who asked."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.reports.views import CaseDetail, CaseList
from bot.slack.builders.common import Message, actor, when
from bot.slack.builders.home import case_text
from bot.slack.builders.reports import duration
from bot.slack.ids import Action
from bot.slack.text import escape

# A message holds at most 50 blocks: room for a title, the lines and a footer.
MAX_LINES = 20


def build_help(usages: Sequence[tuple[str, str]], unknown: str | None = None) -> Message:
    """Every subcommand with what it does; `unknown` is what the user typed, if it was not one."""
    lines = [f"`/carethread {escape(usage)}` — {escape(summary)}" for usage, summary in usages]
    blocks: list[Block] = []
    if unknown is not None:
        said = f"I don't know `{escape(unknown[:60])}`." if unknown else "What would you like?"
        blocks.append(SectionBlock(block_id="unknown", text=MarkdownTextObject(text=said)))
    blocks.append(SectionBlock(block_id="help", text=MarkdownTextObject(text="\n".join(lines))))
    return "Carethread commands: " + ", ".join(u.split()[0] for u, _ in usages), blocks


def build_case_list(title: str, cases: CaseList, *, claim: bool, empty: str) -> Message:
    """A list of cases; with `claim`, each unowned case gets a Claim button."""
    blocks: list[Block] = [HeaderBlock(block_id="title", text=title[:150])]
    if not cases.lines:
        blocks.append(SectionBlock(block_id="empty", text=MarkdownTextObject(text=empty)))
    for line in cases.lines[:MAX_LINES]:
        button = None
        if claim and line.owner is None:
            button = ButtonElement(
                text="Claim", action_id=Action.CLAIM, value=str(line.id), style="primary"
            )
        blocks.append(
            SectionBlock(
                block_id=f"case_{line.id}",
                text=MarkdownTextObject(text=case_text(line, owner=not claim)),
                accessory=button,
            )
        )
    more = cases.more + max(0, len(cases.lines) - MAX_LINES)
    if more:
        blocks.append(
            ContextBlock(block_id="more", elements=[MarkdownTextObject(text=f"…and {more} more.")])
        )
    return f"{title}: {len(cases.lines) + cases.more}", blocks


def build_case_detail(detail: CaseDetail) -> Message:
    line = detail.line
    facts = [
        f"*{escape(detail.customer_name or line.handle)}* · {detail.followers:,} followers",
        f"{detail.posts} customer post(s) · opened {when(line.created_at)}",
        f"First response: {duration(detail.first_response)}",
    ]
    if detail.escalated_to:
        facts.append(f"Escalated to {escape(detail.escalated_to)}")
    if detail.close_reason:
        facts.append(f"Closed: {escape(detail.close_reason)}")
    history = [
        f"{when(entry.at)} {actor(entry.actor)} {escape(entry.action)}"
        + (f" ({escape(entry.details)})" if entry.details else "")
        for entry in detail.history
    ]
    blocks: list[Block] = [
        SectionBlock(block_id="case", text=MarkdownTextObject(text=case_text(line, owner=True))),
        SectionBlock(block_id="facts", text=MarkdownTextObject(text="\n".join(facts))),
    ]
    if history:
        blocks.append(
            ContextBlock(
                block_id="history",
                elements=[MarkdownTextObject(text="\n".join(history)[:3000])],
            )
        )
    if line.owner is None and line.status != "closed":
        blocks.append(
            ActionsBlock(
                block_id="case_actions",
                elements=[
                    ButtonElement(
                        text="Claim", action_id=Action.CLAIM, value=str(line.id), style="primary"
                    )
                ],
            )
        )
    return f"Case #{line.id}: @{escape(line.handle)}", blocks
