"""The scheduled work of reports and alerts, as jobs `bot.jobs.start_scheduler` runs.

Only the active worker runs them (`start_scheduler` gates every job with the worker
lease), so two processes on one database never send the same report or alert twice;
nothing here sleeps.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.jobs import ScheduledJob
from bot.reports.charts_delivery import post_report
from bot.reports.spikes import check_spikes
from bot.services import Services

DAILY_JOB_ID = "carethread.daily_summary"
WEEKLY_JOB_ID = "carethread.weekly_report"
SPIKE_JOB_ID = "carethread.spikes"
HOME_JOB_ID = "carethread.home_refresh"
HOME_REFRESH_SECONDS = 60


def make_daily_summary_job(services: Services) -> ScheduledJob | None:
    """Yesterday's figures with charts, at DAILY_SUMMARY_TIME in REPORT_TIMEZONE."""
    settings = services.settings.metrics
    at = settings.daily_summary_at
    if at is None:
        return None
    return ScheduledJob(
        id=DAILY_JOB_ID,
        name="Daily summary",
        run=lambda: post_report(services, "yesterday", "Daily summary"),
        when={
            "trigger": "cron",
            "hour": at.hour,
            "minute": at.minute,
            "timezone": ZoneInfo(settings.report_timezone),
        },
    )


def make_weekly_report_job(services: Services) -> ScheduledJob | None:
    """Last week's figures with charts, on WEEKLY_REPORT_DAY at DAILY_SUMMARY_TIME."""
    settings = services.settings.metrics
    if settings.weekly_report_day is None or settings.daily_summary_at is None:
        return None
    at = settings.daily_summary_at
    return ScheduledJob(
        id=WEEKLY_JOB_ID,
        name="Weekly report",
        run=lambda: post_report(services, "lastweek", "Weekly report"),
        when={
            "trigger": "cron",
            "day_of_week": settings.weekly_report_day,
            "hour": at.hour,
            "minute": at.minute,
            "timezone": ZoneInfo(settings.report_timezone),
        },
    )


def make_spike_job(services: Services) -> ScheduledJob:
    """Every SPIKE_CHECK_SECONDS: each brand's last hour against its usual."""
    return ScheduledJob(
        id=SPIKE_JOB_ID,
        name="Spike alerts",
        run=lambda: check_spikes(services),
        when={"trigger": "interval", "seconds": services.settings.metrics.spike_check_seconds},
    )


def make_home_refresh_job(services: Services) -> ScheduledJob:
    """Every minute: App Home of recent viewers whose content changed (throttled)."""
    return ScheduledJob(
        id=HOME_JOB_ID,
        name="Refresh App Home",
        run=lambda: services.home.refresh(services),
        when={"trigger": "interval", "seconds": HOME_REFRESH_SECONDS},
    )


def report_jobs(services: Services) -> list[ScheduledJob]:
    """Every job of reports and alerts that the settings turn on."""
    jobs = [
        make_daily_summary_job(services),
        make_weekly_report_job(services),
        make_spike_job(services),
        make_home_refresh_job(services),
    ]
    return [job for job in jobs if job is not None]
