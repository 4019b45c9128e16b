"""The knowledge builders: the draft modal's parts, the library, the customer."""

import json
from datetime import UTC, datetime

from bot.knowledge.reactions import Reaction
from bot.knowledge.views import (
    CustomerHistoryView,
    DraftAdvice,
    DraftKnowledge,
    LibraryView,
    Outcome,
    PastCaseView,
    SavedReplyView,
    SpellingFlag,
    ToneRemark,
)
from bot.slack.builders.common import blocks_as_dicts
from bot.slack.builders.customer import history_text
from bot.slack.builders.drafting import drafting_help, past_cases
from bot.slack.builders.saved_replies import build_library_modal, build_saved_reply_options
from bot.slack.ids import Action

PAST = PastCaseView(
    case_id=4,
    similarity=0.62,
    network_label="X",
    customer_text="you charged me twice <!channel>",
    reply_template="{handle} Hi {first_name} & sorry",
    reply_draft_id=9,
    reaction=Reaction.ANGRY,
    language="en",
    closed_at=datetime(2026, 11, 2, tzinfo=UTC),
)


def test_past_cases_show_the_reply_and_reaction_and_copy_by_ids() -> None:
    blocks = blocks_as_dicts(past_cases(DraftKnowledge(past_cases=(PAST,))))
    section = blocks[-1]
    assert "62% similar" in section["text"]["text"]
    assert "&lt;!channel&gt;" in section["text"]["text"]  # escaped: pings nobody
    assert "{handle} Hi {first_name} &amp; sorry" in section["text"]["text"]
    assert "wrote again, unhappy" in section["text"]["text"]
    assert section["accessory"]["action_id"] == Action.COPY_PAST_REPLY
    assert json.loads(section["accessory"]["value"]) == {"case": 4, "draft": 9}


def test_drafting_help_lists_words_tone_and_the_save_again_hint() -> None:
    advice = DraftAdvice(
        language="es",
        spelling=(SpellingFlag("tambien", ("también",)),),
        tone=(ToneRemark("blaming", "como ya te dijimos"),),
        customer_language="en",
    )
    blocks = blocks_as_dicts(drafting_help(DraftKnowledge(advice=advice, warned="abc")))
    text = " ".join(e["text"] for e in blocks[0]["elements"])
    assert "*tambien* → también" in text and "may read as blaming" in text
    assert "The customer wrote in English; this reply reads as Spanish." in text
    assert "Save draft* again" in text
    assert blocks[1]["elements"][0]["action_id"] == Action.CHECK_DRAFT


def test_the_library_offers_changes_to_leads_only() -> None:
    reply = SavedReplyView(
        id=1, kind="reply", title="Hola", text="Hola {first_name}", language="es"
    )
    lead = blocks_as_dicts(build_library_modal(LibraryView((reply,), True, False)).blocks)
    agent = blocks_as_dicts(build_library_modal(LibraryView((reply,), False, True)).blocks)
    assert lead[0]["block_id"] == "library_actions" and "accessory" in lead[1]
    assert agent[0]["block_id"] == "library_readonly" and "accessory" not in agent[1]
    assert "without approval" in agent[0]["elements"][0]["text"]


def test_saved_reply_options_fit_slacks_limits() -> None:
    long = SavedReplyView(id=2, kind="reply", title="x" * 80, text="t", language="en")
    answer = build_saved_reply_options([long], [], "en")
    option = answer["option_groups"][0]["options"][0]
    assert len(option["text"]["text"]) <= 75 and option["value"] == "2"
    assert build_saved_reply_options([], [], "en") == {"options": []}


def test_the_cards_customer_line() -> None:
    assert (
        history_text(CustomerHistoryView(3, 30, Outcome.UNHAPPY, ("vip",)))
        == "3rd case in 30 days · last one: closed unhappy · ⭐ VIP"
    )
    assert history_text(CustomerHistoryView(1, 30, None, ("press",))) == "📰 press"
