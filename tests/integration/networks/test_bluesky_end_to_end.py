"""Bluesky end to end (atproto against the stand-in, the real bot and Slack flow, SQLite and
PostgreSQL): a mention facet at the right UTF-8 bytes, and a customer who accepts no
messages."""

from __future__ import annotations

from sandbox.agent_story import thread_text
from sandbox.lexicon import Lexicons
from tests.integration.harness import CHANNEL
from tests.integration.networks.steps import (
    APPROVER,
    brand_private_messages,
    brand_replies_to,
    draft_and_approve,
    sandbox_with,
    wait_for_thread,
)
from tests.specs import spec_path

MENTION = "app.bsky.richtext.facet#mention"


def test_words_with_an_emoji_and_accents_before_the_mention_keep_the_facet_on_the_handle(
    database_url: str,
) -> None:
    with sandbox_with(database_url, "bluesky") as box:
        world = box.world("bluesky")
        jose = world.timeline.add_persona("jose", "José Ñandú 🧉", language="es")
        box.start_bot(APPROVER_USER_IDS=APPROVER)
        asked = world.timeline.compose("jose", "me cobraron un servicio que nunca pedí")
        box.cycle()
        (root,) = box.roots()

        greeting = "¡Hola José 🧉! "
        text, modal = draft_and_approve(
            box,
            root,
            "lo anulamos hoy mismo.",
            "public",
            # The agent greets before the @handle the modal prefilled.
            compose=lambda prefill, words: greeting + prefill + words,
        )
        wait_for_thread(box, root, "Public reply to")

        assert text == f"{greeting}@{jose.handle} lo anulamos hoy mismo."
        (reply,) = brand_replies_to(world, asked)
        (entry,) = [e for e in world.stand_in.brand_posts() if e["uri"] == reply.id]
        record = entry["value"]
        (facet,) = [f for f in record["facets"] if f["features"][0]["$type"] == MENTION]
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        assert record["text"].encode("utf-8")[start:end] == f"@{jose.handle}".encode()
        assert start == len(greeting.encode("utf-8")) != len(greeting)  # bytes, not characters
        assert facet["features"][0]["did"] == world.stand_in.actor(jose.handle)["did"]
        folder = spec_path("bluesky/lexicons/app.bsky.feed.post.json").parent
        Lexicons(folder).validate_record("app.bsky.feed.post", record)


def test_a_customer_who_accepts_no_messages_gets_plain_words_and_a_public_reply_still_works(
    database_url: str,
) -> None:
    with sandbox_with(database_url, "bluesky") as box:
        world = box.world("bluesky")
        lu = world.timeline.add_persona("lu", "Lucía Martín", accepts_messages="none")
        box.start_bot(APPROVER_USER_IDS=APPROVER)
        asked = world.timeline.compose("lu", "¿la promo de 600 Mb sigue vigente?")
        box.cycle()
        (root,) = box.roots()

        draft_and_approve(box, root, "Hola Lucía, te escribimos por privado.", "private")

        said = wait_for_thread(box, root, "was not sent")
        assert (
            f"@{lu.handle} does not accept direct messages on Bluesky: answer with a public reply"
            in said
        )
        assert brand_private_messages(world) == []
        retry = [
            m
            for m in box.thread_of(root)
            if any(b.get("block_id") == "failed_actions" for b in m.get("blocks", []))
        ]
        assert len(retry) == 1  # the draft is kept, with Retry

        # No crash: polling goes on, and the public way the thread suggests works.
        again = world.timeline.compose("lu", "¿hola?", reply_to=asked.id)
        box.cycle()
        assert "¿hola?" in thread_text(box.slack, CHANNEL, root["ts"])
        draft_and_approve(
            box, root, "¡Hola Lucía! Sí, sigue vigente hasta el 31.", "public", claim_first=False
        )
        wait_for_thread(box, root, "Public reply to")
        # One reply, under the customer's latest post.
        assert [p.reply_to for p in world.timeline.timeline() if p.from_brand] == [again.id]
