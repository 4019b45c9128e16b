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

from bot.i18n import N_, _
from bot.metrics.cost import CostEstimate, UsageKind
from bot.metrics.definitions import Distribution, Responsiveness, Share
from bot.metrics.spike import Severity
from bot.metrics.targets import TargetCount
from bot.reports.views import StatsView
from bot.sla.policy import TargetKind
from bot.slack.builders.common import Message, when
from bot.slack.text import cut_escaped, escape, link

AGENT_ROWS = 8
# The target kinds' names as the figures show them (capitalised, unlike the card's).
TARGET_NAMES = {
    TargetKind.FIRST_RESPONSE: N_("First response"),
    TargetKind.NEXT_RESPONSE: N_("Next response"),
    TargetKind.RESOLUTION: N_("Resolution"),
}
KIND_LABELS = {
    "read:mentions": N_("mentions read"),
    "read:search": N_("search results read"),
    UsageKind.REPLY: N_("replies"),
    UsageKind.REPLY_WITH_LINK: N_("replies with a link"),
    UsageKind.PRIVATE: N_("private messages"),
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
    return _("{days} days").format(days=f"{minutes / 1440:.1f}")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %".replace(".0 %", " %")


def money(value: Decimal) -> str:
    return f"${value:,.3f}"


def _fields(*pairs: tuple[str, str]) -> list[MarkdownTextObject]:
    return [MarkdownTextObject(text=f"*{label}*\n{value}") for label, value in pairs]


def responsiveness_fields(figures: Responsiveness, badge: bool | None) -> list[MarkdownTextObject]:
    badge_text = {
        True: _("✅ would earn it"),
        False: _("❌ not now"),
        None: _("— nobody wrote"),
    }[badge]
    return _fields(
        (
            _("Response rate (Facebook, 30 d)"),
            _("{rate} of {count}").format(rate=percent(figures.rate), count=figures.messages),
        ),
        (_("Response time (fastest 90 %)"), duration(figures.response_time)),
        (_("“Very responsive” badge (7 d)"), badge_text),
    )


def _distribution(name: str, figures: Distribution) -> tuple[str, str]:
    if not figures.count:
        return name, "—"
    return (
        name,
        _("median {median} · p90 {p90} ({count})").format(
            median=duration(figures.median), p90=duration(figures.p90), count=figures.count
        ),
    )


def _shares(shares: Sequence[Share]) -> str:
    parts = []
    for share in shares:
        if share.within <= timedelta(hours=1):
            parts.append(_("{share} within 1 h").format(share=percent(share.fraction)))
        else:
            parts.append(_("{share} within 1 day").format(share=percent(share.fraction)))
    return " · ".join(parts)


def _counts(counts: Mapping[str, int], limit: int = 5) -> str:
    shown = [f"{escape(k)} {v}" for k, v in list(counts.items())[:limit]]
    return " · ".join(shown) or "—"


def cost_lines(costs: Sequence[CostEstimate]) -> list[str]:
    lines = []
    for cost in costs:
        parts = [
            f"{line.count:,} "
            + (_(KIND_LABELS[line.kind]) if line.kind in KIND_LABELS else escape(line.kind))
            + f" × {money(line.unit_price)}"
            for line in cost.lines
        ]
        unpriced = [
            _("{count} {kind} (no price)").format(count=f"{n:,}", kind=escape(k))
            for k, n in cost.unpriced.items()
        ]
        lines.append(
            _("*{network} estimated spend: {total}*").format(
                network=escape(cost.network.upper()), total=money(cost.total)
            )
            + " — "
            + "; ".join(parts + unpriced)
            + f"\n_{escape(cost.source)}_"
        )
    return lines


def _target_counts(counts: Sequence[TargetCount]) -> list[str]:
    """One line per target kind: "First response: P1 2 of 10 · P2 0 of 41"."""
    lines: dict[str, list[str]] = {}
    for count in counts:
        lines.setdefault(_(TARGET_NAMES[count.kind]), []).append(
            _("{priority} {missed} of {started}").format(
                priority=count.priority, missed=f"{count.missed:,}", started=f"{count.started:,}"
            )
        )
    return [f"{kind}: {' · '.join(parts)}" for kind, parts in lines.items()]


def _misses_text(view: StatsView) -> str:
    """Missed targets per kind and priority, by the policy's clocks (and in calendar time
    when some target counts business hours only)."""
    misses = view.misses
    if misses is None or not misses.counts:
        return _("*Missed targets:* no target started in this period")
    if misses.hours:
        heading = _("*Missed targets (business hours, {hours})*").format(hours=escape(misses.hours))
    else:
        heading = _("*Missed targets*")
    text = heading + "\n" + "\n".join(_target_counts(misses.counts))
    if misses.calendar is not None:
        text += "\n" + _("_In calendar time: {counts}_").format(
            counts="; ".join(_target_counts(misses.calendar))
        )
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
                (_("Cases opened"), f"{stats.opened:,}"),
                (
                    _("Posts received"),
                    _("{count} ({negative} negative)").format(
                        count=f"{stats.volume.posts:,}", negative=f"{stats.volume.negative:,}"
                    ),
                ),
                (
                    _("Waiting now"),
                    _("{waiting} ({unclaimed} unclaimed)").format(
                        waiting=f"{view.queue.waiting:,}", unclaimed=f"{view.queue.unclaimed:,}"
                    ),
                ),
                (_("Overdue now"), f"{view.queue.overdue:,}"),
            ),
        ),
        SectionBlock(
            block_id="times",
            fields=_fields(
                _distribution(_("First response"), stats.first_response),
                _distribution(_("Next response"), stats.next_response),
                _distribution(_("Resolution"), stats.resolution),
                (_("Answered"), _shares(stats.shares) or "—"),
            ),
        ),
        SectionBlock(block_id="targets", text=MarkdownTextObject(text=_misses_text(view))),
        ContextBlock(
            block_id="volume",
            elements=[
                MarkdownTextObject(
                    text=_(
                        "*By network* {network}  *intent* {intent}  *sentiment* {sentiment}  "
                        "*language* {language}  *priority* {priority}"
                    ).format(
                        network=_counts(stats.volume.by_network),
                        intent=_counts(stats.volume.by_intent),
                        sentiment=_counts(stats.volume.by_sentiment),
                        language=_counts(stats.volume.by_language),
                        priority=_counts(stats.volume.by_priority),
                    )
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
                    text=_("*In business hours ({hours})*").format(
                        hours=escape(view.business_hours or "")
                    )
                    + " "
                    + " · ".join(
                        f"{name} {value}"
                        for name, value in (
                            _distribution(_("first response"), business.first_response),
                            _distribution(_("next response"), business.next_response),
                            _distribution(_("resolution"), business.resolution),
                        )
                    )
                ),
            ),
        )
    if stats.agents:
        rows = [
            _("{user} claimed {claimed} · replied {replied} · median {median}").format(
                user=f"<@{escape(a.agent)}>",
                claimed=a.claimed,
                replied=a.replied,
                median=duration(a.median_response),
            )
            for a in stats.agents[:AGENT_ROWS]
        ]
        more = len(stats.agents) - AGENT_ROWS
        if more > 0:
            rows.append(_("_and {count} more_").format(count=more))
        blocks.append(
            SectionBlock(
                block_id="agents",
                text=MarkdownTextObject(text=_("*Per agent*") + "\n" + "\n".join(rows)),
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
        heading
        + ": "
        + _("{count} cases, response rate {rate}, first response median {median}").format(
            count=stats.opened, rate=rate, median=duration(stats.first_response.median)
        )
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
    label = _("Crisis") if view.severity == Severity.CRISIS else _("Spike")
    headline = f"{icon} {label}: " + _(
        "{negative} negative posts ({posts} in all) about @{brand} in the last {minutes} min"
    ).format(
        negative=f"{view.negative:,}",
        posts=f"{view.posts:,}",
        brand=view.brand,
        minutes=view.window_minutes,
    )
    usual = _("Usually {negative} negative and {posts} in all {usual}. Started {when}.").format(
        negative=f"{view.baseline_negative:.0f}",
        posts=f"{view.baseline_posts:.0f}",
        usual=view.usual_when,
        when=when(view.started_at),
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
            SectionBlock(
                block_id="terms", text=MarkdownTextObject(text=_("*Top terms:*") + f" {terms}")
            )
        )
    if view.examples:
        lines = [
            "• "
            + _("Case #{number} · @{handle}: {text} ({link})").format(
                number=e.case_id,
                handle=escape(e.handle),
                text=cut_escaped(e.snippet, 200),
                link=link(e.url, e.network_label),
            )
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
                    MarkdownTextObject(
                        text=_("✅ Back to normal since {when}.").format(when=when(view.ended_at))
                    )
                ],
            )
        )
    blocks.append(DividerBlock(block_id="end"))
    return headline, blocks
