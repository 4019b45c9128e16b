"""Drafts and outcomes in a case thread: what people read, which buttons they get, nothing
pings."""

from __future__ import annotations

import json

from bot.networks.registry import NetworkLook
from bot.slack.builders.common import blocks_as_dicts
from bot.slack.builders.thread import (
    build_draft_message,
    build_escalation_message,
    build_send_failed_message,
    build_send_unknown_message,
    build_sent_message,
)
from bot.slack.ids import Action
from tests.unit.slack.builders.examples import EVIL, draft


def rendered(blocks) -> str:
    return json.dumps(blocks_as_dicts(blocks), ensure_ascii=False)


def buttons(blocks) -> list[str]:
    return [
        e["action_id"]
        for b in blocks_as_dicts(blocks)
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def test_pending_draft_shows_text_author_visibility_and_buttons() -> None:
    text, blocks = build_draft_message(draft())
    shown = rendered(blocks)
    assert "@lucia Sorry!" in shown and "<@U0AGENT1>" in shown
    assert "Public reply on X" in shown and "Waiting for approval" in shown
    assert buttons(blocks) == [Action.APPROVE, Action.EDIT, Action.REJECT]
    assert text.startswith("Draft for @lucia")


def test_decided_drafts_show_who_and_lose_their_buttons() -> None:
    _, posted = build_draft_message(
        draft(status="posted", approved_by="U0LEAD", external_url="https://x.com/a/status/9")
    )
    assert "<@U0LEAD>" in rendered(posted) and "https://x.com/a/status/9" in rendered(posted)
    assert buttons(posted) == []
    _, failed = build_draft_message(
        draft(status="failed", approved_by="U0LEAD", last_error="the customer does not accept DMs")
    )
    assert buttons(failed) == [Action.RETRY]
    _, message = build_send_failed_message(draft(status="failed", last_error="rate limited"))
    assert "rate limited" in rendered(message) and buttons(message) == [Action.RETRY]


def test_outcomes_name_the_network_of_the_case() -> None:
    mastodon = NetworkLook(name="mastodon", label="Mastodon", icon="🐘")
    sent = draft(
        status="posted",
        approved_by="U0LEAD",
        external_url="https://m.example/@acme/1",
        network=mastodon,
    )
    assert "see it on Mastodon" in build_sent_message(sent)[0]
    assert "Private message on Mastodon" in rendered(
        build_draft_message(draft(visibility="private", network=mastodon))[1]
    )
    assert "Mastodon did not answer" in build_send_unknown_message(draft(network=mastodon))[0]


def test_no_typed_or_internet_text_can_ping() -> None:
    pieces = [
        build_draft_message(draft(text=EVIL))[1],
        build_escalation_message("billing", ["S0BILL", "U0LEAD"], "U0AGENT1", EVIL)[1],
    ]
    for blocks in pieces:
        shown = rendered(blocks)
        assert "<!channel>" not in shown and "<@U0SPOOF>" not in shown
        assert "<https://evil" not in shown
    assert "<!subteam^S0BILL>" in rendered(pieces[1])


def test_long_draft_text_fits_a_section() -> None:
    _, blocks = build_draft_message(draft(text="x " * 5000, visibility="private"))
    blocks_as_dicts(blocks)  # slack_sdk raises if a section exceeds 3,000 characters
