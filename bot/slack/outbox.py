"""The outbox: stored posts go to Slack, each case once as a root message, follow-ups in
its thread.

Never lost, never twice:
- a post is pending until Slack returned a `ts` for it, so a failure is retried next tick;
- before each call we record the attempt; if an earlier attempt's outcome is unknown
  (timeout, crash after Slack accepted it) we look for our own message by its
  metadata before posting again.
Nothing sleeps here: a 429 pauses the channel, in the database, until Slack's Retry-After.

With a `fence` (the worker lease's), an attempt is recorded only in a transaction where the
fence holds: a worker that lost its lease posts nothing more.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import Block
from slack_sdk.models.metadata import Metadata
from sqlalchemy.orm import Session, sessionmaker

from bot.networks.registry import Networks
from bot.routing.route import publishing_channel
from bot.slack.builders.card import build_case_card, build_follow_up, build_minimal_card
from bot.slack.builders.common import blocks_as_dicts
from bot.slack.case_thread import CaseThread
from bot.slack.failures import SETUP_ERRORS, SLACK_FAILURES, slack_error
from bot.slack.ids import MessageKind
from bot.slack.publish_state import pause_posts, release_post
from bot.slack.views import CaseView, case_snapshot, case_view, post_view, window_line
from storage.db import session_scope
from storage.models import Case, Post, utcnow

log = logging.getLogger(__name__)

# Slack refused this message's content: retry once with the plain fallback card.
CONTENT_ERRORS = {"invalid_blocks", "msg_too_long", "invalid_blocks_format", "too_many_attachments"}
# Look this far before a previous attempt for the message it may have posted.
RECONCILE_MARGIN = timedelta(minutes=2)


class PublishResult(Enum):
    POSTED = "posted"
    SKIP_CASE = "skip_case"  # this message failed; other cases may still go
    RATE_LIMITED = "rate_limited"  # Slack said 429: the channel is paused (in the database)
    STOP = "stop"  # Slack is unavailable or refuses the channel: try again later


@dataclass
class PublishOutcome:
    posted: int = 0
    pending: int = 0
    error: str | None = None


class SlackPublisher:
    """Publishes one claimed post at a time (bot.slack.publish_loop decides which, and
    when), each case in its routed channel (`channel` is the default). A 429 pauses the
    channel in the database, for every process, until Slack's Retry-After.

    Its client has no retry handlers: a blind retry after a dropped connection could post
    the same message twice, so the publisher reconciles by itself.
    """

    def __init__(self, client: WebClient, channel: str, networks: Networks, thread: CaseThread):
        self.client = client
        self.channel = channel
        self.networks = networks
        # Re-renders a case's root card (status, deadline) after a follow-up changed it.
        self.thread = thread
        self.last_error: str | None = None
        # Checked in the transaction that records each attempt (the worker lease's fence);
        # None: no lease (tests, tools).
        self.fence: Callable[[Session], bool] | None = None

    def publish(self, factory: sessionmaker[Session], post_id: int) -> PublishResult:
        """Post one post (claimed by the caller); its claim is released either way."""
        try:
            return self._publish_one(factory, post_id)
        finally:
            release_post(factory, post_id)

    def _publish_one(self, factory: sessionmaker[Session], post_id: int) -> PublishResult:
        with session_scope(factory) as session:
            if self.fence is not None and not self.fence(session):
                log.info("Not the active worker (any more): publishing is left to it")
                return PublishResult.STOP
            post = session.get_one(Post, post_id)
            if post.slack_ts:
                return PublishResult.POSTED
            case = post.case
            thread_ts = case.slack_ts
            # The one place that picks the channel: the case's thread, else its route.
            channel = publishing_channel(case, self.channel)
            previous_attempt = post.slack_attempted_at
            text, blocks = self._message(session, post, case)
            fallback = build_minimal_card(self._case_view(case), post_view(post))
            post.slack_attempted_at = utcnow()
            post.slack_attempts += 1
        if previous_attempt is not None:
            found = self._find_posted(
                channel, post_id, thread_ts, previous_attempt - RECONCILE_MARGIN
            )
            if found:
                log.info("Post %s was already in Slack (ts %s); not posting again", post_id, found)
                self._record_success(factory, post_id, found, channel)
                return PublishResult.POSTED
        try:
            ts = self._post(
                channel, post_id, case_id=case.id, text=text, blocks=blocks, thread_ts=thread_ts
            )
        except SlackApiError as exc:
            error = exc.response.get("error", "")
            if error in CONTENT_ERRORS and thread_ts is None:
                log.warning(
                    "Slack refused the card for post %s (%s); posting the plain one", post_id, error
                )
                try:
                    ts = self._post(
                        channel,
                        post_id,
                        case_id=case.id,
                        text=fallback[0],
                        blocks=fallback[1],
                        thread_ts=None,
                    )
                except SlackApiError as again:
                    return self._failed(factory, post_id, channel, again)
            else:
                return self._failed(factory, post_id, channel, exc)
        except (SlackClientError, OSError) as exc:
            # A timeout may still have posted: the next attempt reconciles first.
            self.last_error = f"could not reach Slack ({type(exc).__name__}); will try again"
            self._record_error(factory, post_id, self.last_error)
            log.warning("Post %s: %s", post_id, self.last_error)
            return PublishResult.STOP
        self._record_success(factory, post_id, ts, channel)
        if thread_ts is not None:
            # A follow-up may have reopened the case or made it wait for an answer again.
            with session_scope(factory) as session:
                case = session.get_one(Case, case.id)
                snapshot = case_snapshot(session, case, self.networks.look(case.network))
            self.thread.refresh_card(snapshot)
        return PublishResult.POSTED

    def _case_view(self, case: Case) -> CaseView:
        return case_view(case, self.networks.look(case.network))

    def _message(self, session: Session, post: Post, case: Case) -> tuple[str, list[Block]]:
        shown = post_view(post)
        if case.slack_ts is None:
            # The root card shows the network's answering window (follow-ups do not).
            look = self.networks.look(case.network)
            return build_case_card(case_view(case, look, window_line(session, case, look)), shown)
        ping = case.owner_slack_id if post.reopens_case else None
        return build_follow_up(self._case_view(case), shown, ping)

    def _post(
        self,
        channel: str,
        post_id: int,
        *,
        case_id: int,
        text: str,
        blocks: list[Block],
        thread_ts: str | None,
    ) -> str:
        response = self.client.chat_postMessage(
            channel=channel,
            text=text,
            blocks=blocks_as_dicts(blocks),
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            metadata=Metadata(
                event_type=MessageKind.POST, event_payload={"post_id": post_id, "case_id": case_id}
            ),
        )
        return str(response["ts"])

    def _find_posted(
        self, channel: str, post_id: int, thread_ts: str | None, since: datetime
    ) -> str | None:
        """Our earlier message for this post, found by its metadata, if Slack has it."""
        try:
            if thread_ts:
                response = self.client.conversations_replies(
                    channel=channel,
                    ts=thread_ts,
                    include_all_metadata=True,
                    limit=200,
                    oldest=f"{since.timestamp():.6f}",
                )
            else:
                response = self.client.conversations_history(
                    channel=channel,
                    include_all_metadata=True,
                    limit=200,
                    oldest=f"{since.timestamp():.6f}",
                )
        except SLACK_FAILURES as exc:
            log.warning(
                "Could not check Slack for post %s (%s); posting it", post_id, slack_error(exc)
            )
            return None
        messages: list[dict[str, Any]] = response.get("messages", [])
        for message in messages:
            metadata: dict[str, Any] = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == MessageKind.POST and payload.get("post_id") == post_id:
                return str(message["ts"])
        return None

    def _failed(
        self, factory: sessionmaker[Session], post_id: int, channel: str, exc: SlackApiError
    ) -> PublishResult:
        status = exc.response.status_code
        error = exc.response.get("error", "") or f"HTTP {status}"
        if status == 429:
            retry_after = retry_after_seconds(exc)
            pause_posts(factory, channel, utcnow() + timedelta(seconds=retry_after))
            self.last_error = f"Slack rate limit in {channel}: paused for {retry_after}s"
            self._record_error(factory, post_id, self.last_error)
            log.warning(self.last_error)
            return PublishResult.RATE_LIMITED
        if error in SETUP_ERRORS or status >= 500:
            self.last_error = SETUP_ERRORS.get(
                error, f"Slack is having trouble ({error}); will try again"
            )
            self._record_error(factory, post_id, self.last_error)
            log.error("Cannot post to Slack: %s", self.last_error)
            return PublishResult.STOP
        self.last_error = f"Slack refused post {post_id}: {error}"
        self._record_error(factory, post_id, self.last_error)
        log.error(self.last_error)
        return PublishResult.SKIP_CASE

    def _record_success(
        self, factory: sessionmaker[Session], post_id: int, ts: str, channel: str
    ) -> None:
        with session_scope(factory) as session:
            post = session.get_one(Post, post_id)
            post.slack_ts = ts
            post.slack_error = None
            case = post.case
            if case.slack_ts is None:
                case.slack_channel, case.slack_ts = channel, ts

    @staticmethod
    def _record_error(factory: sessionmaker[Session], post_id: int, error: str) -> None:
        with session_scope(factory) as session:
            session.get_one(Post, post_id).slack_error = error[:300]


def retry_after_seconds(exc: SlackApiError) -> int:
    """Slack's Retry-After of a 429, in whole seconds (30 when it sent none)."""
    raw = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
    try:
        return max(1, int(str(raw)))
    except (TypeError, ValueError):
        return 30
