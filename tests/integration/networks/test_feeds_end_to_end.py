"""RSS/Atom feeds end to end (feedparser over HTTP from the feeds stand-in, the real bot,
SQLite and PostgreSQL): entries become read-only cases once, an unchanged feed costs a
304, and a malformed feed is recorded for the admins once while the others go on."""

from __future__ import annotations

from bot.slack.ids import Action
from tests.integration.answer_steps import card_action_ids
from tests.integration.networks.steps import (
    APPROVER,
    card_texts,
    checkpoints,
    posted_count,
    sandbox_with,
)

ANSWERING_BUTTONS = {Action.DRAFT, Action.MOVE_TO_PRIVATE}


def test_entries_become_read_only_cases_once_and_an_unchanged_feed_answers_304(
    database_url: str,
) -> None:
    with sandbox_with(database_url, "rss") as box:
        feeds = box.world("rss").timeline
        feeds.add_persona("comparador", "Marta Gil", title="Comparador Tech", language="es")
        feeds.add_persona("watch", "Sam Doyle", title="Broadband Watch", kind="atom")
        feeds.compose("comparador", "Acme Conecta sube precios\nUn 8 % más en enero.")
        feeds.compose("comparador", "Probamos el router de Acme\nBuena cobertura, app floja.")
        # A reader's comment feed, with a card number a customer pasted in public.
        feeds.compose("watch", "Acme outage in Leeds\nMy card 4111 1111 1111 1111 was charged.")
        box.start_bot(APPROVER_USER_IDS=APPROVER)

        box.cycle()

        cards = card_texts(box)
        # One blog's two entries are two cases: a new entry is not its author writing again.
        assert len(cards) == 3
        assert all("Open in browser" in c and "from a feed" in c for c in cards)
        assert not any("allows only a private reply" in c for c in cards)
        assert any("•••• •••• •••• 1111" in c for c in cards)  # masked as everywhere
        for root in box.roots():
            assert not ANSWERING_BUTTONS & set(card_action_ids(root))
            assert {Action.CLAIM, Action.ESCALATE, Action.CLOSE} <= set(card_action_ids(root))
        server = box.world("rss").stand_in
        sent = posted_count(box)

        box.cycle()
        box.stop_bot()
        box.start_bot(APPROVER_USER_IDS=APPROVER)
        box.cycle()

        assert server.statuses("comparador") == [200, 304, 304]
        assert server.statuses("watch") == [200, 304, 304]
        assert posted_count(box) == sent

        feeds.compose("comparador", "Acme Conecta rectifica\nNo habrá subida para los antiguos.")
        box.cycle()
        assert len(card_texts(box)) == 4 and server.statuses("comparador")[-1] == 200


def test_a_malformed_feed_is_recorded_once_and_the_other_feeds_are_still_polled(
    database_url: str,
) -> None:
    with sandbox_with(database_url, "rss") as box:
        world = box.world("rss")
        feeds, server = world.timeline, world.stand_in
        for name in ("good", "sloppy", "moved"):
            feeds.add_persona(name, name.title())
            feeds.compose(name, f"Acme on {name}\nfirst entry")
        server.break_feed("sloppy", "xml")  # ill-formed, but its entries can still be read
        server.break_feed("moved", "html")  # a web page: nothing to read
        box.start_bot(APPROVER_USER_IDS=APPROVER)

        box.cycle()

        assert sorted(c.split("Acme on ")[1].split()[0] for c in card_texts(box)) == [
            "good",
            "sloppy",
        ]
        url = server.url
        first = checkpoints(box, "rss")
        for name in ("sloppy", "moved"):
            broken = first[f"feed:{url(name)}"]
            assert "is malformed" in broken.last_error and url(name) in broken.last_error
            assert broken.last_error_retryable is False and broken.failing_since is not None
        assert first[f"feed:{url('good')}"].last_error is None
        assert first[f"feed:{url('good')}"].failing_since is None

        feeds.compose("good", "Acme on good\nsecond entry")
        feeds.compose("sloppy", "Acme on sloppy\nsecond entry")
        box.cycle()
        box.cycle()

        texts = card_texts(box)
        assert sum("first entry" in t for t in texts) == 2  # nothing imported twice
        assert sum("second entry" in t for t in texts) == 2  # the good feed goes on
        later = checkpoints(box, "rss")
        for name in ("sloppy", "moved"):
            stream = f"feed:{url(name)}"
            # Still failing, and the same run: an alert built on it is sent once.
            assert later[stream].failing_since == first[stream].failing_since
            assert later[stream].last_error == first[stream].last_error
        assert 304 not in server.statuses("sloppy")  # re-read until it is fixed

        server.break_feed("sloppy", None)
        box.cycle()
        repaired = checkpoints(box, "rss")[f"feed:{url('sloppy')}"]
        assert repaired.last_error is None and repaired.failing_since is None
        assert len(card_texts(box)) == 4
