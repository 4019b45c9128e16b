"""The Slack stand-in, driven through the real slack_sdk and slack_bolt clients."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from sandbox.slack_api import SlackStandIn

CHANNEL = "C0CASES"
AGENT = "U0AGENT"
APPROVER = "U0APPROVER"

CLAIM_BLOCKS = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "@maria: my order never arrived"}},
    {
        "type": "actions",
        "block_id": "case:42",
        "elements": [
            {
                "type": "button",
                "action_id": "claim",
                "value": "42",
                "text": {"type": "plain_text", "text": "Claim"},
            },
            {
                "type": "overflow",
                "action_id": "more",
                "options": [
                    {"text": {"type": "plain_text", "text": "Escalate"}, "value": "escalate"},
                    {"text": {"type": "plain_text", "text": "Close"}, "value": "close"},
                ],
            },
        ],
    },
]

DRAFT_MODAL = {
    "type": "modal",
    "callback_id": "draft",
    "title": {"type": "plain_text", "text": "Draft a reply"},
    "submit": {"type": "plain_text", "text": "Save"},
    "private_metadata": json.dumps({"case_id": 42}),
    "blocks": [
        {
            "type": "input",
            "block_id": "reply",
            "label": {"type": "plain_text", "text": "Reply"},
            "element": {"type": "plain_text_input", "action_id": "text"},
        }
    ],
}


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn()
    stand_in.add_channel(CHANNEL, "social-cases")
    stand_in.add_user(AGENT, "ana", "Ana Agent")
    stand_in.add_user(APPROVER, "pau", "Pau Approver", tz="America/New_York")
    stand_in.add_usergroup("S0APPROVERS", "approvers", [APPROVER])
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.base_url)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def bolt_url(slack: SlackStandIn) -> Iterator[str]:
    """A tiny real Bolt app over HTTP: Claim answers with respond() and opens a modal;
    the draft modal's submission is refused with an inline error when the reply is empty."""
    app = App(
        token=slack.bot_token,
        signing_secret=slack.signing_secret,
        client=WebClient(token=slack.bot_token, base_url=slack.base_url),
    )

    @app.action("claim")
    def handle_claim(ack, body, respond, client) -> None:
        ack()
        respond(text=f"You claimed case {body['actions'][0]['value']}")
        client.views_open(trigger_id=body["trigger_id"], view=DRAFT_MODAL)

    @app.action("more")
    def handle_more(ack, body, respond) -> None:
        ack()
        choice = body["actions"][0]["selected_option"]["value"]
        respond(text=f"Case {choice}d", replace_original=True)

    @app.view("draft")
    def handle_draft(ack, view) -> None:
        text = view["state"]["values"]["reply"]["text"]["value"]
        if not text.strip():
            ack(response_action="errors", errors={"reply": "Write something first"})
        else:
            ack()

    server = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/slack/events"
    server.shutdown()
    server.server_close()


# -- Web API through the real WebClient ---------------------------------------------
def test_root_and_thread_reply(slack: SlackStandIn, client: WebClient) -> None:
    root = client.chat_postMessage(channel=CHANNEL, text="New case", blocks=CLAIM_BLOCKS)
    reply = client.chat_postMessage(channel=CHANNEL, text="Claimed by Ana", thread_ts=root["ts"])

    assert root["channel"] == CHANNEL and root["message"]["text"] == "New case"
    assert reply["ts"] > root["ts"]
    assert [m["ts"] for m in slack.messages(CHANNEL)] == [root["ts"]]
    assert [m["text"] for m in slack.thread(CHANNEL, root["ts"])] == ["Claimed by Ana"]
    parent = slack.last_message(CHANNEL)
    assert parent["reply_count"] == 1 and parent["latest_reply"] == reply["ts"]
    replies = client.conversations_replies(channel=CHANNEL, ts=root["ts"])["messages"]
    assert [m["ts"] for m in replies] == [root["ts"], reply["ts"]]
    # Slack fills in the block_id the app left out, and keeps the ones it gave.
    assert (
        root["message"]["blocks"][0]["block_id"]
        and root["message"]["blocks"][1]["block_id"] == "case:42"
    )


def test_update_replaces_text_and_keeps_blocks(slack: SlackStandIn, client: WebClient) -> None:
    root = client.chat_postMessage(channel=CHANNEL, text="New case", blocks=CLAIM_BLOCKS)

    updated = client.chat_update(channel=CHANNEL, ts=root["ts"], text="Claimed")

    assert updated["message"]["text"] == "Claimed" and "edited" in updated["message"]
    assert len(slack.last_message(CHANNEL)["blocks"]) == len(CLAIM_BLOCKS)
    with pytest.raises(SlackApiError) as missing:
        client.chat_update(channel=CHANNEL, ts="1.000001", text="x")
    assert missing.value.response["error"] == "message_not_found"


def test_metadata_only_when_asked_for(client: WebClient) -> None:
    metadata = {"event_type": "case_posted", "event_payload": {"case_id": 42}}
    client.chat_postMessage(channel=CHANNEL, text="New case", metadata=metadata)

    plain = client.conversations_history(channel=CHANNEL)["messages"][0]
    full = client.conversations_history(channel=CHANNEL, include_all_metadata=True)["messages"][0]

    assert "metadata" not in plain
    assert full["metadata"] == metadata


def test_history_pages_newest_first(client: WebClient) -> None:
    posted = [client.chat_postMessage(channel=CHANNEL, text=str(i))["ts"] for i in range(3)]

    first = client.conversations_history(channel=CHANNEL, limit=2)
    second = client.conversations_history(
        channel=CHANNEL, limit=2, cursor=first["response_metadata"]["next_cursor"]
    )

    assert [m["ts"] for m in first["messages"]] == posted[:0:-1] and first["has_more"]
    assert [m["ts"] for m in second["messages"]] == posted[:1] and not second["has_more"]


def test_dm_channel_is_stable_per_user(slack: SlackStandIn, client: WebClient) -> None:
    opened = client.conversations_open(users=APPROVER)["channel"]["id"]
    client.chat_postMessage(channel=opened, text="Please approve case 42")
    client.chat_postMessage(channel=APPROVER, text="Reminder")  # a user id posts to the DM

    assert opened.startswith("D")
    assert client.conversations_open(users=APPROVER)["channel"]["id"] == opened
    assert [m["text"] for m in slack.dms(APPROVER)] == ["Please approve case 42", "Reminder"]


def test_users_and_groups(client: WebClient) -> None:
    user = client.users_info(user=APPROVER)["user"]

    assert user["tz"] == "America/New_York" and user["real_name"] == "Pau Approver"
    assert client.usergroups_users_list(usergroup="S0APPROVERS")["users"] == [APPROVER]
    with pytest.raises(SlackApiError) as error:
        client.users_info(user="U0NOBODY")
    assert error.value.response["error"] == "user_not_found"


@pytest.mark.parametrize(("token", "error"), [("xoxb-wrong", "invalid_auth"), ("", "not_authed")])
def test_bad_tokens_are_refused(slack: SlackStandIn, token: str, error: str) -> None:
    with pytest.raises(SlackApiError) as raised:
        WebClient(token=token or None, base_url=slack.base_url).chat_postMessage(
            channel=CHANNEL, text="hi"
        )
    assert raised.value.response["error"] == error


def test_unknown_and_foreign_channels(slack: SlackStandIn, client: WebClient) -> None:
    slack.add_channel("C0OTHER", "elsewhere", is_member=False)

    with pytest.raises(SlackApiError) as unknown:
        client.chat_postMessage(channel="C0NOPE", text="hi")
    with pytest.raises(SlackApiError) as foreign:
        client.chat_postMessage(channel="C0OTHER", text="hi")

    assert unknown.value.response["error"] == "channel_not_found"
    assert foreign.value.response["error"] == "not_in_channel"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_refused_content(client: WebClient) -> None:
    divider = {"type": "divider"}
    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    cases = [
        (
            {"blocks": [divider] * 51},
            "invalid_blocks",
            "no more than 50 items allowed [json-pointer:/blocks]",
        ),
        ({"blocks": [long_section]}, "invalid_blocks", "[json-pointer:/blocks/0/text/text]"),
        ({"text": "x" * 40_001}, "msg_too_long", None),
        ({}, "no_text", None),
    ]
    for arguments, code, detail in cases:
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel=CHANNEL, **arguments)
        assert refused.value.response["error"] == code
        if detail:
            assert detail in refused.value.response["response_metadata"]["messages"][0]


def test_duplicate_action_ids_in_a_block_are_refused(client: WebClient) -> None:
    button = {
        "type": "button",
        "action_id": "claim",
        "text": {"type": "plain_text", "text": "Claim"},
    }

    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(
            channel=CHANNEL, text="x", blocks=[{"type": "actions", "elements": [button, button]}]
        )

    assert refused.value.response["errors"] == [
        '`action_id` "claim" already exists [json-pointer:/blocks/0/elements/1/action_id]'
    ]


# -- faults ---------------------------------------------------------------------
def test_rate_limit_raises_with_retry_after(slack: SlackStandIn, client: WebClient) -> None:
    slack.rate_limit("chat.postMessage", retry_after=7)

    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel=CHANNEL, text="hi")

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert limited.value.response["error"] == "ratelimited"
    assert slack.messages(CHANNEL) == []


def test_rate_limit_retry_handler_recovers(slack: SlackStandIn, client: WebClient) -> None:
    slack.rate_limit("chat.postMessage", retry_after=1)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))

    started = time.monotonic()
    response = client.chat_postMessage(channel=CHANNEL, text="hi")

    assert response["ok"] and time.monotonic() - started >= 1
    assert [c.request.status for c in slack.calls("chat.postMessage")] == [429, 200]


def test_server_error(slack: SlackStandIn, client: WebClient) -> None:
    slack.server_error("chat.update", status=503)

    with pytest.raises(SlackApiError) as failed:
        client.chat_update(channel=CHANNEL, ts="1.000001", text="x")

    assert failed.value.response.status_code == 503


def test_slow_reply_times_out_the_client(slack: SlackStandIn) -> None:
    slack.slow("auth.test", seconds=1.5)
    impatient = WebClient(token=slack.bot_token, base_url=slack.base_url, timeout=0.5)

    with pytest.raises(TimeoutError):
        impatient.auth_test()
    assert impatient.auth_test()["user_id"] == slack.bot_user_id  # the fault was used up


def test_calls_decode_form_encoded_blocks(slack: SlackStandIn, client: WebClient) -> None:
    # conversations.history goes form-encoded; a raw form POST with JSON-string blocks too.
    client.api_call(
        "chat.postMessage", data={"channel": CHANNEL, "blocks": json.dumps(CLAIM_BLOCKS)}
    )

    (call,) = slack.calls("chat.postMessage")
    assert call["blocks"][1]["block_id"] == "case:42"
    assert call.request.headers["content-type"] == "application/x-www-form-urlencoded"


def test_message_texts_finds_text_in_blocks(client: WebClient) -> None:
    message = client.chat_postMessage(channel=CHANNEL, text="New case", blocks=CLAIM_BLOCKS)[
        "message"
    ]

    texts = SlackStandIn.message_texts(message)

    assert {"New case", "@maria: my order never arrived", "Claim", "Escalate"} <= set(texts)


# -- Slack calling the bot ---------------------------------------------------------
def test_deliver_is_signed_as_slack_signs() -> None:
    received: dict[str, object] = {}

    def app(environ, start_response):
        length = int(environ["CONTENT_LENGTH"])
        received["body"] = environ["wsgi.input"].read(length).decode()
        received["headers"] = {
            "x-slack-request-timestamp": environ["HTTP_X_SLACK_REQUEST_TIMESTAMP"],
            "x-slack-signature": environ["HTTP_X_SLACK_SIGNATURE"],
        }
        received["content_type"] = environ["CONTENT_TYPE"]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b""]

    server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    threading.Thread(target=server.handle_request, daemon=True).start()
    stand_in = SlackStandIn(signing_secret="the-real-secret")

    status, _ = stand_in.deliver(
        f"http://127.0.0.1:{server.server_port}/", {"type": "block_actions"}
    )
    server.server_close()

    assert status == 200 and received["content_type"] == "application/x-www-form-urlencoded"
    body, headers = received["body"], received["headers"]
    assert SignatureVerifier("the-real-secret").is_valid_request(body, headers)
    assert not SignatureVerifier("another-secret").is_valid_request(body, headers)


def test_click_reaches_bolt_which_responds_and_opens_a_modal(
    slack: SlackStandIn, client: WebClient, bolt_url: str
) -> None:
    root = client.chat_postMessage(channel=CHANNEL, text="New case", blocks=CLAIM_BLOCKS)

    status, _ = slack.click(
        bolt_url, user_id=AGENT, channel=CHANNEL, message_ts=root["ts"], action_id="claim"
    )

    assert status == 200
    (ephemeral,) = slack.wait_for(lambda: slack.ephemerals(AGENT))
    assert ephemeral["text"] == "You claimed case 42" and ephemeral["channel"] == CHANNEL
    (modal,) = slack.wait_for(lambda: slack.open_views(AGENT))
    assert modal["callback_id"] == "draft" and json.loads(modal["private_metadata"]) == {
        "case_id": 42
    }
    assert slack.calls("views.open")[0]["trigger_id"]


def test_overflow_choice_replaces_the_original(
    slack: SlackStandIn, client: WebClient, bolt_url: str
) -> None:
    root = client.chat_postMessage(channel=CHANNEL, text="New case", blocks=CLAIM_BLOCKS)

    slack.click(
        bolt_url,
        user_id=AGENT,
        channel=CHANNEL,
        message_ts=root["ts"],
        action_id="more",
        selected_option="close",
    )

    slack.wait_for(lambda: slack.last_message(CHANNEL)["text"] == "Case closed")
    assert "blocks" not in slack.last_message(CHANNEL)  # respond() replaced the whole message


def test_click_on_an_ephemeral_replaces_it(
    slack: SlackStandIn, client: WebClient, bolt_url: str
) -> None:
    shown = client.chat_postEphemeral(channel=CHANNEL, user=AGENT, text="Case", blocks=CLAIM_BLOCKS)

    slack.click(
        bolt_url,
        user_id=AGENT,
        channel=CHANNEL,
        message_ts=shown["message_ts"],
        action_id="more",
        selected_option="escalate",
    )

    slack.wait_for(lambda: slack.ephemerals(AGENT)[0]["text"] == "Case escalated")
    assert len(slack.ephemerals(AGENT)) == 1 and slack.messages(CHANNEL) == []


def test_on_change_reports_each_change(slack: SlackStandIn, client: WebClient) -> None:
    events: list[dict] = []
    slack.on_change = events.append

    root = client.chat_postMessage(channel=CHANNEL, text="New case")
    client.chat_update(channel=CHANNEL, ts=root["ts"], text="Claimed")
    client.chat_postEphemeral(channel=CHANNEL, user=AGENT, text="Only you")

    assert [e["kind"] for e in events] == ["message", "message_changed", "ephemeral"]


def test_view_submission_errors_then_closes(
    slack: SlackStandIn, client: WebClient, bolt_url: str
) -> None:
    root = client.chat_postMessage(channel=CHANNEL, text="New case", blocks=CLAIM_BLOCKS)
    slack.click(bolt_url, user_id=AGENT, channel=CHANNEL, message_ts=root["ts"], action_id="claim")
    (modal,) = slack.wait_for(lambda: slack.open_views(AGENT))

    def typed(text: str) -> dict:
        return {"reply": {"text": {"type": "plain_text_input", "value": text}}}

    _, refused = slack.submit_view(bolt_url, user_id=AGENT, view_id=modal["id"], values=typed(" "))
    assert refused == {"response_action": "errors", "errors": {"reply": "Write something first"}}
    assert slack.open_views(AGENT)

    status, accepted = slack.submit_view(
        bolt_url, user_id=AGENT, view_id=modal["id"], values=typed("Sorry!")
    )
    assert status == 200 and accepted == {} and slack.open_views(AGENT) == []


def test_triggers_expire_and_are_single_use(slack: SlackStandIn, client: WebClient) -> None:
    slack.modals.trigger_ttl = 0.2
    stale = slack.issue_trigger(AGENT)
    fresh = slack.issue_trigger(AGENT)
    client.views_open(trigger_id=fresh, view=DRAFT_MODAL)
    time.sleep(0.3)

    for trigger_id, error in [
        (stale, "expired_trigger_id"),
        (fresh, "exchanged_trigger_id"),
        ("1.2.x", "invalid_trigger_id"),
    ]:
        with pytest.raises(SlackApiError) as refused:
            client.views_open(trigger_id=trigger_id, view=DRAFT_MODAL)
        assert refused.value.response["error"] == error


def test_views_update_checks_the_hash(slack: SlackStandIn, client: WebClient) -> None:
    view = client.views_open(trigger_id=slack.issue_trigger(AGENT), view=DRAFT_MODAL)["view"]
    renamed = {**DRAFT_MODAL, "title": {"type": "plain_text", "text": "Draft (v2)"}}

    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=renamed)["view"]
    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=view["id"], hash=view["hash"], view=renamed)

    assert updated["id"] == view["id"] and updated["hash"] != view["hash"]
    assert stale.value.response["error"] == "hash_conflict"


def test_invalid_modal_is_refused_with_its_pointer(slack: SlackStandIn, client: WebClient) -> None:
    too_many = {**DRAFT_MODAL, "blocks": [{"type": "divider"}] * 101}

    with pytest.raises(SlackApiError) as refused:
        client.views_open(trigger_id=slack.issue_trigger(AGENT), view=too_many)

    assert refused.value.response["error"] == "invalid_arguments"
    assert refused.value.response["response_metadata"]["messages"] == [
        "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"
    ]
