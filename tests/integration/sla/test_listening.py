"""Listening health through the real bot and the stand-ins: the admins hear once when X
rejects our credentials or Slack refuses the channel, and once when it works again."""

from __future__ import annotations

from sandbox.x_api import problem
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.processes import wait_until
from tests.integration.sla.steps import ADMIN, dm_texts, policy_text, seed_people, write_policy


def _start(sandbox: Sandbox, tmp_path):
    seed_people(sandbox)
    return sandbox.start_bot(CARETHREAD_CONFIG=write_policy(tmp_path, policy_text("1h")))


def _poll_and_check(sandbox: Sandbox) -> None:
    assert sandbox.runtime
    sandbox.cycle()
    sandbox.runtime.listening.run()


def test_x_refusing_our_credentials_alerts_once_then_notes_the_recovery(sandbox, tmp_path):
    runtime = _start(sandbox, tmp_path)
    sandbox.customer("lucia")
    sandbox.x.inject(lambda r: "/mentions" in r.path, problem(401, "Unauthorized"), times=5)
    for _ in range(5):
        _poll_and_check(sandbox)
    (alert,) = dm_texts(sandbox, ADMIN)
    assert "X rejected our credentials (401)" in alert
    for variable in ("X_BEARER_TOKEN", "X_API_KEY", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET"):
        assert variable in alert
    assert "What to do" in alert and "restart" in alert
    assert runtime.health()[1]["listening_problems"]

    sandbox.mention("lucia", "anyone there?")  # said while we could not listen
    _poll_and_check(sandbox)
    alert, recovery = dm_texts(sandbox, ADMIN)
    assert "Recovered" in recovery and "listening on X works again" in recovery
    assert any("anyone there?" in " ".join(sandbox.slack.message_texts(m)) for m in sandbox.roots())
    for _ in range(2):
        _poll_and_check(sandbox)
    assert len(dm_texts(sandbox, ADMIN)) == 2


def test_a_stream_failing_for_a_while_alerts_after_five_polls_only(sqlite_sandbox, tmp_path):
    _start(sqlite_sandbox, tmp_path)
    sqlite_sandbox.x.server_error("/2/users/", status=503, times=6)
    for polls in range(1, 5):
        _poll_and_check(sqlite_sandbox)
        assert dm_texts(sqlite_sandbox, ADMIN) == [], polls
    _poll_and_check(sqlite_sandbox)
    (alert,) = dm_texts(sqlite_sandbox, ADMIN)
    assert "5 polls in a row" in alert and "keeps retrying" in alert


def test_the_bot_removed_from_the_channel_alerts_admins_once_by_dm(sandbox, tmp_path):
    _start(sandbox, tmp_path)
    sandbox.slack.add_channel(CHANNEL, "customer-care", is_member=False)
    sandbox.customer("lucia")
    sandbox.mention("lucia", "hello? my internet is down")
    for _ in range(3):
        _poll_and_check(sandbox)
    (alert,) = dm_texts(sandbox, ADMIN)
    assert "not_in_channel" in alert and "/invite" in alert and "SLACK_CHANNEL_ID" in alert

    sandbox.slack.add_channel(CHANNEL, "customer-care", is_member=True)
    _poll_and_check(sandbox)
    # The publishing loop retries a refused channel a few seconds after the last refusal.
    roots = wait_until(lambda: sandbox.roots() or None, 20, "the waiting case in Slack")
    assert len(roots) == 1  # the waiting case was posted
    sandbox.runtime.listening.run()
    alert, recovery = dm_texts(sandbox, ADMIN)
    assert "Recovered" in recovery and "posting to Slack" in recovery
