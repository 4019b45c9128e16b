"""Spike alerts: count each brand's last hour, compare it with the same hour of past weeks,
and keep one Slack message per episode, updated in place as it grows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.i18n import N_, _, in_workspace_language
from bot.metrics.spike import (
    Episode,
    Severity,
    SpikeCheck,
    SpikeThresholds,
    Step,
    WindowCounts,
    assess,
    baseline_windows,
    next_step,
    top_terms,
)
from bot.services import Services
from bot.slack.builders.common import blocks_as_dicts
from bot.slack.builders.reports import SpikeExample, SpikeView, build_spike_alert
from bot.slack.failures import best_effort
from bot.slack.text import one_line
from bot.slack.views import masked_text
from storage.db import session_scope
from storage.models import BrandAccount, Case, Customer, Post, SpikeAlert, utcnow

log = logging.getLogger(__name__)
EXAMPLES = 3
TERM_SOURCE_POSTS = 500


def window_counts(session: Session, brand_id: int, start: datetime, end: datetime) -> WindowCounts:
    """Posts about `brand_id` written in (start, end], and how many were negative."""
    negative = Post.triage["sentiment"].as_string() == "negative"
    row = session.execute(
        select(func.count(Post.id), func.sum(when((negative, 1), else_=0)))
        .join(Case, Case.id == Post.case_id)
        .where(Case.brand_id == brand_id, Post.created_at > start, Post.created_at <= end)
    ).one()
    return WindowCounts(posts=int(row[0] or 0), negative=int(row[1] or 0))


def check_brand(session: Session, brand_id: int, now: datetime, t: SpikeThresholds) -> SpikeCheck:
    """This hour of `brand_id` against its baseline windows."""
    first = session.scalar(select(func.min(Post.created_at)))
    if first is None:
        return assess(WindowCounts(0, 0), [], t)
    current = window_counts(session, brand_id, now - t.window, now)
    history = [
        window_counts(session, brand_id, end - t.window, end)
        for end in baseline_windows(now, first, t)
    ]
    return assess(current, history, t)


@dataclass(frozen=True)
class SpikeOutcome:
    brand: str
    step: Step
    check: SpikeCheck


def check_spikes(services: Services, now: datetime | None = None) -> list[SpikeOutcome]:
    """One evaluation of every brand: open, grow, hold or close its episode."""
    now = now or utcnow()
    t = services.settings.metrics.spike
    outcomes = []
    with session_scope(services.factory) as session:
        brands = [(b.id, b.handle) for b in session.scalars(select(BrandAccount))]
    for brand_id, handle in brands:
        with session_scope(services.factory) as session:
            check = check_brand(session, brand_id, now, t)
            row = session.scalar(
                select(SpikeAlert)
                .where(SpikeAlert.brand_id == brand_id, SpikeAlert.ended_at.is_(None))
                .order_by(SpikeAlert.id.desc())
                .limit(1)
            )
            episode = _episode(row) if row else None
            step = next_step(episode, check, now, t)
            row = _record(session, row, brand_id, step, check, now)
            view = _view(session, row, handle, check, now, t) if row and step != Step.HOLD else None
            alert_id = row.id if row else None
        if view is not None and alert_id is not None:
            _tell_slack(services, alert_id, step, view)
        if step != Step.NOTHING:
            log.info("Spike check for @%s: %s (%s)", handle, step.value, check.severity)
        outcomes.append(SpikeOutcome(handle, step, check))
    return outcomes


def _episode(row: SpikeAlert) -> Episode:
    return Episode(
        started_at=row.started_at,
        last_fired_at=row.last_fired_at,
        severity=Severity(row.severity),
        peak_posts=row.peak_posts,
        peak_negative=row.peak_negative,
    )


def _record(
    session: Session,
    row: SpikeAlert | None,
    brand_id: int,
    step: Step,
    check: SpikeCheck,
    now: datetime,
) -> SpikeAlert | None:
    if step == Step.NOTHING:
        return None
    if step == Step.OPEN:
        assert check.severity is not None
        row = SpikeAlert(
            brand_id=brand_id,
            started_at=now,
            last_fired_at=now,
            severity=check.severity,
            peak_posts=check.counts.posts,
            peak_negative=check.counts.negative,
            baseline_posts=check.baseline_posts,
            baseline_negative=check.baseline_negative,
        )
        session.add(row)
        session.flush()
        return row
    assert row is not None
    if step == Step.CLOSE:
        row.ended_at = now
        return row
    row.last_fired_at = now
    if step == Step.GROW and check.severity is not None:
        if Severity(row.severity).rank < check.severity.rank:
            row.severity = check.severity
        row.peak_posts = max(row.peak_posts, check.counts.posts)
        row.peak_negative = max(row.peak_negative, check.counts.negative)
    return row


def _view(
    session: Session,
    row: SpikeAlert,
    handle: str,
    check: SpikeCheck,
    now: datetime,
    t: SpikeThresholds,
) -> SpikeView:
    start = now - t.window
    negative = Post.triage["sentiment"].as_string() == "negative"
    recent = (
        select(Post)
        .join(Case, Case.id == Post.case_id)
        .where(
            Case.brand_id == row.brand_id, Post.created_at > start, Post.created_at <= now, negative
        )
    )
    texts = [masked_text(p) for p in session.scalars(recent.limit(TERM_SOURCE_POSTS))]
    loudest = session.scalars(
        recent.join(Customer, Customer.id == Post.customer_id)
        .order_by(Customer.followers.desc(), Post.created_at.desc())
        .limit(EXAMPLES)
    ).all()
    examples = [
        SpikeExample(
            case_id=p.case_id,
            handle=p.customer.handle,
            snippet=one_line(masked_text(p))[:200],
            url=p.url,
            network_label=p.network.upper() if p.network == "x" else p.network.title(),
        )
        for p in loudest
    ]
    return SpikeView(
        brand=handle,
        severity=Severity(row.severity),
        posts=max(row.peak_posts, check.counts.posts),
        negative=max(row.peak_negative, check.counts.negative),
        baseline_posts=row.baseline_posts,
        baseline_negative=row.baseline_negative,
        window_minutes=int(t.window.total_seconds() // 60),
        started_at=row.started_at,
        usual_when=_usual_when(now, t),
        terms=top_terms(texts, exclude=[handle]),
        examples=examples,
        ended_at=row.ended_at,
    )


# "on Tuesdays 10:00–11:00 UTC", by datetime.weekday().
WEEKDAYS = (
    N_("on Mondays {hours}"),
    N_("on Tuesdays {hours}"),
    N_("on Wednesdays {hours}"),
    N_("on Thursdays {hours}"),
    N_("on Fridays {hours}"),
    N_("on Saturdays {hours}"),
    N_("on Sundays {hours}"),
)


def _usual_when(now: datetime, t: SpikeThresholds) -> str:
    """ "on Tuesdays 10:00–11:00 UTC": the window whose past weeks make the baseline."""
    start = now - t.window
    hours = f"{start:%H:%M}–{now:%H:%M} UTC"
    return _(WEEKDAYS[start.weekday()]).format(hours=hours)


def _tell_slack(services: Services, alert_id: int, step: Step, view: SpikeView) -> None:
    """Post the episode's message once, then edit that same message."""
    settings = services.settings
    with in_workspace_language():
        text, blocks = build_spike_alert(view)
    with session_scope(services.factory) as session:
        row = session.get_one(SpikeAlert, alert_id)
        channel, ts = row.slack_channel, row.slack_ts
    if channel and ts:
        with best_effort(f"update spike alert {alert_id}"):
            services.slack.chat_update(
                channel=channel, ts=ts, text=text, blocks=blocks_as_dicts(blocks)
            )
        return
    channel = settings.metrics.channel(settings.slack_channel_id)
    with best_effort(f"post spike alert {alert_id}"):
        response = services.slack.chat_postMessage(
            channel=channel, text=text, blocks=blocks_as_dicts(blocks), unfurl_links=False
        )
        with session_scope(services.factory) as session:
            row = session.get_one(SpikeAlert, alert_id)
            row.slack_channel, row.slack_ts = str(response["channel"]), str(response["ts"])
