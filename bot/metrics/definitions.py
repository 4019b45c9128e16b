"""Every metric, defined once, as pure functions over plain records (docs/metrics.md).

Nothing here reads the database or the clock: `bot.metrics.queries` loads the records and
passes `now`. Each definition is documented with a worked example in docs/metrics.md, and
tests/unit/metrics/test_definitions.py checks those examples figure by figure.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from storage.enums import CaseStatus, Priority

# Facebook's "very responsive" rules (service-levels notes, 1.1).
SILENCE = timedelta(hours=24)
RATE_WINDOW = timedelta(days=30)
MIN_MESSAGES = 10
BADGE_WINDOW = timedelta(days=7)
BADGE_RATE = 0.90
BADGE_TIME = timedelta(minutes=15)
# The shares a lead reads: answered within an hour, within a day.
WITHIN = (timedelta(hours=1), timedelta(days=1))

# (start, end) → how much of it counts: calendar time by default; a business-hours clock
# (the SLA policy's) plugs in here.
Elapsed = Callable[[datetime, datetime], timedelta]


def calendar(start: datetime, end: datetime) -> timedelta:
    return end - start


# -- the records the definitions read ---------------------------------------------------
@dataclass(frozen=True)
class Message:
    """One message between a customer and the brand, on any network."""

    customer: int
    at: datetime
    from_brand: bool


@dataclass(frozen=True)
class CaseRecord:
    id: int
    customer: int
    network: str
    priority: Priority
    status: CaseStatus
    created_at: datetime
    closed_at: datetime | None = None
    owner: str | None = None


@dataclass(frozen=True)
class CustomerPost:
    case_id: int
    customer: int
    at: datetime
    network: str
    language: str = "und"
    intent: str = "other"
    sentiment: str = "neutral"
    priority: Priority = Priority.P3


@dataclass(frozen=True)
class Reply:
    """A reply that reached the network (a posted draft: every one was approved by a person)."""

    case_id: int
    at: datetime
    author: str


@dataclass(frozen=True)
class Claim:
    """Someone took a case (claim or take over)."""

    case_id: int
    at: datetime
    actor: str


# -- Facebook-style responsiveness ------------------------------------------------------
@dataclass(frozen=True)
class CountedMessage:
    """A customer message that opens a conversation as Facebook counts them: the first one
    after 24 hours in which neither side wrote."""

    customer: int
    at: datetime
    answered_at: datetime | None

    @property
    def response_time(self) -> timedelta | None:
        return None if self.answered_at is None else self.answered_at - self.at


def messages_of(
    posts: Iterable[CustomerPost], replies: Iterable[Reply], cases: Iterable[CaseRecord]
) -> list[Message]:
    """Customer posts and our replies as one list of messages per customer."""
    customer_of = {case.id: case.customer for case in cases}
    messages = [Message(post.customer, post.at, from_brand=False) for post in posts]
    messages += [
        Message(customer_of[reply.case_id], reply.at, from_brand=True)
        for reply in replies
        if reply.case_id in customer_of
    ]
    return messages


def counted_messages(messages: Iterable[Message]) -> list[CountedMessage]:
    """The messages Facebook counts, each with the brand's first reply after it (if any).

    Per customer, in time order (a customer message before a brand message at the same
    instant): a customer message counts when nothing was written by either side in the 24
    hours before it. Its answer is the brand's next message to that customer; two counted
    messages left unanswered share the reply that finally comes.
    """
    by_customer: dict[int, list[Message]] = defaultdict(list)
    for message in messages:
        by_customer[message.customer].append(message)
    counted: list[CountedMessage] = []
    for customer, timeline in by_customer.items():
        timeline.sort(key=lambda m: (m.at, m.from_brand))
        previous: datetime | None = None
        waiting: list[datetime] = []
        for message in timeline:
            if message.from_brand:
                counted += [CountedMessage(customer, at, message.at) for at in waiting]
                waiting = []
            elif previous is None or message.at - previous >= SILENCE:
                waiting.append(message.at)
            previous = message.at
        counted += [CountedMessage(customer, at, None) for at in waiting]
    counted.sort(key=lambda c: (c.at, c.customer))
    return counted


@dataclass(frozen=True)
class Responsiveness:
    """Response rate and time over the counted messages of a window."""

    start: datetime
    end: datetime
    messages: int
    answered: int
    # Mean of the fastest 90 % of the response times (None when nothing was answered).
    response_time: timedelta | None

    @property
    def rate(self) -> float | None:
        return self.answered / self.messages if self.messages else None


def fastest_ninety_mean(times: Sequence[timedelta]) -> timedelta | None:
    """The mean of the fastest 90 % of `times`: the slowest tenth (rounded down) is left out,
    so 10 times keep 9, 19 keep 18, 5 keep all 5."""
    if not times:
        return None
    kept = sorted(times)[: len(times) - len(times) // 10]
    return sum(kept, timedelta()) / len(kept)


def responsiveness(
    counted: Sequence[CountedMessage],
    *,
    start: datetime,
    end: datetime,
    min_messages: int = 0,
) -> Responsiveness:
    """Rate and time over the counted messages received in [start, end); answers are those
    given by the end of the data. With `min_messages`, a window holding fewer counted
    messages is widened to the last `min_messages` before `end` (Facebook's rule: "if
    fewer than 10 in 30 days, the last 10")."""
    inside = [c for c in counted if start <= c.at < end]
    if len(inside) < min_messages:
        before = [c for c in counted if c.at < end]
        inside = before[-min_messages:]
        start = min((c.at for c in inside), default=start)
    times = [c.response_time for c in inside if c.response_time is not None]
    return Responsiveness(
        start=start,
        end=end,
        messages=len(inside),
        answered=len(times),
        response_time=fastest_ninety_mean(times),
    )


@dataclass(frozen=True)
class FacebookResponsiveness:
    """The 30-day figures and the 7-day badge check, as Facebook shows them to a Page."""

    thirty_days: Responsiveness
    seven_days: Responsiveness

    @property
    def earns_badge(self) -> bool | None:
        """≥ 90 % and ≤ 15 min over the last 7 days; None when nobody wrote in them."""
        week = self.seven_days
        if not week.messages or week.rate is None:
            return None
        return (
            week.rate >= BADGE_RATE
            and week.response_time is not None
            and week.response_time <= BADGE_TIME
        )


def facebook_responsiveness(
    counted: Sequence[CountedMessage], now: datetime
) -> FacebookResponsiveness:
    return FacebookResponsiveness(
        thirty_days=responsiveness(
            counted, start=now - RATE_WINDOW, end=now, min_messages=MIN_MESSAGES
        ),
        seven_days=responsiveness(counted, start=now - BADGE_WINDOW, end=now),
    )


# -- times to respond and to resolve ------------------------------------------------------
class ResponseKind(StrEnum):
    FIRST = "first"  # case opened → our first reply
    NEXT = "next"  # the customer wrote again after our reply → our next reply


@dataclass(frozen=True)
class ResponseSample:
    case_id: int
    kind: ResponseKind
    priority: Priority
    # When the customer started waiting (the case's opening, or their oldest unanswered
    # message after our last reply) and when our reply ended the wait.
    waited_from: datetime
    answered_at: datetime
    author: str
    took: timedelta


def response_samples(
    cases: Iterable[CaseRecord],
    posts: Iterable[CustomerPost],
    replies: Iterable[Reply],
    elapsed: Elapsed = calendar,
) -> list[ResponseSample]:
    """Every wait a reply ended: the first response of each case (from its opening), and
    each next response (from the oldest customer message after our previous reply)."""
    posts_of: dict[int, list[datetime]] = defaultdict(list)
    for post in posts:
        posts_of[post.case_id].append(post.at)
    replies_of: dict[int, list[Reply]] = defaultdict(list)
    for reply in replies:
        replies_of[reply.case_id].append(reply)
    samples: list[ResponseSample] = []
    for case in cases:
        answers = sorted(replies_of.get(case.id, ()), key=lambda r: r.at)
        if not answers:
            continue
        first = answers[0]
        samples.append(_sample(case, ResponseKind.FIRST, case.created_at, first, elapsed))
        later_posts = sorted(posts_of.get(case.id, ()))
        previous = first.at
        for answer in answers[1:]:
            waiting = [at for at in later_posts if previous < at <= answer.at]
            if waiting:
                samples.append(_sample(case, ResponseKind.NEXT, waiting[0], answer, elapsed))
            previous = answer.at
    return samples


def _sample(
    case: CaseRecord, kind: ResponseKind, since: datetime, reply: Reply, elapsed: Elapsed
) -> ResponseSample:
    return ResponseSample(
        case_id=case.id,
        kind=kind,
        priority=case.priority,
        waited_from=since,
        answered_at=reply.at,
        author=reply.author,
        took=max(elapsed(since, reply.at), timedelta()),
    )


def percentile(values: Sequence[timedelta], fraction: float) -> timedelta | None:
    """Linear interpolation between the closest ranks (PostgreSQL's percentile_cont): the
    median of 1, 2, 3, 10 min is 2.5 min and its 90th percentile 7.9 min."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Distribution:
    count: int
    median: timedelta | None
    p90: timedelta | None

    @classmethod
    def of(cls, values: Sequence[timedelta]) -> Distribution:
        return cls(len(values), percentile(values, 0.5), percentile(values, 0.9))


@dataclass(frozen=True)
class Share:
    """How many of the cases whose outcome is known were answered within a limit."""

    within: timedelta
    answered: int
    known: int

    @property
    def fraction(self) -> float | None:
        return self.answered / self.known if self.known else None


def first_response_shares(
    cases: Sequence[CaseRecord],
    firsts: Mapping[int, timedelta],
    now: datetime,
    limits: Sequence[timedelta] = WITHIN,
    elapsed: Elapsed = calendar,
) -> list[Share]:
    """Of the cases opened, the share answered within each limit. A case still unanswered
    counts once it is older than the limit (until then nobody knows)."""
    shares = []
    for limit in limits:
        answered = sum(1 for case in cases if case.id in firsts and firsts[case.id] <= limit)
        known = sum(
            1 for case in cases if case.id in firsts or elapsed(case.created_at, now) > limit
        )
        shares.append(Share(limit, answered, known))
    return shares


def target_misses(
    cases: Sequence[CaseRecord],
    firsts: Mapping[int, timedelta],
    targets: Mapping[Priority, timedelta],
    now: datetime,
    elapsed: Elapsed = calendar,
) -> dict[Priority, int]:
    """Per priority, the cases whose first response came after its target, or that are
    still unanswered past it."""
    misses: Counter[Priority] = Counter()
    for case in cases:
        target = targets.get(case.priority)
        if target is None:
            continue
        took = firsts.get(case.id)
        if (took is not None and took > target) or (
            took is None
            and case.status != CaseStatus.CLOSED
            and elapsed(case.created_at, now) > target
        ):
            misses[case.priority] += 1
    return {priority: misses[priority] for priority in targets}


# -- volume and people ------------------------------------------------------------------------
@dataclass(frozen=True)
class Volume:
    posts: int
    by_network: dict[str, int]
    by_language: dict[str, int]
    by_intent: dict[str, int]
    by_sentiment: dict[str, int]
    by_priority: dict[str, int]
    negative: int


def volume(posts: Iterable[CustomerPost]) -> Volume:
    """Customer posts received, counted by each triage dimension (most frequent first)."""
    items = list(posts)

    def count(key: Callable[[CustomerPost], str]) -> dict[str, int]:
        return dict(Counter(key(p) for p in items).most_common())

    return Volume(
        posts=len(items),
        by_network=count(lambda p: p.network),
        by_language=count(lambda p: p.language),
        by_intent=count(lambda p: p.intent),
        by_sentiment=count(lambda p: p.sentiment),
        by_priority=dict(sorted(Counter(str(p.priority) for p in items).items())),
        negative=sum(1 for p in items if p.sentiment == "negative"),
    )


@dataclass(frozen=True)
class AgentFigures:
    agent: str
    claimed: int
    replied: int
    # Median of the waits (first and next) this agent's replies ended.
    median_response: timedelta | None


def per_agent(
    claims: Iterable[Claim], replies: Iterable[Reply], samples: Iterable[ResponseSample]
) -> list[AgentFigures]:
    """Claimed (claims and take-overs), replied (replies sent) and median response time per
    agent; busiest first."""
    waits: dict[str, list[timedelta]] = defaultdict(list)
    for sample in samples:
        waits[sample.author].append(sample.took)
    return agent_rows(
        Counter(c.actor for c in claims),
        Counter(r.author for r in replies),
        {agent: percentile(times, 0.5) for agent, times in waits.items()},
    )


def agent_rows(
    claimed: Mapping[str, int],
    replied: Mapping[str, int],
    medians: Mapping[str, timedelta | None],
) -> list[AgentFigures]:
    """The per-agent table from its three counts (`bot.metrics.aggregates` computes them in
    the database): everyone who claimed or replied, busiest first."""
    rows = [
        AgentFigures(
            agent=agent,
            claimed=claimed.get(agent, 0),
            replied=replied.get(agent, 0),
            median_response=medians.get(agent),
        )
        for agent in set(claimed) | set(replied)
    ]
    return sorted(rows, key=lambda r: (-r.replied, -r.claimed, r.agent))


# -- a period, all together ---------------------------------------------------------------------
@dataclass(frozen=True)
class Activity:
    """What happened around a period: the cases touched, all their customer posts and
    replies, and the claims made in it."""

    cases: list[CaseRecord]
    posts: list[CustomerPost]
    replies: list[Reply]
    claims: list[Claim] = field(default_factory=list)


@dataclass(frozen=True)
class PeriodStats:
    start: datetime
    end: datetime
    opened: int
    first_response: Distribution
    next_response: Distribution
    resolution: Distribution
    shares: list[Share]
    misses: dict[Priority, int]
    volume: Volume
    agents: list[AgentFigures]
    # Every first-response time of cases opened in the period (for the distribution chart).
    first_response_times: list[timedelta]


def period_stats(
    activity: Activity,
    *,
    start: datetime,
    end: datetime,
    targets: Mapping[Priority, timedelta],
    elapsed: Elapsed = calendar,
) -> PeriodStats:
    """Every period figure: cases opened in [start, end) for first responses, shares and
    misses; waits that started in it for next responses; cases closed in it for resolution;
    posts received in it for volume; replies and claims made in it per agent."""

    def inside(at: datetime) -> bool:
        return start <= at < end

    samples = response_samples(activity.cases, activity.posts, activity.replies, elapsed)
    opened = [c for c in activity.cases if inside(c.created_at)]
    opened_ids = {c.id for c in opened}
    firsts = {
        s.case_id: s.took
        for s in samples
        if s.kind == ResponseKind.FIRST and s.case_id in opened_ids and s.answered_at < end
    }
    nexts = [s.took for s in samples if s.kind == ResponseKind.NEXT and inside(s.waited_from)]
    resolved = [
        elapsed(c.created_at, c.closed_at)
        for c in activity.cases
        if c.closed_at is not None and inside(c.closed_at)
    ]
    replies = [r for r in activity.replies if inside(r.at)]
    return PeriodStats(
        start=start,
        end=end,
        opened=len(opened),
        first_response=Distribution.of(list(firsts.values())),
        next_response=Distribution.of(nexts),
        resolution=Distribution.of(resolved),
        shares=first_response_shares(opened, firsts, end, elapsed=elapsed),
        misses=target_misses(opened, firsts, targets, end, elapsed),
        volume=volume(p for p in activity.posts if inside(p.at)),
        agents=per_agent(
            (c for c in activity.claims if inside(c.at)),
            replies,
            (s for s in samples if inside(s.answered_at)),
        ),
        first_response_times=sorted(firsts.values()),
    )


@dataclass(frozen=True)
class DailyPoint:
    day: datetime
    posts_by_intent: dict[str, int]
    # Share of that day's counted messages answered (None when nobody wrote).
    response_rate: float | None


def daily_series(
    activity: Activity, counted: Sequence[CountedMessage], days: Sequence[datetime]
) -> list[DailyPoint]:
    """Per day (each `days` entry starts a 24-hour day): posts by intent and response rate."""
    points = []
    for day in days:
        end = day + timedelta(days=1)
        posts = [p for p in activity.posts if day <= p.at < end]
        rate = responsiveness(counted, start=day, end=end).rate
        points.append(DailyPoint(day, dict(Counter(p.intent for p in posts)), rate))
    return points
