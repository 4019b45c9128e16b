"""Publishing keeps up with Slack, urgent first: the publishing loop against the Slack
stand-in, which answers 429 with Retry-After like Slack.

What a team would notice: after Slack's "slow down" the channel fills again a second later,
not a poll interval later; an urgent case overtakes a queue of low-priority ones; a card
changed three times in a second is re-rendered once; a flood is announced once in the
channel and the notice says when it has cleared; a second process on the same database
respects the pause Slack gave the first.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from bot.slack.ids import Action
from sandbox.agent_story import card_status, claim, press
from storage.db import make_engine, make_session_factory
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.sla.steps import FRAUD, write_policy

AGENT, OTHER_AGENT = "U0AGENT1", "U0AGENT2"
NOTICE = re.compile(r"(\d+) low-priority mentions? waiting; urgent ones go first")


def _post_requests(sandbox: Sandbox) -> list[float]:
    """When the bot asked Slack to post a message (accepted or refused)."""
    return [r.at for r in sandbox.slack.requests if r.path == "/api/chat.postMessage"]


def _text(sandbox: Sandbox, message: dict) -> str:
    return " ".join(sandbox.slack.message_texts(message))


def test_a_429_with_retry_after_1_resumes_after_a_second_not_the_poll_interval(
    sandbox: Sandbox,
) -> None:
    for name in ("ana_r", "bruno"):
        sandbox.customer(name)
        sandbox.mention(name, f"{name} cannot log in")
    sandbox.start_bot(POLL_INTERVAL_SECONDS="30")
    sandbox.slack.rate_limit("chat.postMessage", retry_after=1, times=1)

    sandbox.cycle()  # the one poll; nothing polls again within the test
    sandbox.slack.wait_for(lambda: len(sandbox.roots()) == 2, 5)

    refused, *after = _post_requests(sandbox)
    resumed = after[0] - refused
    # Slack's Retry-After is honoured to the second: not before, and not at the next poll.
    assert 0.95 <= resumed < 2.5, resumed


def test_an_urgent_case_stored_while_a_backlog_drains_goes_next(sandbox: Sandbox) -> None:
    for i in range(12):
        sandbox.customer(f"fan{i}")
        sandbox.mention(f"fan{i}", f"nice ad number {i}")
    sandbox.start_bot(SLACK_POSTS_PER_SECOND="4", SLACK_POST_BURST="1")
    sandbox.cycle()
    assert len(sandbox.roots()) < 12  # the backlog drains at four a second

    sandbox.customer("victim", followers=250_000, verified=True, verified_type="blue")
    sandbox.mention("victim", FRAUD)
    sandbox.cycle()
    roots = sandbox.slack.wait_for(lambda: len(sandbox.roots()) == 13 and sandbox.roots(), 10)

    texts = [_text(sandbox, root) for root in roots]
    urgent = next(i for i, t in enumerate(texts) if "stole my card" in t)
    assert "P1" in texts[urgent]
    # When the P1 was stored some P3s were posted; it went with the very next message (one
    # may have been on its way already), ahead of every P3 still waiting.
    waiting_p3 = [i for i, t in enumerate(texts) if "nice ad" in t and i > urgent]
    assert len(waiting_p3) >= 5, texts


def test_three_changes_of_a_card_within_the_window_are_one_update(
    sqlite_sandbox: Sandbox,
) -> None:
    sandbox = sqlite_sandbox
    # Two seconds here, so that a busy test machine still makes the three changes in time.
    sandbox.start_bot(SLACK_CARD_COALESCE_SECONDS="2")
    _, root = sandbox.open_case()
    slack, url = sandbox.slack, sandbox.bot_url

    def take_over(user: str) -> None:
        """`user` presses Claim on a case someone owns, then "Take over" in the answer."""
        claim(slack, url, CHANNEL, root["ts"], user)
        (offer,) = slack.wait_for(lambda: slack.ephemerals(user))
        press(slack, url, CHANNEL, offer["ts"], user, Action.TAKE_OVER)
        slack.wait_for(lambda: slack.ephemerals(user) == [])  # the offer is gone once used

    started = time.monotonic()
    claim(slack, url, CHANNEL, root["ts"], AGENT)
    take_over(OTHER_AGENT)
    take_over(AGENT)
    assert time.monotonic() - started < 2.0  # three changes within the window

    slack.wait_for(lambda: f"<@{AGENT}>" in card_status(slack, CHANNEL, root["ts"]), 5)
    time.sleep(2.5)  # room for any further update to show, if there were one
    updates = [c for c in slack.calls("chat.update") if c["ts"] == root["ts"]]
    assert len(updates) == 1


def test_a_flood_is_announced_once_and_the_notice_clears(
    sqlite_sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox = sqlite_sandbox
    # Slack takes 2 a second here and P3s must be answered within 3 s: 7 fit, 12 do not.
    policy = write_policy(tmp_path, '[targets.P3]\nfirst_response = "3s"\n')
    for i in range(12):
        sandbox.customer(f"fan{i}")
        sandbox.mention(f"fan{i}", f"nice ad number {i}")
    sandbox.start_bot(CARETHREAD_CONFIG=policy, SLACK_POSTS_PER_SECOND="2", SLACK_POST_BURST="1")
    sandbox.cycle()

    def notices() -> list[dict]:
        return [m for m in sandbox.roots() if "backlog" in str(m.get("blocks"))]

    (notice,) = sandbox.slack.wait_for(notices, 5)
    waiting = NOTICE.search(_text(sandbox, notice))
    assert waiting and 7 < int(waiting[1]) + 2 <= 13, _text(sandbox, notice)

    sandbox.cycle()  # polls go on meanwhile: still one notice for this episode
    sandbox.slack.wait_for(lambda: "Backlog cleared" in _text(sandbox, notices()[0]), 20)
    assert len(notices()) == 1
    assert len([m for m in sandbox.roots() if "nice ad" in _text(sandbox, m)]) == 12


def test_a_rate_limit_pause_holds_for_a_second_process_on_the_same_database(
    sandbox: Sandbox,
) -> None:
    from bot.app import make_slack_client
    from bot.slack.case_thread import CaseThread
    from bot.slack.outbox import SlackPublisher
    from bot.slack.publish_loop import PublishLoop

    sandbox.customer("ana_r")
    sandbox.mention("ana_r", "where is my refund")
    runtime = sandbox.start_bot()
    settings = runtime.settings
    sandbox.slack.rate_limit("chat.postMessage", retry_after=3, times=1)
    refused_at = time.monotonic()
    sandbox.cycle()  # the first process: Slack says 429, Retry-After 3
    assert sandbox.roots() == []

    # A second process: its own engine, client and publisher, nothing shared in memory.
    engine = make_engine(settings.database_url)
    try:
        factory = make_session_factory(engine)
        client = make_slack_client(settings, retry_rate_limits=False)
        thread = CaseThread(client, factory, runtime.networks)
        other = PublishLoop(
            factory,
            SlackPublisher(client, CHANNEL, runtime.networks, thread),
            settings.publishing,
        )
        calls_before = len(_post_requests(sandbox))
        while time.monotonic() - refused_at < 2.7:
            other.step()  # as eager as a process can be: it still waits for the pause
            assert len(_post_requests(sandbox)) == calls_before, "posted during the pause"
            time.sleep(0.05)
        # The pause over, either process may post it; one does, once.
        sandbox.slack.wait_for(lambda: other.step() is not None and len(sandbox.roots()), 15)
    finally:
        engine.dispose()
    time.sleep(0.3)
    assert len(sandbox.roots()) == 1
    assert len(_post_requests(sandbox)) == calls_before + 1
