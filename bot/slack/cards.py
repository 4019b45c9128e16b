"""Slack I/O for answering: re-render the root card, show drafts in the thread and in
approvers' DMs (kept in sync), and post outcomes in the case thread.

The builders are pure (`bot.slack.blocks`, `bot.slack.answer_blocks`); this module reads
the database, renders, and calls Slack.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.models.metadata import Metadata
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.slack.answer_blocks import DraftView, build_approval_dm, build_draft_message
from bot.slack.blocks import blocks_as_dicts, build_case_card
from bot.slack.ids import MessageKind
from bot.slack.publish import case_view, post_view
from storage.db import session_scope
from storage.models import Case, Draft, DraftNotice, Post

log = logging.getLogger(__name__)


def draft_view(draft: Draft) -> DraftView:
    return DraftView(
        id=draft.id,
        case_id=draft.case_id,
        text=draft.text,
        visibility=draft.visibility,
        status=draft.status,
        author=draft.author_slack_id,
        editor=draft.editor_slack_id,
        customer_handle=draft.case.customer.handle,
        approved_by=draft.approved_by,
        rejected_by=draft.rejected_by,
        reject_reason=draft.reject_reason,
        external_url=draft.external_url,
        last_error=draft.last_error,
    )


def refresh_case_card(slack: WebClient, factory: sessionmaker[Session], case_id: int) -> None:
    """Re-render the case's root message from the database (owner, status, buttons)."""
    with session_scope(factory) as session:
        case = session.get_one(Case, case_id)
        first = session.scalar(
            select(Post).where(Post.case_id == case_id).order_by(Post.created_at, Post.id).limit(1)
        )
        if case.slack_ts is None or case.slack_channel is None or first is None:
            return  # not in Slack yet: the publisher will post it with the current state
        text, blocks = build_case_card(case_view(case), post_view(first))
        channel, ts = case.slack_channel, case.slack_ts
    slack.chat_update(channel=channel, ts=ts, text=text, blocks=blocks_as_dicts(blocks))


def show_draft(slack: WebClient, factory: sessionmaker[Session], draft_id: int) -> None:
    """Post the draft in its case thread the first time, then keep it and every approver's
    DM copy showing its current state (who approved, posted, failed, rejected)."""
    with session_scope(factory) as session:
        draft = session.get_one(Draft, draft_id)
        view = draft_view(draft)
        channel, thread_ts = draft.case.slack_channel, draft.case.slack_ts
        ts = draft.slack_ts
        notices = [(n.channel, n.ts) for n in draft.notices]
    text, blocks = build_draft_message(view)
    if ts is None:
        response = slack.chat_postMessage(
            channel=channel or "",
            thread_ts=thread_ts,
            text=text,
            blocks=blocks_as_dicts(blocks),
            unfurl_links=False,
            metadata=Metadata(
                event_type=MessageKind.DRAFT,
                event_payload={"draft_id": draft_id, "case_id": view.case_id},
            ),
        )
        ts, channel = str(response["ts"]), str(response["channel"])
        with session_scope(factory) as session:
            session.execute(
                update(Draft)
                .where(Draft.id == draft_id, Draft.slack_ts.is_(None))
                .values(slack_channel=channel, slack_ts=ts)
            )
    else:
        slack.chat_update(channel=channel or "", ts=ts, text=text, blocks=blocks_as_dicts(blocks))
    if notices:
        link = permalink(slack, channel, ts)
        dm_text, dm_blocks = build_approval_dm(view, link)
        for dm_channel, dm_ts in notices:
            _update_quietly(slack, dm_channel, dm_ts, dm_text, dm_blocks)


def notify_approvers(
    slack: WebClient, factory: sessionmaker[Session], draft_id: int, approvers: Iterable[str]
) -> None:
    """DM each approver the draft with Approve/Reject, so a phone notification is enough."""
    with session_scope(factory) as session:
        draft = session.get_one(Draft, draft_id)
        view = draft_view(draft)
        channel, ts = draft.slack_channel, draft.slack_ts
        already = {n.user_slack_id for n in draft.notices}
    link = permalink(slack, channel, ts)
    text, blocks = build_approval_dm(view, link)
    for user in sorted(set(approvers) - already):
        try:
            response = slack.chat_postMessage(
                channel=user, text=text, blocks=blocks_as_dicts(blocks), unfurl_links=False
            )
        except SlackApiError as exc:
            # One unreachable approver must not keep the others from being asked.
            log.warning("Could not DM approver %s: %s", user, exc.response.get("error"))
            continue
        with session_scope(factory) as session:
            session.add(
                DraftNotice(
                    draft_id=draft_id,
                    user_slack_id=user,
                    channel=str(response["channel"]),
                    ts=str(response["ts"]),
                )
            )
    with session_scope(factory) as session:
        changed = session.get_one(Draft, draft_id).status != view.status
    if changed:  # approved while we were still sending the DMs: bring them up to date
        show_draft(slack, factory, draft_id)


def post_in_thread(
    slack: WebClient,
    factory: sessionmaker[Session],
    case_id: int,
    message: tuple[str, list[Block]],
    **payload: Any,
) -> str | None:
    """Post `message` in the case's thread; returns its ts (None if the case has no thread)."""
    with session_scope(factory) as session:
        case = session.get_one(Case, case_id)
        channel, thread_ts = case.slack_channel, case.slack_ts
    if channel is None or thread_ts is None:
        return None
    text, blocks = message
    response = slack.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=text,
        blocks=blocks_as_dicts(blocks),
        unfurl_links=False,
        metadata=Metadata(
            event_type=MessageKind.OUTCOME, event_payload={"case_id": case_id, **payload}
        ),
    )
    return str(response["ts"])


def send_dm(slack: WebClient, user: str, message: tuple[str, list[Block]]) -> None:
    text, blocks = message
    slack.chat_postMessage(
        channel=user, text=text, blocks=blocks_as_dicts(blocks), unfurl_links=False
    )


def permalink(slack: WebClient, channel: str | None, ts: str | None) -> str | None:
    """A link to a message, or None when Slack cannot give one (the DM still works)."""
    if not channel or not ts:
        return None
    try:
        return str(slack.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except SlackApiError as exc:
        log.warning("No permalink for %s/%s: %s", channel, ts, exc.response.get("error"))
        return None


def case_thread_link(slack: WebClient, factory: sessionmaker[Session], case_id: int) -> str | None:
    with session_scope(factory) as session:
        case = session.get_one(Case, case_id)
        channel, ts = case.slack_channel, case.slack_ts
    return permalink(slack, channel, ts)


def _update_quietly(
    slack: WebClient, channel: str, ts: str, text: str, blocks: list[Block]
) -> None:
    try:
        slack.chat_update(channel=channel, ts=ts, text=text, blocks=blocks_as_dicts(blocks))
    except SlackApiError as exc:
        # An approver's DM copy that cannot be updated (deleted, archived) must not undo or
        # hide the decision itself; the thread stays the record.
        log.warning("Could not update DM %s/%s: %s", channel, ts, exc.response.get("error"))
