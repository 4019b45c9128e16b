"""Slack's side of sending a case to another team: the card in the new channel, then the
summary, the note left behind and the old card turned into a pointer.

The new card is the move itself: if Slack refuses it, the case stays where it was and the
person who asked is told why in plain words (`MoveRefused`). Everything after it runs
under `best_effort`, like every other message about a case.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.metadata import Metadata

from bot.i18n import N_, _, in_workspace_language
from bot.slack.builders.card import build_case_card, build_minimal_card
from bot.slack.builders.common import blocks_as_dicts
from bot.slack.builders.moves import build_moved_away, build_moved_card, build_moved_here
from bot.slack.case_thread import CaseThread
from bot.slack.failures import SLACK_FAILURES, best_effort, slack_error
from bot.slack.ids import MessageKind
from bot.slack.views import CaseSnapshot, MoveView, ThreadRef

# Refusals a person can fix, in their words: the target channel is not usable.
_REFUSALS = {
    "not_in_channel": N_(
        "Carethread is not a member of {channel}: invite it there (/invite @Carethread), then "
        "send the case again."
    ),
    "channel_not_found": N_(
        "Slack does not know the channel {channel}, or Carethread cannot see it: check its id "
        "in [routing.channels] of CARETHREAD_CONFIG."
    ),
    "is_archived": N_("{channel} is archived: unarchive it, or pick another team."),
}
CONTENT_ERRORS = {"invalid_blocks", "msg_too_long", "invalid_blocks_format"}
# Look this far before the move started for a card an unanswered call may have posted.
RECONCILE_MARGIN = timedelta(minutes=2)


class MoveRefused(Exception):
    """Slack did not take the card in the new channel; `reason` is for the history,
    `message` for the person who asked."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def post_moved_card(client: WebClient, move: MoveView, started_at: datetime) -> str:
    """Post the case's card in `move.to_channel`; returns its ts, or raises `MoveRefused`.

    If Slack's answer is lost, the card may still be there: it is looked up by the move's
    metadata before the move is given up, so a retry never leaves two cards.
    """
    channel = f"<#{move.to_channel}>"
    if move.first_post is None:
        raise MoveRefused("no post", _("This case has no post to show in another channel."))
    with in_workspace_language():
        text, blocks = build_case_card(move.case, move.first_post)
    try:
        return _post(client, move, started_at, text, blocks_as_dicts(blocks))
    except SlackApiError as exc:
        error = slack_error(exc)
        if error in CONTENT_ERRORS:
            with in_workspace_language():
                plain_text, plain_blocks = build_minimal_card(move.case, move.first_post)
            try:
                return _post(client, move, started_at, plain_text, blocks_as_dicts(plain_blocks))
            except SlackApiError as again:
                error = slack_error(again)
        template = _(
            _REFUSALS.get(
                error, N_("Slack refused the card in {channel} ({error}); the case stays here.")
            )
        )
        raise MoveRefused(error, template.format(channel=channel, error=error)) from exc
    except SLACK_FAILURES as exc:
        found = _find_moved_card(client, move, started_at)
        if found:
            return found
        raise MoveRefused(
            slack_error(exc),
            _(
                "Slack did not answer while the card went to {channel}; the case stays here. "
                "Try again in a moment."
            ).format(channel=channel),
        ) from exc


def announce_move(
    client: WebClient,
    thread: CaseThread,
    move: MoveView,
    moved: CaseSnapshot,
    old: ThreadRef,
) -> None:
    """After the move is recorded: the summary in the new thread, a link in the old one,
    and the old card pointing to the new one. Each step is best effort on its own."""
    new_card = thread.permalink(moved.thread)
    old_thread = thread.permalink(old)
    thread.post(moved, lambda: build_moved_here(move, old_thread), "the summary of a moved case")
    thread.post(
        dataclasses.replace(moved, thread=old),
        lambda: build_moved_away(move, new_card),
        "the link to a moved case",
    )
    with in_workspace_language():
        text, blocks = build_moved_card(move, new_card)
    with best_effort(f"point the old card of case {move.case.id} to its new channel"):
        client.chat_update(
            channel=old.channel or "", ts=old.ts or "", text=text, blocks=blocks_as_dicts(blocks)
        )


def withdraw_card(client: WebClient, channel: str, ts: str) -> None:
    """Delete a card posted for a move that lost its lease (another move won)."""
    with best_effort(f"delete a card left by an interrupted move in {channel}"):
        client.chat_delete(channel=channel, ts=ts)


def _post(
    client: WebClient,
    move: MoveView,
    started_at: datetime,
    text: str,
    blocks: list[dict[str, Any]],
) -> str:
    response = client.chat_postMessage(
        channel=move.to_channel,
        text=text,
        blocks=blocks,
        unfurl_links=False,
        unfurl_media=False,
        metadata=Metadata(event_type=MessageKind.MOVE, event_payload=_payload(move, started_at)),
    )
    return str(response["ts"])


def _payload(move: MoveView, started_at: datetime) -> dict[str, Any]:
    return {"case_id": move.case.id, "move": started_at.isoformat()}


def _find_moved_card(client: WebClient, move: MoveView, started_at: datetime) -> str | None:
    try:
        response = client.conversations_history(
            channel=move.to_channel,
            include_all_metadata=True,
            limit=200,
            oldest=f"{(started_at - RECONCILE_MARGIN).timestamp():.6f}",
        )
    except SLACK_FAILURES:
        return None
    wanted = _payload(move, started_at)
    messages: list[dict[str, Any]] = response.get("messages", [])
    for message in messages:
        metadata: dict[str, Any] = message.get("metadata") or {}
        if metadata.get("event_type") == MessageKind.MOVE and (
            metadata.get("event_payload") == wanted
        ):
            return str(message["ts"])
    return None
