"""Drafting help in the draft modal: flagged words with suggestions and tone remarks under the
text box, never blocking; on Save they are said once, and Save again saves the draft as is."""

from __future__ import annotations

from sandbox.agent_story import draft_messages
from sandbox.scenarios.knowledge import (
    check_draft,
    drafting_help,
    modal_text,
    open_knowledge_modal,
    submit_draft_again,
)
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.knowledge.steps import AGENT, TEAM, new_case

TYPO = "@lucia_mtz Hola Lucía, lamentamso la demora, tambien revisamos el reintegrp hoy."


def test_check_flags_misspelt_words_with_suggestions_in_the_replys_language(
    sqlite_sandbox: Sandbox,
) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(**TEAM)
    slack, url = sandbox.slack, sandbox.bot_url
    card = new_case(sandbox, "lucia_mtz", "Lucía Martínez", "me cobraron dos veces la factura")
    modal = open_knowledge_modal(slack, url, CHANNEL, card["ts"], AGENT)

    checked = check_draft(slack, url, AGENT, modal, TYPO)

    help_text = drafting_help(checked)
    assert "Spelling (Spanish)" in help_text
    assert "*lamentamso* → lamentamos" in help_text
    assert "*tambien* → también" in help_text
    assert "*reintegrp* → reintegro" in help_text
    assert "Lucía" not in help_text  # names are not spelling mistakes

    blaming = check_draft(
        slack, url, AGENT, checked, "@lucia_mtz Como ya te dijimos, no es nuestra culpa."
    )
    assert "may read as blaming" in drafting_help(blaming)


def test_save_warns_once_keeps_the_text_and_saving_again_saves_it(
    sqlite_sandbox: Sandbox,
) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(**TEAM)
    slack, url = sandbox.slack, sandbox.bot_url
    card = new_case(sandbox, "lucia_mtz", "Lucía Martínez", "me cobraron dos veces la factura")
    modal = open_knowledge_modal(slack, url, CHANNEL, card["ts"], AGENT)

    answer = submit_draft_again(slack, url, AGENT, modal, TYPO, "public")

    assert answer["response_action"] == "update"
    warned = slack.view(modal["id"])
    assert "lamentamso" in drafting_help(warned) and "Save draft* again" in drafting_help(warned)
    assert modal_text(warned) == TYPO  # the draft is all there
    assert draft_messages(slack, CHANNEL, card["ts"]) == []

    assert submit_draft_again(slack, url, AGENT, warned, TYPO, "public") == {}
    slack.wait_for(lambda: draft_messages(slack, CHANNEL, card["ts"]))
    assert TYPO.split(",")[0] in str(draft_messages(slack, CHANNEL, card["ts"])[0]["blocks"])


def test_a_clean_reply_saves_at_once(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(**TEAM)
    slack, url = sandbox.slack, sandbox.bot_url
    card = new_case(sandbox, "lucia_mtz", "Lucía Martínez", "me cobraron dos veces la factura")
    modal = open_knowledge_modal(slack, url, CHANNEL, card["ts"], AGENT)
    clean = "@lucia_mtz Hola Lucía, lamentamos el doble cobro: ya pedimos el reintegro."

    assert submit_draft_again(slack, url, AGENT, modal, clean, "public") == {}
