"""Modals: the draft modal carries the network's rules and never lets a post ping."""

from __future__ import annotations

import json

from bot.networks.registry import NetworkLook
from bot.slack.builders.modals import build_draft_modal
from bot.slack.views import DraftFormView
from tests.unit.slack.builders.examples import EVIL, X


def test_draft_modal_prefill_and_search_posts() -> None:
    form = DraftFormView(
        case_id=7,
        customer_handle="pepe",
        post_text=EVIL,
        post_url="https://x.com/pepe/status/1",
        publicly_replyable=False,
        text="",
        visibility="private",
        network=X,
        reply_hint="A public reply may be 280 characters as X counts them.",
        public_refusal="X does not allow a public reply to this post: its author did not "
        "mention the brand (it was found by keyword search).",
    )
    view = build_draft_modal(form).to_dict()
    assert json.loads(view["private_metadata"]) == {"case_id": 7, "draft_id": None, "v": 0}
    radio = next(b for b in view["blocks"] if b["block_id"] == "visibility")["element"]
    assert radio["initial_option"]["value"] == "private"
    assert [o["text"]["text"] for o in radio["options"]] == [
        "Private message on X",
        "Public reply on X",
    ]
    shown = json.dumps(view)
    assert "did not mention" in shown and "<!channel>" not in shown
    assert "280 characters as X counts" in shown


def test_draft_modal_asks_whether_we_wait_on_the_customer_unset_by_default() -> None:
    def waiting(asks_customer):
        form = DraftFormView(
            case_id=7,
            customer_handle="pepe",
            post_text="hi",
            post_url="https://x.com/pepe/status/1",
            publicly_replyable=True,
            text="@pepe ",
            visibility="public",
            network=X,
            draft_id=3,
            asks_customer=asks_customer,
        )
        view = build_draft_modal(form).to_dict()
        return next(b for b in view["blocks"] if b["block_id"] == "waiting")

    block = waiting(None)
    assert block["optional"] is True and "initial_option" not in block["element"]
    assert "question" in block["hint"]["text"]
    assert waiting(True)["element"]["initial_option"]["value"] == "waiting"
    assert waiting(False)["element"]["initial_option"]["value"] == "not_waiting"


def test_the_modal_shows_the_window_and_where_each_reply_lands() -> None:
    instagram = NetworkLook(name="instagram", label="Instagram", icon="📸")
    form = DraftFormView(
        case_id=9,
        customer_handle="dana",
        post_text="asking the same!",
        post_url="https://www.instagram.com/p/C1/",
        publicly_replyable=True,
        text="@dana ",
        visibility="public",
        network=instagram,
        reply_window="private reply possible until Tue 14 Jul 14:05 UTC",
        public_note="a reply to a reply goes to the top-level comment",
        private_note="sent as a private reply to the comment, once",
    )
    view = build_draft_modal(form).to_dict()
    (about,) = [b for b in view["blocks"] if b["block_id"] == "reply_rules"]
    lines = [e["text"] for e in about["elements"]]
    assert lines == [
        "⏳ private reply possible until Tue 14 Jul 14:05 UTC",
        "ℹ️ *Public reply on Instagram:* a reply to a reply goes to the top-level comment",
        "ℹ️ *Private message on Instagram:* sent as a private reply to the comment, once",
    ]


def test_no_rules_block_where_the_network_says_nothing() -> None:
    form = DraftFormView(
        case_id=7,
        customer_handle="pepe",
        post_text="hola",
        post_url="https://x.com/pepe/status/1",
        publicly_replyable=True,
        text="@pepe ",
        visibility="public",
        network=X,
    )
    view = build_draft_modal(form).to_dict()
    assert "reply_rules" not in {b["block_id"] for b in view["blocks"]}
