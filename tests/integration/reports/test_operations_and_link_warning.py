"""/metrics of a running bot, and the draft modal's warning about a costly link on X."""

from __future__ import annotations

from urllib.request import urlopen

from sandbox.agent_story import claim, open_draft_modal, submit_draft, wait_for_draft
from tests.integration.harness import CHANNEL, Sandbox

AGENT = "U0AGENT1"


def test_metrics_endpoint_reports_what_happened(sqlite_sandbox: Sandbox) -> None:
    runtime = sqlite_sandbox.start_bot()
    sqlite_sandbox.open_case()
    assert runtime.http is not None
    with urlopen(f"http://127.0.0.1:{runtime.http.port}/metrics", timeout=5) as response:
        body = response.read().decode()
    assert (
        'carethread_cases_open{priority="P3"}' in body
        or 'carethread_cases_open{priority="P2"}' in body
    )
    assert "carethread_publish_backlog 0.0" in body
    assert 'carethread_network_calls_total{network="x",operation="fetch",outcome="ok"}' in body
    assert 'carethread_slack_api_calls_total{method="chat.postMessage",outcome="ok"}' in body
    assert (
        'carethread_last_successful_poll_timestamp_seconds{network="x",stream="mentions"}' in body
    )


def test_a_public_reply_with_a_link_is_warned_once_then_saved(sqlite_sandbox: Sandbox) -> None:
    sqlite_sandbox.start_bot()
    slack, url = sqlite_sandbox.slack, sqlite_sandbox.bot_url
    _, root = sqlite_sandbox.open_case()
    claim(slack, url, CHANNEL, root["ts"], AGENT)
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT)
    text = "@lucia we posted the fix at acme.com/router-help"

    answer = submit_draft(slack, url, AGENT, modal["id"], text, "public")
    assert answer["response_action"] == "update"
    shown = slack.view(modal["id"])
    warning = next(b for b in shown["blocks"] if b["block_id"] == "link_cost")
    assert "about 13×" in warning["text"]["text"]
    assert warning["accessory"]["value"] == "@lucia we posted the fix at."
    # Saving again keeps the link: a warning, not a refusal.
    assert submit_draft(slack, url, AGENT, modal["id"], text, "public") == {}
    draft = wait_for_draft(slack, CHANNEL, root["ts"])
    assert "acme.com/router-help" in " ".join(slack.message_texts(draft))
