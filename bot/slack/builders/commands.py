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

from bot.i18n import _, ngettext
from bot.reports.views import CaseDetail, CaseList
from bot.slack.builders.common import Message, action_name, actor, when
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
        said = (
            _("I don't know `{command}`.").format(command=escape(unknown[:60]))
            if unknown
            else _("What would you like?")
        )
        blocks.append(SectionBlock(block_id="unknown", text=MarkdownTextObject(text=said)))
    blocks.append(SectionBlock(block_id="help", text=MarkdownTextObject(text="\n".join(lines))))
    return _("Carethread commands: ") + ", ".join(u.split()[0] for u, _s in usages), blocks


def build_case_list(title: str, cases: CaseList, *, claim: bool, empty: str) -> Message:
    """A list of cases; with `claim`, each unowned case gets a Claim button."""
    blocks: list[Block] = [HeaderBlock(block_id="title", text=title[:150])]
    if not cases.lines:
        blocks.append(SectionBlock(block_id="empty", text=MarkdownTextObject(text=empty)))
    for line in cases.lines[:MAX_LINES]:
        button = None
        if claim and line.owner is None:
            button = ButtonElement(
                text=_("Claim"), action_id=Action.CLAIM, value=str(line.id), style="primary"
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
            ContextBlock(
                block_id="more",
                elements=[MarkdownTextObject(text=_("…and {count} more.").format(count=more))],
            )
        )
    return f"{title}: {len(cases.lines) + cases.more}", blocks


def build_case_detail(detail: CaseDetail) -> Message:
    line = detail.line
    facts = [
        f"*{escape(detail.customer_name or line.handle)}* · "
        + _("{count} followers").format(count=f"{detail.followers:,}"),
        ngettext(
            "{count} customer post · opened {when}",
            "{count} customer posts · opened {when}",
            detail.posts,
        ).format(count=detail.posts, when=when(line.created_at)),
        _("First response: {duration}").format(duration=duration(detail.first_response)),
    ]
    if detail.escalated_to:
        facts.append(_("Escalated to {team}").format(team=escape(detail.escalated_to)))
    if detail.close_reason:
        facts.append(_("Closed: {reason}").format(reason=escape(detail.close_reason)))
    history = [
        f"{when(entry.at)} {actor(entry.actor)} {escape(action_name(entry.action))}"
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
                        text=_("Claim"),
                        action_id=Action.CLAIM,
                        value=str(line.id),
                        style="primary",
                    )
                ],
            )
        )
    return _("Case #{number}: @{handle}").format(number=line.id, handle=escape(line.handle)), blocks
