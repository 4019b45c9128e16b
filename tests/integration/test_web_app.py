"""The sandbox web client over HTTP: what it serves, and what it sends the app.

The app here is a small signed-request receiver (it checks Slack's signature with
slack_sdk's verifier and answers as an app would), so each test sees exactly the
interaction payload a click or a submission produced. The real bot behind the same page
is exercised in a browser by tests/browser.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from sandbox.slack_api import SlackStandIn
from sandbox.web.app import WebSandbox
from sandbox.web.faults import standard_switches
from sandbox.web.networks import XPanel
from sandbox.web.screens import Person
from sandbox.web.server import WebServer
from sandbox.x_api import CANNOT_DM, XStandIn

CHANNEL = "C0CARE"
MARIA, LEAD = "U0MARIA", "U0LEAD"
BUTTON = {
    "type": "actions",
    "block_id": "case_actions",
    "elements": [
        {
            "type": "button",
            "action_id": "case_claim",
            "value": "42",
            "text": {"type": "plain_text", "text": "Claim"},
        }
    ],
}


@dataclass
class App:
    """Answers Slack's deliveries like an app: verifies the signature, records the
    payload, and replies with `answer` (a view_submission's response)."""

    signing_secret: str
    payloads: list[dict] = field(default_factory=list)
    answer: dict = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server
        return f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"

    def start(self) -> None:
        app = self
        verifier = SignatureVerifier(self.signing_secret)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                if not verifier.is_valid(
                    body,
                    self.headers["X-Slack-Request-Timestamp"],
                    self.headers["X-Slack-Signature"],
                ):
                    self.send_response(401)
                    self.end_headers()
                    return
                payload = json.loads(parse_qs(body)["payload"][0])
                app.payloads.append(payload)
                reply = json.dumps(app.answer if payload["type"] == "view_submission" else {})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply.encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        assert self.server
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Page:
    server: WebServer
    sandbox: WebSandbox
    slack: SlackStandIn
    x: XStandIn
    app: App
    client: WebClient

    def post(self, path: str, body: dict) -> requests.Response:
        return requests.post(self.server.url + path.lstrip("/"), json=body, timeout=10)

    def fragments(self, me: str, **params: str) -> dict:
        response = requests.get(
            self.server.url + "fragments", params={"as": me, **params}, timeout=10
        )
        response.raise_for_status()
        return response.json()


@pytest.fixture
def page() -> Iterator[Page]:
    slack, x = SlackStandIn(), XStandIn(brand_username="acmeconecta")
    slack.start()
    x.start()
    slack.add_channel(CHANNEL, "customer-care")
    slack.add_user(MARIA, "maria")
    slack.add_user(LEAD, "lead")
    app = App(slack.signing_secret)
    app.start()
    sandbox = WebSandbox(
        slack=slack,
        bot_url=app.url,
        channel=CHANNEL,
        people=[Person(MARIA, "maria", "agent"), Person(LEAD, "lead", "approver")],
        networks=[XPanel(x)],
        switches=standard_switches(x, slack),
    )
    server = WebServer(sandbox)
    server.start()
    client = WebClient(token=slack.bot_token, base_url=slack.base_url)
    try:
        yield Page(server, sandbox, slack, x, app, client)
    finally:
        server.stop()
        app.stop()
        x.stop()
        slack.stop()


def test_the_page_is_served_locally_with_a_strict_content_policy(page: Page):
    response = requests.get(page.server.url, params={"as": LEAD}, timeout=10)
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert '<option value="U0LEAD" selected>@lead — approver</option>' in response.text
    assert "/static/app.js" in response.text and "http" not in response.text.split("<body")[0]
    script = requests.get(page.server.url + "static/app.js", timeout=10)
    assert script.status_code == 200 and "EventSource" in script.text
    unknown = requests.get(page.server.url, params={"as": "U0NOBODY"}, timeout=10)
    assert unknown.status_code == 400 and "U0NOBODY" in unknown.text


def test_other_sites_cannot_drive_the_page(page: Page):
    foreign = requests.get(page.server.url, headers={"Host": "evil.example"}, timeout=10)
    assert foreign.status_code == 400
    form = requests.post(page.server.url + "api/fault", data="key=x_rate_limit&on=1", timeout=10)
    assert form.status_code == 415
    assert not any(s.is_on() for s in page.sandbox.switches)


def test_a_click_reaches_the_app_signed_as_slack_sends_it(page: Page):
    posted = page.client.chat_postMessage(channel=CHANNEL, text="case", blocks=[BUTTON])
    shown = page.fragments(MARIA)["regions"]["channel"]
    assert 'data-action="case_claim"' in shown and f'data-ts="{posted["ts"]}"' in shown

    answer = page.post(
        "/api/click",
        {
            "as": MARIA,
            "channel": CHANNEL,
            "ts": posted["ts"],
            "action_id": "case_claim",
            "block_id": "case_actions",
            "value": "42",
        },
    )

    assert answer.json() == {"ok": True}
    (payload,) = page.app.payloads
    assert payload["type"] == "block_actions" and payload["user"]["id"] == MARIA
    assert payload["container"]["message_ts"] == posted["ts"]
    assert payload["actions"][0]["value"] == "42"
    assert payload["message"]["blocks"][0]["block_id"] == "case_actions"


def test_a_home_tab_button_is_clicked_in_its_view(page: Page):
    assert "has not published a Home tab" in page.fragments(MARIA)["regions"]["home"]
    home = page.client.views_publish(user_id=MARIA, view={"type": "home", "blocks": [BUTTON]})
    shown = page.fragments(MARIA, tab="home")["regions"]["home"]
    assert f'data-view="{home["view"]["id"]}"' in shown and ">Claim</button>" in shown
    assert "has not published" in page.fragments(LEAD)["regions"]["home"]

    page.post(
        "/api/click",
        {"as": MARIA, "view": home["view"]["id"], "action_id": "case_claim", "value": "42"},
    )

    (payload,) = page.app.payloads
    assert payload["container"] == {"type": "view", "view_id": home["view"]["id"]}
    assert payload["view"]["type"] == "home" and payload["actions"][0]["value"] == "42"
    # Nobody else can click in Maria's Home tab.
    refused = page.post(
        "/api/click",
        {"as": LEAD, "view": home["view"]["id"], "action_id": "case_claim", "value": "42"},
    )
    assert refused.status_code == 400 and len(page.app.payloads) == 1


def open_modal(page: Page) -> str:
    view = {
        "type": "modal",
        "callback_id": "draft_modal",
        "title": {"type": "plain_text", "text": "Draft a reply"},
        "submit": {"type": "plain_text", "text": "Save draft"},
        "blocks": [
            {
                "type": "input",
                "block_id": "text",
                "label": {"type": "plain_text", "text": "Reply"},
                "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
            }
        ],
    }
    opened = page.client.views_open(trigger_id=page.slack.issue_trigger(MARIA), view=view)
    return opened["view"]["id"]


def test_a_modal_is_shown_to_its_user_and_the_apps_inline_error_kept(page: Page):
    view_id = open_modal(page)
    assert f'data-view="{view_id}"' in page.fragments(MARIA)["modal"]["html"]
    assert page.fragments(LEAD)["modal"]["html"].strip() == ""

    empty = page.post("/api/submit", {"as": MARIA, "view": view_id, "values": {}})
    assert empty.json()["errors"] == {"text": "Please complete this required field."}
    assert page.app.payloads == []  # Slack's own check: the app never hears of it

    page.app.answer = {"response_action": "errors", "errors": {"text": "Too <long>"}}
    typed = {"text": {"text": "<b>x</b> " * 50}}
    answer = page.post("/api/submit", {"as": MARIA, "view": view_id, "values": typed})

    assert answer.json()["errors"] == {"text": "Too <long>"}
    (payload,) = page.app.payloads
    assert payload["view"]["state"]["values"]["text"]["text"]["value"] == "<b>x</b> " * 50
    modal = page.fragments(MARIA)["modal"]["html"]
    assert "Too &lt;long&gt;" in modal and "&lt;b&gt;x&lt;/b&gt;" in modal

    page.app.answer = {}
    page.post("/api/submit", {"as": MARIA, "view": view_id, "values": {"text": {"text": "ok"}}})
    assert page.fragments(MARIA)["modal"]["key"] == ""


def read_event(stream: Iterator[bytes]) -> int:
    for line in stream:
        if line.startswith(b"data: "):
            return int(line.removeprefix(b"data: "))
    raise AssertionError("the event stream ended")


def test_every_change_is_pushed_to_open_pages(page: Page):
    with requests.get(page.server.url + "events", stream=True, timeout=10) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        assert read_event(lines) == page.sandbox.changes.version  # at once, on connecting
        page.x.add_user("lucia", "Lucía")
        page.x.post("lucia", "@acmeconecta hola")
        page.client.chat_postMessage(channel=CHANNEL, text="a case")
        target = page.sandbox.changes.version
        # Bursts coalesce: events come until the page has heard of the latest change.
        seen = [read_event(lines)]
        while seen[-1] < target:
            seen.append(read_event(lines))
        assert seen == sorted(set(seen)) and seen[-1] == target


def test_observers_hear_each_change_until_they_unsubscribe(page: Page):
    heard: list[dict] = []
    unsubscribe = page.x.observe(heard.append)
    page.x.add_user("lucia", "Lucía")
    page.x.post("lucia", "@acmeconecta hola")
    unsubscribe()
    page.x.post("lucia", "@acmeconecta again")
    assert [e["kind"] for e in heard] == ["user_added", "post"]
    assert heard[1]["version"] > heard[0]["version"]


def test_the_composer_posts_as_a_customer_it_creates_or_updates(page: Page):
    persona = {
        "name": "Nadia <K>",
        "handle": "nadia_k",
        "followers": "12",
        "language": "es",
        "accepts_private_messages": False,
    }
    answer = page.post(
        "/api/compose", {"network": "x", "persona": persona, "text": "@acmeconecta hola"}
    )
    assert answer.json()["ok"] is True
    user = page.x.user("nadia_k")
    assert (user["name"], user["followers"], user["accepts_dms_from_brand"]) == (
        "Nadia <K>",
        12,
        False,
    )
    (tweet,) = page.x.tweets_by("nadia_k")
    assert tweet["lang"] == "es" and page.x.mentions_of(page.x.brand_id)[0]["id"] == tweet["id"]

    again = {**persona, "verified": True, "accepts_private_messages": True}
    page.post(
        "/api/compose",
        {"network": "x", "persona": again, "text": "hi again", "reply_to": tweet["id"]},
    )
    assert page.x.user("nadia_k")["verified"] and page.x.user("nadia_k")["accepts_dms_from_brand"]
    assert page.x.replies_to(tweet["id"])[0]["text"] == "hi again"
    timeline = page.fragments(MARIA)["regions"]["network-x"]
    assert "Nadia &lt;K&gt;" in timeline and "Replying to" in timeline


@pytest.mark.parametrize(
    ("persona", "text", "reply_to", "words"),
    [
        ({"handle": "has space"}, "hi", None, "1 to 15 letters"),
        ({"handle": "acmeconecta"}, "hi", None, "the brand's own account"),
        ({"handle": "ok_name"}, "   ", None, "Write something"),
        ({"handle": "ok_name", "followers": "many"}, "hi", None, "whole number"),
        ({"handle": "ok_name"}, "hi", "12345", "no longer exists"),
    ],
)
def test_the_composer_refuses_in_plain_words(page: Page, persona, text, reply_to, words):
    answer = page.post(
        "/api/compose",
        {"network": "x", "persona": persona, "text": text, "reply_to": reply_to},
    )
    assert answer.status_code == 400 and words in answer.json()["message"]
    assert page.x.tweets_by(page.x.brand_id) == [] and len(page.x.tweets) == 0


def x_mentions(x: XStandIn) -> requests.Response:
    return requests.get(
        f"{x.base_url}/2/users/{x.brand_id}/mentions",
        headers={"Authorization": f"Bearer {x.bearer_token}"},
        timeout=10,
    )


def x_dm(x: XStandIn, user_id: str) -> requests.Response:
    oauth = f'OAuth oauth_consumer_key="{x.consumer_key}", oauth_token="{x.access_token}"'
    return requests.post(
        f"{x.base_url}/2/dm_conversations/with/{user_id}/messages",
        json={"text": "hello"},
        headers={"Authorization": oauth},
        timeout=10,
    )


def switch(page: Page, key: str, on: bool) -> None:
    assert page.post("/api/fault", {"key": key, "on": on}).json() == {"ok": True, "on": on}


def test_fault_switches_act_on_the_stand_ins(page: Page):
    customer = page.x.add_user("lucia", "Lucía")

    switch(page, "x_rate_limit", True)
    limited = x_mentions(page.x)
    assert limited.status_code == 429
    assert int(limited.headers["x-rate-limit-reset"]) > time.time()
    assert "1 call hit" in page.fragments(MARIA)["regions"]["faults"]
    switch(page, "x_rate_limit", False)
    assert x_mentions(page.x).status_code == 200

    switch(page, "slack_rate_limit", True)
    with pytest.raises(SlackApiError) as refused:
        page.client.chat_postMessage(channel=CHANNEL, text="hi")
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"] == "20"
    switch(page, "slack_rate_limit", False)
    assert page.client.chat_postMessage(channel=CHANNEL, text="hi")["ok"]

    switch(page, "refused_private_message", True)
    dm = x_dm(page.x, customer["id"])
    assert dm.status_code == 403 and dm.json()["detail"] == CANNOT_DM
    switch(page, "refused_private_message", False)
    assert x_dm(page.x, customer["id"]).status_code == 201

    switch(page, "slow_network", True)
    started = time.monotonic()
    assert x_mentions(page.x).status_code == 200
    assert time.monotonic() - started >= 2.0
    switch(page, "slow_network", False)


def test_a_rate_limit_window_ends_by_itself(page: Page):
    limit = next(s for s in page.sandbox.switches if s.key == "x_rate_limit")
    limit.window = 0.3
    switch(page, "x_rate_limit", True)
    assert x_mentions(page.x).status_code == 429
    time.sleep(0.4)
    assert not limit.is_on()
    assert x_mentions(page.x).status_code == 200
    assert 'data-fault="x_rate_limit" checked' not in page.fragments(MARIA)["regions"]["faults"]


def test_the_story_button_needs_a_story(page: Page):
    answer = page.post("/api/story", {})
    assert answer.status_code == 400 and "no scripted story" in answer.json()["message"]


@dataclass
class OneStepStory:
    """A story whose only step is saying it ran, to see the button's wiring."""

    played: threading.Event = field(default_factory=threading.Event)
    _state: str = ""

    def state(self) -> str:
        return self._state

    def start(self, notify) -> None:
        self._state = "done"
        self.played.set()
        notify()


def test_the_story_button_plays_the_story_once_and_the_page_says_so(page: Page):
    story = OneStepStory()
    page.sandbox.story = story
    assert "Play the demo story" in page.fragments(MARIA)["regions"]["story"]
    assert page.post("/api/story", {}).json() == {"ok": True}
    assert story.played.is_set()
    shown = page.fragments(MARIA)["regions"]["story"]
    assert "disabled" in shown and '<span class="story-state">done</span>' in shown
