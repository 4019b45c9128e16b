"""The values App Home, `/carethread` and the reports show, made from the models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.metrics.cost import CostEstimate
from bot.metrics.definitions import PeriodStats, Responsiveness
from bot.metrics.queries import QueueNow, Report
from bot.metrics.targets import TargetMisses
from bot.networks.registry import NetworkLook
from bot.slack.views import UNKNOWN_NETWORK, HistoryEntry, ThreadRef
from storage.enums import CaseStatus, Priority


@dataclass(frozen=True)
class CaseLine:
    """One case in a list: enough to decide what to open first, on a phone."""

    id: int
    priority: Priority
    status: CaseStatus
    handle: str
    # The first customer post, personal data masked.
    snippet: str
    created_at: datetime
    thread: ThreadRef
    owner: str | None = None
    respond_by: datetime | None = None
    network: NetworkLook = UNKNOWN_NETWORK


@dataclass(frozen=True)
class CaseList:
    lines: list[CaseLine]
    # How many more there are than shown.
    more: int = 0


@dataclass(frozen=True)
class TodayView:
    answered: int
    queue: QueueNow
    responsiveness: Responsiveness


@dataclass(frozen=True)
class HomeView:
    user: str
    is_agent: bool
    mine: CaseList
    queue: CaseList
    today: TodayView
    updated_at: datetime
    notice: str | None = None


@dataclass(frozen=True)
class Period:
    """A period people ask for: `today`, `7d` or `30d`."""

    key: str
    label: str
    start: datetime
    end: datetime
    # Days to chart (each a 24-hour day starting at its value); empty for `today`.
    days: list[datetime] = field(default_factory=list)


@dataclass(frozen=True)
class Chart:
    filename: str
    title: str
    alt_text: str
    png: bytes


@dataclass(frozen=True)
class StatsView:
    period: Period
    report: Report
    queue: QueueNow
    targets: dict[Priority, timedelta]
    costs: list[CostEstimate]
    # Misses per target from the SLA policy (None: not loaded).
    misses: TargetMisses | None = None
    # The time figures in the policy's business hours, when its targets use them.
    business: PeriodStats | None = None
    business_hours: str | None = None


@dataclass(frozen=True)
class CaseDetail:
    line: CaseLine
    customer_name: str
    followers: int
    posts: int
    first_response: timedelta | None
    history: list[HistoryEntry]
    escalated_to: str | None = None
    close_reason: str | None = None
