"""The channel's notice while a flood drains: how many low-priority mentions wait, and that
urgent ones go first; then that the backlog has cleared."""

from __future__ import annotations

from datetime import timedelta

from bot.i18n import _, ngettext
from bot.slack.builders.common import Message, plain


def _length(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    return f"{minutes} min" if minutes < 120 else f"{round(minutes / 60)} h"


def build_backlog_notice(low_priority: int, waiting: int, drain: timedelta) -> Message:
    """`low_priority` P3 posts (of `waiting` in all) are not in the channel yet; at Slack's
    pace the channel needs about `drain` to show them."""
    head = ngettext(
        ":hourglass_flowing_sand: *{count} low-priority mention waiting; urgent ones go first.*",
        ":hourglass_flowing_sand: *{count} low-priority mentions waiting; urgent ones go first.*",
        low_priority,
    ).format(count=low_priority)
    detail = _(
        "{waiting} posts in all are queued behind Slack's posting limit; "
        "about {wait} until every one is here."
    ).format(waiting=waiting, wait=_length(drain))
    return plain(f"{head}\n{detail}", block_id="backlog")


def build_backlog_cleared() -> Message:
    return plain(
        _(":white_check_mark: Backlog cleared: every waiting mention is in the channel."),
        block_id="backlog",
    )
