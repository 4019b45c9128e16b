"""Mastodon end to end (Mastodon.py against the stand-in, the real bot, SQLite and
PostgreSQL): a burst of mentions larger than a page, a customer the brand's notification
policy files away, and Move to private as a direct post that reaches the customer."""

from __future__ import annotations

from bot.slack.ids import Action
from sandbox.agent_story import click_card, wait_for_draft
from tests.integration.answer_steps import approve_from_dm
from tests.integration.harness import CHANNEL
from tests.integration.networks.steps import (
    AGENT,
    APPROVER,
    brand_private_messages,
    card_texts,
    posted_count,
    sandbox_with,
)

BURST = 85  # more than Mastodon's page of 80 notifications


def test_85_mentions_between_two_polls_and_a_filtered_one_all_arrive(database_url: str) -> None:
    with sandbox_with(database_url, "mastodon") as box:
        world = box.world("mastodon")
        server = world.stand_in
        timeline = world.timeline
        for n in range(5):
            timeline.add_persona(f"fan{n}", f"Fan {n}", language="es")
        box.start_bot(APPROVER_USER_IDS=APPROVER)
        timeline.compose("fan0", "hola, ¿alguien por ahí?")
        box.cycle()
        assert posted_count(box) == 1

        for n in range(BURST):
            timeline.compose(f"fan{n % 5}", f"sin servicio otra vez [{n:02d}]")
        # Customers who do not follow the brand are filtered by its notification policy
        # (Mastodon 4.3+); the bot asks for filtered notifications too.
        server.set_policy(for_not_followers="filter")
        timeline.add_persona("stranger", "Nueva Persona", follows_brand=False)
        timeline.compose("stranger", "no os sigo, pero mi router no enciende")
        box.cycle()

        said = "\n".join(
            " ".join(box.slack.message_texts(m))
            for root in box.roots()
            for m in [root, *box.thread_of(root)]
        )
        assert all(f"[{n:02d}]" in said for n in range(BURST))
        assert "mi router no enciende" in said
        assert posted_count(box) == 1 + BURST + 1
        assert len(card_texts(box)) == 6  # five fans (each one case) and the stranger
        forward = [
            r for r in server.requests if r.path == "/api/v1/notifications" and r.arg("min_id")
        ]
        assert len(forward) >= 2  # more than one page was followed


def test_move_to_private_writes_a_direct_post_that_reaches_the_customer(database_url: str) -> None:
    with sandbox_with(database_url, "mastodon") as box:
        world = box.world("mastodon")
        dee = world.timeline.add_persona("dee", "Dee", domain="other.example", language="en")
        box.start_bot(APPROVER_USER_IDS=APPROVER)
        world.timeline.compose("dee", "charged twice, my card is 4111 1111 1111 1111, refund?")
        box.cycle()
        (root,) = box.roots()

        click_card(box.slack, box.bot_url, CHANNEL, root["ts"], AGENT, Action.MOVE_TO_PRIVATE)
        # No link to invite the customer with on Mastodon: only the direct post is drafted.
        wait_for_draft(box.slack, CHANNEL, root["ts"], count=1)
        approve_from_dm(box, APPROVER, containing="we're writing to you privately")

        (direct,) = box.slack.wait_for(lambda: brand_private_messages(world), 10)
        # A direct post reaches only the accounts it mentions: it starts with theirs.
        assert direct.text.startswith(f"@{dee.handle} Hi, we're writing to you privately")
        assert direct.recipients == (dee.handle,)
