"""Draft validation shows inline in the modal, as X would count and refuse."""

from __future__ import annotations

from sandbox.agent_story import draft_messages, open_draft_modal, submit_draft
from tests.integration.harness import CHANNEL, Sandbox

AGENT = "U0AGENT1"


def test_a_281_weighted_character_public_reply_is_refused_inline(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot()
    _, root = sandbox.open_case()
    slack, url = sandbox.slack, sandbox.bot_url
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT)
    # 139 emoji weigh 278, plus "ab" = 280 (fits); one more letter = 281.
    fits = "😀" * 139 + "ab"

    answer = submit_draft(slack, url, AGENT, modal["id"], fits + "c", "public")

    assert answer["response_action"] == "errors"
    assert "281/280" in answer["errors"]["text"]
    assert slack.open_views(AGENT) and draft_messages(slack, CHANNEL, root["ts"]) == []
    # The same text is fine as a private message; an empty one never is.
    assert submit_draft(slack, url, AGENT, modal["id"], "  ", "private")["errors"]["text"]
    assert submit_draft(slack, url, AGENT, modal["id"], fits, "public") == {}
    slack.wait_for(lambda: draft_messages(slack, CHANNEL, root["ts"]))


def test_a_keyword_search_post_cannot_get_a_public_reply(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(X_SEARCH_QUERY="router")
    sandbox.customer("pepe")
    sandbox.x.post("pepe", "my acme router keeps rebooting")
    sandbox.cycle()
    (root,) = sandbox.roots()
    slack, url = sandbox.slack, sandbox.bot_url
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT)
    radio = next(b for b in modal["blocks"] if b["block_id"] == "visibility")["element"]
    assert radio["initial_option"]["value"] == "private"  # offered by default

    answer = submit_draft(slack, url, AGENT, modal["id"], "Hi Pepe, can we help?", "public")

    assert answer["response_action"] == "errors"
    assert "did not mention" in answer["errors"]["visibility"]
    assert submit_draft(slack, url, AGENT, modal["id"], "Hi Pepe, can we help?", "private") == {}
