"""Publishing state in the database, shared by every process: Slack's rate-limit pauses,
claims on posts being published, cards waiting for an update, backlog notices.

Claims: a publisher takes the next post with a short lease (`slack_claimed_until`); on
PostgreSQL the candidate row is locked with `FOR UPDATE SKIP LOCKED`, so two publishers
never wait for each other and never take the same post; on SQLite the conditional UPDATE
does the same (the database has one writer at a time). A crashed publisher's claim runs
out, or is dropped when another worker takes the lease, and the post is taken again —
after looking in Slack for it (bot.slack.outbox).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.routing.route import publishing_channel_column
from storage.db import session_scope
from storage.enums import Priority
from storage.models import Case, Post, SlackChannelState

# The row holding the pause of chat.update (Slack limits it per workspace, not per channel).
WORKSPACE = "*"
# How long a claim on a post lasts: longer than one Slack call and its reconciliation.
CLAIM = timedelta(seconds=60)


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# -- pauses -----------------------------------------------------------------------------------
def paused_channels(factory: sessionmaker[Session], now: datetime) -> dict[str, datetime]:
    """Channels Slack asked us not to post in yet, with until when."""
    with session_scope(factory) as session:
        rows = session.execute(
            select(SlackChannelState.channel, SlackChannelState.posts_paused_until).where(
                SlackChannelState.posts_paused_until > now
            )
        ).all()
    return {channel: until for channel, until in rows if until is not None}


def updates_paused_until(factory: sessionmaker[Session], now: datetime) -> datetime | None:
    with session_scope(factory) as session:
        until = session.scalar(
            select(SlackChannelState.updates_paused_until).where(
                SlackChannelState.channel == WORKSPACE
            )
        )
    return until if until is not None and until > now else None


def _state(session: Session, channel: str) -> SlackChannelState:
    state = session.get(SlackChannelState, channel)
    if state is None:
        state = SlackChannelState(channel=channel, backlog_waiting=0)
        session.add(state)
        session.flush()
    return state


def with_state(factory: sessionmaker[Session], channel: str, change: object) -> None:
    """Apply `change(state)` to the channel's row, creating it first if needed (another
    process creating it at the same moment is retried once)."""
    for attempt in (1, 2):
        try:
            with session_scope(factory) as session:
                change(_state(session, channel))  # type: ignore[operator]
            return
        except IntegrityError:
            if attempt == 2:
                raise


def pause_posts(factory: sessionmaker[Session], channel: str, until: datetime) -> None:
    """No process posts in `channel` before `until` (a later pause already set stays)."""

    def later(state: SlackChannelState) -> None:
        if state.posts_paused_until is None or state.posts_paused_until < until:
            state.posts_paused_until = until

    with_state(factory, channel, later)


def pause_updates(factory: sessionmaker[Session], until: datetime) -> None:
    def later(state: SlackChannelState) -> None:
        if state.updates_paused_until is None or state.updates_paused_until < until:
            state.updates_paused_until = until

    with_state(factory, WORKSPACE, later)


# -- posts --------------------------------------------------------------------------------------
def claim_next_post(
    factory: sessionmaker[Session],
    default_channel: str,
    blocked: Collection[str],
    now: datetime,
) -> tuple[int, str] | None:
    """Claim the most urgent post that may go now: highest case priority, then oldest; only
    the first pending post of its case (a follow-up waits for the one before it); none in a
    `blocked` channel (paused, or out of its pace). Returns (post id, channel)."""
    channel = publishing_channel_column(default_channel).label("channel")
    earlier = aliased(Post)
    free = or_(Post.slack_claimed_until.is_(None), Post.slack_claimed_until < now)
    query = (
        select(Post.id, channel)
        .join(Case, Case.id == Post.case_id)
        .where(
            Post.slack_ts.is_(None),
            free,
            ~exists().where(
                earlier.case_id == Post.case_id,
                earlier.slack_ts.is_(None),
                or_(
                    earlier.created_at < Post.created_at,
                    and_(earlier.created_at == Post.created_at, earlier.id < Post.id),
                ),
            ),
        )
        .order_by(Case.priority, Post.created_at, Post.id)
        .limit(1)
    )
    if blocked:
        query = query.where(channel.not_in(sorted(blocked)))
    with session_scope(factory) as session:
        if _is_postgresql(session):
            query = query.with_for_update(of=Post, skip_locked=True)
        row = session.execute(query).first()
        if row is None:
            return None
        taken = session.execute(
            update(Post).where(Post.id == row[0], free).values(slack_claimed_until=now + CLAIM)
        )
        return (int(row[0]), str(row[1])) if taken.rowcount else None  # type: ignore[attr-defined]


def release_post(factory: sessionmaker[Session], post_id: int) -> None:
    with session_scope(factory) as session:
        session.execute(update(Post).where(Post.id == post_id).values(slack_claimed_until=None))


def release_all_posts(factory: sessionmaker[Session]) -> int:
    """Forget every claim: called by a worker that just took the lease. Only the active
    worker publishes, and the lease changes hands only after the last holder's calls have
    timed out (it claims only with time left for a call) or when it is known dead, so the
    claims left are a former holder's. Their posts are looked for in Slack before posting
    again, as after any unknown outcome."""
    with session_scope(factory) as session:
        done = session.execute(
            update(Post)
            .where(Post.slack_claimed_until.is_not(None))
            .values(slack_claimed_until=None)
        )
        return int(done.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Waiting:
    """Posts of one channel not in Slack yet."""

    total: int = 0
    low_priority: int = 0


def waiting_by_channel(factory: sessionmaker[Session], default_channel: str) -> dict[str, Waiting]:
    channel = publishing_channel_column(default_channel)
    with session_scope(factory) as session:
        rows = session.execute(
            select(channel, Case.priority, func.count(Post.id))
            .join(Case, Case.id == Post.case_id)
            .where(Post.slack_ts.is_(None))
            .group_by(channel, Case.priority)
        ).all()
    totals: dict[str, Waiting] = {}
    for name, priority, count in rows:
        before = totals.get(name, Waiting())
        low = count if Priority.parse(priority) is Priority.P3 else 0
        totals[name] = Waiting(before.total + count, before.low_priority + low)
    return totals


# -- cards ----------------------------------------------------------------------------------------
def mark_card(factory: sessionmaker[Session], case_id: int, now: datetime) -> bool:
    """Remember that the case's card is out of date (the first mark of a window counts);
    False when it has no card in Slack yet (it is posted showing its current state)."""
    with session_scope(factory) as session:
        result = session.execute(
            update(Case)
            .where(Case.id == case_id, Case.slack_ts.is_not(None), Case.card_dirty_at.is_(None))
            .values(card_dirty_at=now)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            return True
        return bool(
            session.scalar(
                select(func.count(Case.id)).where(Case.id == case_id, Case.slack_ts.is_not(None))
            )
        )


def next_card_due(factory: sessionmaker[Session]) -> datetime | None:
    """The oldest mark of a card in Slack (it is due one coalescing window later)."""
    with session_scope(factory) as session:
        return session.scalar(
            select(func.min(Case.card_dirty_at)).where(Case.slack_ts.is_not(None))
        )


def take_due_card(factory: sessionmaker[Session], marked_before: datetime) -> int | None:
    """Take the mark off the card marked longest ago (before `marked_before`); the caller
    updates it. A change after this re-marks it, so nothing is lost."""
    query = (
        select(Case.id, Case.card_dirty_at)
        .where(Case.card_dirty_at <= marked_before, Case.slack_ts.is_not(None))
        .order_by(Case.card_dirty_at)
        .limit(1)
    )
    with session_scope(factory) as session:
        if _is_postgresql(session):
            query = query.with_for_update(of=Case, skip_locked=True)
        row = session.execute(query).first()
        if row is None:
            return None
        taken = session.execute(
            update(Case)
            .where(Case.id == row[0], Case.card_dirty_at <= row[1])
            .values(card_dirty_at=None)
        )
        return int(row[0]) if taken.rowcount else None  # type: ignore[attr-defined]


def remark_card(factory: sessionmaker[Session], case_id: int, at: datetime) -> None:
    """Put a taken mark back (the update did not reach Slack)."""
    with session_scope(factory) as session:
        session.execute(
            update(Case)
            .where(Case.id == case_id, Case.card_dirty_at.is_(None))
            .values(card_dirty_at=at)
        )


# -- backlog notices -----------------------------------------------------------------------------
def channel_states(factory: sessionmaker[Session]) -> dict[str, SlackChannelState]:
    with session_scope(factory) as session:
        states = session.scalars(select(SlackChannelState)).all()
        session.expunge_all()
    return {s.channel: s for s in states}
