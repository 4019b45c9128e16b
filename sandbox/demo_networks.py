"""The demo's networks besides X: Mastodon, Bluesky, RSS/Atom feeds, Discourse (their
stand-ins from `sandbox.scenarios.networks`) and Facebook with Messenger and Instagram (the
Graph stand-in from `sandbox.scenarios.meta`). Started together, configured into the bot
as a deployment would set them, fed sample posts in Spanish and English, and shown as
panels of the web page."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.httpserver import StandInServer
from sandbox.meta_graph import MetaGraphStandIn
from sandbox.scenarios import meta as meta_scenario
from sandbox.scenarios.networks import (
    SUPPORT_CATEGORY,
    RunningNetwork,
    add_sample_personas,
    bot_settings,
    load_samples,
    play_samples,
    start_network,
)
from sandbox.web.faults import (
    RateLimit,
    Refusal,
    bluesky_rate_limit,
    bluesky_refusal,
    discourse_rate_limit,
    discourse_refusal,
    mastodon_rate_limit,
    meta_rate_limit,
    meta_refusal,
)
from sandbox.web.networks import NetworkPanel, Persona
from sandbox.web.panels import (
    BlueskyPanel,
    DiscoursePanel,
    FacebookPanel,
    FeedsPanel,
    InstagramPanel,
    MastodonPanel,
)

META_SAMPLES = Path(__file__).parent / "data" / "meta_samples.json"
# Every network the demo can start besides X, in the order the page shows them.
OTHER_NETWORKS = ("mastodon", "bluesky", "facebook", "instagram", "discourse", "rss")
# Facebook and Instagram share one Meta app (one Graph stand-in, one webhook).
META = ("facebook", "instagram")
LABELS = {
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "facebook": "Facebook (and Messenger)",
    "instagram": "Instagram",
    "discourse": "Discourse",
    "rss": "RSS/Atom feeds",
}


@dataclass
class OtherNetworks:
    """The started stand-ins (by network name) and the Graph stand-in, if Meta is on."""

    running: dict[str, RunningNetwork] = field(default_factory=dict)
    meta: MetaGraphStandIn | None = None
    brand: str = "acmeconecta"
    _panels: list[NetworkPanel] | None = field(default=None, repr=False)

    def names(self) -> list[str]:
        """The networks on, in page order."""
        on = set(self.running) | (set(META) if self.meta else set())
        return [n for n in OTHER_NETWORKS if n in on]

    def stand_ins(self) -> list[StandInServer]:
        return [r.stand_in for r in self.running.values()] + ([self.meta] if self.meta else [])

    def settings(self) -> dict[str, str]:
        """The bot's environment variables for every network on."""
        env = bot_settings(self.running.values())
        if self.meta:
            env.update(meta_scenario.bot_env(self.meta))
        return env

    def connect(self, bot_base_url: str) -> None:
        """After the bot started: Meta's webhook handshake, then deliveries to the bot."""
        if self.meta and not meta_scenario.connect_webhooks(self.meta, bot_base_url):
            raise RuntimeError("the bot did not answer Meta's webhook handshake")

    def panels(self) -> list[NetworkPanel]:
        """One panel per network on, in page order (made once)."""
        if self._panels is None:
            self._panels = self._make_panels()
        return self._panels

    def _make_panels(self) -> list[NetworkPanel]:
        panels: list[NetworkPanel] = []
        for name in self.names():
            if name in META:
                assert self.meta
                panels.append(
                    FacebookPanel(self.meta) if name == "facebook" else InstagramPanel(self.meta)
                )
                continue
            server: Any = self.running[name].stand_in
            if name == "mastodon":
                panels.append(MastodonPanel(server))
            elif name == "bluesky":
                panels.append(BlueskyPanel(server))
            elif name == "discourse":
                panels.append(DiscoursePanel(server, SUPPORT_CATEGORY))
            elif name == "rss":
                panels.append(FeedsPanel(server))
        return panels

    def refusals(self) -> list[Refusal]:
        """How each network on refuses a private message (Mastodon has no such refusal;
        feeds have no private side)."""
        found = []
        if "bluesky" in self.running:
            found.append(bluesky_refusal(self.running["bluesky"].stand_in))
        if "discourse" in self.running:
            found.append(discourse_refusal(self.running["discourse"].stand_in))
        if self.meta:
            found.append(meta_refusal(self.meta))
        return found

    def rate_limits(self) -> list[RateLimit]:
        """How each network on says "too many requests" (feeds are plain HTTP files)."""
        found = []
        if "mastodon" in self.running:
            found.append(mastodon_rate_limit(self.running["mastodon"].stand_in))
        if "bluesky" in self.running:
            found.append(bluesky_rate_limit(self.running["bluesky"].stand_in))
        if "discourse" in self.running:
            found.append(discourse_rate_limit(self.running["discourse"].stand_in))
        if self.meta:
            found.append(meta_rate_limit(self.meta, self.meta.page["id"]))
        return found

    def personas(self) -> list[Persona]:
        """The sample customers of every network on, as presets of the page's composer."""
        presets = []
        for name, running in self.running.items():
            options = load_samples(name).personas
            for persona in running.timeline.personas():
                given = options.get(persona.key, {})
                presets.append(
                    Persona(
                        name=persona.name,
                        handle=persona.handle,
                        followers=int(given.get("followers", 0)),
                        language=persona.language or "",
                        accepts_private_messages=given.get("accepts_messages", "all") != "none"
                        and given.get("allow_private_messages", True),
                        network=name,
                    )
                )
        if self.meta:
            for name, samples in meta_samples().items():
                for persona in samples["personas"].values():
                    presets.append(
                        Persona(
                            name=persona["name"],
                            handle=persona["name"],
                            language=persona.get("language", ""),
                            network=name,
                        )
                    )
        return presets

    def feed(self, speed: float, stop: threading.Event) -> list[threading.Thread]:
        """One thread per network posting its sample posts at the sample file's pace."""
        threads = [
            threading.Thread(
                target=play_samples,
                args=(running,),
                kwargs={"speed": speed, "stop": stop, "on_post": _announce(running.stand_in)},
            )
            for running in self.running.values()
        ]
        if self.meta:
            threads.append(
                threading.Thread(target=play_meta_samples, args=(self.meta, speed, stop))
            )
        for thread in threads:
            thread.daemon = True
            thread.start()
        return threads

    def brand_replies(self) -> list[str]:
        """What the brand said on these networks (publicly or privately), as lines."""
        lines = []
        for panel in self.panels():
            for post in reversed(panel.timeline()):
                if post.is_brand and post.in_reply_to:
                    to = f" → @{post.in_reply_to_handle}" if post.in_reply_to_handle else ""
                    lines.append(f"On {panel.label}: @{post.author.handle}{to}: {post.text}")
            brand = panel.brand().handle
            for message in reversed(panel.private_messages()):
                if message.sender.handle == brand:
                    lines.append(
                        f"On {panel.label}, privately: @{brand} → "
                        f"@{message.recipient.handle}: {message.text}"
                    )
        return lines

    def stop(self) -> None:
        for running in self.running.values():
            running.stop()
        if self.meta:
            self.meta.stop()


def start_other_networks(
    names: Iterable[str] = OTHER_NETWORKS, brand: str = "acmeconecta", brand_name: str = ""
) -> OtherNetworks:
    """Start the stand-ins of `names` with the brand's accounts and the sample customers
    (the feeds exist before the bot starts: RSS_FEEDS lists them)."""
    wanted = list(dict.fromkeys(names))
    unknown = [n for n in wanted if n not in OTHER_NETWORKS]
    if unknown:
        raise ValueError(f"unknown network {unknown[0]!r}; one of {', '.join(OTHER_NETWORKS)}")
    started = OtherNetworks(brand=brand)
    try:
        for name in wanted:
            if name in META:
                if started.meta is None:
                    started.meta = meta_scenario.start_graph_stand_in(
                        page_name=brand_name or brand,
                        page_username=brand,
                        ig_username=brand,
                    )
                    meta_scenario.seed(started.meta)
                continue
            running = start_network(name, brand, brand_name or brand)
            started.running[name] = running
            add_sample_personas(running)
    except Exception:
        started.stop()
        raise
    return started


def _announce(stand_in: StandInServer) -> Callable[[Any, Any], None]:
    """A sample post written into a stand-in's state directly: tell the page."""
    return lambda sample, post: stand_in.changed({"kind": "sample_post", "id": post.id})


def meta_samples() -> dict[str, Any]:
    return json.loads(META_SAMPLES.read_text(encoding="utf-8"))


def play_meta_samples(meta: MetaGraphStandIn, speed: float, stop: threading.Event) -> None:
    """Facebook and Instagram customers write, at the pace of the sample file: comments
    on the brand's posts, a visitor post, Messenger and Direct messages, a mention."""
    samples = meta_samples()
    brand = meta.ig_account["username"]
    posts = [
        (network, post, body["personas"][post["by"]]["name"])
        for network, body in samples.items()
        for post in body["posts"]
    ]
    ordered = sorted(posts, key=lambda item: float(item[1]["at"]))
    started = time.monotonic()
    for network, post, who in ordered:
        delay = post["at"] / speed - (time.monotonic() - started) if speed > 0 else 0.0
        if stop.wait(max(delay, 0.0)):
            return
        text = post["text"].replace("{brand}", brand)
        _write(meta, network, post["kind"], who, text)


def _write(meta: MetaGraphStandIn, network: str, kind: str, who: str, text: str) -> None:
    with meta.lock:
        page_posts = [p for p in meta.posts.values() if p["from"]["id"] == meta.page["id"]]
        own_media = [m for m in meta.media.values() if m["owner_id"] == meta.ig_account["id"]]
    if network == "facebook":
        if kind == "comment":
            newest = max(page_posts, key=lambda p: p["created_time"])
            meta.comment(who, newest["id"], text)
        elif kind == "messenger":
            meta.messenger(who, text)
        else:
            meta.visitor_post(who, text)
    elif kind == "comment":
        meta.ig_comment(who, max(own_media, key=lambda m: m["timestamp"])["id"], text)
    elif kind == "direct":
        meta.ig_dm(who, text)
    else:
        meta.ig_mention_in_caption(who, text)
