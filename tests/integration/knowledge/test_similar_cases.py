"""Similar past cases in the draft modal: found by meaning across languages, only closed and
answered ones, with the approved reply, the customer's reaction and their data masked."""

from __future__ import annotations

from sandbox.scenarios.knowledge import (
    answer_case,
    close_case,
    copy_past_reply,
    modal_text,
    open_knowledge_modal,
    past_case_texts,
)
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.knowledge.steps import AGENT, LEAD, TEAM, new_case

CARD = "4111 1111 1111 1111"
PAST = (
    (
        "mike_rivers",
        "Mike Rivers",
        f"you charged my card twice for the November bill!! card {CARD}, fix it",
        "@mike_rivers Hi Mike, so sorry about the double charge. We've refunded the second "
        "payment; you'll see it within 3-5 days.",
    ),
    (
        "dan_k",
        "Dan Kowalski",
        "how do I change my plan to the 300 mega one?",
        "@dan_k Hi Dan, you can change it in the app under My plan, it takes effect tomorrow.",
    ),
    (
        "sofia_g",
        "Sofía Gómez",
        "se me cortó internet otra vez en Córdoba, tercera vez esta semana",
        "@sofia_g Hola Sofía, hubo un corte en tu zona y ya está resuelto.",
    ),
)


def _closed_cases(sandbox: Sandbox) -> None:
    slack, url = sandbox.slack, sandbox.bot_url
    for username, name, text, reply in PAST:
        card = new_case(sandbox, username, name, text)
        answer_case(slack, url, CHANNEL, card["ts"], agent=AGENT, approver=LEAD, text=reply)
        close_case(slack, url, CHANNEL, card["ts"], AGENT)


def test_a_spanish_double_charge_surfaces_the_closed_english_one_masked(
    sandbox: Sandbox,
) -> None:
    sandbox.start_bot(**TEAM)
    _closed_cases(sandbox)
    slack, url = sandbox.slack, sandbox.bot_url
    # An English double charge that is still open is not a "past case".
    new_case(sandbox, "open_olga", "Olga Open", "double charge on my bill again, fix it now")
    card = new_case(
        sandbox,
        "lucia_mtz",
        "Lucía Martínez",
        "hola! me cobraron dos veces la factura de noviembre 😡 ¿me lo pueden devolver?",
    )

    modal = open_knowledge_modal(slack, url, CHANNEL, card["ts"], AGENT)

    shown = past_case_texts(modal)
    assert shown, "no similar past case shown"
    best = shown[0]
    assert "charged my card twice" in best and "English" in best
    assert "Approved reply:* {handle} Hi {first_name}, so sorry about the double charge" in best
    assert "did not write again" in best
    everything = str(modal["blocks"])
    # The old customer's personal data never reaches the modal.
    for secret in (CARD, "mike_rivers", "Mike", "Rivers", "Olga"):
        assert secret not in everything
    assert "•••• •••• •••• 1111" in best

    copied = copy_past_reply(slack, url, AGENT, modal, index=0)

    assert modal_text(copied).startswith(
        "@lucia_mtz Hi Lucía, so sorry about the double charge. We've refunded"
    )


def test_how_the_customer_reacted_is_read_from_what_they_wrote_next(sandbox: Sandbox) -> None:
    sandbox.start_bot(**TEAM)
    slack, url = sandbox.slack, sandbox.bot_url
    card = new_case(sandbox, "mike_rivers", "Mike Rivers", "you charged me twice this month")
    answer_case(
        slack,
        url,
        CHANNEL,
        card["ts"],
        agent=AGENT,
        approver=LEAD,
        text="@mike_rivers Hi Mike, sorry about the double charge, it's refunded now.",
    )
    close_case(slack, url, CHANNEL, card["ts"], AGENT)
    sandbox.mention("mike_rivers", "thank you so much, great service! 🙌")
    sandbox.cycle()
    new = new_case(sandbox, "ana_b", "Ana Belén", "me cobraron doble este mes")

    modal = open_knowledge_modal(slack, url, CHANNEL, new["ts"], AGENT)

    assert "the customer thanked us" in past_case_texts(modal)[0]
