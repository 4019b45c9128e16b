"""Block Kit for answering: what people read, which buttons they get, nothing pings."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.slack.answer_blocks import (
    DraftFormView,
    DraftView,
    HistoryEntry,
    build_approval_dm,
    build_claimed_elsewhere,
    build_draft_message,
    build_draft_modal,
    build_escalation_message,
    build_history,
    build_send_failed_message,
)
from bot.slack.blocks import CaseView, CustomerView, PostView, blocks_as_dicts, build_case_card
from bot.slack.ids import Action

EVIL = "hi <!channel> <@U0SPOOF> & <https://evil|click>"


def _draft(**changes) -> DraftView:
    values = dict(
        id=3,
        case_id=7,
        text="@lucia Sorry!",
        visibility="public",
        status="pending",
        author="U0AGENT1",
        customer_handle="lucia",
    )
    values.update(changes)
    return DraftView(**values)


def _rendered(blocks) -> str:
    return json.dumps(blocks_as_dicts(blocks))


def _buttons(blocks) -> list[str]:
    return [
        e["action_id"]
        for b in blocks_as_dicts(blocks)
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def test_pending_draft_shows_text_author_visibility_and_buttons() -> None:
    text, blocks = build_draft_message(_draft())
    rendered = _rendered(blocks)
    assert "@lucia Sorry!" in rendered and "<@U0AGENT1>" in rendered
    assert "Public reply on X" in rendered and "Waiting for approval" in rendered
    assert _buttons(blocks) == [Action.APPROVE, Action.EDIT, Action.REJECT]
    assert text.startswith("Draft for @lucia")


def test_the_dm_has_approve_and_reject_and_a_link_to_the_thread() -> None:
    _, blocks = build_approval_dm(_draft(), "https://slack.example/archives/C1/p1")
    assert _buttons(blocks) == [Action.APPROVE, Action.REJECT]
    assert "https://slack.example/archives/C1/p1" in _rendered(blocks)


def test_decided_drafts_show_who_and_lose_their_buttons() -> None:
    _, posted = build_draft_message(
        _draft(status="posted", approved_by="U0LEAD", external_url="https://x.com/a/status/9")
    )
    assert "<@U0LEAD>" in _rendered(posted) and "https://x.com/a/status/9" in _rendered(posted)
    assert _buttons(posted) == []
    _, failed = build_draft_message(
        _draft(status="failed", approved_by="U0LEAD", last_error="the customer does not accept DMs")
    )
    assert _buttons(failed) == [Action.RETRY]
    _, message = build_send_failed_message(_draft(status="failed", last_error="rate limited"))
    assert "rate limited" in _rendered(message) and _buttons(message) == [Action.RETRY]


def test_no_typed_or_internet_text_can_ping() -> None:
    pieces = [
        build_draft_message(_draft(text=EVIL))[1],
        build_approval_dm(_draft(text=EVIL, customer_handle="<!here>"), None)[1],
        build_escalation_message("billing", ["S0BILL", "U0LEAD"], "U0AGENT1", EVIL)[1],
        build_history(
            7, [HistoryEntry(datetime(2026, 1, 1, tzinfo=UTC), "U0A", "reject", "reason " + EVIL)]
        )[1],
    ]
    for blocks in pieces:
        rendered = _rendered(blocks)
        assert "<!channel>" not in rendered and "<@U0SPOOF>" not in rendered
        assert "<!here>" not in rendered and "<https://evil" not in rendered
    assert "<!subteam^S0BILL>" in _rendered(pieces[2])


def test_draft_modal_prefill_and_search_posts() -> None:
    form = DraftFormView(
        case_id=7,
        customer_handle="pepe",
        post_text=EVIL,
        post_url="https://x.com/pepe/status/1",
        publicly_replyable=False,
        text="",
        visibility="private",
    )
    view = build_draft_modal(form).to_dict()
    assert json.loads(view["private_metadata"]) == {"case_id": 7, "draft_id": None}
    radio = next(b for b in view["blocks"] if b["block_id"] == "visibility")["element"]
    assert radio["initial_option"]["value"] == "private"
    assert "did not mention" in json.dumps(view) and "<!channel>" not in json.dumps(view)


def test_long_draft_text_fits_a_section() -> None:
    _, blocks = build_draft_message(_draft(text="x " * 5000, visibility="private"))
    blocks_as_dicts(blocks)  # slack_sdk raises if a section exceeds 3,000 characters


def test_claimed_elsewhere_offers_take_over() -> None:
    text, blocks = build_claimed_elsewhere(7, "U0AGENT1")
    assert text == "Already claimed by <@U0AGENT1>."
    assert _buttons(blocks) == [Action.TAKE_OVER]


def test_card_menu_offers_history_and_unclaim_only_when_owned() -> None:
    customer = CustomerView(handle="lucia", name="Lucía", followers=1, verified=False)
    post = PostView(
        external_id="1", text="hi", url="https://x.com/l/status/1", created_at=datetime.now(UTC)
    )

    def menu(case: CaseView) -> list[str]:
        actions = blocks_as_dicts(build_case_card(case, post)[1])[-1]
        return [o["value"] for o in actions["elements"][-1]["options"]]

    assert menu(CaseView(id=7, status="new", customer=customer)) == ["history:7"]
    owned = CaseView(id=7, status="claimed", customer=customer, owner="U0A")
    assert menu(owned) == ["history:7", "unclaim:7"]
