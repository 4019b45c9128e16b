"""Every network's panel on the sandbox page, against the real bot: a customer written
with the page's composer becomes a case card in the Slack stand-in, and the brand's
answer, approved there, shows in that network's panel as the customer sees it. The fault
switches act on each network's stand-in in its own words.

SQLite only: the database is not the subject here (the networks' own end-to-end tests run
on both backends)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from bot.slack.ids import Action
from sandbox.agent_story import (
    WAIT_SECONDS,
    claim,
    open_draft_modal,
    play_agent_story,
    submit_draft,
    thread_text,
    wait_for_draft,
)
from sandbox.demo_networks import OtherNetworks
from sandbox.scenarios.meta import seed
from sandbox.scenarios.networks import NETWORKS, add_sample_personas
from sandbox.web.app import WebSandbox
from sandbox.web.faults import standard_switches
from sandbox.web.networks import NetworkPanel, XPanel
from sandbox.web.screens import Person
from sandbox.web.server import WebServer
from tests.integration.harness import CHANNEL, Sandbox, close_sandbox, open_sandbox

AGENT, APPROVER = "U0AGENT1", "U0LEAD"
FOLLOW_UP = "Thanks! One more thing: does that also cover my second line?"


@dataclass
class Page:
    box: Sandbox
    server: WebServer
    panels: dict[str, NetworkPanel]
    seeded: dict[str, str]  # the brand's own Facebook and Instagram posts

    def compose(self, network: str, persona: dict, text: str, reply_to: str | None = None):
        answer = requests.post(
            self.server.url + "api/compose",
            json={"network": network, "persona": persona, "text": text, "reply_to": reply_to},
            timeout=10,
        )
        assert answer.status_code == 200 and answer.json()["ok"], answer.text
        return next(p for p in self.panels[network].timeline() if p.id == answer.json()["post"])

    def region(self, network: str) -> str:
        fragments = requests.get(self.server.url + "fragments", params={"as": AGENT}, timeout=10)
        return str(fragments.json()["regions"][f"network-{network}"])

    def everything_said(self) -> str:
        """Every message of the channel, threads included (after a poll cycle)."""
        self.box.cycle()
        slack = self.box.slack
        return "\n".join(
            " ".join(slack.message_texts(m))
            for root in self.box.roots()
            for m in [root, *self.box.thread_of(root)]
        )

    def card(self, words: str) -> dict:
        """The case card whose text has `words`, once the bot has posted it (polling the
        networks it polls; Meta's webhooks arrive by themselves)."""

        def found() -> dict | None:
            self.box.cycle()
            return next(
                (r for r in self.box.roots() if words in " ".join(self.box.slack.message_texts(r))),
                None,
            )

        return self.box.slack.wait_for(found, WAIT_SECONDS)


@pytest.fixture
def page(sqlite_url: str) -> Iterator[Page]:
    box = open_sandbox(sqlite_url, networks=("x", *NETWORKS))
    server = None
    try:
        meta = box.start_meta()
        seeded = seed(meta)
        for name in NETWORKS:  # the sample feeds exist before the bot starts (RSS_FEEDS)
            add_sample_personas(box.world(name))
        box.start_bot(APPROVER_USER_IDS=APPROVER)
        box.connect_meta_webhooks()
        others = OtherNetworks(running=box.networks, meta=meta)
        assert box.x is not None
        panels = [XPanel(box.x), *others.panels()]
        server = WebServer(
            WebSandbox(
                slack=box.slack,
                bot_url=box.bot_url,
                channel=CHANNEL,
                people=[Person(AGENT, "maria", "agent"), Person(APPROVER, "lead", "approver")],
                networks=panels,
                switches=standard_switches(
                    box.x,
                    box.slack,
                    others.stand_ins(),
                    others.refusals(),
                    rate_limits=others.rate_limits(),
                ),
            )
        )
        server.start()
        yield Page(box, server, {p.name: p for p in panels}, seeded)
    finally:
        if server is not None:
            server.stop()
        close_sandbox(box)


# network, the customer as the composer describes them, what they write, what the brand
# answers (as the draft modal prefills it on that network).
PUBLIC = [
    (
        "mastodon",
        {"name": "Inés Gil", "handle": "inesgil", "followers": 40, "language": "es"},
        "se me corta la fibra cada noche en Chamberí, ¿hay avería?",
        "@inesgil Hola Inés, hay una avería en Chamberí: la arreglamos hoy antes de las 20 h.",
    ),
    (
        "bluesky",
        {"name": "Amara Osei", "handle": "amara.o", "followers": 2300, "language": "en"},
        "Three missed appointments. Is anyone coming to fix my line this week?",
        "@amara.o.bsky.social Hi Amara, sorry: an engineer is booked for Thursday 9-12.",
    ),
    (
        "discourse",
        {"name": "Tobias Weber", "handle": "tobias_w", "language": "en"},
        "Charged twice for November\nMy card shows two charges of 39.90 for November.",
        "Hi Tobias, we found the duplicate charge and refunded it today: 3 to 5 days.",
    ),
    (
        "facebook",
        {"name": "Marta Sánchez", "handle": "Marta Sánchez", "language": "es"},
        "¿Llega la fibra a Villa Crespo? Hace un mes que espero la instalación.",
        "Hola Marta, sí: Villa Crespo tiene fibra desde marzo. Te escribimos con la fecha.",
    ),
    (
        "instagram",
        {"name": "", "handle": "noah_snaps", "language": "en"},
        "Does the router come in white? Asking for my living room",
        "Hi Noah! Yes, the router comes in white at no extra cost.",
    ),
]


@pytest.mark.parametrize(
    ("network", "persona", "text", "reply"), PUBLIC, ids=[p[0] for p in PUBLIC]
)
def test_a_customer_written_on_the_page_is_answered_in_their_networks_panel(
    page: Page, network: str, persona: dict, text: str, reply: str
) -> None:
    # Facebook and Instagram customers comment on the brand's own posts.
    on = page.seeded.get(network)
    post = page.compose(network, persona, text, reply_to=on)
    assert not post.is_brand and post.author.handle.endswith(persona["handle"])

    root = page.card(text.splitlines()[-1][:40])
    assert persona["handle"] in " ".join(page.box.slack.message_texts(root))
    play_agent_story(
        page.box.slack,
        page.box.bot_url,
        CHANNEL,
        root["ts"],
        agent=AGENT,
        approver=APPROVER,
        text=reply,
        pause=0,
    )

    panel = page.panels[network]
    answered = page.box.slack.wait_for(
        lambda: [p for p in panel.timeline() if p.is_brand and p.in_reply_to == post.id], 10
    )
    assert [p.text for p in answered] == [reply]
    assert answered[0].in_reply_to_handle == post.author.handle
    shown = page.region(network)
    assert reply in shown and f'Replying to <a href="#{network}-post-{post.id}">' in shown
    # The customer answers the brand back from the panel: the same case hears it.
    assert f'data-reply-to="{answered[0].id}" data-network="{network}" data-brand-post' in shown
    page.compose(network, persona, FOLLOW_UP, reply_to=answered[0].id)
    page.box.slack.wait_for(lambda: FOLLOW_UP in page.everything_said(), WAIT_SECONDS)


def test_a_feed_entry_written_on_the_page_becomes_a_read_only_card(page: Page) -> None:
    entry = page.compose(
        "rss",
        {"name": "Marta Gil", "handle": "comparador"},
        "Acme Conecta sube precios otra vez\nSegunda subida del año para la fibra.",
    )
    root = page.card("Acme Conecta sube precios otra vez")
    assert "Marta Gil" in " ".join(page.box.slack.message_texts(root))
    shown = page.region("rss")
    assert "Acme Conecta sube precios otra vez" in shown and entry.url
    assert "Reply as" not in shown and "Private messages" not in shown
    # Only the feeds the bot reads can be written to; feeds have no replies.
    refused = requests.post(
        page.server.url + "api/compose",
        json={"network": "rss", "persona": {"handle": "newblog"}, "text": "Hi"},
        timeout=10,
    )
    assert refused.status_code == 400 and "comparador" in refused.json()["message"]
    refused = requests.post(
        page.server.url + "api/compose",
        json={
            "network": "rss",
            "persona": {"handle": "comparador"},
            "text": "Hi",
            "reply_to": entry.id,
        },
        timeout=10,
    )
    assert refused.status_code == 400 and "no replies" in refused.json()["message"]


# network, customer, what they write, the private answer, what the network answers when
# the "Refused private message" switch is on.
PRIVATE = [
    (
        "bluesky",
        {"name": "José Ñandú", "handle": "jose.n", "language": "es"},
        "mi factura trae un cargo de servicios premium que nunca pedí",
        "Hola José, ya anulamos el cargo: no se repetirá.",
        "does not accept direct messages on Bluesky",
    ),
    (
        "discourse",
        {"name": "Carmen García", "handle": "carmen_g", "language": "es"},
        "El módem se reinicia solo\nCada noche a las 3:00 el módem se reinicia y pierdo conexión.",
        "Hola Carmen, te escribimos por privado para revisar tu módem con tu número de cliente.",
        "you can't send a message to carmen_g",
    ),
    (
        "facebook",
        {"name": "Liam Carter", "handle": "Liam Carter", "language": "en"},
        "My bill shows a late fee but I paid on the 3rd, can you check?",
        "Hi Liam, we checked: the late fee was our mistake and is removed from your bill.",
        "isn't available",
    ),
    (
        "mastodon",
        {"name": "Oliver Kent", "handle": "oliver_k", "language": "en"},
        "can I move my plan to my new flat without the setup fee?",
        "@oliver_k Hi Oliver, yes: moving is free when you tell us 7 days ahead.",
        None,  # Mastodon has no setting that refuses a direct mention
    ),
]


@pytest.mark.parametrize(
    ("network", "persona", "text", "reply", "refusal"), PRIVATE, ids=[p[0] for p in PRIVATE]
)
def test_a_private_answer_shows_in_the_panels_private_messages_or_is_refused_in_its_words(
    page: Page, network: str, persona: dict, text: str, reply: str, refusal: str | None
) -> None:
    page.compose(network, persona, text)
    root = page.card(text.splitlines()[-1][:40])
    answer_privately(page, root, reply)
    panel = page.panels[network]
    sent = page.box.slack.wait_for(
        lambda: [m for m in panel.private_messages() if m.sender == panel.brand()], 10
    )
    # A forum's private message has a title of its own above the answer.
    assert [(m.recipient.handle.split(".")[0], m.text.endswith(reply)) for m in sent] == [
        (persona["handle"].split(".")[0], True)
    ]
    assert reply in page.region(network)
    if refusal is None:
        return

    switch = requests.post(
        page.server.url + "api/fault", json={"key": "refused_private_message", "on": True}
    )
    assert switch.json() == {"ok": True, "on": True}
    # Another customer (Facebook's are known by name), answered privately the same way.
    again = {
        **persona,
        "name": persona["name"] + " Dos",
        "handle": persona["handle"] + (" Dos" if persona["handle"] == persona["name"] else "2"),
    }
    page.compose(network, again, text + " (otra vez)")
    second = page.card(again["name"])
    answer_privately(page, second, reply)
    try:
        page.box.slack.wait_for(
            lambda: refusal in thread_text(page.box.slack, CHANNEL, second["ts"]), 10
        )
    except TimeoutError:
        raise AssertionError(thread_text(page.box.slack, CHANNEL, second["ts"])) from None
    assert len([m for m in panel.private_messages() if m.sender == panel.brand()]) == 1


def answer_privately(page: Page, root: dict, text: str) -> None:
    slack, url = page.box.slack, page.box.bot_url
    claim(slack, url, CHANNEL, root["ts"], AGENT)
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT)
    asked_before = len(slack.dms(APPROVER))
    answer = submit_draft(slack, url, AGENT, modal["id"], text, "private")
    if answer.get("response_action") == "update":  # the drafting help's one-time remark
        answer = submit_draft(slack, url, AGENT, modal["id"], text, "private")
    assert answer == {}, answer
    wait_for_draft(slack, CHANNEL, root["ts"])
    from sandbox.agent_story import dm_channel, press

    dm = slack.wait_for(
        lambda: (dms := slack.dms(APPROVER)) and len(dms) > asked_before and dms, WAIT_SECONDS
    )[-1]
    status, body = press(
        slack, url, dm_channel(slack, APPROVER), dm["ts"], APPROVER, Action.APPROVE
    )
    assert status == 200, body


def test_carethread_typed_on_the_page_is_answered_to_that_person_only(page: Page) -> None:
    page.compose("mastodon", {"handle": "paz", "name": "Paz Vidal"}, "me cobraron la permanencia")
    page.card("me cobraron la permanencia")

    def typed(text: str, who: str = AGENT) -> requests.Response:
        return requests.post(
            page.server.url + "api/command", json={"as": who, "text": text}, timeout=10
        )

    assert typed("/carethread queue").json() == {"ok": True}

    def channel(who: str) -> str:
        answer = requests.get(page.server.url + "fragments", params={"as": who}, timeout=10)
        return str(answer.json()["regions"]["channel"])

    shown = page.box.slack.wait_for(lambda: "The queue" in channel(AGENT) and channel(AGENT), 10)
    assert "me cobraron la permanencia" in shown and "ephemeral" in shown
    assert "The queue" not in channel(APPROVER)

    refused = typed("/weather today")
    assert refused.status_code == 400 and "/weather is not a valid command" in refused.text
    refused = typed("hello everyone")
    assert refused.status_code == 400 and "Only slash commands" in refused.text
    assert typed("/carethread help", who="U0NOBODY").status_code == 400


# network, customer, what they write privately, the private answer
WRITTEN_PRIVATELY = [
    (
        "facebook",
        {"name": "Liam Carter", "handle": "Liam Carter", "language": "en"},
        "Hi, my bill shows a late fee but I paid on the 3rd.",
        "Hi Liam, the late fee was our mistake: it is removed from your bill.",
    ),
    (
        "instagram",
        {"name": "", "handle": "kiki.bsas", "language": "es"},
        "Hola! ¿me pasan el precio del plan de 600 megas?",
        "¡Hola! El plan de 600 megas cuesta 19.990 al mes para clientes actuales.",
    ),
    (
        "mastodon",
        {"name": "Oliver Kent", "handle": "oliver_p", "language": "en"},
        "why was I billed twice this month? my account number is 5512-8871",
        "@oliver_p Hi Oliver, we refunded the second charge today.",
    ),
]


@pytest.mark.parametrize(
    ("network", "persona", "text", "reply"),
    WRITTEN_PRIVATELY,
    ids=[p[0] for p in WRITTEN_PRIVATELY],
)
def test_a_customer_writing_privately_on_the_page_is_answered_in_their_inbox(
    page: Page, network: str, persona: dict, text: str, reply: str
) -> None:
    written = requests.post(
        page.server.url + "api/compose",
        json={"network": network, "persona": persona, "text": text, "private": True},
        timeout=10,
    )
    assert written.json()["ok"] is True, written.text
    panel = page.panels[network]
    (asked,) = [m for m in panel.private_messages() if m.id == written.json()["private_message"]]
    assert asked.recipient == panel.brand() and asked.sender.handle == persona["handle"]

    root = page.card(text[:30])
    assert "5512-8871" not in str(root)  # what customers write privately is masked too
    answer_privately(page, root, reply)
    sent = page.box.slack.wait_for(
        lambda: [m for m in panel.private_messages() if m.sender == panel.brand()], 10
    )
    assert [(m.recipient.handle, m.text) for m in sent] == [(persona["handle"], reply)]
    assert all(not p.is_brand or reply not in p.text for p in panel.timeline())


def test_writing_privately_where_the_bot_reads_only_public_posts_is_refused(page: Page) -> None:
    refused = requests.post(
        page.server.url + "api/compose",
        json={"network": "bluesky", "persona": {"handle": "amara"}, "text": "hi", "private": True},
        timeout=10,
    )
    assert refused.status_code == 400
    assert "reads only public posts on Bluesky" in refused.json()["message"]


def test_the_other_networks_rate_limit_switch_answers_429_in_each_networks_words(
    page: Page,
) -> None:
    switched = requests.post(
        page.server.url + "api/fault", json={"key": "network_rate_limits", "on": True}, timeout=10
    )
    assert switched.json() == {"ok": True, "on": True}
    page.compose("mastodon", {"handle": "rita", "name": "Rita"}, "no tengo internet desde ayer")
    page.box.cycle()
    assert not [r for r in page.box.roots() if "no tengo internet" in str(r)]
    for name in ("mastodon", "bluesky", "discourse"):
        stand_in = page.box.world(name).stand_in
        assert 429 in [r.status for r in stand_in.requests], name
    mastodon = page.box.world("mastodon").stand_in
    me = mastodon.base_url + "/api/v1/accounts/verify_credentials"
    auth = {"Authorization": f"Bearer {mastodon.access_token}"}
    limited = requests.get(me, headers=auth, timeout=10)
    assert limited.status_code == 429 and limited.headers["X-RateLimit-Remaining"] == "0"
    bluesky = page.box.world("bluesky").stand_in
    limited = requests.get(bluesky.base_url + "/xrpc/com.atproto.server.describeServer", timeout=10)
    assert limited.json()["error"] == "RateLimitExceeded"
    assert "ratelimit-reset" in limited.headers

    requests.post(
        page.server.url + "api/fault", json={"key": "network_rate_limits", "on": False}, timeout=10
    )
    assert requests.get(me, headers=auth, timeout=10).status_code == 200
