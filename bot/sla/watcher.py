"""The deadline watcher: looks at the cases whose next interesting time has come, updates
what their cards show, and announces due-soon reminders and misses exactly once.

Cheap with many open cases: every case stores when it next needs a look
(`Case.sla_next_check_at`, indexed: the next reminder point or deadline of a running
target, or "now" after a post, a reply or a close), so a run reads only the cases due, in
batches. The scheduler job runs every `TICK`; a run with nothing due is one indexed query
(about a millisecond on SQLite, five on PostgreSQL with 100,000 open cases), so reminders
are at most a tick late. (Rescheduling the job from inside itself would deadlock: APScheduler
holds its job-store lock while `shutdown()` waits for a running job.)

Exactly once: an announcement is an `SlaEvent` row inserted first, unique per case, target,
occurrence and kind; only the process whose insert won announces, after the commit. Slack
failing then is logged and never retried (`announced_at` stays NULL), so a restart or a
second process never announces twice. A case answered or closed before its deadline is
recomputed from its events first, so it sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import lifecycle
from bot.networks.registry import Networks
from bot.sla.clock import CaseEvent, Clock, Closed, CustomerPost, OurReply, TargetState, derive
from bot.sla.policy import OnMiss, Policy, TargetKind
from bot.slack.builders.alerts import (
    DeadlineNotice,
    build_due_soon_reminder,
    build_miss_dm,
    build_miss_message,
)
from bot.slack.case_thread import CaseThread
from bot.slack.views import CaseSnapshot, case_snapshot, shown_deadlines
from storage.db import session_scope
from storage.enums import AWAITING_REPLY, AuditAction, Priority
from storage.models import AuditEvent, Case, Post, SlaEvent, utcnow

log = logging.getLogger(__name__)

DEADLINES_JOB_ID = "carethread.deadlines"
# How often the job looks for cases whose next look has come.
TICK = timedelta(seconds=5)
# Cases per unit of work.
BATCH = 500
# A case with something to announce but no Slack thread yet is looked at again soon.
NO_THREAD_RETRY = timedelta(seconds=15)
DUE_SOON, MISSED = "due_soon", "missed"

Clockwork = Callable[[], datetime]


@dataclass
class WatchOutcome:
    looked_at: int = 0
    announced: int = 0
    cards_refreshed: int = 0
    # When the next look is due (None: nothing runs anywhere).
    next_at: datetime | None = None


@dataclass(frozen=True)
class _Announcement:
    event_id: int
    kind: str
    state: TargetState
    case_id: int


@dataclass
class _Batch:
    announcements: list[_Announcement] = field(default_factory=list)
    cards: list[CaseSnapshot] = field(default_factory=list)
    notices: dict[int, tuple[str, str | None]] = field(default_factory=dict)


class DeadlineWatcher:
    """Looks at due cases; one instance per process, run by the scheduler job."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        policy: Policy,
        thread: CaseThread,
        networks: Networks,
        clock: Clockwork = utcnow,
        batch: int = BATCH,
    ):
        self.factory = factory
        self.policy = policy
        self.thread = thread
        self.networks = networks
        self.clock = clock
        self.batch = batch
        self.last_run_at: datetime | None = None

    def run(self) -> WatchOutcome:
        """One run. Only the active worker runs it (the worker lease gates the job)."""
        outcome = self.sweep()
        self.last_run_at = self.clock()
        return outcome

    def sweep(self, limit: int = 20 * BATCH) -> WatchOutcome:
        """Look at every case whose next check is due (up to `limit` per run)."""
        outcome = WatchOutcome()
        now = self.clock()
        while outcome.looked_at < limit:
            with session_scope(self.factory) as session:
                ids = list(
                    session.scalars(
                        select(Case.id)
                        .where(Case.sla_next_check_at <= now)
                        .order_by(Case.sla_next_check_at, Case.id)
                        .limit(self.batch)
                    )
                )
            if not ids:
                break
            batch = self._look_at(ids, now)
            outcome.looked_at += len(ids)
            for snapshot in batch.cards:
                self.thread.refresh_card(snapshot)
            outcome.cards_refreshed += len(batch.cards)
            outcome.announced += self._announce(batch)
            if len(ids) < self.batch:
                break
        with session_scope(self.factory) as session:
            outcome.next_at = session.scalar(
                select(Case.sla_next_check_at)
                .where(Case.sla_next_check_at.is_not(None))
                .order_by(Case.sla_next_check_at)
                .limit(1)
            )
        return outcome

    # -- one batch ---------------------------------------------------------------------
    def _look_at(self, ids: Sequence[int], now: datetime) -> _Batch:
        batch = _Batch()
        with session_scope(self.factory) as session:
            cases = {
                c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids))).unique()
            }
            timelines = load_timelines(session, ids)
            refresh: list[Case] = []
            for case_id in ids:
                case = cases.get(case_id)
                if case is None:
                    continue
                clock = derive(timelines.get(case_id, []), self.policy, case.network, now)
                self._apply(session, case, clock, now, batch, refresh)
            # One flush for the batch (a flush per case costs more than the clock itself).
            session.flush()
            for case in refresh:
                look = self.networks.look(case.network)
                batch.cards.append(case_snapshot(session, case, look))
        return batch

    def _apply(
        self,
        session: Session,
        case: Case,
        clock: Clock,
        now: datetime,
        batch: _Batch,
        refresh: list[Case],
    ) -> None:
        before = shown_deadlines(case)
        state = sla_state(clock, now)
        response = clock_response(clock)
        if response is not None and response.running and response.due_at is not None:
            case.respond_by = response.due_at
        elif response is None and case.status in AWAITING_REPLY:
            case.respond_by = None  # no target applies (switched off for this case)
        next_at = clock.next_change_at
        in_slack = bool(case.slack_ts)
        for target, kind in due_announcements(clock, now):
            if not in_slack:
                # Announced once the card is in Slack (the thread is where it is said).
                retry = now + NO_THREAD_RETRY
                next_at = min(next_at, retry) if next_at else retry
                continue
            event_id = _record_once(session, case.id, target, kind, now)
            if event_id is not None:
                batch.announcements.append(_Announcement(event_id, kind, target, case.id))
        if state != (case.sla_state or {}):
            case.sla_state = state
        case.sla_next_check_at = next_at
        if in_slack and shown_deadlines(case) != before:
            refresh.append(case)
        batch.notices[case.id] = (case.customer.handle, case.owner_slack_id)

    # -- announcing --------------------------------------------------------------------
    def _announce(self, batch: _Batch) -> int:
        if not batch.announcements:
            return 0
        with session_scope(self.factory) as session:
            cases = {
                c.id: case_snapshot(session, c, self.networks.look(c.network))
                for c in session.scalars(
                    select(Case).where(Case.id.in_({a.case_id for a in batch.announcements}))
                ).unique()
            }
        announced = []
        for item in batch.announcements:
            snapshot = cases[item.case_id]
            handle, owner = batch.notices[item.case_id]
            if self._announce_one(item, snapshot, handle, owner):
                announced.append(item.event_id)
        if announced:
            with session_scope(self.factory) as session:
                session.execute(
                    update(SlaEvent)
                    .where(SlaEvent.id.in_(announced))
                    .values(announced_at=self.clock())
                )
        return len(announced)

    def _announce_one(
        self, item: _Announcement, snapshot: CaseSnapshot, handle: str, owner: str | None
    ) -> bool:
        state = item.state
        actions = self.policy.actions_for(state.priority)
        assert state.due_at is not None
        notice = DeadlineNotice(
            label=state.kind.label,
            priority=state.priority.value,
            target=state.target,
            due_at=state.due_at,
            customer_handle=handle,
            owner=owner,
        )
        on_duty = self.policy.on_duty
        if item.kind == DUE_SOON:
            if not actions.remind:
                return False
            message = build_due_soon_reminder(notice, on_duty)
            return self.thread.post(snapshot, message, "a due-soon reminder") is not None
        if actions.on_miss == OnMiss.SUMMARY:
            return False
        escalate = actions.on_miss == OnMiss.ESCALATE
        message = build_miss_message(notice, on_duty, escalate=escalate)
        posted = self.thread.post(snapshot, message, "a missed target") is not None
        if escalate and self.policy.leads:
            url = self.thread.permalink(snapshot.thread)
            for lead in self.policy.leads:
                posted = (
                    self.thread.dm(lead, lambda: build_miss_dm(notice, url), "a missed target")
                    or posted
                )
        return posted


def _record_once(
    session: Session, case_id: int, state: TargetState, kind: str, now: datetime
) -> int | None:
    """Insert the announcement's row (and its audit event); None when it exists already."""
    assert state.due_at is not None
    # Other cases' pending changes go first: a savepoint rolled back must not take them.
    session.flush()
    try:
        with session.begin_nested():
            event = SlaEvent(
                case_id=case_id,
                target=state.kind.value,
                occurrence=state.occurrence,
                kind=kind,
                priority=state.priority.value,
                due_at=state.due_at,
                created_at=now,
            )
            session.add(event)
            session.flush()
            action = AuditAction.SLA_DUE_SOON if kind == DUE_SOON else AuditAction.SLA_MISSED
            lifecycle.record(
                session,
                case_id,
                lifecycle.BOT,
                action,
                target=state.kind.value,
                occurrence=state.occurrence,
                due=state.due_at.isoformat(),
            )
            session.flush()
    except IntegrityError:
        return None
    return event.id


def due_announcements(clock: Clock, now: datetime) -> list[tuple[TargetState, str]]:
    """What is owed an announcement now: running targets past their reminder point (only
    the miss once past the deadline). Answered or closed targets are owed nothing."""
    owed = []
    for state in clock.states:
        if state.ended_at is not None or state.due_at is None:
            continue
        if state.status.value == MISSED:
            owed.append((state, MISSED))
        elif state.due_soon(now):
            owed.append((state, DUE_SOON))
    return owed


def clock_response(clock: Clock) -> TargetState | None:
    """The response target (first or next) that runs or waits now, if any."""
    candidates = [
        s
        for s in clock.states
        if s.kind in (TargetKind.FIRST_RESPONSE, TargetKind.NEXT_RESPONSE) and s.running
    ]
    return candidates[-1] if candidates else None


def _phase(state: TargetState, now: datetime) -> str:
    if state.status.value == "paused":
        return "paused"
    if state.status.value == MISSED:
        return "overdue"
    return "due_soon" if state.due_soon(now) else "normal"


def sla_state(clock: Clock, now: datetime) -> dict[str, Any]:
    """What the card shows of the clock, stored on the case."""
    state: dict[str, Any] = {}
    response = clock_response(clock)
    if response is not None:
        state["response"] = {
            "label": response.kind.label,
            "due": response.due_at.isoformat() if response.due_at else None,
            "phase": _phase(response, now),
        }
    resolution = clock.current(TargetKind.RESOLUTION)
    if resolution is not None and resolution.running:
        state["resolution"] = {
            "label": resolution.kind.label,
            "due": resolution.due_at.isoformat() if resolution.due_at else None,
            "phase": _phase(resolution, now),
        }
    return state


def load_timelines(session: Session, case_ids: Iterable[int]) -> dict[int, list[CaseEvent]]:
    """Each case's events in the order they happened (our clock: when a post was fetched,
    when a reply or close was recorded); a post's own time starts its targets."""
    ids = list(case_ids)
    keyed: dict[int, list[tuple[datetime, int, CaseEvent]]] = {i: [] for i in ids}
    posts = session.execute(
        select(Post.case_id, Post.created_at, Post.fetched_at, Post.priority, Post.triage)
        .where(Post.case_id.in_(ids))
        .order_by(Post.created_at, Post.id)
    )
    for case_id, created_at, fetched_at, priority, triage in posts:
        intent = triage.get("intent") if isinstance(triage, dict) else None
        event = CustomerPost(created_at, Priority.parse(priority), intent)
        keyed[case_id].append((max(fetched_at or created_at, created_at), 0, event))
    audits = session.execute(
        select(AuditEvent.case_id, AuditEvent.action, AuditEvent.created_at, AuditEvent.details)
        .where(
            AuditEvent.case_id.in_(ids),
            AuditEvent.action.in_([AuditAction.POST, AuditAction.CLOSE]),
        )
        .order_by(AuditEvent.id)
    )
    for case_id, action, created_at, details in audits:
        theirs: CaseEvent
        if action == AuditAction.POST:
            asked = bool((details or {}).get("asks_customer"))
            theirs = OurReply(created_at, asks_customer=asked)
        else:
            theirs = Closed(created_at)
        keyed[case_id].append((created_at, 1, theirs))
    return {
        case_id: [event for _, _, event in sorted(items, key=lambda item: (item[0], item[1]))]
        for case_id, items in keyed.items()
    }
