"""App Home: my cases, the queue with Claim buttons, today's numbers. At most 100 blocks,
one short section per case so it reads on a phone."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.i18n import N_, _
from bot.reports.views import CaseLine, CaseList, HomeView, TodayView
from bot.slack.builders.common import when
from bot.slack.builders.reports import duration, percent
from bot.slack.ids import Action
from bot.slack.text import escape, link, slack_date
from storage.enums import CaseStatus

MAX_HOME_BLOCKS = 100
STATUS_MARKS = {
    CaseStatus.NEW: N_("🆕 new"),
    CaseStatus.CLAIMED: N_("🙋 claimed"),
    CaseStatus.ESCALATED: N_("🚨 escalated"),
    CaseStatus.REPLIED: N_("✅ replied"),
    CaseStatus.CLOSED: N_("🔒 closed"),
}


def thread_link(line: CaseLine) -> str:
    """A link to the case's thread (Slack resolves /archives links in its clients)."""
    if not line.thread.exists:
        return ""
    ts = (line.thread.ts or "").replace(".", "")
    return " · " + link(f"https://slack.com/archives/{line.thread.channel}/p{ts}", _("thread"))


def case_text(line: CaseLine, *, owner: bool = False) -> str:
    """`*P1* 𝕏 @handle · 🙋 claimed · ⏱ 10:30 · thread` then the first post, masked."""
    parts = [f"*{line.priority}* {line.network.icon} @{escape(line.handle)}".strip()]
    parts.append(_(STATUS_MARKS[line.status]) if line.status in STATUS_MARKS else line.status)
    if owner and line.owner:
        parts.append(f"<@{escape(line.owner)}>")
    if line.respond_by and line.status in (
        CaseStatus.NEW,
        CaseStatus.CLAIMED,
        CaseStatus.ESCALATED,
    ):
        by = slack_date(
            line.respond_by.timestamp(),
            "{date_short_pretty} {time}",
            line.respond_by.strftime("%Y-%m-%d %H:%M UTC"),
        )
        parts.append(f"⏱ {by}")
    head = " · ".join(parts) + thread_link(line)
    return f"{head}\n#{line.id} {escape(line.snippet)}" if line.snippet else f"{head}\n#{line.id}"


def today_fields(today: TodayView) -> list[MarkdownTextObject]:
    rate = today.responsiveness
    pairs = [
        (_("Answered today"), f"{today.answered:,}"),
        (
            _("Waiting"),
            _("{waiting} ({unclaimed} unclaimed)").format(
                waiting=f"{today.queue.waiting:,}", unclaimed=f"{today.queue.unclaimed:,}"
            ),
        ),
        (_("Overdue"), f"{today.queue.overdue:,}" + (" ⚠️" if today.queue.overdue else "")),
        (
            _("Response rate so far"),
            _("{rate} of {count}").format(rate=percent(rate.rate), count=rate.messages),
        ),
        (_("Response time so far"), duration(rate.response_time)),
    ]
    return [MarkdownTextObject(text=f"*{label}*\n{value}") for label, value in pairs]


def _listed(cases: CaseList, *, claim: bool, empty: str, prefix: str) -> list[Block]:
    if not cases.lines:
        return [ContextBlock(block_id=f"{prefix}_empty", elements=[MarkdownTextObject(text=empty)])]
    blocks: list[Block] = []
    for line in cases.lines:
        accessory = (
            ButtonElement(
                text=_("Claim"), action_id=Action.HOME_CLAIM, value=str(line.id), style="primary"
            )
            if claim
            else None
        )
        blocks.append(
            SectionBlock(
                block_id=f"{prefix}_{line.id}",
                text=MarkdownTextObject(text=case_text(line, owner=not claim)),
                accessory=accessory,
            )
        )
    if cases.more:
        blocks.append(
            ContextBlock(
                block_id=f"{prefix}_more",
                elements=[
                    MarkdownTextObject(
                        text=_("…and {count} more. `{command}` lists them.").format(
                            count=cases.more, command=f"/carethread {prefix}"
                        )
                    )
                ],
            )
        )
    return blocks


def build_home(view: HomeView) -> View:
    """The Home tab of one user; a non-agent sees the queue and today's numbers only."""
    blocks: list[Block] = [HeaderBlock(block_id="title", text="Carethread")]
    if view.notice:
        blocks.append(SectionBlock(block_id="notice", text=MarkdownTextObject(text=view.notice)))
    blocks += [
        SectionBlock(block_id="today", fields=today_fields(view.today)),
        ContextBlock(
            block_id="updated",
            elements=[
                MarkdownTextObject(
                    text=_("Updated {when} · `{command}` for the week").format(
                        when=when(view.updated_at), command="/carethread stats 7d"
                    )
                )
            ],
        ),
    ]
    if view.is_agent:
        blocks += [
            DividerBlock(block_id="mine_divider"),
            HeaderBlock(block_id="mine_title", text=_("My cases")),
        ]
        blocks += _listed(
            view.mine, claim=False, empty=_("Nothing assigned to you. 🎉"), prefix="mine"
        )
    blocks += [
        DividerBlock(block_id="queue_divider"),
        HeaderBlock(block_id="queue_title", text=_("The queue")),
    ]
    blocks += _listed(
        view.queue, claim=True, empty=_("Nobody is waiting unclaimed. 🎉"), prefix="queue"
    )
    return View(type="home", blocks=blocks[:MAX_HOME_BLOCKS])
