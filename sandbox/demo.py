"""`python -m bot demo`: the real bot on a fresh SQLite file, against both stand-ins,
fed a stream of sample customer posts. A local web page (sandbox/web) is the Slack client
a newcomer clicks through by hand; the terminal draws the channel live (or prints lines).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text
from sqlalchemy import func, select

from bot.app import Runtime, build_runtime
from bot.config import load_settings
from sandbox.agent_story import WAIT_SECONDS, play_agent_story
from sandbox.demo_networks import LABELS, OTHER_NETWORKS, OtherNetworks, start_other_networks
from sandbox.scenarios.meta import play_meta_story
from sandbox.scenarios.networks import load_samples as load_network_samples
from sandbox.slack_api import SlackStandIn
from sandbox.slack_rate import PostingLimits
from sandbox.terminal_view import message_lines, render_channel
from sandbox.web.app import WebSandbox
from sandbox.web.faults import standard_switches
from sandbox.web.networks import Persona, XPanel
from sandbox.web.screens import Person
from sandbox.web.server import WebServer
from sandbox.x_api import XStandIn
from storage.db import make_engine, session_scope, upgrade
from storage.models import Post

SAMPLES = Path(__file__).parent / "data" / "sample_posts.json"
CHANNEL = "C0DEMOCARE"
# The people in the demo workspace, as the page's "who am I" switch offers them.
PEOPLE = (
    Person("U0MARIA", "maria", "agent"),
    Person("U0JORDAN", "jordan", "second agent (billing specialist)"),
    Person("U0LEAD", "lead", "approver"),
    Person("U0SAM", "sam", "not an approver (sales)"),
    Person("U0CARMEN", "carmen", "agent whose Slack is in Spanish"),
)
# Slack's language setting of each person (users.info include_locale); others are en-US.
LOCALES = {"U0CARMEN": "es-ES"}
TEAM = {p.user_id: p.name for p in PEOPLE}
APPROVERS = "U0LEAD"
LONG_POST_REPEAT = 40
# `--once` gives up (and says on what it waited) after this long, instead of hanging.
ONCE_DEADLINE_SECONDS = 300
# Messages a second the demo's Slack stand-in takes in a channel (Slack: about 1).
DEMO_PACE = 5
EXIT_NO_PORT = 2


@dataclass
class DemoWorld:
    x: XStandIn
    slack: SlackStandIn
    runtime: Runtime
    workdir: Path
    samples: dict[str, Any]
    # Every network besides X: Mastodon, Bluesky, Facebook/Messenger, Instagram,
    # Discourse, RSS/Atom feeds (those asked for), on their own stand-ins.
    others: OtherNetworks = field(default_factory=OtherNetworks)

    @property
    def bot_url(self) -> str:
        assert self.runtime.http
        return f"http://127.0.0.1:{self.runtime.http.port}/slack/events"

    def stop(self) -> None:
        self.runtime.stop()
        self.slack.stop()
        self.x.stop()
        self.others.stop()


def load_samples() -> dict[str, Any]:
    return json.loads(SAMPLES.read_text(encoding="utf-8"))


def start_world(
    workdir: Path, poll_seconds: int = 2, networks: Iterable[str] = OTHER_NETWORKS
) -> DemoWorld:
    """The Slack and X stand-ins, the stand-ins of `networks` (every other network by
    default), a migrated SQLite file in `workdir`, and the bot listening on all of them."""
    samples = load_samples()
    others = start_other_networks(networks, samples["brand"]["username"], samples["brand"]["name"])
    x = XStandIn(brand_username=samples["brand"]["username"], brand_name=samples["brand"]["name"])
    x.start()
    slack = SlackStandIn()
    if "SANDBOX_SLACK_POSTS_PER_SECOND" not in os.environ:
        # The demo's seven networks bring some 35 messages within seconds. At Slack's
        # real pace (1/s a channel) the channel would fill for a minute and the scripted
        # story would queue behind it; the sandbox allows DEMO_PACE instead, and the bot
        # is told the same (its own pacing is shown by the "Slack rate limit" switch and
        # measured by bench/flood_bench.py).
        slack.limits = PostingLimits(posts_per_second=DEMO_PACE, post_burst=2 * DEMO_PACE)
    slack.start()
    slack.add_channel(CHANNEL, "customer-care")
    for user_id, name in TEAM.items():
        slack.add_user(user_id, name, real_name=name.title(), locale=LOCALES.get(user_id, "en-US"))
    for customer in samples["customers"].values():
        x.add_user(
            customer["username"],
            name=customer["name"],
            followers=customer.get("followers", 0),
            verified=customer.get("verified", False),
            verified_type=customer.get("verified_type", "none"),
        )
    database_url = f"sqlite:///{workdir / 'carethread.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_SIGNING_SECRET": slack.signing_secret,
            "SLACK_CHANNEL_ID": CHANNEL,
            "SLACK_API_BASE_URL": slack.base_url,
            "X_BEARER_TOKEN": x.bearer_token,
            "X_API_KEY": x.consumer_key,
            "X_API_SECRET": x.consumer_secret,
            "X_ACCESS_TOKEN": x.access_token,
            "X_ACCESS_TOKEN_SECRET": x.access_token_secret,
            "X_API_BASE_URL": x.base_url,
            "DATABASE_URL": database_url,
            "POLL_INTERVAL_SECONDS": str(poll_seconds),
            "SLACK_POSTS_PER_SECOND": str(slack.limits.posts_per_second),
            "SLACK_POST_BURST": str(int(slack.limits.post_burst)),
            "PORT": "1",  # replaced below: the demo takes any free port
            "APPROVER_USER_IDS": APPROVERS,
            "ESCALATION_TEAMS": "billing=U0JORDAN",
            **others.settings(),
        }
    )
    import dataclasses

    runtime = build_runtime(dataclasses.replace(settings, port=0))
    runtime.start()
    world = DemoWorld(
        x=x, slack=slack, runtime=runtime, workdir=workdir, samples=samples, others=others
    )
    try:
        assert runtime.http
        others.connect(f"http://127.0.0.1:{runtime.http.port}")
    except Exception:
        world.stop()
        raise
    return world


def feed_samples(world: DemoWorld, speed: float, stop: threading.Event) -> None:
    """Customers write to the brand on X, at the pace the sample file gives."""
    by_key: dict[str, str] = {}
    started = time.monotonic()
    for post in world.samples["posts"]:
        delay = post["at"] / speed - (time.monotonic() - started)
        if delay > 0 and stop.wait(delay):
            return
        author = world.samples["customers"][post["by"]]["username"]
        # A long-form post (X allows 25,000 characters): the card must cut it with a link.
        text = post["text"] + (
            " " + post["continuation"] * LONG_POST_REPEAT if "continuation" in post else ""
        )
        tweet = world.x.post(author, text.strip(), in_reply_to=by_key.get(post.get("reply_to", "")))
        by_key[post["key"]] = tweet["id"]


# The scripted people: which sample case they answer, and what they write.
STORIES = (
    {
        "case": "l1",
        "agent": "U0MARIA",
        "approver": "U0LEAD",
        "text": "Hola Lucía, lamentamos el doble cobro. Ya pedimos la devolución del cargo "
        "duplicado: lo verás en 3 a 5 días hábiles. Te escribimos por privado con el detalle.",
    },
    {
        "case": "g1",
        "agent": "U0JORDAN",
        "approver": "U0LEAD",
        "text": "Hi Grace! Yes, the fibre plan includes the router, and installation is free "
        "this month. Anything else we can help with?",
    },
)


def play_stories(
    world: DemoWorld, speed: float, stop: threading.Event, failures: list[str]
) -> None:
    """Agents claim and draft, the lead approves from a DM: real signed clicks.

    A story that fails is reported in `failures` (and the log) rather than leaving
    the demo waiting for a reply that will never come.
    """
    try:
        _play_stories(world, speed, stop)
    except Exception as exc:  # any failure: the person watching must see it
        logging.getLogger("carethread.demo").exception("A scripted story failed")
        failures.append(f"{type(exc).__name__}: {exc}")


def _play_stories(world: DemoWorld, speed: float, stop: threading.Event) -> None:
    pause = max(0.2, 1.5 / speed)
    for story in STORIES:
        post = next(p for p in world.samples["posts"] if p["key"] == story["case"])
        handle = world.samples["customers"][post["by"]]["username"]
        root = _wait_for_root(world, handle, stop)
        if root is None:
            return
        play_agent_story(
            world.slack,
            world.bot_url,
            CHANNEL,
            root["ts"],
            agent=story["agent"],
            approver=story["approver"],
            text=f"@{handle} {story['text']}",
            pause=pause,
        )
    _play_other_stories(world, pause, stop)


def _play_other_stories(world: DemoWorld, pause: float, stop: threading.Event) -> None:
    """The same team on the other networks: a Mastodon customer answered in their thread;
    a Facebook comment taken private and an Instagram Direct message answered."""
    mastodon = world.others.running.get("mastodon")
    if mastodon is not None:
        samples = load_network_samples("mastodon")
        assert samples.answer is not None
        key, reply = samples.answer
        asked = next(p for p in samples.posts if p.key == key)
        handle = next(p.handle for p in mastodon.timeline.personas() if p.key == asked.by)
        root = _wait_for_text(world, asked.text[:40], stop)
        if root is None:
            return
        play_agent_story(
            world.slack,
            world.bot_url,
            CHANNEL,
            root["ts"],
            agent="U0JORDAN",
            approver="U0LEAD",
            text=f"@{handle} {reply}",
            pause=pause,
        )
        server: Any = mastodon.stand_in
        world.slack.wait_for(lambda: server.brand_statuses(), WAIT_SECONDS)
    if world.others.meta is not None and not stop.is_set():
        play_meta_story(
            world.others.meta,
            world.slack,
            world.bot_url,
            CHANNEL,
            agent="U0MARIA",
            approver="U0LEAD",
            pause=pause,
        )


def _wait_for_text(world: DemoWorld, text: str, stop: threading.Event) -> dict | None:
    while not stop.wait(0.2):
        for root in world.slack.messages(CHANNEL):
            if text in " ".join(world.slack.message_texts(root)):
                return root
    return None


def _wait_for_root(world: DemoWorld, handle: str, stop: threading.Event) -> dict | None:
    while not stop.wait(0.2):
        for root in world.slack.messages(CHANNEL):
            if f"@{handle}" in " ".join(world.slack.message_texts(root))[:400]:
                return root
    return None


class StoryRunner:
    """The scripted story, played once in the background: by `--once`/`--story`, or by
    the page's "Play the demo story" button."""

    def __init__(self, world: DemoWorld, speed: float, stop: threading.Event) -> None:
        self.world = world
        self.speed = speed
        self.stop = stop
        self.failures: list[str] = []
        self._state = ""
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def state(self) -> str:
        with self._lock:
            return self._state

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, notify: Callable[[], None] = lambda: None) -> None:
        with self._lock:
            if self._thread is not None:
                return  # once only: the sample cases are answered after the first run
            self._state = "playing"
            self._thread = threading.Thread(target=self._play, args=(notify,), daemon=True)
        notify()
        self._thread.start()

    def _play(self, notify: Callable[[], None]) -> None:
        play_stories(self.world, self.speed, self.stop, self.failures)
        with self._lock:
            self._state = f"failed: {self.failures[0]}" if self.failures else "done"
        notify()


def personas(samples: dict[str, Any], others: OtherNetworks | None = None) -> list[Persona]:
    """The sample customers (X's, then the other networks'), as presets of the composer."""
    on_x = [
        Persona(
            name=c["name"],
            handle=c["username"],
            followers=c.get("followers", 0),
            verified=c.get("verified", False),
            network="x",
        )
        for c in samples["customers"].values()
    ]
    return on_x + (others.personas() if others else [])


def web_sandbox(world: DemoWorld, story: StoryRunner | None) -> WebSandbox:
    """What the page shows: this world's Slack, its networks, its switches and story."""
    return WebSandbox(
        slack=world.slack,
        bot_url=world.bot_url,
        channel=CHANNEL,
        people=list(PEOPLE),
        networks=[XPanel(world.x), *world.others.panels()],
        switches=standard_switches(
            world.x,
            world.slack,
            world.others.stand_ins(),
            world.others.refusals(),
            networks=", ".join(["X", *(LABELS[n] for n in world.others.names())]),
            rate_limits=world.others.rate_limits(),
        ),
        personas=personas(world.samples, world.others),
        story=story,
    )


def open_quietly(url: str) -> bool:
    """Open `url` in the desktop's browser, if there is one; never a text-mode browser in
    this terminal, never the browser's chatter on our output."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    if os.path.basename(getattr(browser, "name", "") or "") in TEXT_BROWSERS:
        return False
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            os.dup2(devnull.fileno(), 2)
            with contextlib.suppress(Exception):
                return browser.open(url)
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
    return False


# webbrowser falls back to these when there is no display: they would take over the terminal.
TEXT_BROWSERS = frozenset({"www-browser", "links", "links2", "elinks", "lynx", "w3m", "browsh"})


def brand_replies(world: DemoWorld) -> list[str]:
    """What the brand posted on X (the stand-in), as lines for the terminal."""
    lines: list[str] = []
    for tweet in world.x.tweets_by(world.x.brand_id):
        to = (
            world.x.user(tweet["in_reply_to_user_id"])["username"]
            if tweet.get("in_reply_to_user_id")
            else "?"
        )
        lines.append(f"On X: @{world.x.brand['username']} → @{to}: {tweet['text']}")
    return lines


def all_brand_replies(world: DemoWorld) -> list[str]:
    """What the brand said on X and on every other network, as lines for the terminal."""
    return brand_replies(world) + world.others.brand_replies()


def slack_message_count(world: DemoWorld) -> int:
    roots = world.slack.messages(CHANNEL)
    return len(roots) + sum(len(world.slack.thread(CHANNEL, r["ts"])) for r in roots)


def published_post_count(world: DemoWorld, network: str = "x") -> int:
    """A network's customer posts already in Slack (the publishing loop posts at Slack's
    pace, so the channel fills after the posts are stored)."""
    with session_scope(world.runtime.factory) as session:
        return int(
            session.scalar(
                select(func.count(Post.id)).where(
                    Post.slack_ts.is_not(None), Post.network == network
                )
            )
            or 0
        )


def run_demo(
    speed: float = 1.0,
    once: bool = False,
    plain: bool = False,
    *,
    open_browser: bool = True,
    port: int = 0,
    story: bool = False,
) -> int:
    """Run the demo until Ctrl-C (or, with `once`, until the scripted story is done).

    The page's address is printed on a line of its own (tests outside read it). The
    scripted story plays by itself only with `once` or `story`; otherwise the newcomer
    plays every part by hand, or presses "Play the demo story" on the page."""
    console = Console()
    workdir = Path(tempfile.mkdtemp(prefix="carethread-demo-"))
    log_file = workdir / "bot.log"
    # The bot's log goes to a file: the terminal belongs to the live channel view.
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    logging.basicConfig(
        filename=log_file,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    world = start_world(workdir)
    stop = threading.Event()
    runner = StoryRunner(world, speed, stop)
    try:
        web = WebServer(web_sandbox(world, runner), port=port)
    except OSError as error:  # the port is taken or not ours to use
        world.stop()
        console.print(f"Cannot serve the sandbox page on port {port}: {error.strerror}.")
        return EXIT_NO_PORT
    url = web.start()
    console.print(
        f"[bold]Carethread demo[/bold] · X stand-in {world.x.base_url} · Slack stand-in "
        f"{world.slack.base_url} · database {workdir / 'carethread.db'} · log {log_file}"
    )
    if world.others.names():
        console.print(
            "Also listening on "
            + ", ".join(LABELS[name] for name in world.others.names())
            + " (their stand-ins; each has a panel on the page)."
        )
    console.print("Open the sandbox in a browser — Slack, the approver's phone, X, a customer:")
    print(url, flush=True)
    if open_browser and not once:
        open_quietly(url)
    console.print(
        "Customers are about to write to @"
        + world.samples["brand"]["username"]
        + " …  (Ctrl-C to stop)"
    )
    feeder = threading.Thread(target=feed_samples, args=(world, speed, stop), daemon=True)
    feeder.start()
    world.others.feed(speed, stop)
    if once or story:
        runner.start(web.sandbox.changes.bump)

    give_up_at = time.monotonic() + ONCE_DEADLINE_SECONDS

    def finished() -> bool:
        story_over = runner.state() == "done" or bool(runner.failures)
        replies_done = len(brand_replies(world)) >= len(STORIES) or bool(runner.failures)
        all_in_slack = published_post_count(world) >= len(world.samples["posts"])
        if all_in_slack and story_over and replies_done:
            return True
        if time.monotonic() > give_up_at:  # say what never happened, rather than hang
            missing = [
                what
                for what, done in (
                    ("every sample post in Slack", all_in_slack),
                    (f"the story to end (it is {runner.state() or 'not started'})", story_over),
                    ("the replies on X", replies_done),
                )
                if not done
            ]
            runner.failures.append(
                f"after {ONCE_DEADLINE_SECONDS} s still waiting for " + ", ".join(missing)
            )
            return True
        return False

    try:
        if plain:
            _plain_loop(world, once, finished, console)
        else:
            with Live(_screen(world, url), console=console, refresh_per_second=4) as live:
                while not (once and finished()):
                    time.sleep(0.5)
                    live.update(_screen(world, url))
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        web.stop()
        world.stop()
    console.print(
        f"Demo stopped. {slack_message_count(world)} Slack messages; files kept in {workdir}"
    )
    for failure in runner.failures:
        console.print(f"The scripted agent story failed: {failure} (details in {log_file})")
    return 1 if runner.failures else 0


def _screen(world: DemoWorld, url: str) -> Group:
    replies = [Text(line, style="bold green") for line in all_brand_replies(world)]
    header = Text(f"Click through it in a browser: {url}", style="bold")
    return Group(header, render_channel(world.slack, CHANNEL, TEAM), *replies)


def _plain_loop(
    world: DemoWorld, once: bool, finished: Callable[[], bool], console: Console
) -> None:
    shown: dict[str, str] = {}
    printed: set[str] = set()
    while True:
        for root in world.slack.messages(CHANNEL):
            _show(console, shown, root, TEAM, prefix="")
            for reply in world.slack.thread(CHANNEL, root["ts"]):
                _show(console, shown, reply, TEAM, prefix="   ↳ ")
        for line in all_brand_replies(world):
            if line not in printed:
                printed.add(line)
                console.print(line, markup=False, highlight=False)
        if once and finished():
            return
        time.sleep(0.5)


def _show(
    console: Console,
    shown: dict[str, str],
    message: dict[str, Any],
    names: dict[str, str],
    prefix: str,
) -> None:
    lines = [line.plain for line in message_lines(message, names)]
    digest = "\n".join(lines)
    if shown.get(message["ts"]) == digest:
        return
    verb = "changed" if message["ts"] in shown else "new"
    shown[message["ts"]] = digest
    console.print(f"{prefix}[{verb}] " + " | ".join(lines), markup=False, highlight=False)
