"""Real crashes: `python -m bot` killed with SIGKILL at the moments that matter, then
restarted (or replaced by a standby worker), against the stand-ins.

After each: every post in Slack exactly once, every approved reply on the network exactly
once, nothing lost, and the case thread tells what happened. Nothing is written by hand:
the process that dies is the real one, mid-call, and the stand-ins have already done
what it asked (`answer_late`: the server commits, the answer is held).

Settings are short so the tests are quick: polls every second, a 3-second worker lease.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.ids import Action
from sandbox.agent_story import (
    card_status,
    claim,
    dm_channel,
    open_draft_modal,
    press,
    submit_draft,
    thread_text,
    wait_for_draft,
)
from sandbox.httpserver import Request, Response
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.processes import BotProcess, wait_until

AGENT, APPROVER = "U0AGENT1", "U0LEAD"
LEASE_SECONDS = 3
REPLY = "@lucia A technician comes today between 2 and 4."

pytestmark = pytest.mark.timeout(180)


class Fleet:
    """The bot processes a test started; whatever is left is stopped at the end."""

    def __init__(self, sandbox: Sandbox, log_dir: Path):
        self.sandbox = sandbox
        self.log_dir = log_dir
        self.processes: list[BotProcess] = []
        # Answers the stand-ins hold back; released at the end so their threads end.
        self.held: list[threading.Event] = []

    def start(self, command: str = "run") -> BotProcess:
        env = self.sandbox.subprocess_env(
            APPROVER_USER_IDS=APPROVER,
            WORKER_LEASE_SECONDS=str(LEASE_SECONDS),
            POLL_INTERVAL_SECONDS="1",
        )
        bot = BotProcess(env, command, self.log_dir)
        self.processes.append(bot)
        bot.wait_ready()
        return bot

    def hold(self) -> threading.Event:
        release = threading.Event()
        self.held.append(release)
        return release

    def close(self) -> None:
        for release in self.held:
            release.set()
        for bot in self.processes:
            bot.stop()
            # Shown when the test fails (pytest prints what a test wrote).
            print(f"--- {bot.command} on port {bot.port} ---\n{_interesting(bot.output())}")


@pytest.fixture
def fleet(sandbox: Sandbox, tmp_path: Path) -> Iterator[Fleet]:
    fleet = Fleet(sandbox, tmp_path)
    yield fleet
    fleet.close()


def _posts_to(path: str, method: str = "POST"):  # type: ignore[no-untyped-def]
    def matches(request: Request) -> bool:
        return request.method == method and request.path.startswith(path)

    return matches


def _open_case(sandbox: Sandbox) -> tuple[dict, dict]:
    sandbox.customer("lucia", name="Lucía Fernández")
    post = sandbox.mention("lucia", "my router is dead since this morning")
    (root,) = wait_until(lambda: sandbox.roots() or None, 30, "the card in Slack")
    return post, root


def _approve_with_x_slow_to_answer(
    fleet: Fleet, bot: BotProcess, visibility: str
) -> tuple[dict, dict]:
    """A case, a draft, and its approval while X commits the reply but holds the answer;
    returns once the reply is on X (the bot is still waiting for X's answer)."""
    sandbox, slack = fleet.sandbox, fleet.sandbox.slack
    post, root = _open_case(sandbox)
    claim(slack, bot.slack_url, CHANNEL, root["ts"], AGENT)
    modal = open_draft_modal(slack, bot.slack_url, CHANNEL, root["ts"], AGENT)
    assert submit_draft(slack, bot.slack_url, AGENT, modal["id"], REPLY, visibility) == {}
    wait_for_draft(slack, CHANNEL, root["ts"])
    (dm,) = slack.wait_for(lambda: slack.dms(APPROVER), 20)
    path = "/2/tweets" if visibility == "public" else "/2/dm_conversations/"
    assert sandbox.x is not None
    sandbox.x.answer_late(_posts_to(path), fleet.hold())
    status, _ = press(
        slack, bot.slack_url, dm_channel(slack, APPROVER), dm["ts"], APPROVER, Action.APPROVE
    )
    assert status == 200
    wait_until(lambda: _sent(sandbox, post, visibility), 20, "the reply on X")
    return post, root


def test_killed_before_the_reply_reached_x_sends_it_once_after_the_restart(fleet: Fleet) -> None:
    """The other side of (a): the process dies while its request has not reached X (X holds
    it unread). The restarted bot looks on X, finds nothing, and sends the reply once."""
    sandbox, slack = fleet.sandbox, fleet.sandbox.slack
    assert sandbox.x is not None
    first = fleet.start()
    post, root = _open_case(sandbox)
    claim(slack, first.slack_url, CHANNEL, root["ts"], AGENT)
    modal = open_draft_modal(slack, first.slack_url, CHANNEL, root["ts"], AGENT)
    assert submit_draft(slack, first.slack_url, AGENT, modal["id"], REPLY, "public") == {}
    wait_for_draft(slack, CHANNEL, root["ts"])
    (dm,) = slack.wait_for(lambda: slack.dms(APPROVER), 20)
    # Held unread, then refused: what never reached X is never performed.
    unread = sandbox.x.inject(
        _posts_to("/2/tweets"), Response(503, {"title": "Service Unavailable"}), delay=20
    )
    status, _ = press(
        slack, first.slack_url, dm_channel(slack, APPROVER), dm["ts"], APPROVER, Action.APPROVE
    )
    assert status == 200
    wait_until(lambda: unread.hits, 20, "the reply's request at X")
    first.kill()

    fleet.start()
    wait_until(lambda: "posted" in thread_text(slack, CHANNEL, root["ts"]), 30, "the thread")
    time.sleep(2.5)
    assert len(_sent(sandbox, post, "public")) == 1
    assert "Replied" in card_status(slack, CHANNEL, root["ts"])


def _sent(sandbox: Sandbox, post: dict, visibility: str) -> list:
    assert sandbox.x is not None
    if visibility == "public":
        return sandbox.x.replies_to(post["id"])
    return sandbox.x.dms_to("lucia")


@pytest.mark.parametrize("visibility", ["public", "private"])
def test_killed_while_x_is_slow_to_answer_an_approved_reply_it_committed(
    fleet: Fleet, visibility: str
) -> None:
    """(a) public reply, (b) private message: X has the reply, the bot dies waiting for the
    answer. The restarted bot finds it on X, sends nothing again, and the thread says it
    was posted — within seconds (the registry knows the sender died), not minutes."""
    sandbox, slack = fleet.sandbox, fleet.sandbox.slack
    first = fleet.start()
    post, root = _approve_with_x_slow_to_answer(fleet, first, visibility)
    first.kill()

    started = time.monotonic()
    fleet.start()
    wait_until(lambda: "posted" in thread_text(slack, CHANNEL, root["ts"]), 30, "the thread")
    caught_up = time.monotonic() - started
    assert caught_up < 20, f"the restart took {caught_up:.0f} s to settle the send"
    wait_until(lambda: "Replied" in card_status(slack, CHANNEL, root["ts"]), 10, "the card")
    time.sleep(2.5)  # more cycles change nothing
    assert len(_sent(sandbox, post, visibility)) == 1
    assert len(sandbox.roots()) == 1
    # One "posted" message in the thread, with the link; the draft shows it was posted.
    what = "Public reply" if visibility == "public" else "Private message"
    said = [" ".join(slack.message_texts(m)) for m in sandbox.thread_of(root)]
    assert sum(f"{what} to @lucia posted" in text for text in said) == 1, said
    assert sum("(posted)" in text for text in said) == 1, said


def test_killed_while_slack_is_slow_to_answer_a_root_card(fleet: Fleet) -> None:
    """(c) Slack has the card, the bot dies waiting for `ts`: the restarted bot finds its
    card by the message's metadata, posts it no second time, and the case's next post goes
    into that card's thread."""
    sandbox, slack = fleet.sandbox, fleet.sandbox.slack
    first = fleet.start()
    slack.answer_late(_posts_to("/api/chat.postMessage"), fleet.hold())
    sandbox.customer("lucia")
    sandbox.mention("lucia", "my router is dead since this morning")
    wait_until(lambda: sandbox.roots() or None, 30, "the card in Slack")
    first.kill()

    fleet.start()
    sandbox.mention("lucia", "still dead, and I work from home")
    (root,) = sandbox.roots()
    wait_until(lambda: sandbox.thread_of(root), 30, "the follow-up in the thread")
    time.sleep(2.5)
    assert len(sandbox.roots()) == 1
    replies = sandbox.thread_of(root)
    assert len(replies) == 1
    assert "work from home" in " ".join(slack.message_texts(replies[0]))


@pytest.mark.parametrize("moment", ["page-fetched", "cards-half-posted"])
def test_killed_in_the_middle_of_a_page_of_mentions(fleet: Fleet, moment: str) -> None:
    """(d) A page of 40 mentions: killed right after X answered the page (storing it), or
    when part of it is in Slack. After the restart each mention is in Slack once."""
    sandbox = fleet.sandbox
    assert sandbox.x is not None
    count = 40
    for i in range(count):
        sandbox.customer(f"user{i}")
        sandbox.mention(f"user{i}", f"mention number {i:02d} about my bill")
    x = sandbox.x

    def page_answered() -> bool:
        with x.lock:
            return any("/mentions" in r.path and r.status == 200 for r in x.requests)

    first = BotProcess(
        sandbox.subprocess_env(WORKER_LEASE_SECONDS=str(LEASE_SECONDS)), "run", fleet.log_dir
    )
    fleet.processes.append(first)
    if moment == "page-fetched":
        wait_until(page_answered, 60, "the page of mentions served")
    else:
        wait_until(lambda: len(sandbox.roots()) >= 5, 60, "some cards in Slack")
    first.kill()
    in_slack_at_the_kill = len(sandbox.roots())

    fleet.start()
    wait_until(lambda: len(sandbox.roots()) >= count, 60, "every mention in Slack")
    time.sleep(2.5)
    texts = [" ".join(sandbox.slack.message_texts(m)) for m in sandbox.roots()]
    numbers = sorted(t.split("mention number ")[1][:2] for t in texts)
    assert numbers == [f"{i:02d}" for i in range(count)], (in_slack_at_the_kill, numbers)


def test_the_worker_leader_killed_while_a_standby_waits(fleet: Fleet) -> None:
    """(e) web + two workers: killing the active worker hands the duties to the standby
    within one lease period; what arrives meanwhile reaches Slack once."""
    sandbox = fleet.sandbox
    fleet.start("web")
    leader = fleet.start("worker")
    wait_until(leader.active, 20, "the first worker active")
    standby = fleet.start("worker")
    assert not standby.active()
    sandbox.customer("ana_r")
    sandbox.mention("ana_r", "before the crash")
    wait_until(lambda: len(sandbox.roots()) == 1, 30, "the first card")

    leader.kill()
    killed = time.monotonic()
    sandbox.customer("ben_k")
    sandbox.mention("ben_k", "during the takeover")
    wait_until(standby.active, LEASE_SECONDS + 2, "the standby active")
    takeover = time.monotonic() - killed
    assert takeover <= LEASE_SECONDS + 1
    wait_until(lambda: any("takeover" in t for t in _root_texts(sandbox)), 20, "ben_k's card")
    time.sleep(2.5)
    texts = _root_texts(sandbox)
    assert sum("before the crash" in t for t in texts) == 1
    assert sum("during the takeover" in t for t in texts) == 1
    assert len(_cards_posted(sandbox)) == 2


def test_a_frozen_leader_that_wakes_after_the_takeover_posts_nothing(fleet: Fleet) -> None:
    """The fence: the leader stops (SIGSTOP) without dying, so no registry can call it dead;
    the standby takes over when the lease runs out. When the old leader runs again it
    finds it lost the lease and publishes nothing."""
    sandbox = fleet.sandbox
    leader = fleet.start("worker")
    wait_until(leader.active, 20, "the first worker active")
    standby = fleet.start("worker")
    leader.freeze()
    frozen = time.monotonic()
    wait_until(standby.active, LEASE_SECONDS + 3, "the standby active")
    assert time.monotonic() - frozen <= LEASE_SECONDS + 2
    for i in range(5):
        sandbox.customer(f"user{i}")
        sandbox.mention(f"user{i}", f"while the old leader sleeps {i}")
    leader.thaw()
    wait_until(lambda: len(sandbox.roots()) == 5, 30, "five cards")
    time.sleep(3)  # the old leader runs again for a while
    assert not leader.active()
    assert len(sandbox.roots()) == 5
    assert len(_cards_posted(sandbox)) == 5


def _root_texts(sandbox: Sandbox) -> list[str]:
    return [" ".join(sandbox.slack.message_texts(m)) for m in sandbox.roots()]


def _cards_posted(sandbox: Sandbox) -> list[dict]:
    """Every root message the bot asked Slack to post in the cases channel."""
    return [
        call
        for call in sandbox.slack.calls("chat.postMessage")
        if call.get("channel") == CHANNEL and not call.get("thread_ts")
    ]


def _interesting(log: str) -> str:
    """A bot's log without the scheduler's chatter about each run."""
    return "\n".join(line for line in log.splitlines() if "apscheduler" not in line)[-8000:]
