"""Where each target of a case stands: one pure function of the case's events, the policy
and the clock.

The events, in the order they happened:
- a customer post (written at `at`; the first one, or one after a close, opens an episode);
- our reply reaching the network (`asks_customer`: it asked the customer something);
- the case being closed.

The targets, per episode (the case's opening, then each reopening):
- first response: from the episode's first customer post to our first reply;
- next response: from a customer post after our reply to our next reply. While we wait on
  the customer (our reply asked something) it is *paused*; their answer restarts it;
- resolution: from the episode's first post to the close, not counting time spent waiting
  on the customer (as Zendesk's requester wait time).

Each message that waits for an answer carries its own priority's target (a later, more
urgent message can bring the deadline forward), so a response target's deadline is the
earliest of its waiting messages' deadlines. Closing the case ends every target: before
its deadline that counts as hit (nothing was owed any more). States: active (running;
`due_soon` from the reminder point), paused, hit, missed (a running target past its
deadline is missed; `ended_at` None means it still waits).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.sla.hours import BusinessHours, add_time, time_between
from bot.sla.policy import Policy, Target, TargetKind
from storage.enums import Priority


class TargetStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    HIT = "hit"
    MISSED = "missed"


@dataclass(frozen=True)
class CustomerPost:
    at: datetime
    priority: Priority
    intent: str | None = None


@dataclass(frozen=True)
class OurReply:
    at: datetime
    asks_customer: bool = False


@dataclass(frozen=True)
class Closed:
    at: datetime


CaseEvent = CustomerPost | OurReply | Closed


@dataclass(frozen=True)
class TargetState:
    kind: TargetKind
    # first response and resolution: the episode (0 = opening, 1 = first reopening…);
    # next response: counts up over the case's life.
    occurrence: int
    status: TargetStatus
    priority: Priority
    target: timedelta
    started_at: datetime
    # None while paused.
    due_at: datetime | None = None
    due_soon_at: datetime | None = None
    # When our reply or the close ended it; None while it still runs or waits.
    ended_at: datetime | None = None

    @property
    def running(self) -> bool:
        """Still owed: not answered, not closed (possibly past its deadline)."""
        return self.ended_at is None and self.status != TargetStatus.HIT

    def due_soon(self, now: datetime) -> bool:
        return (
            self.status == TargetStatus.ACTIVE
            and self.due_soon_at is not None
            and now >= self.due_soon_at
        )


@dataclass(frozen=True)
class Clock:
    """Every target occurrence of a case so far, oldest first."""

    states: tuple[TargetState, ...]
    waiting_on_customer: bool = False
    next_change_at: datetime | None = None

    def current(self, kind: TargetKind) -> TargetState | None:
        found = [s for s in self.states if s.kind == kind]
        return found[-1] if found else None

    def running(self) -> list[TargetState]:
        return [s for s in self.states if s.running]


@dataclass
class _Candidate:
    """One waiting message's own deadline."""

    started_at: datetime
    target: Target
    priority: Priority


@dataclass
class _Response:
    kind: TargetKind
    occurrence: int
    candidates: list[_Candidate] = field(default_factory=list)
    ended_at: datetime | None = None


@dataclass
class _Resolution:
    occurrence: int
    started_at: datetime
    target: Target
    priority: Priority
    consumed: timedelta = timedelta()
    running_since: datetime | None = None
    ended_at: datetime | None = None


def derive(events: Sequence[CaseEvent], policy: Policy, network: str, now: datetime) -> Clock:
    """The state of every target of a case from its events (in the order they happened)."""
    responses: list[_Response] = []
    resolutions: list[_Resolution] = []
    episode = -1
    next_count = 0
    is_open = False
    waiting = False
    current: _Response | None = None
    resolution: _Resolution | None = None

    def start_response(kind: TargetKind, occurrence: int, post: CustomerPost) -> _Response:
        target = policy.target(kind, post.priority, network, post.intent)
        response = _Response(kind, occurrence)
        if target is not None:
            response.candidates.append(_Candidate(post.at, target, post.priority))
        responses.append(response)
        return response

    for event in events:
        if isinstance(event, CustomerPost):
            if not is_open:
                episode += 1
                is_open, waiting = True, False
                current = start_response(TargetKind.FIRST_RESPONSE, episode, event)
                target = policy.target(TargetKind.RESOLUTION, event.priority, network, event.intent)
                resolution = None
                if target is not None:
                    resolution = _Resolution(
                        episode, event.at, target, event.priority, running_since=event.at
                    )
                    resolutions.append(resolution)
            elif current is not None and current.ended_at is None:
                kind = current.kind
                target = policy.target(kind, event.priority, network, event.intent)
                if target is not None:
                    current.candidates.append(_Candidate(event.at, target, event.priority))
            else:
                next_count += 1
                current = start_response(TargetKind.NEXT_RESPONSE, next_count, event)
                if waiting and resolution is not None and resolution.ended_at is None:
                    resolution.running_since = event.at
                waiting = False
        elif isinstance(event, OurReply):
            if not is_open:
                continue
            if current is not None and current.ended_at is None:
                current.ended_at = event.at
            if event.asks_customer and not waiting:
                waiting = True
                if resolution is not None and resolution.running_since is not None:
                    resolution.consumed += time_between(
                        resolution.target.hours, resolution.running_since, event.at
                    )
                    resolution.running_since = None
            elif not event.asks_customer and waiting:
                # A reply that asks nothing answers our own question: no longer waiting.
                waiting = False
                if resolution is not None and resolution.ended_at is None:
                    resolution.running_since = event.at
        elif isinstance(event, Closed):
            if not is_open:
                continue
            if current is not None and current.ended_at is None:
                current.ended_at = event.at
            if resolution is not None and resolution.ended_at is None:
                if resolution.running_since is not None:
                    resolution.consumed += time_between(
                        resolution.target.hours, resolution.running_since, event.at
                    )
                    resolution.running_since = None
                resolution.ended_at = event.at
            is_open, waiting = False, False

    states: list[TargetState] = []
    for response in responses:
        state = _response_state(response, policy, now)
        if state is not None:
            states.append(state)
    if waiting and is_open:
        # The next response is owed only once the customer answers.
        upcoming = policy.target(TargetKind.NEXT_RESPONSE, _case_priority(events), network, None)
        if upcoming is not None:
            states.append(
                TargetState(
                    kind=TargetKind.NEXT_RESPONSE,
                    occurrence=next_count + 1,
                    status=TargetStatus.PAUSED,
                    priority=_case_priority(events),
                    target=upcoming.duration,
                    started_at=_last_reply_at(events) or now,
                )
            )
    for item in resolutions:
        states.append(_resolution_state(item, policy, now))
    states.sort(key=lambda s: (s.started_at, list(TargetKind).index(s.kind)))
    return Clock(
        states=tuple(states),
        waiting_on_customer=waiting and is_open,
        next_change_at=_next_change(states, now),
    )


def _response_state(response: _Response, policy: Policy, now: datetime) -> TargetState | None:
    if not response.candidates:
        return None  # no target applies ("off" for this priority, network or intent)
    best: tuple[datetime, datetime, _Candidate] | None = None
    for candidate in response.candidates:
        target = candidate.target
        due = add_time(target.hours, candidate.started_at, target.duration)
        warning = policy.reminders.warning(target.duration)
        due_soon = add_time(target.hours, candidate.started_at, target.duration - warning)
        if best is None or due < best[0]:
            best = (due, due_soon, candidate)
    assert best is not None
    due, due_soon, chosen = best
    started = min(c.started_at for c in response.candidates)
    if response.ended_at is not None:
        status = TargetStatus.HIT if response.ended_at <= due else TargetStatus.MISSED
    else:
        status = TargetStatus.MISSED if now >= due else TargetStatus.ACTIVE
    return TargetState(
        kind=response.kind,
        occurrence=response.occurrence,
        status=status,
        priority=chosen.priority,
        target=chosen.target.duration,
        started_at=started,
        due_at=due,
        due_soon_at=due_soon,
        ended_at=response.ended_at,
    )


def _resolution_state(item: _Resolution, policy: Policy, now: datetime) -> TargetState:
    hours: BusinessHours | None = item.target.hours
    total = item.target.duration
    warning = policy.reminders.warning(total)
    consumed = item.consumed
    due = due_soon = None
    if item.running_since is not None:
        due = add_time(hours, item.running_since, max(total - consumed, timedelta()))
        due_soon = add_time(hours, item.running_since, max(total - warning - consumed, timedelta()))
    if item.ended_at is not None:
        status = TargetStatus.HIT if consumed <= total else TargetStatus.MISSED
    elif due is None:
        status = TargetStatus.MISSED if consumed >= total else TargetStatus.PAUSED
    else:
        status = TargetStatus.MISSED if now >= due else TargetStatus.ACTIVE
    return TargetState(
        kind=TargetKind.RESOLUTION,
        occurrence=item.occurrence,
        status=status,
        priority=item.priority,
        target=total,
        started_at=item.started_at,
        due_at=due,
        due_soon_at=due_soon,
        ended_at=item.ended_at,
    )


def _next_change(states: Sequence[TargetState], now: datetime) -> datetime | None:
    """The next instant a running target changes state (turns due soon, or is missed)."""
    upcoming = [
        moment
        for state in states
        if state.ended_at is None and state.status == TargetStatus.ACTIVE
        for moment in (state.due_soon_at, state.due_at)
        if moment is not None and moment > now
    ]
    return min(upcoming, default=None)


def _case_priority(events: Sequence[CaseEvent]) -> Priority:
    """The case is as urgent as its most urgent message."""
    posts = [e.priority for e in events if isinstance(e, CustomerPost)]
    return min(posts, default=Priority.P3, key=lambda p: p.rank)


def _last_reply_at(events: Sequence[CaseEvent]) -> datetime | None:
    replies = [e.at for e in events if isinstance(e, OurReply)]
    return replies[-1] if replies else None
