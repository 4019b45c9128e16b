"""The scheduled work of reports and alerts, as jobs `bot.jobs.start_scheduler` runs.

Only the active worker runs them (`start_scheduler` gates every job with the worker
lease), so two processes on one database do not work on the same thing at once; a report's
delivery is also claimed by its own `report_delivery` row (bot.reports.delivery), so it
goes out once whatever runs the job. Nothing here sleeps.
"""

from __future__ import annotations

from bot.jobs import ScheduledJob
from bot.reports.delivery import ReportKind, deliver_due_report
from bot.reports.spikes import check_spikes
from bot.services import Services

DAILY_JOB_ID = "carethread.daily_summary"
WEEKLY_JOB_ID = "carethread.weekly_report"
SPIKE_JOB_ID = "carethread.spikes"
HOME_JOB_ID = "carethread.home_refresh"
HOME_REFRESH_SECONDS = 60


REPORT_CHECK_SECONDS = 60


def _report_job(services: Services, job_id: str, kind: ReportKind) -> ScheduledJob:
    return ScheduledJob(
        id=job_id,
        name=kind.heading,
        run=lambda: deliver_due_report(services, kind),
        when={"trigger": "interval", "seconds": REPORT_CHECK_SECONDS},
    )


def make_daily_summary_job(services: Services) -> ScheduledJob | None:
    """Yesterday's figures with charts, at DAILY_SUMMARY_TIME in REPORT_TIMEZONE: checked
    every minute, so a restart across that time still posts it (once: `report_delivery`)."""
    if services.settings.metrics.daily_summary_at is None:
        return None
    return _report_job(services, DAILY_JOB_ID, ReportKind.DAILY)


def make_weekly_report_job(services: Services) -> ScheduledJob | None:
    """Last week's figures with charts, on WEEKLY_REPORT_DAY at DAILY_SUMMARY_TIME."""
    settings = services.settings.metrics
    if settings.weekly_report_day is None or settings.daily_summary_at is None:
        return None
    return _report_job(services, WEEKLY_JOB_ID, ReportKind.WEEKLY)


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
