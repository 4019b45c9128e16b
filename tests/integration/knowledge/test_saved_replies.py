"""Saved replies: leads fill the library from Slack; in the draft modal the ones for the
case's intent and language come first, and choosing one fills its placeholders."""

from __future__ import annotations

from bot.slack.ids import Action, Callback
from sandbox.agent_story import claim
from sandbox.scenarios.knowledge import (
    add_saved_reply,
    editor_values,
    modal_text,
    open_knowledge_modal,
    open_library,
    pick_saved_reply,
    saved_reply_options,
)
from storage.enums import AuditAction
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.knowledge.steps import (
    AGENT,
    LEAD,
    TEAM,
    audit_events,
    case_id_of,
    new_case,
)

SPANISH = "{handle} Hola {first_name}, soy {agent}: ya revisamos tu doble cobro (caso {case})."
ENGLISH = "{handle} Hi {first_name}, {agent} here: we are refunding the double charge ({case})."


def _library_of_two(sandbox: Sandbox) -> None:
    slack, url = sandbox.slack, sandbox.bot_url
    for title, language, text in (
        ("Doble cobro", "es", SPANISH),
        ("Double charge", "en", ENGLISH),
        ("Gracias", "es", "{handle} ¡Gracias {first_name}!"),
    ):
        intent = "praise" if title == "Gracias" else "complaint"
        answer = add_saved_reply(
            slack, url, LEAD, CHANNEL, title=title, language=language, intent=intent, text=text
        )
        assert answer == {}


def test_a_saved_reply_fills_its_placeholders_in_spanish_and_in_english(
    sandbox: Sandbox,
) -> None:
    sandbox.start_bot(**TEAM)
    _library_of_two(sandbox)
    slack, url = sandbox.slack, sandbox.bot_url
    spanish = new_case(
        sandbox, "lucia_mtz", "Lucía Martínez", "me cobraron dos veces la factura, devuélvanmelo"
    )
    english = new_case(
        sandbox, "mike_rivers", "Mike Rivers", "you charged me twice this month, I want it back"
    )

    for card, title, expected in (
        (
            spanish,
            "Doble cobro · es",
            "@lucia_mtz Hola Lucía, soy Maria: ya revisamos tu doble cobro (caso #{id}).",
        ),
        (
            english,
            "Double charge · en",
            "@mike_rivers Hi Mike, Maria here: we are refunding the double charge (#{id}).",
        ),
    ):
        claim(slack, url, CHANNEL, card["ts"], AGENT)
        modal = open_knowledge_modal(slack, url, CHANNEL, card["ts"], AGENT)
        groups = saved_reply_options(slack, url, AGENT, modal)
        suggested = next(iter(groups.values()))
        # The case's language and intent first: the right one leads the suggestions.
        assert next(iter(groups)).startswith("Suggested for this case")
        assert suggested[0]["text"]["text"] == title

        updated = pick_saved_reply(slack, url, AGENT, modal, suggested[0])

        assert modal_text(updated) == expected.format(id=case_id_of(card))
        # Still editable: the reply box is an ordinary input the agent can change.
        box = next(b for b in updated["blocks"] if b["block_id"].startswith("text"))
        assert box["type"] == "input" and box["element"]["type"] == "plain_text_input"
        slack.close_view(url, user_id=AGENT, view_id=modal["id"])


def test_typing_in_the_select_searches_titles_and_texts(sandbox: Sandbox) -> None:
    sandbox.start_bot(**TEAM)
    _library_of_two(sandbox)
    slack, url = sandbox.slack, sandbox.bot_url
    card = new_case(sandbox, "lucia_mtz", "Lucía Martínez", "me cobraron dos veces la factura")
    modal = open_knowledge_modal(slack, url, CHANNEL, card["ts"], AGENT)

    groups = saved_reply_options(slack, url, AGENT, modal, query="refund")

    titles = [o["text"]["text"] for options in groups.values() for o in options]
    assert titles == ["Double charge · en"]


def test_only_leads_change_the_library_and_every_change_is_audited(sandbox: Sandbox) -> None:
    sandbox.start_bot(**TEAM)
    slack = sandbox.slack
    # An agent sees the library without any way to change it.
    library = open_library(slack, sandbox.bot_url, AGENT, CHANNEL)
    assert "library_actions" not in [b.get("block_id") for b in library["blocks"]]
    assert "Only leads can add, edit or retire" in str(library["blocks"])
    slack.close_view(sandbox.bot_url, user_id=AGENT, view_id=library["id"])

    # A lead opens the editor, then stops being a lead before saving (a stale modal).
    library = open_library(slack, sandbox.bot_url, LEAD, CHANNEL)
    status, _ = slack.act_in_view(
        sandbox.bot_url, user_id=LEAD, view_id=library["id"], action_id=Action.LIBRARY_ADD
    )
    assert status == 200
    editor = slack.wait_for(
        lambda: next(
            (v for v in slack.open_views(LEAD) if v["callback_id"] == Callback.SAVED_REPLY), None
        )
    )
    sandbox.start_bot(**{**TEAM, "LEAD_USER_IDS": "U0LEAD2"})
    values = editor_values(title="Hola", language="es", text="{handle} Hola {first_name}")
    status, answer = slack.submit_view(
        sandbox.bot_url, user_id=LEAD, view_id=editor["id"], values=values
    )

    assert status == 200 and answer["response_action"] == "errors"
    assert "Only leads can change saved replies" in answer["errors"]["text"]
    assert audit_events(sandbox, AuditAction.SAVED_REPLY_ADD) == []
    # The editor stays open with what was typed: nothing is lost.
    assert editor["id"] in {v["id"] for v in slack.open_views(LEAD)}


def test_a_leads_add_edit_and_retire_are_audited(sandbox: Sandbox) -> None:
    sandbox.start_bot(**TEAM)
    slack, url = sandbox.slack, sandbox.bot_url
    assert (
        add_saved_reply(slack, url, LEAD, CHANNEL, title="Hola", language="es", text="Hola") == {}
    )
    library = open_library(slack, url, LEAD, CHANNEL)
    menu = next(b for b in library["blocks"] if b["block_id"].startswith("reply_"))["accessory"]
    edit, retire = (o["value"] for o in menu["options"])
    slack.act_in_view(
        url, user_id=LEAD, view_id=library["id"], action_id=Action.LIBRARY_REPLY, value=edit
    )
    editor = slack.wait_for(
        lambda: next(
            (v for v in slack.open_views(LEAD) if v["callback_id"] == Callback.SAVED_REPLY), None
        )
    )
    values = editor_values(title="Hola", language="es", text="Hola {first_name}")
    assert slack.submit_view(url, user_id=LEAD, view_id=editor["id"], values=values)[1] == {}
    slack.act_in_view(
        url, user_id=LEAD, view_id=library["id"], action_id=Action.LIBRARY_REPLY, value=retire
    )
    slack.wait_for(lambda: "No saved replies yet" in str(slack.view(library["id"])["blocks"]))

    (added,) = audit_events(sandbox, AuditAction.SAVED_REPLY_ADD)
    (edited,) = audit_events(sandbox, AuditAction.SAVED_REPLY_EDIT)
    (retired,) = audit_events(sandbox, AuditAction.SAVED_REPLY_RETIRE)
    assert added.actor == edited.actor == retired.actor == LEAD
    assert (
        edited.details["before"]["text"] == "Hola" and edited.details["text"] == "Hola {first_name}"
    )


def test_unknown_placeholders_are_refused_inline(sandbox: Sandbox) -> None:
    sandbox.start_bot(**TEAM)
    answer = add_saved_reply(
        sandbox.slack,
        sandbox.bot_url,
        LEAD,
        CHANNEL,
        title="Hola",
        language="es",
        text="Hola {nombre}",
    )
    assert answer["response_action"] == "errors"
    assert "{nombre}" in answer["errors"]["text"]
