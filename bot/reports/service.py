"""Load what App Home, `/carethread` and the reports show, and upload their charts."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cases.common import get_case
from bot.cases.history import case_history
from bot.errors import UserFacingError
from bot.metrics.aggregates import responsiveness_between
from bot.metrics.cost import CostEstimate, estimate
from bot.metrics.definitions import (
    counted_messages,
    daily_series,
    messages_of,
    period_stats,
)
from bot.metrics.queries import load_report, load_target_misses, queue_now
from bot.metrics.settings import MetricsSettings
from bot.metrics.targets import business_hours, response_targets
from bot.metrics.usage import load_usage
from bot.reports import charts, lists
from bot.reports.views import CaseDetail, CaseList, Chart, HomeView, Period, StatsView, TodayView
from bot.services import Services
from storage.db import session_scope
from storage.models import Post

PERIODS = ("today", "7d", "30d")


def local_midnight(now: datetime, timezone: str) -> datetime:
    """The start of `now`'s day in the team's time zone."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(now.tzinfo)


def period(key: str, now: datetime, timezone: str = "UTC") -> Period:
    """`today` (since local midnight), `7d` or `30d` (the last 7 or 30 days to now)."""
    key = key.strip().lower() or "today"
    midnight = local_midnight(now, timezone)
    if key == "today":
        return Period(key, "Today", midnight, now)
    # For the reports: the last whole day and the last whole week (local days).
    if key == "yesterday":
        start = midnight - timedelta(days=1)
        return Period(key, f"{start:%A %d %B}", start, midnight, [start])
    if key == "lastweek":
        start = midnight - timedelta(days=7)
        week = [start + timedelta(days=n) for n in range(7)]
        return Period(key, f"Week of {start:%d %B}", start, midnight, week)
    if key not in PERIODS:
        raise UserFacingError(f"Choose a period: {', '.join(PERIODS)} (not {key!r}).")
    days = int(key.removesuffix("d"))
    start = local_midnight(now, timezone) - timedelta(days=days - 1)
    chart_days = [start + timedelta(days=n) for n in range(days)]
    return Period(key, f"Last {days} days", start, now, chart_days)


def today(session: Session, now: datetime, timezone: str) -> TodayView:
    start = local_midnight(now, timezone)
    return TodayView(
        answered=lists.answered_since(session, start),
        queue=queue_now(session, now),
        responsiveness=responsiveness_between(session, start, now),
    )


def load_home(services: Services, user: str, now: datetime, notice: str | None = None) -> HomeView:
    """A user's Home tab: their cases (agents only), the queue, today's numbers."""
    approvers = (
        services.directory.approvers(asking_about=user)
        if services.directory.has_approvers
        else frozenset()
    )
    timezone = services.settings.metrics.report_timezone
    with session_scope(services.factory) as session:
        agent = lists.is_agent(session, user, approvers)
        return HomeView(
            user=user,
            is_agent=agent,
            mine=lists.mine(session, user, services.networks) if agent else CaseList([]),
            queue=lists.queue(session, services.networks),
            today=today(session, now, timezone),
            updated_at=now,
            notice=notice,
        )


def costs(
    session: Session, settings: MetricsSettings, start: datetime, end: datetime
) -> list[CostEstimate]:
    """The estimated spend per priced network over the UTC days the period touches."""
    usage = load_usage(session, start.date(), end.date())
    return [
        estimate(usage[network], prices)
        for network, prices in sorted(settings.prices.items())
        if network in usage
    ]


def load_stats(services: Services, chosen: Period) -> StatsView:
    """Every figure of a period, with the SLA policy's targets: misses per target and, when
    the targets count business hours, the times in those hours too."""
    policy = services.settings.sla
    targets = response_targets(policy)
    hours = business_hours(policy)
    with session_scope(services.factory) as session:
        report = load_report(session, chosen.start, chosen.end, targets)
        business = None
        if hours is not None:
            business = period_stats(
                report.activity,
                start=chosen.start,
                end=chosen.end,
                targets=targets,
                elapsed=hours.between,
            )
        return StatsView(
            period=chosen,
            report=report,
            queue=queue_now(session, chosen.end),
            targets=targets,
            costs=costs(session, services.settings.metrics, chosen.start, chosen.end),
            misses=load_target_misses(session, policy, chosen.start, chosen.end),
            business=business,
            business_hours=hours.name if hours else None,
        )


def make_charts(stats: StatsView) -> list[Chart]:
    """Volume per day by intent, the first-response distribution against the targets, the
    daily response rate. `today` gets the distribution only (one day has no trend)."""
    report = stats.report
    distribution = Chart(
        "first-response-times.png",
        "First response times",
        "Histogram of first response times with the response targets marked",
        charts.response_time_distribution(report.stats.first_response_times, stats.targets),
    )
    if not stats.period.days:
        return [distribution]
    activity = report.activity
    counted = counted_messages(messages_of(activity.posts, activity.replies, activity.cases))
    points = daily_series(activity, counted, stats.period.days)
    return [
        Chart(
            "volume-by-intent.png",
            "Posts per day by intent",
            "Stacked bars of customer posts per day by intent",
            charts.volume_by_intent(points),
        ),
        distribution,
        Chart(
            "response-rate.png",
            "Response rate per day",
            "Line of the daily response rate against the 90 % badge line",
            charts.response_rate_trend(points),
        ),
    ]


def upload_charts(
    client: WebClient,
    images: list[Chart],
    *,
    channel: str | None,
    thread_ts: str | None = None,
    comment: str | None = None,
) -> list[str]:
    """Upload PNGs with Slack's three-step flow (files_upload_v2: getUploadURLExternal →
    the bytes → completeUploadExternal); returns the file ids."""
    if not images:
        return []
    response = client.files_upload_v2(
        file_uploads=[
            {"content": c.png, "filename": c.filename, "title": c.title, "alt_txt": c.alt_text}
            for c in images
        ],
        channel=channel,
        thread_ts=thread_ts,
        initial_comment=comment,
    )
    return [str(f["id"]) for f in response.get("files") or []]


def load_case_detail(services: Services, case_id: int) -> CaseDetail:
    history = case_history(services, case_id)
    with session_scope(services.factory) as session:
        case = get_case(session, case_id)
        (line,) = lists.case_lines(session, [case], services.networks)
        posts = session.scalar(select(func.count(Post.id)).where(Post.case_id == case_id))
        first = case.first_response_at - case.created_at if case.first_response_at else None
        return CaseDetail(
            line=line,
            customer_name=case.customer.name,
            followers=case.customer.followers,
            posts=posts or 0,
            first_response=first,
            history=history[-8:],
            escalated_to=case.escalated_to,
            close_reason=case.close_reason,
        )


def parse_case_number(text: str) -> int:
    raw = text.strip().lstrip("#")
    if not raw.isdigit():
        raise UserFacingError("Give a case number, like `/carethread case 42`.")
    return int(raw)
