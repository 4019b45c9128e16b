"""What a case sent to another team shows: the card's menu entry and account line, the
modal, the summary in the new thread, the link left behind and the old card."""

from __future__ import annotations

import json

from bot.networks.registry import NetworkLook
from bot.slack.builders.card import build_case_card
from bot.slack.builders.common import blocks_as_dicts
from bot.slack.builders.modals import build_move_modal
from bot.slack.builders.moves import build_moved_away, build_moved_card, build_moved_here
from bot.slack.views import CaseView, ChannelChoice, MoveView
from tests.unit.slack.builders.examples import EVIL, X, customer, draft, post

CASE = CaseView(id=7, status="claimed", customer=customer(), network=X, owner="U0A", routed=True)
NEW_CARD = "https://acme.slack.com/archives/C0COMMUNITY1/p1700000000000100"
OLD_THREAD = "https://acme.slack.com/archives/C0CARE0001/p1700000000000001"


def rendered(message: tuple[str, list]) -> str:
    return json.dumps(blocks_as_dicts(message[1]), ensure_ascii=False)


def move(**changes) -> MoveView:
    values = dict(
        case=CASE,
        first_post=post("me cobraron dos veces"),
        by="U0AGENT1",
        from_channel="C0CARE0001",
        to_channel="C0COMMUNITY1",
        note="",
        customer_posts=1,
    )
    values.update(changes)
    return MoveView(**values)


def menu_labels(case: CaseView) -> list[str]:
    blocks = blocks_as_dicts(build_case_card(case, post("hi"))[1])
    actions = next(b for b in blocks if b["type"] == "actions")
    return [o["text"]["text"] for o in actions["elements"][-1]["options"]]


def test_a_routed_open_case_offers_to_go_to_another_team() -> None:
    assert "Send to another team…" in menu_labels(CASE)
    assert "Send to another team…" not in menu_labels(CaseView(7, "new", customer(), network=X))
    closed = CaseView(7, "closed", customer(), network=X, routed=True)
    assert "Send to another team…" not in menu_labels(closed)


def test_the_card_names_the_brand_account_when_the_network_has_several() -> None:
    several = NetworkLook(name="x:ar", label="X", icon="𝕏", several_accounts=True)
    shown = CaseView(7, "new", customer(), network=several, brand="acme_ar")
    assert "to @acme_ar" in rendered(build_case_card(shown, post("hola")))
    alone = CaseView(7, "new", customer(), network=X, brand="acmeconecta")
    assert "to @acmeconecta" not in rendered(build_case_card(alone, post("hola")))


def test_the_modal_offers_the_given_channels_and_carries_the_case() -> None:
    view = build_move_modal(
        7, [ChannelChoice("C0COMMUNITY1", "#community"), ChannelChoice("C0X", "#care-en")], "C0A"
    ).to_dict()
    select = next(b for b in view["blocks"] if b["block_id"] == "channel")["element"]
    assert [(o["value"], o["text"]["text"]) for o in select["options"]] == [
        ("C0COMMUNITY1", "#community"),
        ("C0X", "#care-en"),
    ]
    assert json.loads(view["private_metadata"]) == {"case_id": 7}
    assert "<#C0A>" in json.dumps(view)


def test_the_summary_tells_the_thread_so_far_and_links_it() -> None:
    summary = move(
        customer_posts=3,
        latest_post=post("y ahora también me bloquearon la tarjeta"),
        replies=(draft(status="posted", external_url="https://x.com/acme/status/2"),),
        waiting_drafts=1,
        note=EVIL,
    )
    text = rendered(build_moved_here(summary, OLD_THREAD))
    assert "Sent here from <#C0CARE0001>* by <@U0AGENT1>" in text
    assert f"<{OLD_THREAD}|The conversation so far> stays in <#C0CARE0001>" in text
    assert "3 messages from the customer · 1 reply sent · 1 draft waiting for approval" in text
    assert "bloquearon la tarjeta" in text and "https://x.com/acme/status/2" in text
    # The note is the agent's words, but still never pings or links anyone.
    assert "<!channel>" not in text and "<@U0SPOOF>" not in text and "&lt;!channel&gt;" in text


def test_the_link_left_behind_and_the_old_card_point_to_the_new_thread() -> None:
    away = rendered(build_moved_away(move(), NEW_CARD))
    assert "<@U0AGENT1> sent this case to <#C0COMMUNITY1>" in away
    assert f"<{NEW_CARD}|continue in its thread there>" in away
    _, old_card = build_moved_card(move(), NEW_CARD)
    shown = json.dumps(blocks_as_dicts(old_card), ensure_ascii=False)
    assert "Moved to <#C0COMMUNITY1>" in shown and "me cobraron dos veces" in shown
    assert not [b for b in blocks_as_dicts(old_card) if b["type"] == "actions"]
