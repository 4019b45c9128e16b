"""Figures with their charts, delivered: `/carethread stats` to the person who asked, the
daily summary and the weekly report to the report channel."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject

from bot.i18n import _, in_workspace_language
from bot.reports.service import load_stats, make_charts, period, upload_charts
from bot.services import Services
from bot.slack.builders.common import Message, blocks_as_dicts
from bot.slack.builders.reports import build_stats
from bot.slack.failures import SLACK_FAILURES, best_effort, slack_error
from storage.models import utcnow

log = logging.getLogger(__name__)


def send_stats(
    services: Services, user: str, argument: str, now: datetime | None = None
) -> Message:
    """The figures of `argument`'s period for `user`, with charts.

    A file cannot be shown only to one person in a channel, so the charts are shared in the
    user's direct conversation with Carethread (which also keeps them on their phone) and
    the private answer shows them from there.
    """
    chosen = period(
        argument.split()[0] if argument else "today",
        now or utcnow(),
        services.settings.metrics.report_timezone,
    )
    stats = load_stats(services, chosen)
    charts = make_charts(stats)
    images: list[tuple[str, str]] = []
    note = ""
    try:
        channel = str(services.slack.conversations_open(users=user)["channel"]["id"])
        ids = upload_charts(
            services.slack,
            charts,
            channel=channel,
            comment=_("Carethread charts · {period}").format(period=chosen.label),
        )
        images = list(zip(ids, (c.alt_text for c in charts), strict=False))
        note = _("The charts are also in your direct messages with Carethread.")
    except SLACK_FAILURES as exc:
        log.warning("Could not upload the stats charts for %s (%s)", user, slack_error(exc))
        note = _("The charts could not be uploaded this time; the figures are above.")
    text, blocks = build_stats(stats, images)
    blocks.append(ContextBlock(block_id="charts_note", elements=[MarkdownTextObject(text=note)]))
    return text, blocks


def post_report(
    services: Services, key: str, title: str, now: datetime | None = None
) -> str | None:
    """Post a report of period `key` to the report channel, its charts in the thread;
    returns the message's ts (None when Slack refused; logged)."""
    with in_workspace_language():
        return _post_report(services, key, title, now)


def _post_report(services: Services, key: str, title: str, now: datetime | None) -> str | None:
    settings = services.settings
    channel = settings.metrics.channel(settings.slack_channel_id)
    chosen = period(key, now or utcnow(), settings.metrics.report_timezone)
    stats = load_stats(services, chosen)
    text, blocks = build_stats(stats, title=_(title))
    with best_effort(f"post the {title}"):
        response = services.slack.chat_postMessage(
            channel=channel, text=text, blocks=blocks_as_dicts(blocks), unfurl_links=False
        )
        ts = str(response["ts"])
        with best_effort(f"upload the charts of the {title}"):
            upload_charts(
                services.slack,
                make_charts(stats),
                channel=channel,
                thread_ts=ts,
                comment=_("Charts · {period}").format(period=chosen.label),
            )
        return ts
    return None
