"""The figures that must stay fast on millions of cases, computed inside the database.

Same definitions as `bot.metrics.definitions` (docs/metrics.md), written as window
functions and aggregates that SQLite (3.28+) and PostgreSQL both run, so a 30-day figure
reads a few rows instead of handing every message of the month to Python:

- `responsiveness_between`: Facebook's counted messages (the first customer message after
  24 h of silence on both sides, per customer), how many were answered, and the mean of
  the fastest 90 % of response times;
- `counted_between`: the counted messages themselves, for daily series and the fallback;
- `agent_table`: per agent, claims, replies and the median of the waits their replies ended.

tests/integration/metrics/test_aggregates.py checks each against the Python definitions on
the worked example and on a generated history, on both databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from bot.metrics.definitions import (
    SILENCE,
    AgentFigures,
    CountedMessage,
    Responsiveness,
    agent_rows,
)
from storage.enums import AuditAction, DraftStatus
from storage.models import AuditEvent, Case, Draft, Post, UTCDateTime

CLAIMS = (AuditAction.CLAIM, AuditAction.TAKE_OVER)
# Seconds compared with a margin far below anything a person notices, so that float
# arithmetic never moves a message that came exactly 24 h later to the wrong side.
_MARGIN = 0.000_5


def without_jit(session: Session) -> None:
    """Turn PostgreSQL's JIT compiler off for the rest of this transaction.

    These queries read tens of thousands of rows through indexes; their estimated cost
    passes the JIT thresholds, and compiling them then takes ~1.4 s of a 0.3 s query
    (measured at 1,000,000 cases). Scoped with SET LOCAL: nothing else changes.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _seconds(
    session: Session, earlier: ColumnElement[Any], later: ColumnElement[Any]
) -> ColumnElement[Any]:
    """`later - earlier` in seconds (microsecond precision on both backends)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.extract("epoch", later - earlier), Float)
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff": whole seconds from strftime('%s') and the
    # fraction from the text, since julianday() rounds to ~50 µs.
    # (Only the first 19 characters: SQLite rounds a parsed time to the millisecond, which
    # would turn 00:02:35.9998 into 00:02:36.)
    whole = cast(func.strftime("%s", func.substr(later, 1, 19)), Integer) - cast(
        func.strftime("%s", func.substr(earlier, 1, 19)), Integer
    )
    fraction = cast(func.substr(later, 20), Float) - cast(func.substr(earlier, 20), Float)
    return whole + fraction


def _counted(session: Session, start: datetime, end: datetime) -> Select[Any]:
    """Counted messages received in [start, end): customer, at, answered_at, took (seconds;
    NULL when unanswered). Answers are the brand's next message to that customer before
    `end`; messages of the 24 hours before `start` decide the silence rule."""
    since = start - SILENCE
    posts = select(
        Post.customer_id.label("customer"),
        Post.created_at.label("at"),
        literal(0).label("from_brand"),
    ).where(Post.created_at >= since, Post.created_at < end)
    # The customer of each reply by one look-up in `case` per reply: joined, PostgreSQL
    # hash-joins the whole table (400 ms at 1,000,000 cases) instead.
    customer = (
        select(Case.customer_id).where(Case.id == Draft.case_id).correlate(Draft).scalar_subquery()
    )
    replies = select(customer, Draft.posted_at, literal(1)).where(
        Draft.status == DraftStatus.POSTED, Draft.posted_at >= since, Draft.posted_at < end
    )
    messages = union_all(posts, replies).subquery("messages")
    order = (messages.c.at, messages.c.from_brand)
    previous = func.lag(messages.c.at).over(partition_by=messages.c.customer, order_by=order)
    answered = func.min(case((messages.c.from_brand == 1, messages.c.at))).over(
        partition_by=messages.c.customer, order_by=order, rows=(0, None)
    )
    timeline = select(
        messages.c.customer,
        messages.c.at,
        messages.c.from_brand,
        type_coerce(previous, UTCDateTime).label("previous"),
        type_coerce(answered, UTCDateTime).label("answered_at"),
    ).subquery("timeline")
    silent = or_(
        timeline.c.previous.is_(None),
        _seconds(session, timeline.c.previous, timeline.c.at) >= SILENCE.total_seconds() - _MARGIN,
    )
    return select(
        timeline.c.customer,
        timeline.c.at,
        timeline.c.answered_at,
        _seconds(session, timeline.c.at, timeline.c.answered_at).label("took"),
    ).where(timeline.c.from_brand == 0, timeline.c.at >= start, silent)


def counted_between(session: Session, start: datetime, end: datetime) -> list[CountedMessage]:
    """Facebook's counted messages received in [start, end), oldest first."""
    without_jit(session)
    counted = _counted(session, start, end).subquery()
    rows = session.execute(
        select(counted.c.customer, counted.c.at, counted.c.answered_at).order_by(
            counted.c.at, counted.c.customer
        )
    )
    return [CountedMessage(row.customer, row.at, row.answered_at) for row in rows]


def responsiveness_between(session: Session, start: datetime, end: datetime) -> Responsiveness:
    """Rate and time over the messages counted in [start, end), answered before `end`."""
    (figures,) = responsiveness_since(session, [start], end)
    return figures


def responsiveness_since(
    session: Session, starts: Sequence[datetime], end: datetime
) -> list[Responsiveness]:
    """Rate and time over the messages counted in [start, end) for each of `starts`, from
    one pass over the messages (a shorter window's counted messages are the longer one's
    that fall in it: the silence rule and the answers do not depend on the window).

    The fastest 90 %: rank the answered ones by response time and keep the first
    answered − ⌊answered / 10⌋, as `definitions.fastest_ninety_mean` does.
    """
    without_jit(session)
    counted = _counted(session, min(starts), end).cte("counted")
    columns = []
    for n, start in enumerate(starts):
        inside = counted.c.at >= start
        ranked = (
            select(
                counted.c.took,
                func.row_number().over(order_by=counted.c.took).label("rank"),
                func.count().over().label("answered"),
            )
            .where(inside, counted.c.answered_at.is_not(None))
            .cte(f"ranked_{n}")
        )
        kept = select(func.avg(ranked.c.took)).where(
            ranked.c.rank <= ranked.c.answered - ranked.c.answered // 10
        )
        columns += [
            select(func.count()).select_from(counted).where(inside).scalar_subquery(),
            select(func.count()).select_from(ranked).scalar_subquery(),
            kept.scalar_subquery(),
        ]
    row = session.execute(select(*columns)).one()
    return [
        Responsiveness(
            start=start,
            end=end,
            messages=int(row[3 * n] or 0),
            answered=int(row[3 * n + 1] or 0),
            response_time=None if row[3 * n + 2] is None else _rounded(float(row[3 * n + 2])),
        )
        for n, start in enumerate(starts)
    ]


def _rounded(seconds: float) -> timedelta:
    """Seconds as a timedelta, to the microsecond like Python's own arithmetic."""
    return timedelta(microseconds=round(seconds * 1_000_000))


def _waits(session: Session, start: datetime, end: datetime) -> Select[Any]:
    """Every wait a reply posted in [start, end) ended: author, seconds waited.

    Per reply, two index look-ups in its own case (so only the month's replies are read,
    however old their cases): the previous reply, and the oldest customer post after it
    and up to this reply. No previous reply: it ended the first wait, from the case's
    opening. A previous reply but no post since: it ended no wait.
    """
    earlier = aliased(Draft)
    previous = (
        select(func.max(earlier.posted_at))
        .where(
            earlier.case_id == Draft.case_id,
            earlier.status == DraftStatus.POSTED,
            or_(
                earlier.posted_at < Draft.posted_at,
                and_(earlier.posted_at == Draft.posted_at, earlier.id < Draft.id),
            ),
        )
        .correlate(Draft)
        .scalar_subquery()
    )
    opened = (
        select(Case.created_at).where(Case.id == Draft.case_id).correlate(Draft).scalar_subquery()
    )
    # Materialized on PostgreSQL, so each look-up runs once per reply (inlined, the
    # planner repeats them and hash-joins every case instead).
    replies = (
        select(
            Draft.case_id,
            Draft.posted_at,
            Draft.author_slack_id.label("author"),
            type_coerce(previous, UTCDateTime).label("previous"),
            type_coerce(opened, UTCDateTime).label("opened"),
        )
        .where(Draft.status == DraftStatus.POSTED, Draft.posted_at >= start, Draft.posted_at < end)
        .cte("replies")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    oldest_post = (
        select(func.min(Post.created_at))
        .where(
            Post.case_id == replies.c.case_id,
            Post.created_at > replies.c.previous,
            Post.created_at <= replies.c.posted_at,
        )
        .correlate(replies)
        .scalar_subquery()
    )
    waits = select(
        replies.c.author,
        replies.c.posted_at,
        type_coerce(
            case((replies.c.previous.is_(None), replies.c.opened), else_=oldest_post),
            UTCDateTime,
        ).label("waited_from"),
    ).subquery("waits")
    return select(
        waits.c.author, _seconds(session, waits.c.waited_from, waits.c.posted_at).label("took")
    ).where(waits.c.waited_from.is_not(None))


def agent_table(session: Session, start: datetime, end: datetime) -> list[AgentFigures]:
    """Per agent over [start, end): claimed (claims and take-overs), replied (replies
    sent), median of the waits their replies ended (interpolated, as percentile_cont)."""
    without_jit(session)
    claimed: dict[str, int] = dict(
        session.execute(
            select(AuditEvent.actor, func.count())
            .where(
                AuditEvent.action.in_(CLAIMS),
                AuditEvent.created_at >= start,
                AuditEvent.created_at < end,
            )
            .group_by(AuditEvent.actor)
        ).all()
    )
    replied: dict[str, int] = dict(
        session.execute(
            select(Draft.author_slack_id, func.count())
            .where(
                Draft.status == DraftStatus.POSTED,
                Draft.posted_at >= start,
                Draft.posted_at < end,
            )
            .group_by(Draft.author_slack_id)
        ).all()
    )
    waits = _waits(session, start, end).subquery("waits")
    ranked = select(
        waits.c.author,
        func.greatest(waits.c.took, 0).label("took")
        if session.get_bind().dialect.name == "postgresql"
        else func.max(waits.c.took, 0).label("took"),
        func.row_number().over(partition_by=waits.c.author, order_by=waits.c.took).label("rank"),
        func.count().over(partition_by=waits.c.author).label("waits"),
    ).subquery("ranked")
    middle = and_(
        ranked.c.rank >= (ranked.c.waits + 1) // 2,
        ranked.c.rank <= (ranked.c.waits + 2) // 2,
    )
    medians = {
        author: _rounded(float(seconds))
        for author, seconds in session.execute(
            select(ranked.c.author, func.avg(ranked.c.took)).where(middle).group_by(ranked.c.author)
        ).all()
    }
    return agent_rows(claimed, replied, medians)
