"""The demo's knowledge scenario runs end to end against the stand-ins."""

from __future__ import annotations

from sandbox.scenarios.knowledge import (
    open_knowledge_modal,
    past_case_texts,
    run_knowledge_scenario,
)
from tests.integration.harness import BRAND, CHANNEL
from tests.integration.knowledge.steps import AGENT, LEAD, TEAM, card_with, new_case


def test_the_knowledge_scenario_leaves_past_cases_to_find(sqlite_sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(**TEAM)

    def wait_for_card(text: str) -> dict:
        sandbox.cycle()
        return card_with(sandbox, text)

    run_knowledge_scenario(
        sandbox.slack,
        sandbox.x,
        sandbox.bot_url,
        CHANNEL,
        brand=BRAND,
        lead=LEAD,
        agent=AGENT,
        approver="U0LEAD2",
        wait_for_card=wait_for_card,
    )
    card = new_case(sandbox, "lucia_mtz", "Lucía Martínez", "me cobraron dos veces la factura!!")
    modal = open_knowledge_modal(sandbox.slack, sandbox.bot_url, CHANNEL, card["ts"], AGENT)
    assert "charged my card twice" in past_case_texts(modal)[0]
