"""Mastodon, Bluesky and Discourse end to end, each deployed alone (no X): the real bot with
its real client against the network's stand-in, the real Slack flow, SQLite and PostgreSQL.

Per network: three customers' posts become three cases, a reply in the same thread lands
in its case's Slack thread, a restart brings nothing twice; a public and a private reply go
out exactly once, and a private send whose answer is lost (the stand-in commits, then
drops the connection, and cannot be asked right away) is settled after a restart without
a second message."""

from __future__ import annotations

import pytest

from tests.integration.networks.steps import (
    APPROVER,
    brand_private_messages,
    brand_replies_to,
    card_texts,
    draft_and_approve,
    lose_the_next_private_send,
    modal_text,
    posted_count,
    restart_after_the_send_lease,
    sandbox_with,
    wait_for_card,
    wait_for_thread,
)

ANSWERING = ["mastodon", "bluesky", "discourse"]
# What each network's draft modal says under the text box, in its own words.
HINTS = {
    "mastodon": "only the accounts it mentions can see",
    "bluesky": "A Bluesky post holds 300 characters",
    "discourse": "The forum takes 20 to 32,000 characters",
}
LINKS = {
    "mastodon": "View on Mastodon",
    "bluesky": "View on Bluesky",
    "discourse": "View on Discourse",
}


@pytest.mark.parametrize("network", ANSWERING)
def test_three_posts_three_cases_a_reply_in_its_thread_and_nothing_twice_after_a_restart(
    database_url: str, network: str
) -> None:
    with sandbox_with(database_url, network) as box:
        world = box.world(network)
        timeline = world.timeline
        timeline.add_persona("ana", "Ana Pérez", language="es")
        timeline.add_persona("ben", "Ben Carter", language="en")
        timeline.add_persona("chloe", "Chloé Martin", language="en")
        box.start_bot(APPROVER_USER_IDS=APPROVER)
        first = timeline.compose("ana", "mi pedido 4471 no llega desde hace una semana")
        timeline.compose("ben", "the app logs me out every five minutes, please help")
        timeline.compose("chloe", "how do I change the billing address on my account?")

        box.cycle()

        cards = card_texts(box)
        assert len(cards) == 3
        assert sum("mi pedido 4471 no llega" in c for c in cards) == 1
        assert all(LINKS[network] in c for c in cards) and not any("View on X" in c for c in cards)
        if network == "discourse":  # read because the category is watched, not a mention
            assert all("found by the watch list" in c for c in cards)
        ana_root = next(r for r in box.roots() if "4471" in " ".join(box.slack.message_texts(r)))

        timeline.compose("ana", "sigo esperando, ya pasaron 8 días", reply_to=first.id)
        box.cycle()

        assert len(box.roots()) == 3
        thread = box.thread_of(ana_root)
        assert any("ya pasaron 8 días" in " ".join(box.slack.message_texts(m)) for m in thread)
        sent = posted_count(box)

        box.stop_bot()
        box.start_bot(APPROVER_USER_IDS=APPROVER)
        box.cycle()
        box.cycle()

        assert posted_count(box) == sent and len(box.roots()) == 3


@pytest.mark.parametrize("network", ANSWERING)
def test_a_public_and_a_private_reply_go_out_once_even_when_an_answer_is_lost(
    database_url: str, network: str
) -> None:
    with sandbox_with(database_url, network) as box:
        world = box.world(network)
        world.timeline.add_persona("lucia", "Lucía Fernández", language="es")
        box.start_bot(APPROVER_USER_IDS=APPROVER)
        post = world.timeline.compose(
            "lucia", "me cobraron dos veces la factura de noviembre, ¿me lo devuelven?"
        )
        box.cycle()
        (root,) = box.roots()

        public_words = "Hola Lucía, ya vimos el doble cobro y lo devolvemos hoy mismo."
        public_text, modal = draft_and_approve(box, root, public_words, "public")
        wait_for_thread(box, root, "Public reply to")
        assert HINTS[network] in modal_text(modal)

        (reply,) = brand_replies_to(world, post)
        assert public_words in reply.text and reply.text.strip() == public_text.strip()
        wait_for_card(box, root, "Replied")

        private_words = (
            "Para revisarlo, ¿nos confirmas el número de cliente que figura en la factura?"
        )
        lose_the_next_private_send(world)
        draft_and_approve(box, root, private_words, "private", claim_first=False)
        wait_for_thread(box, root, "did not answer while sending")
        assert len(brand_private_messages(world)) == 1  # it did arrive: the answer was lost

        restart_after_the_send_lease(box)

        wait_for_thread(box, root, "Private message to")
        (message,) = brand_private_messages(world)
        assert private_words in message.text
        box.cycle()  # and another cycle (or restart) sends nothing more
        assert len(brand_private_messages(world)) == 1
        assert len(brand_replies_to(world, post)) == 1
