"""Targets in the figures: read from the service-level policy (bot.sla: first response,
next response and resolution per priority, overrides per network and intent, business
hours), and the misses per target, counted by the same clock the deadline watcher runs.

Pure: `bot.metrics.queries.load_target_misses` loads the case timelines.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.sla.clock import CaseEvent, TargetStatus, derive
from bot.sla.hours import BusinessHours
from bot.sla.policy import Policy, Target, TargetKind, TargetRules
from storage.enums import Priority


def response_targets(policy: Policy) -> dict[Priority, timedelta]:
    """First-response target per priority (the priority's own; overrides aside): the lines
    on the response-time chart."""
    targets = {}
    for priority in Priority:
        target = policy.targets.get(priority, TargetRules()).get(TargetKind.FIRST_RESPONSE)
        if target is not None:
            targets[priority] = target.duration
    return targets


def _all_targets(policy: Policy) -> list[Target]:
    rules = [*policy.targets.values(), *policy.by_network.values(), *policy.by_intent.values()]
    return [t for r in rules for t in r.targets.values() if t is not None]


def uses_business_hours(policy: Policy) -> bool:
    return any(t.hours is not None for t in _all_targets(policy))


def business_hours(policy: Policy) -> BusinessHours | None:
    """The team hours the times are shown in besides calendar time: those of the
    first-response targets (the most used, when priorities differ), else any target's."""
    firsts = [
        target.hours
        for rules in policy.targets.values()
        if (target := rules.get(TargetKind.FIRST_RESPONSE)) is not None and target.hours
    ]
    others = [t.hours for t in _all_targets(policy) if t.hours is not None]
    found = firsts or others
    if not found:
        return None
    counts = Counter(h.name for h in found)
    name = counts.most_common(1)[0][0]
    return next(h for h in found if h.name == name)


def calendar_policy(policy: Policy) -> Policy:
    """The same targets counted in calendar time (every hour counts)."""

    def calendar(rules: TargetRules) -> TargetRules:
        return TargetRules(
            {
                kind: None if t is None else dataclasses.replace(t, hours=None)
                for kind, t in rules.targets.items()
            }
        )

    return dataclasses.replace(
        policy,
        targets={p: calendar(r) for p, r in policy.targets.items()},
        by_network={k: calendar(r) for k, r in policy.by_network.items()},
        by_intent={k: calendar(r) for k, r in policy.by_intent.items()},
    )


@dataclass(frozen=True)
class TargetCount:
    """Of the target occurrences (of one kind and priority) that started in a period, how
    many were missed: answered or resolved after the deadline, or still owed past it."""

    kind: TargetKind
    priority: Priority
    missed: int
    started: int


@dataclass(frozen=True)
class CaseTimeline:
    network: str
    # In the order they happened (bot.sla.watcher.load_timelines).
    events: Sequence[CaseEvent]


def count_misses(
    timelines: Mapping[int, CaseTimeline], policy: Policy, start: datetime, end: datetime
) -> list[TargetCount]:
    """Per target kind and priority, the occurrences started in [start, end) and the ones
    missed as of `end`, each by the deadline watcher's own clock (`bot.sla.clock.derive`:
    overrides, business hours, pauses while we wait on the customer). Only targets that
    exist appear."""
    started: Counter[tuple[TargetKind, Priority]] = Counter()
    missed: Counter[tuple[TargetKind, Priority]] = Counter()
    for timeline in timelines.values():
        events = [e for e in timeline.events if e.at < end]
        if not events:
            continue
        for state in derive(events, policy, timeline.network, end).states:
            if not start <= state.started_at < end or state.status == TargetStatus.PAUSED:
                continue
            key = (state.kind, state.priority)
            started[key] += 1
            if state.status == TargetStatus.MISSED:
                missed[key] += 1
    order = list(TargetKind)
    return [
        TargetCount(kind, priority, missed[(kind, priority)], count)
        for (kind, priority), count in sorted(
            started.items(), key=lambda item: (order.index(item[0][0]), item[0][1].rank)
        )
    ]


@dataclass(frozen=True)
class TargetMisses:
    """Misses per target by the policy's clocks; `calendar` the same targets counted in
    calendar time, when some target uses business hours (None otherwise)."""

    counts: list[TargetCount]
    calendar: list[TargetCount] | None = None
    # The team whose hours the business-hours figures use.
    hours: str | None = None
