"""Socket Mode, end to end: the real bot (Bolt's built-in Socket Mode client) against the
Slack stand-in's WebSocket side. Connecting with the app-level token, envelopes Slack sends
again when an acknowledgement is missed (handled once), refresh requests and pings, and
malformed envelopes. The story tests in SOCKET_MODE_TOO (conftest) run here too."""

from __future__ import annotations

import json
import logging
import time
from urllib.request import urlopen

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from bot.slack.ids import Action
from sandbox.agent_story import (
    card_status,
    claim,
    draft_messages,
    open_draft_modal,
    submit_draft,
    wait_for_draft,
)
from sandbox.slack_socket_mode import SocketModeStandIn
from tests.integration.harness import CHANNEL, Sandbox

AGENT, AGENT2 = "U0AGENT1", "U0AGENT2"


@pytest.fixture
def slack_mode() -> str:
    return "socket"


def _case(sandbox: Sandbox) -> dict:
    sandbox.customer("lucia")
    sandbox.mention("lucia", "my router is dead")
    sandbox.cycle()
    (root,) = sandbox.roots()
    return root


def _envelopes_for(socket: SocketModeStandIn, payload_type: str) -> list:
    return [e for e in socket.envelopes if e.payload.get("type") == payload_type]


def test_the_bot_connects_with_its_app_token_and_still_serves_healthz(
    sqlite_sandbox: Sandbox,
) -> None:
    sandbox = sqlite_sandbox
    runtime = sandbox.start_bot(scheduler=True)
    assert sandbox.socket is not None
    (opened,) = sandbox.slack.calls("apps.connections.open")
    assert opened.request.headers["authorization"] == f"Bearer {sandbox.socket.app_token}"
    assert sandbox.socket.connections_opened == 1
    assert runtime.http is not None
    health = f"http://127.0.0.1:{runtime.http.port}/healthz"
    sandbox.slack.wait_for(lambda: json.loads(urlopen(health, timeout=2).read())["ok"], 10)


def test_a_missed_acknowledgement_brings_the_click_again_and_it_is_handled_once(
    sqlite_sandbox: Sandbox,
) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot()
    root = _case(sandbox)
    slack, socket = sandbox.slack, sandbox.socket
    assert socket is not None
    socket.lose_acks(1)

    started = time.monotonic()
    claim(slack, sandbox.bot_url, CHANNEL, root["ts"], AGENT)

    # Slack waited its 3 seconds, then sent the same click again in a new envelope.
    assert time.monotonic() - started >= socket.ack_timeout
    first, again = _envelopes_for(socket, "block_actions")
    assert (first.retry_attempt, first.retry_reason) == (0, "")
    assert (again.retry_attempt, again.retry_reason) == (1, "timeout")
    assert again.envelope_id != first.envelope_id and again.payload == first.payload
    slack.wait_for(lambda: f"<@{AGENT}>" in card_status(slack, CHANNEL, root["ts"]))
    time.sleep(0.3)  # room for a second handling to show, if there were one
    card_updates = [c for c in slack.calls("chat.update") if c["ts"] == root["ts"]]
    assert len(card_updates) == 1
    assert slack.ephemerals(AGENT) == []  # not told "already yours"


def test_a_redelivered_draft_submission_saves_one_draft(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(APPROVER_USER_IDS="U0LEAD")
    root = _case(sandbox)
    slack, url, socket = sandbox.slack, sandbox.bot_url, sandbox.socket
    assert socket is not None
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT)
    socket.lose_acks(1)

    submit_draft(slack, url, AGENT, modal["id"], "@lucia A technician is on the way.", "public")

    assert [e.retry_attempt for e in _envelopes_for(socket, "view_submission")] == [0, 1]
    wait_for_draft(slack, CHANNEL, root["ts"])
    (dm,) = slack.wait_for(lambda: slack.dms("U0LEAD"))
    time.sleep(0.3)
    assert len(draft_messages(slack, CHANNEL, root["ts"])) == 1
    assert len(slack.dms("U0LEAD")) == 1


def test_bolt_acknowledges_well_within_the_three_seconds(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot()
    root = _case(sandbox)
    socket = sandbox.socket
    assert socket is not None
    for user in (AGENT, AGENT2, AGENT):
        claim(sandbox.slack, sandbox.bot_url, CHANNEL, root["ts"], user)
    assert len(socket.envelopes) == 3
    assert all(e.retry_attempt == 0 for e in socket.envelopes)  # none was sent again


@pytest.mark.parametrize("reason", ["warning", "refresh_requested"])
def test_after_a_disconnect_the_bot_reconnects_and_keeps_working(
    sqlite_sandbox: Sandbox, reason: str
) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot()
    root = _case(sandbox)
    slack, socket = sandbox.slack, sandbox.socket
    assert socket is not None

    socket.request_refresh(reason)

    # A new URL from apps.connections.open, a new connection, the old one gone.
    slack.wait_for(lambda: socket.connections_opened == 2 and socket.open_connections == 1, 10)
    assert len(slack.calls("apps.connections.open")) == 2
    assert socket.ping(timeout=5)
    claim(slack, sandbox.bot_url, CHANNEL, root["ts"], AGENT)
    slack.wait_for(lambda: f"<@{AGENT}>" in card_status(slack, CHANNEL, root["ts"]))
    assert [e.retry_attempt for e in socket.envelopes] == [0]


def test_the_bot_answers_pings(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot()
    assert sandbox.socket is not None
    assert all(sandbox.socket.ping(timeout=5) for _ in range(3))


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "block_actions", "user": {"id": AGENT}, "actions": "case_claim"},
        {"type": "block_actions", "user": AGENT, "actions": [{"action_id": Action.CLAIM}]},
        {
            "type": "block_actions",
            "user": {"id": AGENT},
            "actions": [{"action_id": Action.CLAIM, "value": "9" * 30}],
        },
        {"type": "view_submission", "user": {"id": AGENT}, "view": None},
        {"type": "something_new", "user": {"id": AGENT}},
    ],
    ids=["actions-text", "user-text", "30-digit-id", "view-null", "unknown-type"],
)
def test_a_malformed_envelope_is_acknowledged_and_changes_nothing(
    sqlite_sandbox: Sandbox, payload: dict, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot()
    root = _case(sandbox)
    socket = sandbox.socket
    assert socket is not None
    calls_before = len(sandbox.slack.requests)

    with caplog.at_level(logging.WARNING):
        assert socket.deliver(payload) == (200, "")  # acknowledged: Slack stops re-sending
        time.sleep(0.2)

    assert len(sandbox.slack.requests) == calls_before
    assert "Claimed" not in card_status(sandbox.slack, CHANNEL, root["ts"])
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    assert any("Refused a malformed" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("kind", ["event", "slash_command"])
def test_a_payload_the_app_does_not_handle_is_acknowledged_on_its_redelivery(
    sqlite_sandbox: Sandbox, kind: str
) -> None:
    """Bolt does not acknowledge what no listener takes; the redelivery is recognised and
    acknowledged, so Slack stops sending it (and the bot never acts on it)."""
    sandbox = sqlite_sandbox
    sandbox.start_bot()
    slack, socket = sandbox.slack, sandbox.socket
    assert socket is not None
    socket.ack_timeout = 0.5
    calls_before = len(slack.requests)

    if kind == "event":
        # (app_home_opened and /carethread are ours: tests/integration/reports)
        event = {"type": "member_joined_channel", "user": AGENT, "channel": CHANNEL}
        answer = slack.send_event(sandbox.bot_url, event)
    else:
        answer = slack.slash_command(
            sandbox.bot_url, user_id=AGENT, channel=CHANNEL, command="/weather"
        )

    assert answer == (200, "")
    assert [e.retry_attempt for e in socket.envelopes] == [0, 1]
    assert {e.type for e in socket.envelopes} == {
        "events_api" if kind == "event" else "slash_commands"
    }
    assert [r.path for r in slack.requests[calls_before:]] in ([], ["/api/auth.test"])


# -- the stand-in itself behaves like Slack -------------------------------------------
def test_apps_connections_open_wants_the_app_level_token(sqlite_sandbox: Sandbox) -> None:
    slack, socket = sqlite_sandbox.slack, sqlite_sandbox.socket
    assert socket is not None
    for token, error in ((slack.bot_token, "not_allowed_token_type"), ("xapp-1-x", "invalid_auth")):
        with pytest.raises(SlackApiError) as refused:
            WebClient(base_url=slack.base_url).apps_connections_open(app_token=token)
        assert refused.value.response["error"] == error
    url = WebClient(base_url=slack.base_url).apps_connections_open(app_token=socket.app_token)[
        "url"
    ]
    assert url.startswith("ws://127.0.0.1:") and "/link?ticket=" in url


def test_a_connection_says_hello_and_a_url_opens_only_once(sqlite_sandbox: Sandbox) -> None:
    socket = sqlite_sandbox.socket
    assert socket is not None
    url = socket.open_url()
    with connect(url) as client:
        hello = json.loads(client.recv(timeout=2))
    assert hello["type"] == "hello" and hello["num_connections"] == 1
    assert hello["connection_info"]["app_id"] == socket.app_id
    assert hello["debug_info"]["approximate_connection_time"] > 0
    with pytest.raises(InvalidStatus):
        connect(url)


def test_an_envelope_never_acknowledged_is_sent_three_more_times(sqlite_sandbox: Sandbox) -> None:
    socket = sqlite_sandbox.socket
    assert socket is not None
    socket.ack_timeout = 0.2
    with connect(socket.open_url()) as silent:  # a client that reads but never acknowledges
        json.loads(silent.recv(timeout=2))  # hello
        with pytest.raises(TimeoutError):
            socket.deliver({"type": "event_callback", "event": {"type": "app_home_opened"}})
        received = [json.loads(silent.recv(timeout=2)) for _ in range(4)]
    assert [e["retry_attempt"] for e in received] == [0, 1, 2, 3]
    assert [e["retry_reason"] for e in received] == ["", "timeout", "timeout", "timeout"]
    assert {e["type"] for e in received} == {"events_api"}
    assert len({e["envelope_id"] for e in received}) == 4
