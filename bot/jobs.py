"""Scheduler jobs, registered explicitly by `bot.app` (never as an import side effect)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest import TriageFn
from bot.knowledge.embeddings import EmbedFn
from bot.networks.registry import Networks
from bot.outbound import Sender
from bot.polling import PollOutcome, ProgressFactory, poll_network
from bot.slack.outbox import PublishOutcome, SlackPublisher
from storage.db import exclusive

log = logging.getLogger(__name__)

POLL_JOB_ID = "carethread.poll"


@dataclass
class Cycle:
    """Everything one poll cycle needs, built once by the wiring."""

    factory: sessionmaker[Session]
    networks: Networks
    publisher: SlackPublisher
    sender: Sender
    backfill: timedelta
    triage: TriageFn | None = None
    # Stores each new post's embedding at ingest (similar past cases); None: no embeddings.
    embed: EmbedFn | None = None
    progress_factory: ProgressFactory | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    last_run_at: datetime | None = None
    on_done: Callable[[list[PollOutcome], PublishOutcome], None] | None = None

    def run(self) -> tuple[list[PollOutcome], PublishOutcome]:
        """One cycle, unless another process is running one on the same database."""
        with exclusive(self.factory.kw["bind"], POLL_JOB_ID) as mine:
            if not mine:
                log.info("Another Carethread process is polling this database; skipping")
                return [], PublishOutcome(error="another process is polling")
            return self._run()

    def _run(self) -> tuple[list[PollOutcome], PublishOutcome]:
        """Fetch new posts, then publish whatever is pending (including earlier failures)."""
        polled: list[PollOutcome] = []
        for network in self.networks.values():
            if self.stop.is_set():
                break
            polled += poll_network(
                self.factory,
                network,
                backfill=self.backfill,
                triage=self.triage,
                progress_factory=self.progress_factory,
                embed=self.embed,
            )
        published = self.publisher.publish_pending(self.factory, self.stop)
        if not self.stop.is_set():
            # Replies whose sending a crash interrupted: settled (never sent twice) here.
            self.sender.resume_interrupted_sends()
        self.last_run_at = datetime.now(UTC)
        if self.on_done:
            self.on_done(polled, published)
        return polled, published


def start_scheduler(cycle: Cycle, interval_seconds: int) -> BackgroundScheduler:
    """One scheduler, one poll job: at most one run at a time, missed runs coalesced."""
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        cycle.run,
        "interval",
        seconds=interval_seconds,
        id=POLL_JOB_ID,
        name="Poll the networks and publish to Slack",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=interval_seconds,
        next_run_time=datetime.now(UTC),
        replace_existing=True,
    )
    scheduler.start()
    return scheduler
