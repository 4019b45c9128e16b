"""A running Carethread against the Slack stand-in and any combination of network
stand-ins (X by default; Mastodon, Bluesky, RSS/Atom feeds, Discourse on request), for
end-to-end tests.

The bot is the real one (`bot.app.build_runtime`): real tweepy, Mastodon.py, atproto,
feedparser, requests, slack_sdk and Bolt clients, a real HTTP server on a random port, a
real database. Tests run poll cycles themselves (`sandbox.cycle()`) so nothing depends on
timing.

In `mode="socket"` the Slack stand-in has Socket Mode on: the bot gets an app-level token,
connects over WebSocket, and every click or submission reaches it as an envelope there;
the same test code runs unchanged (`bot_url` is then only where `/healthz` lives).
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.app import Runtime, build_runtime
from bot.config import Settings, load_settings
from bot.networks.base import Network
from bot.polling import PollOutcome
from bot.slack.outbox import PublishOutcome
from sandbox.agent_story import claim, open_draft_modal, submit_draft, wait_for_draft
from sandbox.meta_graph import MetaGraphStandIn
from sandbox.scenarios import meta as meta_scenario
from sandbox.scenarios.networks import RunningNetwork, bot_settings, start_network
from sandbox.slack_api import SlackStandIn
from sandbox.slack_socket_mode import SocketModeStandIn
from sandbox.x_api import XStandIn
from storage.db import make_engine, upgrade
from storage.models import utcnow

CHANNEL = "C0CASES"
AGENTS = {"U0AGENT1": "maria", "U0AGENT2": "jordan", "U0LEAD": "lead", "U0LEAD2": "lead2"}
BRAND = "acmeconecta"
MODES = ("http", "socket")
# Variables of the networks a test may configure; a child process must not inherit ours.
NETWORK_PREFIXES = ("SLACK_", "X_", "MASTODON_", "BLUESKY_", "RSS_", "DISCOURSE_")


@dataclass
class Sandbox:
    # None when the deployment has no X (`open_sandbox(..., networks=("mastodon",))`).
    x: XStandIn | None
    slack: SlackStandIn
    database_url: str
    runtime: Runtime | None = None
    overrides: dict[str, str] = field(default_factory=dict)
    # Set in Socket Mode: the WebSocket side of the Slack stand-in.
    socket: SocketModeStandIn | None = None
    # The other networks' stand-ins, by name, with their timelines.
    networks: dict[str, RunningNetwork] = field(default_factory=dict)
    # The Meta Graph stand-in, once `start_meta()` started it.
    meta: MetaGraphStandIn | None = None

    @property
    def mode(self) -> str:
        return "socket" if self.socket else "http"

    # -- configuration ----------------------------------------------------------
    def env(self, **overrides: str) -> dict[str, str]:
        """The environment a deployment would have, pointing at the stand-ins."""
        env = {
            "SLACK_BOT_TOKEN": self.slack.bot_token,
            "SLACK_SIGNING_SECRET": self.slack.signing_secret,
            "SLACK_CHANNEL_ID": CHANNEL,
            "SLACK_API_BASE_URL": self.slack.base_url,
            "DATABASE_URL": self.database_url,
            "POLL_INTERVAL_SECONDS": "1",
            # Generous pace, short coalescing: tests about pacing set their own.
            "SLACK_POSTS_PER_SECOND": "1000",
            "SLACK_POST_BURST": "1000",
            "SLACK_UPDATES_PER_MINUTE": "60000",
            "SLACK_CARD_COALESCE_SECONDS": "0.1",
            **({"SLACK_APP_TOKEN": self.socket.app_token} if self.socket else {}),
        }
        if self.x is not None:
            env.update(
                {
                    "X_BEARER_TOKEN": self.x.bearer_token,
                    "X_API_KEY": self.x.consumer_key,
                    "X_API_SECRET": self.x.consumer_secret,
                    "X_ACCESS_TOKEN": self.x.access_token,
                    "X_ACCESS_TOKEN_SECRET": self.x.access_token_secret,
                    "X_API_BASE_URL": self.x.base_url,
                }
            )
        return {**env, **bot_settings(self.networks.values()), **self.overrides, **overrides}

    def subprocess_env(self, **overrides: str) -> dict[str, str]:
        """For `python -m bot` in a child process: our environment plus the bot's."""
        base = {k: v for k, v in os.environ.items() if not k.startswith(NETWORK_PREFIXES)}
        return {**base, **self.env(**overrides), "PYTHONUNBUFFERED": "1"}

    def world(self, name: str) -> RunningNetwork:
        """A started network other than X: its stand-in, settings and timeline."""
        return self.networks[name]

    def settings(self, **overrides: str) -> Settings:
        # Port 0: a free port, since several bots may run at once in one test session.
        return dataclasses.replace(load_settings(self.env(**overrides)), port=0)

    # -- the bot ------------------------------------------------------------------
    def start_bot(
        self,
        *,
        scheduler: bool = False,
        extra_networks: Sequence[Network] = (),
        clock: Callable[[], datetime] = utcnow,
        **overrides: str,
    ) -> Runtime:
        """Start the real bot in this process (stopping a previous one first);
        `extra_networks` are connected beside the configured ones; `clock` is the deadline
        watcher's and listening health's now."""
        self.stop_bot()
        self.runtime = build_runtime(
            self.settings(**overrides), extra_networks=extra_networks, clock=clock
        )
        self.runtime.start(scheduler=scheduler)
        if self.socket:
            socket = self.socket
            self.slack.wait_for(lambda: socket.connected, 10)
        return self.runtime

    def start_meta(self) -> MetaGraphStandIn:
        """Start the Meta Graph stand-in beside X; bots started from now on connect its Page
        (Facebook) and Instagram account. Its clock is the real one, as the bot's is: a
        test sets it back (`advance(hours=-30)`) to have a customer write in the past."""
        stand_in = meta_scenario.start_graph_stand_in()
        self.meta = stand_in
        self.overrides.update(meta_scenario.bot_env(stand_in))
        return stand_in

    def connect_meta_webhooks(self) -> None:
        """Subscribe the running bot to the stand-in's webhooks (Meta's handshake)."""
        assert self.meta and self.runtime and self.runtime.http, "start_meta(), start_bot()"
        url = f"http://127.0.0.1:{self.runtime.http.port}"
        assert meta_scenario.connect_webhooks(self.meta, url), "the handshake failed"

    def stop_bot(self) -> None:
        if self.runtime is not None:
            self.runtime.stop()
            self.runtime = None

    @property
    def bot_url(self) -> str:
        assert self.runtime and self.runtime.http, "start_bot() first"
        return f"http://127.0.0.1:{self.runtime.http.port}/slack/events"

    def cycle(self) -> tuple[list[PollOutcome], PublishOutcome]:
        """One poll cycle: fetch from X and store; then wait until the publishing loop has
        posted what it may post now (it runs on its own). Returns what the poll stored and
        what the loop published meanwhile."""
        assert self.runtime and self.runtime.publish_loop, "start_bot() first"
        loop = self.runtime.publish_loop
        posted_before = loop.counts.posted
        polled = self.runtime.cycle.run()
        loop.wait_idle(30)
        return polled, loop.outcome(posted_before)

    # -- the outside world ----------------------------------------------------------
    def customer(self, username: str, **kwargs: Any) -> dict[str, Any]:
        assert self.x is not None, "this sandbox has no X: open_sandbox(..., networks=('x',))"
        return self.x.add_user(username, **kwargs)

    def mention(self, username: str, text: str, **kwargs: Any) -> dict[str, Any]:
        """A customer post addressed to the brand (adds @brand when the text lacks it)."""
        assert self.x is not None, "this sandbox has no X: open_sandbox(..., networks=('x',))"
        if f"@{BRAND}" not in text.lower():
            text = f"@{BRAND} {text}"
        return self.x.post(username, text, **kwargs)

    def open_case(
        self, username: str = "lucia", text: str = "my router is dead", **post: Any
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A customer mentions the brand and one poll cycle turns it into the channel's only
        case: returns (the post on X, the case's root message in Slack)."""
        self.customer(username)
        mention = self.mention(username, text, **post)
        self.cycle()
        (root,) = self.roots()
        return mention, root

    def draft_reply(
        self, root: dict[str, Any], author: str, text: str, visibility: str = "public"
    ) -> dict[str, Any]:
        """`author` claims the case, drafts `text` in the modal and saves it; returns the
        draft's message in the thread."""
        slack, url = self.slack, self.bot_url
        claim(slack, url, CHANNEL, root["ts"], author)
        modal = open_draft_modal(slack, url, CHANNEL, root["ts"], author)
        answer = submit_draft(slack, url, author, modal["id"], text, visibility)
        assert answer == {}, answer
        return wait_for_draft(slack, CHANNEL, root["ts"])

    def roots(self) -> list[dict[str, Any]]:
        return self.slack.messages(CHANNEL)

    def thread_of(self, root: dict[str, Any]) -> list[dict[str, Any]]:
        return self.slack.thread(CHANNEL, root["ts"])


def open_sandbox(
    database_url: str, networks: Iterable[str] = ("x",), mode: str = "http"
) -> Sandbox:
    """Slack and the named networks' stand-ins started (any of "x", "mastodon",
    "bluesky", "rss", "discourse"; the brand is @acmeconecta on each), and a migrated
    database. The bot is configured for exactly those networks. `mode` is how Slack
    reaches the bot, "http" (Request URL) or "socket" (Socket Mode)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    names = list(dict.fromkeys(networks))
    slack = SlackStandIn()
    slack.start()
    slack.add_channel(CHANNEL, "customer-care")
    for user_id, name in AGENTS.items():
        slack.add_user(user_id, name, real_name=name.title())
    box = Sandbox(x=None, slack=slack, database_url=database_url)
    try:
        if mode == "socket":
            box.socket = SocketModeStandIn()
            box.socket.start()
            slack.enable_socket_mode(box.socket)
        if "x" in names:
            box.x = XStandIn(brand_username=BRAND, brand_name="Acme Conecta")
            box.x.start()
        for name in names:
            if name != "x":
                box.networks[name] = start_network(name, BRAND, "Acme Conecta")
        engine = make_engine(database_url)
        upgrade(engine)
        engine.dispose()
    except Exception:
        close_sandbox(box)
        raise
    return box


def close_sandbox(sandbox: Sandbox) -> None:
    sandbox.stop_bot()
    if sandbox.socket:
        sandbox.socket.stop()
    sandbox.slack.stop()
    if sandbox.x is not None:
        sandbox.x.stop()
    for running in sandbox.networks.values():
        running.stop()
    if sandbox.meta is not None:
        sandbox.meta.stop()


PYTHON = sys.executable
