"""`python -m bot demo`: the real bot on a fresh SQLite file, against both stand-ins,
fed a stream of sample customer posts, with the Slack channel drawn live in the terminal.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from bot.app import Runtime, build_runtime
from bot.config import load_settings
from sandbox.agent_story import play_agent_story
from sandbox.slack_api import SlackStandIn
from sandbox.terminal_view import message_lines, render_channel
from sandbox.x_api import XStandIn
from storage.db import make_engine, upgrade

SAMPLES = Path(__file__).parent / "data" / "sample_posts.json"
CHANNEL = "C0DEMOCARE"
# The people in the demo workspace: agents and an approver.
TEAM = {"U0MARIA": "maria", "U0JORDAN": "jordan", "U0LEAD": "lead"}
LONG_POST_REPEAT = 40


@dataclass
class DemoWorld:
    x: XStandIn
    slack: SlackStandIn
    runtime: Runtime
    workdir: Path
    samples: dict[str, Any]

    @property
    def bot_url(self) -> str:
        assert self.runtime.http
        return f"http://127.0.0.1:{self.runtime.http.port}/slack/events"

    def stop(self) -> None:
        self.runtime.stop()
        self.slack.stop()
        self.x.stop()


def load_samples() -> dict[str, Any]:
    return json.loads(SAMPLES.read_text(encoding="utf-8"))


def start_world(workdir: Path, poll_seconds: int = 2) -> DemoWorld:
    """Both stand-ins, a migrated SQLite file in `workdir`, and the bot, started."""
    samples = load_samples()
    x = XStandIn(brand_username=samples["brand"]["username"], brand_name=samples["brand"]["name"])
    x.start()
    slack = SlackStandIn()
    slack.start()
    slack.add_channel(CHANNEL, "customer-care")
    for user_id, name in TEAM.items():
        slack.add_user(user_id, name, real_name=name.title())
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
            "PORT": "1",  # replaced below: the demo takes any free port
            "APPROVER_USER_IDS": "U0LEAD",
            "ESCALATION_TEAMS": "billing=U0JORDAN",
        }
    )
    import dataclasses

    runtime = build_runtime(dataclasses.replace(settings, port=0))
    runtime.start()
    return DemoWorld(x=x, slack=slack, runtime=runtime, workdir=workdir, samples=samples)


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


def _wait_for_root(world: DemoWorld, handle: str, stop: threading.Event) -> dict | None:
    while not stop.wait(0.2):
        for root in world.slack.messages(CHANNEL):
            if f"@{handle}" in " ".join(world.slack.message_texts(root))[:400]:
                return root
    return None


def brand_replies(world: DemoWorld) -> list[str]:
    """What the brand posted on X (the stand-in), as lines for the terminal."""
    lines = []
    for tweet in world.x.tweets_by(world.x.brand_id):
        to = (
            world.x.user(tweet["in_reply_to_user_id"])["username"]
            if tweet.get("in_reply_to_user_id")
            else "?"
        )
        lines.append(f"On X: @{world.x.brand['username']} → @{to}: {tweet['text']}")
    return lines


def slack_message_count(world: DemoWorld) -> int:
    roots = world.slack.messages(CHANNEL)
    return len(roots) + sum(len(world.slack.thread(CHANNEL, r["ts"])) for r in roots)


def run_demo(speed: float = 1.0, once: bool = False, plain: bool = False) -> int:
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
    console.print(
        f"[bold]Carethread demo[/bold] · X stand-in {world.x.base_url} · Slack stand-in "
        f"{world.slack.base_url} · database {workdir / 'carethread.db'} · log {log_file}"
    )
    console.print(
        "Customers are about to write to @"
        + world.samples["brand"]["username"]
        + " …  (Ctrl-C to stop)"
    )
    stop = threading.Event()
    feeder = threading.Thread(target=feed_samples, args=(world, speed, stop), daemon=True)
    feeder.start()
    failures: list[str] = []
    stories = threading.Thread(
        target=play_stories, args=(world, speed, stop, failures), daemon=True
    )
    stories.start()

    def finished() -> bool:
        replies_done = len(brand_replies(world)) >= len(STORIES) or bool(failures)
        return (
            slack_message_count(world) >= len(world.samples["posts"])
            and not stories.is_alive()
            and replies_done
        )

    try:
        if plain:
            _plain_loop(world, once, finished, console)
        else:
            with Live(_screen(world), console=console, refresh_per_second=4) as live:
                while not (once and finished()):
                    time.sleep(0.5)
                    live.update(_screen(world))
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        world.stop()
    console.print(
        f"Demo stopped. {slack_message_count(world)} Slack messages; files kept in {workdir}"
    )
    for failure in failures:
        console.print(f"The scripted agent story failed: {failure} (details in {log_file})")
    return 1 if failures else 0


def _screen(world: DemoWorld) -> Group:
    replies = [Text(line, style="bold green") for line in brand_replies(world)]
    return Group(render_channel(world.slack, CHANNEL, TEAM), *replies)


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
        for line in brand_replies(world):
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
