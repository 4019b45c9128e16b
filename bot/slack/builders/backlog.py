"""The channel's notice while a flood drains: how many low-priority mentions wait, and that
urgent ones go first; then that the backlog has cleared."""

from __future__ import annotations

from datetime import timedelta

from bot.slack.builders.common import Message, plain


def _length(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    return f"{minutes} min" if minutes < 120 else f"{round(minutes / 60)} h"


def build_backlog_notice(low_priority: int, waiting: int, drain: timedelta) -> Message:
    """`low_priority` P3 posts (of `waiting` in all) are not in the channel yet; at Slack's
    pace the channel needs about `drain` to show them."""
    noun = "mention" if low_priority == 1 else "mentions"
    head = (
        f":hourglass_flowing_sand: *{low_priority} low-priority {noun} waiting; "
        "urgent ones go first.*"
    )
    detail = (
        f"{waiting} posts in all are queued behind Slack's posting limit; "
        f"about {_length(drain)} until every one is here."
    )
    return plain(f"{head}\n{detail}", block_id="backlog")


def build_backlog_cleared() -> Message:
    return plain(
        ":white_check_mark: Backlog cleared: every waiting mention is in the channel.",
        block_id="backlog",
    )
