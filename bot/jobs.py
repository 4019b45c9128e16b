"""Scheduler jobs, registered explicitly by `bot.app` (never as an import side effect)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest import RouteFn, TriageFn
from bot.knowledge.embeddings import EmbedFn
from bot.networks.base import Network
from bot.networks.registry import Networks
from bot.outbound import Fence, Sender
from bot.polling import PollOutcome, ProgressFactory, poll_network
from bot.sla.health import LISTENING_JOB_ID, ListeningHealth
from bot.sla.watcher import DEADLINES_JOB_ID, TICK, DeadlineWatcher

log = logging.getLogger(__name__)

POLL_JOB_ID = "carethread.poll"
# Networks polled at the same time (each in its own thread, waiting on its own network).
MAX_PARALLEL_POLLS = 8


@dataclass
class Cycle:
    """Everything one poll cycle needs, built once by the wiring."""

    factory: sessionmaker[Session]
    networks: Networks
    sender: Sender
    backfill: timedelta
    triage: TriageFn | None = None
    # Stores each new post's embedding at ingest (similar past cases); None: no embeddings.
    embed: EmbedFn | None = None
    progress_factory: ProgressFactory | None = None
    # Decides each new case's channel at ingest (bot.routing.assign); None: the default.
    route: RouteFn | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    last_run_at: datetime | None = None
    on_done: Callable[[list[PollOutcome]], None] | None = None
    # Wakes the publishing loop (bot.slack.publish_loop) as soon as a network's poll
    # stored new posts: publishing is not tied to the poll tick.
    wake: Callable[..., object] | None = None
    # Runs after a network's poll stored posts, before the loop is woken: the deadline
    # watcher settles their deadlines so their cards are posted showing them (here, in
    # the poll's thread, so that the publishing loop goes on draining meanwhile).
    before_publish: Callable[[], object] | None = None
    # Held while this process stores posts: a cycle, or posts a network pushed
    # (`bot.intake`). They wait for each other here; other processes are kept out by the
    # worker lease (`may_run`).
    guard: threading.Lock = field(default_factory=threading.Lock)
    # Whether this process is the active worker (`Lease.held`); None: always (no lease).
    may_run: Callable[[], bool] | None = None
    # The worker lease's fence, checked where a send to a network is claimed.
    fence: Fence | None = None

    def run(self) -> list[PollOutcome]:
        """One cycle, unless another process is the active worker."""
        with self.guard:
            if self.may_run is not None and not self.may_run():
                log.debug("Another Carethread process is the active worker; skipping")
                return []
            return self._run()

    def _run(self) -> list[PollOutcome]:
        """Fetch new posts and wake the publishing loop for them.

        Networks are polled side by side, and whatever one brought is handed to the
        publisher as soon as its poll ends: a network that hangs until its client's
        timeout delays no other network's posts.
        """
        polled: list[PollOutcome] = []
        for outcomes in self._poll_side_by_side():
            polled += outcomes
            if any(o.stored for o in outcomes):
                if self.before_publish is not None and not self.stop.is_set():
                    self.before_publish()
                if self.wake is not None:
                    self.wake()
        if self.wake is not None:
            # Also after a poll that found nothing: what failed earlier is tried again.
            self.wake(new_work=False)
        if not self.stop.is_set():
            # Replies whose sending a crash interrupted: settled (never sent twice) here.
            self.sender.resume_interrupted_sends(self.fence)
        self.last_run_at = datetime.now(UTC)
        if self.on_done:
            self.on_done(polled)
        return polled

    def _poll_side_by_side(self) -> Iterator[list[PollOutcome]]:
        """Each network's poll outcomes, in the order the polls finish."""
        networks = list(self.networks.values())
        if not networks:
            return
        workers = min(len(networks), MAX_PARALLEL_POLLS)
        with ThreadPoolExecutor(workers, thread_name_prefix="poll") as pool:
            futures = [pool.submit(self._poll_one, network) for network in networks]
            for future in as_completed(futures):
                yield future.result()

    def _poll_one(self, network: Network) -> list[PollOutcome]:
        if self.stop.is_set():
            return []
        return poll_network(
            self.factory,
            network,
            backfill=self.backfill,
            triage=self.triage,
            progress_factory=self.progress_factory,
            route=self.route,
            embed=self.embed,
        )


@dataclass(frozen=True)
class ScheduledJob:
    """A job beside the poll cycle (reports, spike checks): what, and when, as APScheduler
    trigger arguments (e.g. {"trigger": "cron", "hour": 9} or {"trigger": "interval", …})."""

    id: str
    name: str
    run: Callable[[], object]
    when: dict[str, object]


def start_scheduler(
    cycle: Cycle,
    interval_seconds: int,
    deadlines: DeadlineWatcher | None = None,
    listening: ListeningHealth | None = None,
    jobs: Sequence[ScheduledJob] = (),
    may_run: Callable[[], bool] | None = None,
) -> BackgroundScheduler:
    """One scheduler: the poll job, the deadline watcher, listening health, then `jobs`
    (reports, spike checks); each at most one run at a time, missed runs coalesced, each
    with its own DB sessions. With `may_run` (the worker lease), every job runs only while
    it says yes: a standby worker's scheduler ticks and does nothing."""
    scheduler = BackgroundScheduler(timezone=UTC)
    for job in jobs:
        scheduler.add_job(
            only_when(may_run, job.run),
            id=job.id,
            name=job.name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=300,
            replace_existing=True,
            **job.when,
        )
    scheduler.add_job(
        cycle.run,
        "interval",
        seconds=interval_seconds,
        id=POLL_JOB_ID,
        name="Poll the networks (the publishing loop posts to Slack)",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=interval_seconds,
        next_run_time=datetime.now(UTC),
        replace_existing=True,
    )
    if deadlines is not None:
        make_deadline_job(scheduler, deadlines, may_run)
    if listening is not None:
        make_listening_job(scheduler, listening, interval_seconds, may_run)
    scheduler.start()
    return scheduler


def only_when(
    may_run: Callable[[], bool] | None, work: Callable[[], object]
) -> Callable[[], object]:
    """`work`, run only while `may_run()` says yes (always without it)."""
    if may_run is None:
        return work

    def gated() -> object:
        return work() if may_run() else None

    return gated


def make_deadline_job(
    scheduler: BackgroundScheduler,
    watcher: DeadlineWatcher,
    may_run: Callable[[], bool] | None = None,
) -> None:
    """The deadline watcher, every `TICK`: one indexed query finds the cases whose next look
    (a reminder point or deadline) has come; nothing else is read."""
    seconds = int(TICK.total_seconds())
    scheduler.add_job(
        only_when(may_run, watcher.run),
        "interval",
        seconds=seconds,
        id=DEADLINES_JOB_ID,
        name="Chase response targets: reminders, misses, card states",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=seconds,
        next_run_time=datetime.now(UTC),
        replace_existing=True,
    )


def make_listening_job(
    scheduler: BackgroundScheduler,
    health: ListeningHealth,
    interval_seconds: int,
    may_run: Callable[[], bool] | None = None,
) -> None:
    """Listening health, once per poll interval: alerts admins when listening stops and
    when it recovers."""
    scheduler.add_job(
        only_when(may_run, health.run),
        "interval",
        seconds=interval_seconds,
        id=LISTENING_JOB_ID,
        name="Tell admins when listening stops or recovers",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=interval_seconds,
        next_run_time=datetime.now(UTC) + timedelta(seconds=interval_seconds),
        replace_existing=True,
    )
