"""Any combination of networks: all of them in one deployment (X included), a customer
with the same handle on several networks, a half-configured network refused at start-up,
and a network that hangs delaying no other."""

from __future__ import annotations

import subprocess
import sys
import threading

from tests.integration.networks.steps import APPROVER, card_texts, sandbox_with

BOT = [sys.executable, "-m", "bot"]
LINKS = {
    "x": "View on X",
    "mastodon": "View on Mastodon",
    "bluesky": "View on Bluesky",
    "rss": "Open in browser",
    "discourse": "View on Discourse",
}


def test_every_network_at_once_and_the_same_handle_on_each_is_a_customer_of_its_own(
    database_url: str,
) -> None:
    with sandbox_with(database_url, "x", "mastodon", "bluesky", "rss", "discourse") as box:
        box.customer("lucia", name="Lucía Martínez")
        box.mention("lucia", "me cobraron dos veces (x)")
        for network in ("mastodon", "bluesky", "discourse"):
            timeline = box.world(network).timeline
            timeline.add_persona("lucia", "Lucía Martínez", language="es")
            timeline.compose("lucia", f"me cobraron dos veces ({network})")
        feeds = box.world("rss").timeline
        feeds.add_persona("lucia", "Lucía Martínez", language="es")
        feeds.compose("lucia", "Me cobraron dos veces (rss)\nMi experiencia con Acme Conecta.")
        box.start_bot(APPROVER_USER_IDS=APPROVER)

        box.cycle()

        cards = card_texts(box)
        # Same name and handle everywhere, yet five customers and five cases: nothing
        # links accounts across networks by a guess.
        assert len(cards) == 5
        for network, link in LINKS.items():
            (card,) = [c for c in cards if f"({network})" in c]
            assert link in card


def test_a_half_configured_network_is_exit_code_2_naming_each_missing_variable(
    sqlite_url: str,
) -> None:
    with sandbox_with(sqlite_url, "mastodon") as box:
        env = box.subprocess_env(
            BLUESKY_HANDLE="acmeconecta.bsky.social",
            DISCOURSE_BASE_URL="https://forum.example.com",
        )
        del env["MASTODON_ACCESS_TOKEN"]
        result = subprocess.run(BOT, env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 2, result.stderr
    problems = [line for line in result.stderr.splitlines() if "Configuration error" in line]
    named = {
        name
        for name in (
            "MASTODON_ACCESS_TOKEN",
            "BLUESKY_APP_PASSWORD",
            "DISCOURSE_API_KEY",
            "DISCOURSE_API_USERNAME",
        )
        if any(line.split(":", 1)[1].strip().startswith(name) for line in problems)
    }
    assert len(named) == 4 and len(problems) == 4, problems
    assert "Traceback" not in result.stderr


def test_a_network_that_hangs_delays_no_other_networks_posts(database_url: str) -> None:
    with sandbox_with(database_url, "mastodon", "bluesky") as box:
        mastodon, bluesky = box.world("mastodon"), box.world("bluesky")
        mastodon.timeline.add_persona("ana", "Ana")
        bluesky.timeline.add_persona("ben", "Ben")
        box.start_bot(APPROVER_USER_IDS=APPROVER)
        mastodon.timeline.compose("ana", "posted on the slow network")
        bluesky.timeline.compose("ben", "posted on the quick network")
        answer = threading.Event()
        mastodon.stand_in.hold(lambda r: r.path == "/api/v1/notifications", answer)

        cycle = threading.Thread(target=box.cycle)
        cycle.start()
        try:
            box.slack.wait_for(lambda: any("quick network" in c for c in card_texts(box)), 10)
            # Mastodon has not answered yet, and Bluesky's post is in Slack all the same.
            assert cycle.is_alive()
            assert not any("slow network" in c for c in card_texts(box))
        finally:
            answer.set()
            cycle.join(15)
        assert any("slow network" in c for c in card_texts(box))  # and it came in the end
