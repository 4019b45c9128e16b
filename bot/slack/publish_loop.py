"""The publishing loop: a thread of its own that keeps Slack up to date at Slack's pace.

Not tied to the poll tick. It is woken when new work is stored (a poll, a webhook), when a
card is marked out of date, and it wakes itself when a pause ends or a token comes back;
otherwise it looks again every `IDLE_RECHECK` seconds (work other processes stored, claims
that ran out). Each step it:

- updates the card marked longest ago, once its coalescing window has passed (several
  changes of one card become one `chat.update`), within Slack's lower `chat.update` rate;
- posts the single most urgent post that may go now — picked afresh every time, so a P1
  stored while a backlog of P3s drains goes next — at about one message per second per
  channel with short bursts (a token bucket per channel), never into a channel Slack
  paused (the pause is in the database, for every process, until Slack's Retry-After);
- says so in the channel, once per episode, when the backlog is more than Slack accepts
  within the P3 response target, and updates the notice until it clears.

Waiting happens here only, on an Event with a timeout, in this dedicated thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import PublishingSettings
from bot.i18n import in_workspace_language
from bot.slack.builders.backlog import build_backlog_cleared, build_backlog_notice
from bot.slack.builders.card import build_case_card
from bot.slack.builders.common import Message, blocks_as_dicts
from bot.slack.failures import SLACK_FAILURES, slack_error
from bot.slack.outbox import PublishOutcome, PublishResult, SlackPublisher, retry_after_seconds
from bot.slack.pacing import ChannelPace, TokenBucket
from bot.slack.publish_state import (
    Waiting,
    channel_states,
    claim_next_post,
    mark_card,
    next_card_due,
    pause_posts,
    pause_updates,
    paused_channels,
    release_all_posts,
    remark_card,
    take_due_card,
    updates_paused_until,
    waiting_by_channel,
    with_state,
)
from bot.slack.views import case_snapshot
from storage.db import session_scope
from storage.models import Case, Post, SlackChannelState, utcnow

log = logging.getLogger(__name__)

# Look again this often even when nobody woke the loop (other processes' work).
IDLE_RECHECK = 1.0
# The backlog is measured this often while posts wait.
BACKLOG_CHECK = 5.0
# A channel Slack refused or could not be reached for waits 5, 10, 20 … up to this; a
# wake brings the retry forward, but never to less than MIN_RETRY after the failure: a
# call that timed out may still land in Slack, and the retry must find it there.
MIN_RETRY = 5.0
MAX_BACKOFF = 30.0
# The notice's numbers are updated at most this often, and only when they changed enough.
NOTICE_UPDATE_EVERY = timedelta(seconds=30)


@dataclass
class LoopCounts:
    posted: int = 0
    cards_updated: int = 0
    rate_limited: int = 0


class PublishLoop:
    """Publishes pending posts and out-of-date cards in a thread of its own."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        publisher: SlackPublisher,
        settings: PublishingSettings,
        *,
        p3_target: timedelta | None = None,
        before_publish: Callable[[], object] | None = None,
        may_publish: Callable[[], bool] = lambda: True,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.factory = factory
        self.publisher = publisher
        self.settings = settings
        # The P3 response target: a backlog Slack cannot take within it is announced.
        self.p3_target = p3_target
        # Runs before new work is published (the deadline watcher: a new card shows its
        # timer when it is posted, instead of costing a chat.update right after).
        self.before_publish = before_publish
        # Whether this process publishes now (the worker lease); checked every step.
        self.may_publish = may_publish
        self.monotonic = monotonic
        self.posts = ChannelPace(settings.posts_per_second, settings.post_burst)
        per_second = settings.updates_per_minute / 60
        self.updates = TokenBucket(per_second, max(1.0, settings.updates_per_minute / 10))
        self.coalesce = timedelta(seconds=settings.card_coalesce_seconds)
        self.counts = LoopCounts()
        # Channel → (retry at, earliest retry) on the monotonic clock.
        self._backoff: dict[str, tuple[float, float]] = {}
        self._failures: dict[str, int] = {}
        self._reset_backoff = False
        self._settle = True
        # A card is marked and waits for its window: not idle (see `wait_idle`).
        self._cards_waiting = False
        self._next_backlog_check = 0.0
        self._lock = threading.Lock()
        self._woken = threading.Event()
        self._idle = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- other threads' side ------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="slack-publisher", daemon=True)
        self._thread.start()

    def wake(self, new_work: bool = True) -> None:
        """Publish now: a channel that failed is tried again at once (a Slack pause still
        holds). With `new_work` (posts were stored) their deadlines are settled first and
        the backlog is measured again."""
        if new_work:
            self._settle = True
            self._next_backlog_check = 0.0
        self._reset_backoff = True
        self._nudge()

    def took_over(self) -> None:
        """This process just became the active worker: a former holder's claims are void
        (see `release_all_posts`), and whatever waits is published now."""
        released = release_all_posts(self.factory)
        if released:
            log.info("Took over %d post(s) a former worker had claimed", released)
        self.wake()

    def mark_card(self, case_id: int) -> None:
        """The case's card is out of date: update it once the coalescing window passed."""
        if mark_card(self.factory, case_id, utcnow()):
            self._nudge()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the running Slack call (bounded by `timeout`), then stop."""
        self._stop.set()
        self._woken.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until nothing can be posted right now (all done, or paused, or out of
        pace) and no marked card waits for its update: for tests and benchmarks, which
        check what reached Slack."""
        return self._idle.wait(timeout)

    def outcome(self, posted_before: int = 0) -> PublishOutcome:
        """What the loop posted since the count `posted_before`, what is still waiting,
        and the last problem with Slack."""
        with session_scope(self.factory) as session:
            pending = session.scalar(select(func.count(Post.id)).where(Post.slack_ts.is_(None)))
        return PublishOutcome(
            posted=self.counts.posted - posted_before,
            pending=int(pending or 0),
            error=self.publisher.last_error,
        )

    def _nudge(self) -> None:
        with self._lock:
            self._woken.set()
            self._idle.clear()

    # -- the loop ---------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            self._woken.clear()
            try:
                wait = self.step()
            except Exception:  # the loop must outlive any one failure (database, a bug)
                log.exception("Publishing to Slack failed; trying again in a second")
                wait = 1.0
            if wait <= 0:
                continue
            with self._lock:
                if not self._woken.is_set() and not self._cards_waiting:
                    self._idle.set()
            self._woken.wait(wait)

    def step(self) -> float:
        """Do what may be done now; returns how long to wait (0: go on at once)."""
        if not self.may_publish():
            return IDLE_RECHECK
        if self._settle:
            self._settle = False
            if self.before_publish is not None:
                self.before_publish()
        if self._reset_backoff:
            self._reset_backoff = False
            self._backoff = {c: (earliest, earliest) for c, (_, earliest) in self._backoff.items()}
        card_wait = self._update_one_card()
        post_wait = self._post_one()
        backlog_wait = self._check_backlog()
        return max(0.0, min(card_wait, post_wait, backlog_wait, IDLE_RECHECK))

    # -- posts ------------------------------------------------------------------------------------
    def _post_one(self) -> float:
        now, wall = self.monotonic(), utcnow()
        waits: list[float] = [IDLE_RECHECK]
        blocked: set[str] = set()
        for channel, until in paused_channels(self.factory, wall).items():
            blocked.add(channel)
            waits.append((until - wall).total_seconds())
        for channel, (retry_at, _) in self._backoff.items():
            if retry_at > now:
                blocked.add(channel)
                waits.append(retry_at - now)
        for channel, bucket in self.posts.buckets.items():
            wait = bucket.wait(now)
            if wait > 0:
                blocked.add(channel)
                waits.append(wait)
        claimed = claim_next_post(self.factory, self.publisher.channel, blocked, wall)
        if claimed is None:
            return min(waits)
        post_id, channel = claimed
        result = self.publisher.publish(self.factory, post_id)
        bucket = self.posts.bucket(channel)
        bucket.take(self.monotonic())
        if result is PublishResult.POSTED:
            self.counts.posted += 1
            self._failures.pop(channel, None)
            self.publisher.last_error = None
        elif result is PublishResult.RATE_LIMITED:
            self.counts.rate_limited += 1
            bucket.empty(self.monotonic())
        elif result is PublishResult.STOP:
            failures = self._failures.get(channel, 0) + 1
            self._failures[channel] = failures
            failed_at = self.monotonic()
            delay = min(MAX_BACKOFF, MIN_RETRY * 2.0 ** (failures - 1))
            self._backoff[channel] = (failed_at + delay, failed_at + MIN_RETRY)
        return 0.0

    # -- cards ------------------------------------------------------------------------------------
    def _update_one_card(self) -> float:
        wall = utcnow()
        oldest = next_card_due(self.factory)
        self._cards_waiting = oldest is not None
        if oldest is None:
            return IDLE_RECHECK
        due = oldest + self.coalesce
        if due > wall:
            return (due - wall).total_seconds()
        paused = updates_paused_until(self.factory, wall)
        if paused is not None:
            return (paused - wall).total_seconds()
        wait = self.updates.wait(self.monotonic())
        if wait > 0:
            return wait
        case_id = take_due_card(self.factory, wall - self.coalesce)
        if case_id is None:
            return 0.0
        with session_scope(self.factory) as session:
            case = session.get_one(Case, case_id)
            snapshot = case_snapshot(session, case, self.publisher.networks.look(case.network))
        if snapshot.first_post is None or not snapshot.thread.exists:
            return 0.0
        self.updates.take(self.monotonic())
        with in_workspace_language():
            text, blocks = build_case_card(snapshot.case, snapshot.first_post)
        try:
            self.publisher.client.chat_update(
                channel=snapshot.thread.channel or "",
                ts=snapshot.thread.ts or "",
                text=text,
                blocks=blocks_as_dicts(blocks),
            )
            self.counts.cards_updated += 1
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                self._updates_limited(exc)
                remark_card(self.factory, case_id, wall - self.coalesce)
            else:
                log.warning("Could not update the card of case %s: %s", case_id, slack_error(exc))
        except SLACK_FAILURES as exc:
            # As before: a card that cannot be updated now catches up with its next change.
            log.warning("Could not update the card of case %s: %s", case_id, slack_error(exc))
        return 0.0

    def _updates_limited(self, exc: SlackApiError) -> None:
        seconds = retry_after_seconds(exc)
        pause_updates(self.factory, utcnow() + timedelta(seconds=seconds))
        self.updates.empty(self.monotonic())
        self.counts.rate_limited += 1
        log.warning("Slack rate limit on chat.update: paused for %ss", seconds)

    # -- the backlog notice ----------------------------------------------------------------------
    def capacity(self) -> float | None:
        """How many posts Slack takes in one channel within the P3 target (None: no target)."""
        if self.p3_target is None:
            return None
        rate = self.settings.posts_per_second
        return rate * self.p3_target.total_seconds() + self.settings.post_burst

    def _check_backlog(self) -> float:
        now = self.monotonic()
        if now < self._next_backlog_check:
            return self._next_backlog_check - now
        self._next_backlog_check = now + BACKLOG_CHECK
        capacity = self.capacity()
        if capacity is None:
            return BACKLOG_CHECK
        waiting = waiting_by_channel(self.factory, self.publisher.channel)
        states = channel_states(self.factory)
        noticed = {c for c, s in states.items() if s.backlog_notice_ts}
        for channel in sorted(set(waiting) | noticed):
            self._backlog_in(channel, waiting.get(channel, Waiting()), states.get(channel))
        return BACKLOG_CHECK

    def _backlog_in(self, channel: str, waiting: Waiting, state: SlackChannelState | None) -> None:
        capacity = self.capacity() or 0.0
        drain = timedelta(seconds=waiting.total / self.settings.posts_per_second)
        notice_ts = state.backlog_notice_ts if state else None
        wall = utcnow()
        if notice_ts is None:
            if waiting.total > capacity:
                self._post_notice(channel, waiting, drain, wall)
            return
        assert state is not None
        if waiting.total <= self.settings.post_burst:
            with in_workspace_language():
                cleared = build_backlog_cleared()
            if self._edit_notice(channel, notice_ts, cleared):
                with_state(self.factory, channel, _notice_cleared)
            return
        shown = state.backlog_waiting
        changed = abs(waiting.low_priority - shown) >= max(10, shown // 10)
        stale = state.backlog_noticed_at is None or wall - state.backlog_noticed_at >= (
            NOTICE_UPDATE_EVERY
        )
        if changed and stale:
            with in_workspace_language():
                message = build_backlog_notice(waiting.low_priority, waiting.total, drain)
            if self._edit_notice(channel, notice_ts, message):
                with_state(self.factory, channel, _notice_shown(waiting, wall))

    def _post_notice(
        self, channel: str, waiting: Waiting, drain: timedelta, wall: datetime
    ) -> None:
        with in_workspace_language():
            text, blocks = build_backlog_notice(waiting.low_priority, waiting.total, drain)
        bucket = self.posts.bucket(channel)
        try:
            response = self.publisher.client.chat_postMessage(
                channel=channel, text=text, blocks=blocks_as_dicts(blocks), unfurl_links=False
            )
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                seconds = retry_after_seconds(exc)
                pause_posts(self.factory, channel, utcnow() + timedelta(seconds=seconds))
                bucket.empty(self.monotonic())
            log.warning("Could not post the backlog notice in %s: %s", channel, slack_error(exc))
            return
        except SLACK_FAILURES as exc:
            log.warning("Could not post the backlog notice in %s: %s", channel, slack_error(exc))
            return
        bucket.take(self.monotonic())
        ts = str(response["ts"])
        log.warning(
            "Backlog in %s: %d posts waiting (%d low-priority), more than Slack takes "
            "within the P3 target; told the channel",
            channel,
            waiting.total,
            waiting.low_priority,
        )

        def shown(state: SlackChannelState) -> None:
            state.backlog_notice_ts = ts
            state.backlog_since = wall
            _notice_shown(waiting, wall)(state)

        with_state(self.factory, channel, shown)

    def _edit_notice(self, channel: str, ts: str, message: Message) -> bool:
        if updates_paused_until(self.factory, utcnow()) or self.updates.wait(self.monotonic()):
            return False
        self.updates.take(self.monotonic())
        text, blocks = message
        try:
            self.publisher.client.chat_update(
                channel=channel, ts=ts, text=text, blocks=blocks_as_dicts(blocks)
            )
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                self._updates_limited(exc)
                return False
            # The notice is gone (deleted by someone): the episode's state is still settled.
            log.warning("Could not update the backlog notice in %s: %s", channel, slack_error(exc))
            return True
        except SLACK_FAILURES as exc:
            log.warning("Could not update the backlog notice in %s: %s", channel, slack_error(exc))
            return False
        return True


def _notice_shown(waiting: Waiting, at: datetime) -> Callable[[SlackChannelState], None]:
    def change(state: SlackChannelState) -> None:
        state.backlog_waiting = waiting.low_priority
        state.backlog_noticed_at = at

    return change


def _notice_cleared(state: SlackChannelState) -> None:
    state.backlog_notice_ts = None
    state.backlog_waiting = 0
    state.backlog_since = None
    state.backlog_noticed_at = None
