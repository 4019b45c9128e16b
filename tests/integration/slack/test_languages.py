"""Issue 15, test 5: the interface speaks each person's Slack language. A user whose Slack
locale is es-ES sees the draft modal and errors in Spanish, one with en-US in English; the
card, which the whole channel sees, is in the workspace's language (SLACK_DEFAULT_LANGUAGE).
Through the real Bolt app, the real slack_sdk and the Slack stand-in's users.info."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.i18n import set_workspace_language
from sandbox.agent_story import card_status, claim, open_draft_modal
from sandbox.slack_api import SlackStandIn
from tests.integration.harness import CHANNEL, Sandbox

SPANISH, ENGLISH = "U0CARMEN", "U0ELLEN"


@pytest.fixture
def people(sandbox: Sandbox) -> Iterator[Sandbox]:
    sandbox.slack.add_user(SPANISH, "carmen", real_name="Carmen Ruiz", locale="es-ES")
    sandbox.slack.add_user(ENGLISH, "ellen", real_name="Ellen Shaw", locale="en-US")
    yield sandbox
    # The workspace language is process-wide: later tests start from the default.
    set_workspace_language("en")


def _buttons(message: dict[str, Any]) -> list[str]:
    (actions,) = [b for b in message["blocks"] if b.get("block_id") == "case_actions"]
    return [e["text"]["text"] for e in actions["elements"] if e.get("type") == "button"]


def _root(slack: SlackStandIn, ts: str) -> dict[str, Any]:
    return next(m for m in slack.messages(CHANNEL) if m["ts"] == ts)


def _ephemeral_texts(slack: SlackStandIn, user: str) -> list[str]:
    return [" ".join(slack.message_texts(e)) for e in slack.ephemerals(user)]


def test_spanish_workspace_card_and_each_agent_in_their_own_language(people: Sandbox) -> None:
    sandbox = people
    sandbox.start_bot(SLACK_DEFAULT_LANGUAGE="es")
    _, root = sandbox.open_case(text="mi router no funciona desde ayer")
    slack, url = sandbox.slack, sandbox.bot_url

    # The card, in the channel: the workspace's Spanish.
    buttons = _buttons(root)
    assert buttons[:2] == ["Tomar", "Redactar respuesta"]
    assert {"Escalar", "Cerrar"} <= set(buttons) and "Claim" not in buttons
    assert "Nuevo" in card_status(slack, CHANNEL, root["ts"])

    # The modal: each agent's own language.
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], SPANISH)
    assert (modal["title"]["text"], modal["submit"]["text"]) == (
        "Redactar respuesta",
        "Guardar borrador",
    )
    assert modal["close"]["text"] == "Cancelar"
    # The network's rules under the reply box too.
    (box,) = [b for b in modal["blocks"] if b.get("block_id", "").startswith("text")]
    assert box["label"]["text"] == "Respuesta" and "280 caracteres" in box["hint"]["text"]
    english = open_draft_modal(slack, url, CHANNEL, root["ts"], ENGLISH)
    assert (english["title"]["text"], english["submit"]["text"]) == ("Draft a reply", "Save draft")

    # The card re-rendered after an English-speaking agent's click stays Spanish.
    claim(slack, url, CHANNEL, root["ts"], SPANISH)
    slack.wait_for(lambda: "Tomado" in card_status(slack, CHANNEL, root["ts"]))
    assert f"<@{SPANISH}>" in card_status(slack, CHANNEL, root["ts"])

    # Errors: claiming one's own case again, in Spanish; the loser of the claim, in English.
    claim(slack, url, CHANNEL, root["ts"], SPANISH)
    said = slack.wait_for(lambda: _ephemeral_texts(slack, SPANISH))
    assert said == ["Este caso ya es tuyo."]
    claim(slack, url, CHANNEL, root["ts"], ENGLISH)
    (lost,) = slack.wait_for(lambda: _ephemeral_texts(slack, ENGLISH))
    assert f"Already claimed by <@{SPANISH}>." in lost and "Take over" in lost
    assert _buttons(_root(slack, root["ts"]))[:2] == ["Tomar", "Redactar respuesta"]

    # The language came from Slack's users.info, asked with include_locale.
    asked = slack.calls("users.info")
    assert {a.get("user") for a in asked if a.get("include_locale")} >= {SPANISH, ENGLISH}


def test_english_workspace_card_stays_english_for_a_spanish_agent(people: Sandbox) -> None:
    sandbox = people
    sandbox.start_bot()
    _, root = sandbox.open_case(text="my router is dead")
    slack, url = sandbox.slack, sandbox.bot_url
    assert _buttons(root)[:2] == ["Claim", "Draft reply"]

    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], SPANISH)
    assert modal["title"]["text"] == "Redactar respuesta"
    labels = [b["label"]["text"] for b in modal["blocks"] if b.get("type") == "input"]
    assert "Respuesta" in labels and "Enviar como" in labels

    claim(slack, url, CHANNEL, root["ts"], SPANISH)
    slack.wait_for(lambda: "Claimed" in card_status(slack, CHANNEL, root["ts"]))
    claim(slack, url, CHANNEL, root["ts"], SPANISH)
    assert slack.wait_for(lambda: _ephemeral_texts(slack, SPANISH)) == ["Este caso ya es tuyo."]
