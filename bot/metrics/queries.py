"""Load the records the metric definitions read, with the same SQL on SQLite and PostgreSQL.

Only plain range scans on indexed columns and one UNION of case ids: everything that
defines a figure lives in `bot.metrics.definitions`. The time windows are half-open,
[start, end), in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Row, Select, any_, bindparam, func, select, union
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import Executable

from bot.metrics.aggregates import (
    agent_table,
    counted_between,
    responsiveness_since,
    without_jit,
)
from bot.metrics.definitions import (
    BADGE_WINDOW,
    MIN_MESSAGES,
    RATE_WINDOW,
    SILENCE,
    Activity,
    CaseRecord,
    Claim,
    CustomerPost,
    FacebookResponsiveness,
    PeriodStats,
    Reply,
    facebook_responsiveness,
    period_stats,
)
from bot.metrics.targets import (
    CaseTimeline,
    TargetMisses,
    business_hours,
    calendar_policy,
    count_misses,
    uses_business_hours,
)
from bot.sla.clock import CaseEvent, Closed, OurReply
from bot.sla.clock import CustomerPost as SlaPost
from bot.sla.policy import Policy
from storage.enums import AWAITING_REPLY, AuditAction, CaseStatus, DraftStatus, Priority
from storage.models import AuditEvent, Case, Draft, Post

CLAIMS = (AuditAction.CLAIM, AuditAction.TAKE_OVER)
# Facebook's fallback ("the last 10 messages") looks this far back at most.
FALLBACK_LOOKBACK = timedelta(days=365)


def _touched(start: datetime, end: datetime) -> Select[tuple[int]]:
    """Ids of the cases with a customer post or a reply in [start, end), or closed or
    claimed in it."""
    posts = select(Post.case_id).where(Post.created_at >= start, Post.created_at < end)
    replies = select(Draft.case_id).where(Draft.posted_at >= start, Draft.posted_at < end)
    events = select(AuditEvent.case_id).where(
        AuditEvent.action.in_([AuditAction.CLOSE, *CLAIMS]),
        AuditEvent.created_at >= start,
        AuditEvent.created_at < end,
        AuditEvent.case_id.is_not(None),
    )
    return select(union(posts, replies, events).subquery().c[0])


def _case_filter(
    session: Session, ids: Select[Any]
) -> Callable[[ColumnElement[Any] | InstrumentedAttribute[Any]], ColumnElement[bool]]:
    """`column IN (ids)`, as each backend plans it best. PostgreSQL misjudges the size of
    an IN over a UNION and scans every post; given the ids as one array it walks the case
    indexes instead. SQLite plans the subquery well."""
    if session.get_bind().dialect.name != "postgresql":
        subquery = ids.scalar_subquery()
        return lambda column: column.in_(subquery)
    found = list(session.scalars(ids))
    array = bindparam("case_ids", found, type_=postgresql.ARRAY(Integer))
    return lambda column: column == any_(array)


def _rows(session: Session, query: Executable) -> Sequence[Row[Any]]:
    """All rows at once: psycopg's per-row fetch costs ~20 µs a row, which a month of
    1,000,000 cases (190,000 rows) turns into seconds."""
    return session.connection().execute(query).all()


def load_activity(
    session: Session, start: datetime, end: datetime, *, with_claims: bool = True
) -> Activity:
    """Every case touched in [start − 24 h, end) with all its customer posts and the replies
    sent before `end`, and (`with_claims`) the claims made in [start, end).

    The 24 hours before `start` are there for Facebook's silence rule: whether a message
    opens a conversation depends on what either side wrote in the day before it.
    """
    without_jit(session)
    touched = _case_filter(session, _touched(start - SILENCE, end))
    cases = [
        CaseRecord(
            id=row.id,
            customer=row.customer_id,
            network=row.network,
            priority=Priority.parse(row.priority),
            status=CaseStatus(row.status),
            created_at=row.created_at,
            closed_at=row.closed_at,
            owner=row.owner_slack_id,
        )
        for row in _rows(
            session,
            select(
                Case.id,
                Case.customer_id,
                Case.network,
                Case.priority,
                Case.status,
                Case.created_at,
                Case.closed_at,
                Case.owner_slack_id,
            ).where(touched(Case.id)),
        )
    ]
    triage = Post.triage
    posts = [
        CustomerPost(
            case_id=row.case_id,
            customer=row.customer_id,
            at=row.created_at,
            network=row.network,
            language=row.language or "und",
            intent=row.intent or "other",
            sentiment=row.sentiment or "neutral",
            priority=Priority.parse(row.priority),
        )
        for row in _rows(
            session,
            select(
                Post.case_id,
                Post.customer_id,
                Post.created_at,
                Post.network,
                Post.priority,
                triage["language"].as_string().label("language"),
                triage["intent"].as_string().label("intent"),
                triage["sentiment"].as_string().label("sentiment"),
            ).where(touched(Post.case_id), Post.created_at < end),
        )
    ]
    replies = [
        Reply(case_id=row.case_id, at=row.posted_at, author=row.author_slack_id)
        for row in _rows(
            session,
            select(Draft.case_id, Draft.posted_at, Draft.author_slack_id).where(
                touched(Draft.case_id),
                Draft.status == DraftStatus.POSTED,
                Draft.posted_at < end,
            ),
        )
    ]
    if not with_claims:
        return Activity(cases=cases, posts=posts, replies=replies)
    claims = [
        Claim(case_id=row.case_id, at=row.created_at, actor=row.actor)
        for row in _rows(
            session,
            select(AuditEvent.case_id, AuditEvent.created_at, AuditEvent.actor).where(
                AuditEvent.action.in_(CLAIMS),
                AuditEvent.created_at >= start,
                AuditEvent.created_at < end,
            ),
        )
    ]
    return Activity(cases=cases, posts=posts, replies=replies, claims=claims)


@dataclass(frozen=True)
class Report:
    """A period's figures with the Facebook-style responsiveness as of its end."""

    stats: PeriodStats
    facebook: FacebookResponsiveness
    activity: Activity


def facebook_figures(session: Session, now: datetime) -> FacebookResponsiveness:
    """Facebook's 30-day rate and time and the 7-day badge check, as of `now`, computed in
    the database (`bot.metrics.aggregates`)."""
    month, week = responsiveness_since(session, [now - RATE_WINDOW, now - BADGE_WINDOW], now)
    figures = FacebookResponsiveness(thirty_days=month, seven_days=week)
    if figures.thirty_days.messages >= MIN_MESSAGES:
        return figures
    # Fewer than 10 in 30 days: Facebook takes the last 10, however old (few rows by
    # nature, so Python picks them).
    return facebook_responsiveness(counted_between(session, now - FALLBACK_LOOKBACK, now), now)


def load_report(
    session: Session,
    start: datetime,
    end: datetime,
    targets: Mapping[Priority, timedelta],
) -> Report:
    """The figures of [start, end) and Facebook's as of `end`; the per-agent table from
    the database (the same definition, see `bot.metrics.aggregates`)."""
    # The claims are counted by `agent_table` in the database: not loaded here.
    activity = load_activity(session, start, end, with_claims=False)
    stats = period_stats(activity, start=start, end=end, targets=targets)
    stats = replace(stats, agents=agent_table(session, start, end))
    return Report(stats, facebook_figures(session, end), activity)


@dataclass(frozen=True)
class QueueNow:
    """What waits for an answer right now."""

    waiting: int
    overdue: int
    unclaimed: int


def queue_now(session: Session, now: datetime) -> QueueNow:
    """Counts of cases waiting for our answer, past their deadline, and unowned."""
    awaiting = Case.status.in_(AWAITING_REPLY)
    waiting = session.scalar(select(func.count(Case.id)).where(awaiting)) or 0
    overdue = (
        session.scalar(select(func.count(Case.id)).where(awaiting, Case.respond_by < now)) or 0
    )
    unclaimed = (
        session.scalar(select(func.count(Case.id)).where(awaiting, Case.owner_slack_id.is_(None)))
        or 0
    )
    return QueueNow(waiting=waiting, overdue=overdue, unclaimed=unclaimed)


def load_case_timelines(
    session: Session, start: datetime, end: datetime
) -> dict[int, CaseTimeline]:
    """The deadline watcher's events (`bot.sla.watcher.load_timelines`, same order: a post
    at when it was fetched, a reply or close at when it was recorded) of every case with a
    customer post in [start, end), read lean: only the triage intent and the reply's
    `asks_customer`, not whole JSON documents (a month of 1,000,000 cases is 40,000 cases)."""
    without_jit(session)
    touched = _case_filter(
        session,
        select(Post.case_id).where(Post.created_at >= start, Post.created_at < end).distinct(),
    )
    keyed: dict[int, list[tuple[datetime, int, CaseEvent]]] = {}
    networks = dict(session.execute(select(Case.id, Case.network).where(touched(Case.id))).all())
    posts = session.execute(
        select(
            Post.case_id,
            Post.created_at,
            Post.fetched_at,
            Post.priority,
            Post.triage["intent"].as_string(),
        )
        .where(touched(Post.case_id), Post.created_at < end)
        .order_by(Post.created_at, Post.id)
    ).all()
    for case_id, created_at, fetched_at, priority, intent in posts:
        event = SlaPost(created_at, Priority.parse(priority), intent)
        keyed.setdefault(case_id, []).append((max(fetched_at or created_at, created_at), 0, event))
    audits = session.execute(
        select(
            AuditEvent.case_id,
            AuditEvent.action,
            AuditEvent.created_at,
            AuditEvent.details["asks_customer"].as_boolean(),
        )
        .where(
            touched(AuditEvent.case_id),
            AuditEvent.action.in_([AuditAction.POST, AuditAction.CLOSE]),
            AuditEvent.created_at < end,
        )
        .order_by(AuditEvent.id)
    ).all()
    for case_id, action, created_at, asked in audits:
        theirs: CaseEvent = (
            OurReply(created_at, asks_customer=bool(asked))
            if action == AuditAction.POST
            else Closed(created_at)
        )
        keyed.setdefault(case_id, []).append((created_at, 1, theirs))
    return {
        case_id: CaseTimeline(
            networks[case_id],
            [event for _, _, event in sorted(items, key=lambda item: (item[0], item[1]))],
        )
        for case_id, items in keyed.items()
        if case_id in networks
    }


def load_target_misses(
    session: Session, policy: Policy, start: datetime, end: datetime
) -> TargetMisses:
    """Misses per target of the occurrences started in [start, end): the cases with a
    customer post in the period (every target starts at one), replayed by the deadline
    watcher's clock, by the policy's hours and, when some target uses business hours, in
    calendar time too."""
    timelines = load_case_timelines(session, start, end)
    counts = count_misses(timelines, policy, start, end)
    if not uses_business_hours(policy):
        return TargetMisses(counts)
    hours = business_hours(policy)
    return TargetMisses(
        counts,
        calendar=count_misses(timelines, calendar_policy(policy), start, end),
        hours=hours.name if hours else None,
    )
