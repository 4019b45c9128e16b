"""What one Approve click costs: database sessions opened and time until the reply is out.

    .venv/bin/python bench/approve_bench.py [--cases 20] [--database sqlite|postgresql]

Each case is claimed and drafted through signed clicks, then an approver presses Approve
in the thread. For each click we count the database sessions the bot opened (a
SQLAlchemy `after_begin` listener; the scheduler is off, so every session is the click's)
and time the acknowledgement and the click → "posted" in the thread. Not a test: the
numbers depend on the machine; the README and the issue note quote runs.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import threading
import time

from common import database_url
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.slack.ids import Action
from sandbox.agent_story import claim, open_draft_modal, press, submit_draft, wait_for_draft
from tests.integration.harness import CHANNEL, close_sandbox, open_sandbox

AGENT, APPROVER = "U0AGENT1", "U0LEAD"


class SessionCounter:
    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()
        event.listen(Session, "after_begin", self._begun)

    def _begun(self, *_: object) -> None:
        with self._lock:
            self.count += 1

    def settled(self, quiet: float = 0.3, timeout: float = 10.0) -> int:
        """The count once no new session has begun for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        last, since = self.count, time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.02)
            if self.count != last:
                last, since = self.count, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
        return last


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    url, drop = database_url(args.database)
    box = open_sandbox(url)
    counter = SessionCounter()
    try:
        for i in range(args.cases):
            box.customer(f"customer{i}")
            box.mention(f"customer{i}", f"bench case {i}: my router is dead")
        box.start_bot(APPROVER_USER_IDS=APPROVER)
        box.cycle()
        slack, bot = box.slack, box.bot_url
        drafts = []
        for i, root in enumerate(box.roots()):
            claim(slack, bot, CHANNEL, root["ts"], AGENT)
            modal = open_draft_modal(slack, bot, CHANNEL, root["ts"], AGENT)
            # X refuses the same text twice (duplicate content): one text per case.
            text = f"Sorry about this, we are on it (ref {i})."
            submit_draft(slack, bot, AGENT, modal["id"], text, "public")
            drafts.append((root, wait_for_draft(slack, CHANNEL, root["ts"])))
        counter.settled()
        sessions, acks, totals = [], [], []
        for root, draft in drafts:
            before = counter.count
            started = time.perf_counter()
            status, _ = press(slack, bot, CHANNEL, draft["ts"], APPROVER, Action.APPROVE)
            acks.append(time.perf_counter() - started)
            assert status == 200
            slack.wait_for(
                lambda root=root: any(
                    "posted" in m["text"] and "Public reply" in m["text"]
                    for m in box.thread_of(root)
                ),
                10,
            )
            totals.append(time.perf_counter() - started)
            sessions.append(counter.settled() - before)
        print(f"database                 {args.database}")
        print(f"approve clicks           {len(sessions)}")
        print(f"sessions per click       median {statistics.median(sessions)}, max {max(sessions)}")
        print(f"ack                      median {statistics.median(acks) * 1000:.1f} ms")
        print(f"click → posted in thread median {statistics.median(totals) * 1000:.0f} ms")
    finally:
        close_sandbox(box)
        drop()


if __name__ == "__main__":
    main()
