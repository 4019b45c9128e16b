"""Scheduled reports, delivered exactly once: the daily summary and the weekly report.

Every minute each process asks "which report was due last, and is it still recent?"; the
one that claims it first — by inserting its `report_delivery` row, unique per kind and due
time — posts it. So several processes never post a report twice (the database's unique
constraint decides, not a lock), and a process that was down at 09:00 still posts the
daily summary when it is back (within CATCH_UP). A refused post (Slack said no) gives the
claim back, so the next check tries again, up to MAX_ATTEMPTS; a process that died while
posting leaves its claim without an outcome, and that report is not posted again
(at most once beats twice: a duplicate report in a channel is noise everyone sees).
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.metrics.settings import MetricsSettings
from bot.reports.charts_delivery import post_report
from bot.services import Services
from storage.db import session_scope
from storage.models import ReportDelivery, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


class ReportKind(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"

    @property
    def heading(self) -> str:
        return "Daily summary" if self is ReportKind.DAILY else "Weekly report"

    @property
    def period_key(self) -> str:
        """The period `bot.reports.service.period` reports, as of the due time."""
        return "yesterday" if self is ReportKind.DAILY else "lastweek"


# How late a report still goes out (a restart after 09:00 still posts the 09:00 summary);
# after that the next one is nearer than the missed one is useful.
CATCH_UP = {ReportKind.DAILY: timedelta(hours=12), ReportKind.WEEKLY: timedelta(hours=24)}


def last_due(kind: ReportKind, settings: MetricsSettings, now: datetime) -> datetime | None:
    """When `kind` was last due at or before `now` (in UTC), None when it is turned off."""
    at: time | None = settings.daily_summary_at
    if at is None or (kind is ReportKind.WEEKLY and settings.weekly_report_day is None):
        return None
    zone = ZoneInfo(settings.report_timezone)
    local = now.astimezone(zone)
    day = local.date()
    if kind is ReportKind.WEEKLY:
        assert settings.weekly_report_day is not None
        day -= timedelta(days=(day.weekday() - settings.weekly_report_day) % 7)
    step = timedelta(days=1 if kind is ReportKind.DAILY else 7)
    due = datetime.combine(day, at, tzinfo=zone)
    if due > local:
        due = datetime.combine(day - step, at, tzinfo=zone)
    return due.astimezone(now.tzinfo)


@dataclass(frozen=True)
class Delivered:
    kind: ReportKind
    due_at: datetime
    slack_ts: str


def _claimant() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(services: Services, kind: ReportKind, due: datetime, now: datetime) -> bool:
    """Become the one process posting `kind` of `due`; False when another did (or does),
    or when it was tried MAX_ATTEMPTS times."""
    try:
        with session_scope(services.factory) as session:
            session.add(
                ReportDelivery(
                    kind=kind, due_at=due, claimed_at=now, claimed_by=_claimant(), attempts=1
                )
            )
    except IntegrityError:
        # Already claimed: take it over only when its claim was given back after a refusal.
        with session_scope(services.factory) as session:
            taken = session.execute(
                update(ReportDelivery)
                .where(
                    ReportDelivery.kind == kind,
                    ReportDelivery.due_at == due,
                    ReportDelivery.claimed_at.is_(None),
                    ReportDelivery.posted_at.is_(None),
                    ReportDelivery.attempts < MAX_ATTEMPTS,
                )
                .values(
                    claimed_at=now,
                    claimed_by=_claimant(),
                    attempts=ReportDelivery.attempts + 1,
                )
            )
            return bool(getattr(taken, "rowcount", 0))
    return True


def _settle(
    services: Services, kind: ReportKind, due: datetime, ts: str | None, channel: str
) -> None:
    with session_scope(services.factory) as session:
        row = session.scalars(
            select(ReportDelivery).where(ReportDelivery.kind == kind, ReportDelivery.due_at == due)
        ).one()
        if ts is None:
            row.claimed_at = None
            row.last_error = "Slack refused the report (see the log); tried again next minute"
        else:
            row.posted_at = utcnow()
            row.slack_channel = channel
            row.slack_ts = ts
            row.last_error = None


def deliver_due_report(
    services: Services, kind: ReportKind, now: datetime | None = None
) -> Delivered | None:
    """Post `kind`'s last due report if it is recent and nobody claimed it yet."""
    now = now or utcnow()
    settings = services.settings.metrics
    due = last_due(kind, settings, now)
    if due is None or now - due > CATCH_UP[kind]:
        return None
    if not claim(services, kind, due, now):
        return None
    channel = settings.channel(services.settings.slack_channel_id)
    ts = post_report(services, kind.period_key, kind.heading, now=due)
    _settle(services, kind, due, ts, channel)
    if ts is None:
        log.warning("The %s due %s was not posted; trying again at the next check", kind, due)
        return None
    log.info("Posted the %s due %s", kind.heading.lower(), due)
    return Delivered(kind, due, ts)
