"""Hostile input on the Slack endpoint, against the real running bot.

Validly signed but malformed, oversized, wrongly typed, non-UTF-8 and unknown payloads of
every kind the app receives (block actions, view submissions and closings, options, slash
commands, events and url_verification) each get a 4xx, within Slack's 3 seconds, with no
traceback or error in the log, no Slack call and no database write. Well-formed payloads
of kinds the app does not handle are answered without a 5xx; a well-formed click or
submission about a case that is gone is acknowledged and explained to the person.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from bot.slack.ids import Action, Callback
from bot.slack_payload_check import MAX_OBJECT_ID, check_payload
from bot.slack_request_guard import MAX_BODY_BYTES
from sandbox import slack_payloads as payloads
from sandbox.agent_story import draft_values, open_draft_modal
from sandbox.slack_payloads import FORM, SLACK_ACK_TIMEOUT, request_body, sign
from tests.integration.harness import CHANNEL, Sandbox, close_sandbox, open_sandbox
from tests.integration.hostile_payloads import Attack, hostile_requests

AGENT = "U0AGENT1"
WRITES = ("INSERT", "UPDATE", "DELETE")
# The process's own bookkeeping, written on a timer whatever requests come: the worker
# lease's renewals and the process registry's heartbeat.
BOOKKEEPING = ("UPDATE lease ", "UPDATE bot_process ")


@dataclass
class Probes:
    """What a request must not cause: Slack calls, database writes, errors in the log."""

    # Slack calls made while setting up (the card, the draft modal): not the requests'.
    slack_calls_before: int = 0
    writes: list[str] = field(default_factory=list)
    records: list[logging.LogRecord] = field(default_factory=list)
    thread_errors: list[BaseException | None] = field(default_factory=list)


class _Recorder(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Endpoint:
    box: Sandbox
    probes: Probes
    templates: dict[str, dict]

    def side_effect_calls(self) -> list[str]:
        """Web API calls and response_url posts, except Bolt's one-time auth.test."""
        with self.box.slack.lock:
            paths = [r.path for r in self.box.slack.requests]
        return [p for p in paths if p != "/api/auth.test"]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """The bot in HTTP mode on SQLite with one case, its draft modal open, and probes on
    everything a request could touch."""
    database = tmp_path_factory.mktemp("hostile") / "carethread.db"
    box = open_sandbox(f"sqlite:///{database}")
    box.start_bot()
    box.customer("lucia")
    box.mention("lucia", "my router is dead")
    box.cycle()
    (root,) = box.roots()
    modal = open_draft_modal(box.slack, box.bot_url, CHANNEL, root["ts"], AGENT)
    # The modal's similar past cases follow by views.update: let that land before probing.
    box.slack.wait_for(lambda: box.slack.calls("views.update"), 10)
    modal = box.slack.view(modal["id"])
    templates = _templates(box, root, modal)
    for kind, template in templates.items():
        assert check_payload(template), f"the {kind} template is not in Slack's shape"

    probes = Probes()
    recorder = _Recorder(probes.records)
    logging.getLogger().addHandler(recorder)
    previous_hook = threading.excepthook
    threading.excepthook = lambda args: probes.thread_errors.append(args.exc_value)

    @event.listens_for(box.runtime.engine, "before_cursor_execute")
    def record_writes(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        written = statement.lstrip()
        if written.upper().startswith(WRITES) and not written.startswith(BOOKKEEPING):
            probes.writes.append(statement)

    found = Endpoint(box, probes, templates)
    probes.slack_calls_before = len(found.side_effect_calls())
    try:
        yield found
    finally:
        threading.excepthook = previous_hook
        logging.getLogger().removeHandler(recorder)
        close_sandbox(box)


def _templates(box: Sandbox, root: dict, modal: dict) -> dict[str, dict]:
    """A well-formed payload of each kind the app can receive, about the real case."""
    slack = box.slack
    team, user = slack.team_object(), slack.user_object(AGENT)
    channel = {"id": CHANNEL, "name": "customer-care"}
    view = slack.submission_payload(
        user_id=AGENT, view_id=modal["id"], values=draft_values("@lucia hi", "public")
    )["view"]
    return {
        "block_actions": slack.click_payload(
            user_id=AGENT, channel=CHANNEL, message_ts=root["ts"], action_id=Action.CLAIM
        ),
        "view_submission": payloads.view_submission(
            team=team, user=user, view=view, trigger_id="1.2.abc"
        ),
        "view_closed": payloads.view_closed(team=team, user=user, view=view, is_cleared=False),
        "block_suggestion": payloads.block_suggestion(
            team=team,
            user=user,
            action_id="team_lookup",
            block_id="team",
            value="bil",
            container={"type": "view", "view_id": modal["id"]},
        ),
        "slash_command": payloads.slash_command(
            team=team,
            user=user,
            channel=channel,
            command="/carethread",
            text="status",
            trigger_id="1.2.abc",
            response_url=f"{slack.root_url}/response/unknown",
        ),
        "url_verification": payloads.url_verification(
            "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
        ),
        "event_callback": payloads.event_callback(
            team_id=slack.team_id,
            bot_user_id=slack.bot_user_id,
            event={
                "type": "app_home_opened",
                "user": AGENT,
                "channel": "D0HOME",
                "tab": "home",
                "event_ts": "1700000000.000100",
                "view": {"id": "V0HOME", "type": "home", "team_id": slack.team_id},
            },
            event_id="Ev0HOSTILE",
            event_time=1700000000,
        ),
    }


def _post(box: Sandbox, body: bytes, content_type: str, *, signed: bool = True) -> tuple[int, str]:
    """POST raw bytes to the bot's Request URL, signed over the bytes as Slack signs."""
    assert box.runtime and box.runtime.http
    timestamp = int(time.time())
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(timestamp)}
    if signed:
        headers["X-Slack-Signature"] = sign(box.slack.signing_secret, body, timestamp)
    connection = http.client.HTTPConnection("127.0.0.1", box.runtime.http.port, timeout=10)
    try:
        connection.request("POST", "/slack/events", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def _problems(endpoint: Endpoint, calls_before: int, writes_before: int, logs_before: int) -> list:
    probes = endpoint.probes
    return (
        endpoint.side_effect_calls()[calls_before:]
        + probes.writes[writes_before:]
        + [
            r.getMessage()[:300]
            for r in probes.records[logs_before:]
            if r.exc_info or r.levelno >= logging.ERROR
        ]
        + probes.thread_errors
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_malformed_signed_request_gets_a_4xx_and_changes_nothing(
    endpoint: Endpoint, data: Any
) -> None:
    attack: Attack = data.draw(hostile_requests(endpoint.templates), label="attack")
    probes = endpoint.probes
    before = (len(endpoint.side_effect_calls()), len(probes.writes), len(probes.records))

    started = time.monotonic()
    status, body = _post(endpoint.box, attack.body, attack.content_type)
    elapsed = time.monotonic() - started

    assert 400 <= status < 500, f"{attack.what}: HTTP {status} {body[:200]}"
    assert elapsed < SLACK_ACK_TIMEOUT
    # Bolt's listeners go on after the answer: give anything that slipped through a moment.
    time.sleep(0.02)
    assert _problems(endpoint, *before) == [], attack.what


def test_nothing_happened_after_all_the_hostile_requests(endpoint: Endpoint) -> None:
    """Listeners run after the answer; by now anything that slipped through shows."""
    time.sleep(0.5)
    assert _problems(endpoint, endpoint.probes.slack_calls_before, 0, 0) == []
    # The probes work: a real click (the claim template) is seen by them.
    box, calls_before = endpoint.box, len(endpoint.side_effect_calls())
    status, _ = box.slack.deliver(box.bot_url, endpoint.templates["block_actions"])
    assert status == 200
    box.slack.wait_for(lambda: "/api/chat.update" in endpoint.side_effect_calls()[calls_before:])
    assert any(w.lstrip().upper().startswith("UPDATE") for w in endpoint.probes.writes)


@pytest.mark.parametrize(
    "kind", ["view_closed", "block_suggestion", "slash_command", "event_callback"]
)
def test_well_formed_payloads_the_app_does_not_handle_get_no_5xx(
    endpoint: Endpoint, kind: str
) -> None:
    probes = endpoint.probes
    before = (len(endpoint.side_effect_calls()), len(probes.writes), len(probes.records))
    payload = dict(endpoint.templates[kind])
    # /carethread and app_home_opened are ours now (tests/integration/reports): use kinds
    # of the same shape the app does not handle.
    if kind == "slash_command":
        payload["command"] = "/weather"
    if kind == "event_callback":
        payload["event"] = {**payload["event"], "type": "member_joined_channel"}
    body, content_type = request_body(payload)

    status, _ = _post(endpoint.box, body, content_type)

    assert status < 500
    time.sleep(0.05)
    assert not endpoint.side_effect_calls()[before[0] :]
    assert probes.writes[before[1] :] == []
    assert all(
        r.exc_info is None and r.levelno < logging.ERROR for r in probes.records[before[2] :]
    )


def test_url_verification_is_answered_with_the_challenge(endpoint: Endpoint) -> None:
    body, content_type = request_body(endpoint.templates["url_verification"])
    status, answer = _post(endpoint.box, body, content_type)
    assert status == 200
    assert json.loads(answer) == {"challenge": endpoint.templates["url_verification"]["challenge"]}


@pytest.mark.parametrize("garbage", [b"\xff\xfe\x00", b"payload=%7B%7D", b"[" * 10_000])
def test_unsigned_requests_are_refused_before_anything_is_read(
    endpoint: Endpoint, garbage: bytes
) -> None:
    status, _ = _post(endpoint.box, garbage, FORM, signed=False)
    assert status in (400, 401)


def test_an_oversized_body_is_refused_with_413(endpoint: Endpoint) -> None:
    """Refused from its Content-Length, before the body is even sent."""
    assert endpoint.box.runtime and endpoint.box.runtime.http
    size = MAX_BODY_BYTES + 1
    with socket.create_connection(("127.0.0.1", endpoint.box.runtime.http.port), 5) as raw:
        raw.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: bot\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {size}\r\n\r\n".encode()
            + b"payload="
        )
        answer = raw.recv(200)
    assert answer.startswith(b"HTTP/1.1 413")


# -- well formed, but about something that is gone ------------------------------------
def _gone_click(sandbox: Sandbox, action: str, target: str) -> dict:
    return payloads.block_actions(
        team=sandbox.slack.team_object(),
        user=sandbox.slack.user_object(AGENT),
        container={"type": "message", "message_ts": "1700000000.000100", "channel_id": CHANNEL},
        channel={"id": CHANNEL, "name": "customer-care"},
        message=None,
        action={"type": "button", "action_id": action, "block_id": "b", "value": target},
        trigger_id=sandbox.slack.issue_trigger(AGENT),
        response_url=f"{sandbox.slack.root_url}/response/unknown",
    )


def _gone_submission(sandbox: Sandbox, callback: str, metadata: dict, values: dict) -> dict:
    view = {
        "id": "V0GONE",
        "type": "modal",
        "callback_id": callback,
        "private_metadata": json.dumps(metadata),
        "state": {"values": values},
        "hash": "1.abc",
        "team_id": sandbox.slack.team_id,
    }
    return payloads.view_submission(
        team=sandbox.slack.team_object(),
        user=sandbox.slack.user_object(AGENT),
        view=view,
        trigger_id=sandbox.slack.issue_trigger(AGENT),
    )


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (Action.CLAIM, "This case no longer exists."),
        (Action.APPROVE, "This draft no longer exists."),
    ],
)
def test_a_click_on_something_gone_is_acknowledged_and_explained(
    sandbox: Sandbox, action: str, message: str
) -> None:
    """The largest id we accept reaches SQLite and PostgreSQL alike without an error."""
    sandbox.start_bot()
    status, _ = sandbox.slack.deliver(
        sandbox.bot_url, _gone_click(sandbox, action, str(MAX_OBJECT_ID))
    )
    assert status == 200
    (told,) = sandbox.slack.wait_for(lambda: sandbox.slack.ephemerals(AGENT))
    assert told["text"] == message


def test_an_id_beyond_the_limit_never_reaches_the_database(sandbox: Sandbox) -> None:
    sandbox.start_bot()
    payload = _gone_click(sandbox, Action.CLAIM, str(MAX_OBJECT_ID + 1))
    status, _ = sandbox.slack.deliver(sandbox.bot_url, payload)
    assert status == 400
    time.sleep(0.1)
    assert sandbox.slack.ephemerals(AGENT) == []


def test_a_draft_submitted_for_a_gone_case_shows_an_inline_error(sandbox: Sandbox) -> None:
    sandbox.start_bot()
    payload = _gone_submission(
        sandbox,
        Callback.DRAFT,
        {"case_id": MAX_OBJECT_ID, "draft_id": None},
        draft_values("@lucia hi", "public"),
    )
    status, body = sandbox.slack.deliver(sandbox.bot_url, payload)
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == ["text"]


def test_closing_a_gone_case_is_acknowledged_and_explained(sqlite_sandbox: Sandbox) -> None:
    """The modal closes (the close listener acknowledges first) and the person is told in a
    DM; the wording is the service's ("already closed": it cannot tell gone from closed)."""
    sandbox = sqlite_sandbox
    sandbox.start_bot()
    values = {"reason": {"reason": {"type": "radio_buttons", "selected_option": {"value": "spam"}}}}
    payload = _gone_submission(sandbox, Callback.CLOSE, {"case_id": MAX_OBJECT_ID}, values)
    status, body = sandbox.slack.deliver(sandbox.bot_url, payload)
    assert (status, body) == (200, "")
    (dm,) = sandbox.slack.wait_for(lambda: sandbox.slack.dms(AGENT))
    assert dm["text"].startswith("This case") and "error id" not in dm["text"]
