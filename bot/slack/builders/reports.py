"""The numbers a lead reads: `/carethread stats`, the daily summary and weekly report, and
the spike alert. Pure Block Kit; phone first (short fields, two columns)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    ImageBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.metrics.cost import CostEstimate, UsageKind
from bot.metrics.definitions import Distribution, Responsiveness, Share
from bot.metrics.spike import Severity
from bot.metrics.targets import TargetCount
from bot.reports.views import StatsView
from bot.slack.builders.common import Message, when
from bot.slack.text import cut_escaped, escape, link

AGENT_ROWS = 8
KIND_LABELS = {
    "read:mentions": "mentions read",
    "read:search": "search results read",
    UsageKind.REPLY: "replies",
    UsageKind.REPLY_WITH_LINK: "replies with a link",
    UsageKind.PRIVATE: "private messages",
}


# -- small formats ----------------------------------------------------------------------
def duration(value: timedelta | None) -> str:
    """ "45 s", "6 min", "1 h 05 min", "3.2 days"; "—" when there is nothing to show."""
    if value is None:
        return "—"
    seconds = value.total_seconds()
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = seconds / 60
    if minutes < 60:
        return f"{minutes:.0f} min" if minutes >= 10 else f"{minutes:.1f} min".replace(".0 ", " ")
    if minutes < 48 * 60:
        hours, rest = divmod(round(minutes), 60)
        return f"{hours} h {rest:02d} min"
    return f"{minutes / 1440:.1f} days"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %".replace(".0 %", " %")


def money(value: Decimal) -> str:
    return f"${value:,.3f}"


def _fields(*pairs: tuple[str, str]) -> list[MarkdownTextObject]:
    return [MarkdownTextObject(text=f"*{label}*\n{value}") for label, value in pairs]


def responsiveness_fields(figures: Responsiveness, badge: bool | None) -> list[MarkdownTextObject]:
    badge_text = {True: "✅ would earn it", False: "❌ not now", None: "— nobody wrote"}[badge]
    return _fields(
        ("Response rate (Facebook, 30 d)", f"{percent(figures.rate)} of {figures.messages}"),
        ("Response time (fastest 90 %)", duration(figures.response_time)),
        ("“Very responsive” badge (7 d)", badge_text),
    )


def _distribution(name: str, figures: Distribution) -> tuple[str, str]:
    if not figures.count:
        return name, "—"
    return (
        name,
        f"median {duration(figures.median)} · p90 {duration(figures.p90)} ({figures.count})",
    )


def _shares(shares: Sequence[Share]) -> str:
    parts = []
    for share in shares:
        limit = "1 h" if share.within <= timedelta(hours=1) else "1 day"
        parts.append(f"{percent(share.fraction)} within {limit}")
    return " · ".join(parts)


def _counts(counts: Mapping[str, int], limit: int = 5) -> str:
    shown = [f"{escape(k)} {v}" for k, v in list(counts.items())[:limit]]
    return " · ".join(shown) or "—"


def cost_lines(costs: Sequence[CostEstimate]) -> list[str]:
    lines = []
    for cost in costs:
        parts = [
            f"{line.count:,} {KIND_LABELS.get(line.kind, escape(line.kind))} "
            f"× {money(line.unit_price)}"
            for line in cost.lines
        ]
        unpriced = [f"{n:,} {escape(k)} (no price)" for k, n in cost.unpriced.items()]
        lines.append(
            f"*{escape(cost.network.upper())} estimated spend: {money(cost.total)}* — "
            + "; ".join(parts + unpriced)
            + f"\n_{escape(cost.source)}_"
        )
    return lines


def _target_counts(counts: Sequence[TargetCount]) -> list[str]:
    """One line per target kind: "First response: P1 2 of 10 · P2 0 of 41"."""
    lines: dict[str, list[str]] = {}
    for count in counts:
        lines.setdefault(count.kind.label.capitalize(), []).append(
            f"{count.priority} {count.missed:,} of {count.started:,}"
        )
    return [f"{kind}: {' · '.join(parts)}" for kind, parts in lines.items()]


def _misses_text(view: StatsView) -> str:
    """Missed targets per kind and priority, by the policy's clocks (and in calendar time
    when some target counts business hours only)."""
    misses = view.misses
    if misses is None or not misses.counts:
        return "*Missed targets:* no target started in this period"
    hours = f" (business hours, {escape(misses.hours)})" if misses.hours else ""
    text = f"*Missed targets{hours}*\n" + "\n".join(_target_counts(misses.counts))
    if misses.calendar is not None:
        text += "\n_In calendar time: " + "; ".join(_target_counts(misses.calendar)) + "_"
    return text


# -- stats, daily summary, weekly report ---------------------------------------------------
def build_stats(
    view: StatsView, images: Sequence[tuple[str, str]] = (), title: str = ""
) -> Message:
    """The figures of a period; `images` are (file id, alt text) of uploaded charts."""
    report, stats = view.report, view.report.stats
    heading = title or f"Carethread · {view.period.label}"
    blocks: list[Block] = [
        HeaderBlock(block_id="title", text=heading[:150]),
        ContextBlock(
            block_id="period",
            elements=[
                MarkdownTextObject(text=f"{when(view.period.start)} → {when(view.period.end)}")
            ],
        ),
        SectionBlock(
            block_id="facebook",
            fields=responsiveness_fields(report.facebook.thirty_days, report.facebook.earns_badge),
        ),
        SectionBlock(
            block_id="now",
            fields=_fields(
                ("Cases opened", f"{stats.opened:,}"),
                ("Posts received", f"{stats.volume.posts:,} ({stats.volume.negative:,} negative)"),
                ("Waiting now", f"{view.queue.waiting:,} ({view.queue.unclaimed:,} unclaimed)"),
                ("Overdue now", f"{view.queue.overdue:,}"),
            ),
        ),
        SectionBlock(
            block_id="times",
            fields=_fields(
                _distribution("First response", stats.first_response),
                _distribution("Next response", stats.next_response),
                _distribution("Resolution", stats.resolution),
                ("Answered", _shares(stats.shares) or "—"),
            ),
        ),
        SectionBlock(block_id="targets", text=MarkdownTextObject(text=_misses_text(view))),
        ContextBlock(
            block_id="volume",
            elements=[
                MarkdownTextObject(
                    text=f"*By network* {_counts(stats.volume.by_network)}  "
                    f"*intent* {_counts(stats.volume.by_intent)}  "
                    f"*sentiment* {_counts(stats.volume.by_sentiment)}  "
                    f"*language* {_counts(stats.volume.by_language)}  "
                    f"*priority* {_counts(stats.volume.by_priority)}"
                )
            ],
        ),
    ]
    if view.business is not None:
        business = view.business
        blocks.insert(
            blocks.index(next(b for b in blocks if b.block_id == "times")) + 1,
            SectionBlock(
                block_id="business_times",
                text=MarkdownTextObject(
                    text=f"*In business hours ({escape(view.business_hours or '')})* "
                    + " · ".join(
                        f"{name.lower()} {value}"
                        for name, value in (
                            _distribution("First response", business.first_response),
                            _distribution("Next response", business.next_response),
                            _distribution("Resolution", business.resolution),
                        )
                    )
                ),
            ),
        )
    if stats.agents:
        rows = [
            f"<@{escape(a.agent)}> claimed {a.claimed} · replied {a.replied} · "
            f"median {duration(a.median_response)}"
            for a in stats.agents[:AGENT_ROWS]
        ]
        more = len(stats.agents) - AGENT_ROWS
        if more > 0:
            rows.append(f"_and {more} more_")
        blocks.append(
            SectionBlock(
                block_id="agents", text=MarkdownTextObject(text="*Per agent*\n" + "\n".join(rows))
            )
        )
    spend = cost_lines(view.costs)
    if spend:
        blocks.append(SectionBlock(block_id="cost", text=MarkdownTextObject(text="\n".join(spend))))
    for index, (file_id, alt) in enumerate(images):
        blocks.append(
            ImageBlock(block_id=f"chart_{index}", slack_file={"id": file_id}, alt_text=alt)
        )
    rate = percent(report.facebook.thirty_days.rate)
    text = (
        f"{heading}: {stats.opened} cases, response rate {rate}, "
        f"first response median {duration(stats.first_response.median)}"
    )
    return text, blocks


# -- spike alert ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SpikeExample:
    case_id: int
    handle: str
    # Masked and cut by the caller.
    snippet: str
    url: str
    network_label: str


@dataclass(frozen=True)
class SpikeView:
    brand: str
    severity: Severity
    posts: int
    negative: int
    baseline_posts: float
    baseline_negative: float
    window_minutes: int
    started_at: datetime
    usual_when: str  # "on Tuesdays 10:00–11:00 UTC"
    terms: list[str] = field(default_factory=list)
    examples: list[SpikeExample] = field(default_factory=list)
    ended_at: datetime | None = None


def build_spike_alert(view: SpikeView) -> Message:
    """One message per episode, rebuilt whole on every update."""
    icon = "🚨" if view.severity == Severity.CRISIS else "⚠️"
    label = "Crisis" if view.severity == Severity.CRISIS else "Spike"
    headline = (
        f"{icon} {label}: {view.negative:,} negative posts ({view.posts:,} in all) about "
        f"@{view.brand} in the last {view.window_minutes} min"
    )
    usual = (
        f"Usually {view.baseline_negative:.0f} negative and {view.baseline_posts:.0f} in all "
        f"{view.usual_when}. Started {when(view.started_at)}."
    )
    blocks: list[Block] = [
        SectionBlock(block_id="headline", text=MarkdownTextObject(text=f"*{escape(headline)}*")),
        ContextBlock(
            block_id="usual",
            elements=[MarkdownTextObject(text=usual)],
        ),
    ]
    if view.terms:
        terms = " · ".join(f"`{escape(t)}`" for t in view.terms)
        blocks.append(
            SectionBlock(block_id="terms", text=MarkdownTextObject(text=f"*Top terms:* {terms}"))
        )
    if view.examples:
        lines = [
            f"• Case #{e.case_id} · @{escape(e.handle)}: {cut_escaped(e.snippet, 200)} "
            f"({link(e.url, e.network_label)})"
            for e in view.examples
        ]
        blocks.append(
            SectionBlock(block_id="examples", text=MarkdownTextObject(text="\n".join(lines)))
        )
    if view.ended_at:
        blocks.append(
            ContextBlock(
                block_id="ended",
                elements=[
                    MarkdownTextObject(text=f"✅ Back to normal since {when(view.ended_at)}.")
                ],
            )
        )
    blocks.append(DividerBlock(block_id="end"))
    return headline, blocks
