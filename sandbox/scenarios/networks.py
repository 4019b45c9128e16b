"""Mastodon, Bluesky, RSS/Atom feeds and Discourse on their stand-ins: start them, give the
bot their settings, seed sample customers writing in Spanish and English, and show each
network as its customers see it.

For the demo and the browser sandbox (and the end-to-end tests, which use the same
pieces):

    running = start_network("mastodon")          # the stand-in, on 127.0.0.1
    env.update(running.settings())               # MASTODON_BASE_URL, MASTODON_ACCESS_TOKEN
    add_sample_personas(running)                 # Inés, Oliver, Paz …
    play_samples(running, speed=2, stop=event)   # their posts, paced as in the sample file
    running.timeline.timeline()                  # what a customer's app shows, brand replies too

`running.timeline` is a `TimelineProvider`: `name`, `label`, `personas()`, `timeline()`,
`private_messages()`, `add_persona(...)` and `compose(persona, text, reply_to=None)`.
Everything happens in this process, on the stand-ins' state: no network client needed.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from bot.networks.plain_text import html_to_text
from sandbox.bluesky_api import BlueskyStandIn
from sandbox.discourse_api import DiscourseStandIn
from sandbox.discourse_state import PRIVATE_MESSAGE
from sandbox.feeds import FeedsStandIn
from sandbox.httpserver import StandInServer
from sandbox.mastodon_api import MastodonStandIn

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "network_samples.json"
BRAND_USERNAME = "acmeconecta"
BRAND_NAME = "Acme Conecta"
NETWORKS = ("mastodon", "bluesky", "rss", "discourse")
# The Discourse category the bot watches (DISCOURSE_WATCH) and customers post in.
SUPPORT_CATEGORY = "support"


# -- what a customer's app shows ------------------------------------------------------------
@dataclass(frozen=True)
class Persona:
    """Someone who can write on a network: a customer, or a blog for feeds."""

    key: str
    handle: str
    name: str
    language: str | None = None


@dataclass(frozen=True)
class TimelinePost:
    """A public post as the network's own app shows it."""

    id: str
    author: str  # handle
    author_name: str
    text: str
    at: datetime
    url: str
    reply_to: str | None = None
    from_brand: bool = False


@dataclass(frozen=True)
class PrivateMessage:
    """A private message (a direct post, a chat message, a forum private message)."""

    id: str
    sender: str  # handle
    recipients: tuple[str, ...]
    text: str
    at: datetime
    from_brand: bool = False
    # What it answers, where the network records it (Mastodon's direct replies do).
    reply_to: str | None = None


class TimelineProvider(Protocol):
    """One network as its customers see it; the browser sandbox draws a panel from it."""

    name: str
    label: str

    def personas(self) -> list[Persona]: ...

    def add_persona(self, key: str, name: str, **options: Any) -> Persona: ...

    def timeline(self) -> list[TimelinePost]:
        """Public posts, oldest first, the brand's replies included."""
        ...

    def private_messages(self) -> list[PrivateMessage]:
        """Private messages, oldest first, both ways."""
        ...

    def compose(self, persona: str, text: str, reply_to: str | None = None) -> TimelinePost:
        """`persona` (a key from `personas()`) writes `text` to the brand, or answers the post
        `reply_to` (a `TimelinePost.id`) in its thread."""
        ...


# -- Mastodon --------------------------------------------------------------------------------
class MastodonTimeline:
    name = "mastodon"
    label = "Mastodon"

    def __init__(self, server: MastodonStandIn):
        self.server = server
        self._personas: dict[str, Persona] = {}

    def personas(self) -> list[Persona]:
        return list(self._personas.values())

    def add_persona(self, key: str, name: str, **options: Any) -> Persona:
        """Options: `followers`, `language`, `domain` (a remote server), `follows_brand`
        (False: the brand's notification policy may file their mentions as filtered)."""
        account = self.server.add_customer(
            key,
            name,
            followers=int(options.get("followers", 0)),
            language=options.get("language"),
            follows_brand=bool(options.get("follows_brand", True)),
            domain=options.get("domain"),
        )
        persona = Persona(key, str(account["acct"]), name, options.get("language"))
        self._personas[key] = persona
        return persona

    def timeline(self) -> list[TimelinePost]:
        return [self._post(s) for s in self._statuses() if s["visibility"] != "direct"]

    def private_messages(self) -> list[PrivateMessage]:
        server = self.server
        messages = []
        for status in self._statuses():
            if status["visibility"] != "direct":
                continue
            author = server.accounts[status["account_id"]]
            messages.append(
                PrivateMessage(
                    id=status["id"],
                    sender=author["acct"],
                    recipients=tuple(
                        server.accounts[i]["acct"]
                        for i in status["mention_ids"]
                        if i != status["account_id"]
                    ),
                    text=status["text"],
                    at=status["created_at"],
                    from_brand=status["account_id"] == server.brand_id,
                    reply_to=status["in_reply_to_id"],
                )
            )
        return messages

    def compose(self, persona: str, text: str, reply_to: str | None = None) -> TimelinePost:
        """A mention of the brand (added when the text lacks it, as a customer writes it)."""
        handle = self._personas[persona].handle
        brand = "@" + self.server.brand_acct
        if brand.lower() not in text.lower():
            text = f"{brand} {text}"
        if reply_to:
            status = self.server.reply_in_thread(handle, reply_to, text)
        else:
            status = self.server.post(handle, text)
        return self._post(status)

    def _statuses(self) -> list[dict[str, Any]]:
        with self.server.lock:
            return sorted(
                (dict(s) for s in self.server.statuses.values()), key=lambda s: int(s["id"])
            )

    def _post(self, status: Mapping[str, Any]) -> TimelinePost:
        author = self.server.accounts[status["account_id"]]
        return TimelinePost(
            id=str(status["id"]),
            author=str(author["acct"]),
            author_name=str(author["display_name"] or author["username"]),
            text=str(status["text"]),
            at=status["created_at"],
            url=str(self.server.status_json(dict(status))["url"]),
            reply_to=status["in_reply_to_id"],
            from_brand=status["account_id"] == self.server.brand_id,
        )


# -- Bluesky ---------------------------------------------------------------------------------
class BlueskyTimeline:
    name = "bluesky"
    label = "Bluesky"

    def __init__(self, server: BlueskyStandIn):
        self.server = server
        self._personas: dict[str, Persona] = {}

    def personas(self) -> list[Persona]:
        return list(self._personas.values())

    def add_persona(self, key: str, name: str, **options: Any) -> Persona:
        """Options: `followers`, `language`, `accepts_messages` ("all", "following" or
        "none": whom their chat accepts), `follows_brand`."""
        handle = str(options.get("handle") or f"{key}.bsky.social")
        self.server.add_customer(
            handle,
            name,
            followers=int(options.get("followers", 0)),
            language=options.get("language"),
            accepts_messages=str(options.get("accepts_messages", "all")),
            follows_brand=bool(options.get("follows_brand", True)),
        )
        persona = Persona(key, handle, name, options.get("language"))
        self._personas[key] = persona
        return persona

    def timeline(self) -> list[TimelinePost]:
        server = self.server
        with server.lock:
            entries = [
                dict(entry)
                for repo in server.repos.values()
                for (collection, _), entry in repo.items()
                if collection == "app.bsky.feed.post"
            ]
        return [self._post(e) for e in sorted(entries, key=lambda e: e["indexedAt"])]

    def private_messages(self) -> list[PrivateMessage]:
        server = self.server
        messages = []
        with server.lock:
            for convo in server.convos.values():
                for message in convo["messages"]:
                    sender = message["sender"]
                    messages.append(
                        PrivateMessage(
                            id=str(message["id"]),
                            sender=server.actors[sender]["handle"],
                            recipients=tuple(
                                server.actors[d]["handle"] for d in convo["members"] if d != sender
                            ),
                            text=str(message["text"]),
                            at=message["sentAt"],
                            from_brand=sender == server.brand_did,
                        )
                    )
        return sorted(messages, key=lambda m: m.at)

    def compose(self, persona: str, text: str, reply_to: str | None = None) -> TimelinePost:
        """A post mentioning the brand, or a reply in a thread; a reply to one of the
        brand's posts notifies it by itself, any other one carries the mention."""
        server = self.server
        handle = self._personas[persona].handle
        mention = "@" + server.brand_handle
        answers_brand = bool(reply_to) and _did_of(reply_to or "") == server.brand_did
        if not answers_brand and mention.lower() not in text.lower():
            text = f"{mention} {text}"
        entry = server.post(handle, text, reply_to=reply_to)
        return self._post(entry)

    def _post(self, entry: Mapping[str, Any]) -> TimelinePost:
        actor = self.server.actors[entry["did"]]
        record = entry["value"]
        reply = record.get("reply")
        uri = str(entry["uri"])
        return TimelinePost(
            id=uri,
            author=str(actor["handle"]),
            author_name=str(actor["displayName"] or actor["handle"]),
            text=str(record.get("text", "")),
            at=entry["indexedAt"],
            url=f"https://bsky.app/profile/{actor['handle']}/post/{uri.rsplit('/', 1)[-1]}",
            reply_to=str(reply["parent"]["uri"]) if reply else None,
            from_brand=entry["did"] == self.server.brand_did,
        )


def _did_of(uri: str) -> str:
    return uri.removeprefix("at://").split("/", 1)[0]


# -- RSS/Atom feeds --------------------------------------------------------------------------
class FeedsTimeline:
    """Blogs and news sites: a persona is a site with its own feed; nothing is private."""

    name = "rss"
    label = "RSS/Atom"

    def __init__(self, server: FeedsStandIn):
        self.server = server
        self._personas: dict[str, Persona] = {}

    def personas(self) -> list[Persona]:
        return list(self._personas.values())

    def add_persona(self, key: str, name: str, **options: Any) -> Persona:
        """A blog whose entries `name` writes. Options: `title`, `language`, `kind` ("rss"
        or "atom"), `etag` and `last_modified` (False: a server ignoring validators)."""
        self.server.add_feed(
            key,
            kind=str(options.get("kind", "rss")),
            title=options.get("title"),
            language=options.get("language", "en"),
            etag=bool(options.get("etag", True)),
            last_modified=bool(options.get("last_modified", True)),
        )
        persona = Persona(key, key, name, options.get("language"))
        self._personas[key] = persona
        return persona

    def feed_urls(self) -> list[str]:
        with self.server.lock:
            return [self.server.url(name) for name in self.server.feeds]

    def timeline(self) -> list[TimelinePost]:
        posts = []
        with self.server.lock:
            for feed in self.server.feeds.values():
                # A feed lists its newest entry first.
                for entry in reversed(feed.entries):
                    posts.append(
                        TimelinePost(
                            id=entry.guid,
                            author=feed.name,
                            author_name=entry.author or feed.title,
                            text=_entry_text(entry.title, entry.summary),
                            at=entry.published or feed.changed_at,
                            url=entry.link or feed.link,
                        )
                    )
        return sorted(posts, key=lambda p: p.at)  # stable: same-second entries keep order

    def private_messages(self) -> list[PrivateMessage]:
        return []  # a feed has no private side

    def compose(self, persona: str, text: str, reply_to: str | None = None) -> TimelinePost:
        """A new entry on the persona's blog: the first line is its title, the rest its body."""
        if reply_to is not None:
            raise ValueError("feeds have no replies: each entry stands alone")
        title, body = _title_and_body(text)
        author = self._personas[persona].name
        summary = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
        entry = self.server.add_entry(persona, title, summary, author=author)
        feed = self.server.feeds[persona]
        return TimelinePost(
            id=entry.guid,
            author=persona,
            author_name=author,
            text=_entry_text(entry.title, entry.summary),
            at=entry.published or feed.changed_at,
            url=entry.link or feed.link,
        )


def _entry_text(title: str, summary_html: str) -> str:
    return f"{title}\n\n{html_to_text(summary_html)}".strip()


def _title_and_body(text: str) -> tuple[str, str]:
    first, _, rest = text.strip().partition("\n")
    return (first.strip(), rest.strip()) if rest.strip() else (first.strip()[:80], first.strip())


# -- Discourse -------------------------------------------------------------------------------
class DiscourseTimeline:
    name = "discourse"
    label = "Discourse"

    def __init__(self, server: DiscourseStandIn, category: str = SUPPORT_CATEGORY):
        self.server = server
        self.category = category
        self._personas: dict[str, Persona] = {}

    def personas(self) -> list[Persona]:
        return list(self._personas.values())

    def add_persona(self, key: str, name: str, **options: Any) -> Persona:
        """Options: `language`, `allow_private_messages` (False: the user's preference
        refuses private messages)."""
        self.server.add_user(
            key, name, allow_private_messages=bool(options.get("allow_private_messages", True))
        )
        persona = Persona(key, key, name, options.get("language"))
        self._personas[key] = persona
        return persona

    def timeline(self) -> list[TimelinePost]:
        return [self._post(p) for p in self._posts(private=False)]

    def private_messages(self) -> list[PrivateMessage]:
        server = self.server
        messages = []
        for post in self._posts(private=True):
            topic = server.topics[post.topic_id]
            sender = server.users[post.user_id]
            messages.append(
                PrivateMessage(
                    id=str(post.id),
                    sender=sender.username,
                    recipients=tuple(
                        server.users[u].username for u in topic.allowed_user_ids if u != sender.id
                    ),
                    text=f"{topic.title}\n\n{post.raw}" if post.post_number == 1 else post.raw,
                    at=post.created_at,
                    from_brand=sender.id == server.brand.id,
                )
            )
        return messages

    def compose(self, persona: str, text: str, reply_to: str | None = None) -> TimelinePost:
        """A new topic in the watched category (first line: its title), or a reply to the
        post `reply_to` in its topic."""
        server = self.server
        if reply_to is None:
            title, body = _title_and_body(text)
            post = server.start_topic(persona, title, body, category=self.category)
        else:
            answered = server.posts[int(reply_to)]
            post = server.reply(
                persona, answered.topic_id, text, reply_to_post_number=answered.post_number
            )
        return self._post(post)

    def _posts(self, *, private: bool) -> list[Any]:
        server = self.server
        with server.lock:
            chosen = [
                p
                for p in server.posts.values()
                if (server.topics[p.topic_id].archetype == PRIVATE_MESSAGE) == private
            ]
        return sorted(chosen, key=lambda p: p.id)

    def _post(self, post: Any) -> TimelinePost:
        server = self.server
        topic = server.topics[post.topic_id]
        author = server.users[post.user_id]
        answered = None
        if post.post_number > 1:
            number = post.reply_to_post_number or 1
            answered = next(
                (
                    str(p.id)
                    for p in server.posts.values()
                    if p.topic_id == topic.id and p.post_number == number
                ),
                None,
            )
        return TimelinePost(
            id=str(post.id),
            author=author.username,
            author_name=author.name,
            text=f"{topic.title}\n\n{post.raw}" if post.post_number == 1 else post.raw,
            at=post.created_at,
            url=f"{server.base_url}{server.post_url(post)}",
            reply_to=answered,
            from_brand=author.id == server.brand.id,
        )


# -- starting a network ------------------------------------------------------------------------
@dataclass
class RunningNetwork:
    """A started stand-in, the settings that point the bot at it, and its timeline."""

    name: str
    stand_in: StandInServer
    timeline: Any  # a TimelineProvider (concretely the network's own class)
    _settings: Callable[[], dict[str, str]] = field(repr=False)

    def settings(self) -> dict[str, str]:
        """The bot's environment variables for this network, as they are now (RSS_FEEDS
        lists every feed added so far)."""
        return self._settings()

    def stop(self) -> None:
        self.stand_in.stop()


def start_mastodon(brand: str = BRAND_USERNAME, brand_name: str = BRAND_NAME) -> RunningNetwork:
    server = MastodonStandIn(brand_username=brand, brand_name=brand_name)
    server.start()
    return RunningNetwork(
        "mastodon",
        server,
        MastodonTimeline(server),
        lambda: {
            "MASTODON_BASE_URL": server.base_url,
            "MASTODON_ACCESS_TOKEN": server.access_token,
        },
    )


def start_bluesky(brand: str = BRAND_USERNAME, brand_name: str = BRAND_NAME) -> RunningNetwork:
    server = BlueskyStandIn(brand_handle=f"{brand}.bsky.social", brand_name=brand_name)
    server.start()
    return RunningNetwork(
        "bluesky",
        server,
        BlueskyTimeline(server),
        lambda: {
            "BLUESKY_SERVICE_URL": server.base_url,
            "BLUESKY_HANDLE": server.brand_handle,
            "BLUESKY_APP_PASSWORD": server.app_password,
        },
    )


def start_feeds(brand: str = BRAND_USERNAME, brand_name: str = BRAND_NAME) -> RunningNetwork:
    """Feeds need no brand account; `RSS_FEEDS` lists the feeds the personas write."""
    server = FeedsStandIn()
    server.start()
    timeline = FeedsTimeline(server)
    return RunningNetwork(
        "rss", server, timeline, lambda: {"RSS_FEEDS": ",".join(timeline.feed_urls())}
    )


def start_discourse(brand: str = BRAND_USERNAME, brand_name: str = BRAND_NAME) -> RunningNetwork:
    server = DiscourseStandIn(brand_username=brand, brand_name=brand_name)
    server.add_category("Support", SUPPORT_CATEGORY)
    server.add_category("Billing", "billing", parent=SUPPORT_CATEGORY)
    server.start()
    return RunningNetwork(
        "discourse",
        server,
        DiscourseTimeline(server),
        lambda: {
            "DISCOURSE_BASE_URL": server.base_url,
            "DISCOURSE_API_KEY": server.api_key,
            "DISCOURSE_API_USERNAME": server.api_username,
            "DISCOURSE_WATCH": f"category:{SUPPORT_CATEGORY}",
        },
    )


STARTERS: dict[str, Callable[[str, str], RunningNetwork]] = {
    "mastodon": start_mastodon,
    "bluesky": start_bluesky,
    "rss": start_feeds,
    "discourse": start_discourse,
}


def start_network(
    name: str, brand: str = BRAND_USERNAME, brand_name: str = BRAND_NAME
) -> RunningNetwork:
    """Start the stand-in of `name` (one of NETWORKS) for the brand's account."""
    if name not in STARTERS:
        raise ValueError(f"unknown network {name!r}; one of {', '.join(NETWORKS)}")
    return STARTERS[name](brand, brand_name)


def start_networks(names: Iterable[str] = NETWORKS) -> dict[str, RunningNetwork]:
    started: dict[str, RunningNetwork] = {}
    try:
        for name in names:
            started[name] = start_network(name)
    except Exception:
        for running in started.values():
            running.stop()
        raise
    return started


def bot_settings(running: Iterable[RunningNetwork]) -> dict[str, str]:
    """Every started network's variables, to add to the bot's environment."""
    env: dict[str, str] = {}
    for network in running:
        env.update(network.settings())
    return env


# -- sample customers and posts ------------------------------------------------------------------
@dataclass(frozen=True)
class SamplePost:
    key: str
    at: float  # seconds after the start, at speed 1
    by: str  # persona key
    text: str
    reply_to: str | None = None  # key of an earlier sample post


@dataclass(frozen=True)
class Samples:
    personas: dict[str, dict[str, Any]]
    posts: list[SamplePost]
    # (sample post key, reply text) the demo's agent answers, where the network answers.
    answer: tuple[str, str] | None


def load_samples(name: str) -> Samples:
    body = json.loads(SAMPLES.read_text(encoding="utf-8"))[name]
    answer = body.get("answer")
    return Samples(
        personas=body["personas"],
        posts=[SamplePost(**post) for post in body["posts"]],
        answer=(answer["post"], answer["text"]) if answer else None,
    )


def add_sample_personas(running: RunningNetwork) -> list[Persona]:
    """The network's sample customers (or blogs), Spanish and English speakers."""
    samples = load_samples(running.name)
    known = {p.key for p in running.timeline.personas()}
    return [
        running.timeline.add_persona(
            key, options["name"], **{k: v for k, v in options.items() if k != "name"}
        )
        for key, options in samples.personas.items()
        if key not in known
    ]


def play_samples(
    running: RunningNetwork,
    *,
    speed: float = 1.0,
    stop: threading.Event | None = None,
    on_post: Callable[[SamplePost, TimelinePost], None] | None = None,
) -> dict[str, TimelinePost]:
    """Post the network's sample posts at the pace of the sample file (`speed` 0 or less:
    all at once). Returns them by sample key; stops early when `stop` is set."""
    samples = load_samples(running.name)
    add_sample_personas(running)
    posted: dict[str, TimelinePost] = {}
    waiter = stop or threading.Event()
    started = time.monotonic()
    for sample in samples.posts:
        delay = sample.at / speed - (time.monotonic() - started) if speed > 0 else 0.0
        if waiter.wait(max(delay, 0.0)):
            break
        reply_to = posted[sample.reply_to].id if sample.reply_to else None
        text = sample.text.replace("{brand}", BRAND_USERNAME)
        post = running.timeline.compose(sample.by, text, reply_to=reply_to)
        posted[sample.key] = post
        if on_post:
            on_post(sample, post)
    return posted


def seed_samples(running: RunningNetwork) -> dict[str, TimelinePost]:
    """Every sample post at once."""
    return play_samples(running, speed=0)


def demo_answer(running: RunningNetwork, posted: Mapping[str, TimelinePost]) -> tuple[str, str]:
    """(text of the post the demo's agent answers, the reply to draft), for
    `sandbox.agent_story.play_agent_story`. The reply starts as the draft modal prefills it
    on that network (Mastodon and Bluesky: the customer's @handle)."""
    samples = load_samples(running.name)
    if samples.answer is None:
        raise ValueError(f"{running.name} is read-only: nothing to answer there")
    key, text = samples.answer
    post = posted[key]
    prefix = f"@{post.author} " if running.name in ("mastodon", "bluesky") else ""
    return post.text, prefix + text
