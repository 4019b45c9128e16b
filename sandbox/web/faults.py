"""Fault switches: what can go wrong on the networks and in Slack, switched on by hand.

Each switch injects faults into the stand-ins (`StandInServer.inject`), so the bot meets
them exactly as it would meet them live: a 429 with the network's own headers, a 403 in
the network's words, slow answers. Rate limits are windows: they end by themselves when
the window resets, as the real ones do.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sandbox.discourse_api import rate_limited as discourse_too_many
from sandbox.httpserver import Fault, Request, Response, StandInServer
from sandbox.slack_api import SlackStandIn
from sandbox.x_api import CANNOT_DM, MENTIONS_USER_LIMIT, Window, XStandIn, problem
from sandbox.x_api import too_many_requests as x_too_many_requests

# Plenty: a switch stays on until switched off or its window passes, however many calls.
FOREVER = 10**9
X_RATE_WINDOW_SECONDS = 60
NETWORK_RATE_WINDOW_SECONDS = 60
SLACK_RETRY_AFTER_SECONDS = 20
SLOW_SECONDS = 2.0


@dataclass
class FaultSwitch:
    """One switch on the page. `arm(until)` injects the faults and returns them."""

    key: str
    label: str
    explains: str
    arm: Callable[[float | None], list[tuple[StandInServer, Fault]]]
    window: float | None = None  # seconds until it ends by itself; None: until switched off
    until: float | None = None  # epoch seconds, while a windowed switch is on
    _armed: list[tuple[StandInServer, Fault]] = field(default_factory=list)

    def is_on(self) -> bool:
        if self.until is not None and time.time() >= self.until:
            return False
        return any(server.has_fault(fault) for server, fault in self._armed)

    def hits(self) -> int:
        """How many requests the switch's faults answered (or slowed) so far."""
        return sum(fault.hits for _, fault in self._armed)

    def switch(self, on: bool) -> None:
        if on == self.is_on():
            return
        self._disarm()
        if on:
            self.until = time.time() + self.window if self.window else None
            self._armed = self.arm(self.until)

    def _disarm(self) -> None:
        for server, fault in self._armed:
            server.remove_fault(fault)
        self._armed = []
        self.until = None


def _before(until: float | None, matches: Callable[[Request], bool]) -> Callable[[Request], bool]:
    return lambda request: (until is None or time.time() < until) and matches(request)


def x_rate_limit(x: XStandIn) -> FaultSwitch:
    def arm(until: float | None) -> list[tuple[StandInServer, Fault]]:
        reset = int(until or time.time() + X_RATE_WINDOW_SECONDS)
        response = x_too_many_requests(Window(MENTIONS_USER_LIMIT, 0, reset))
        matches = _before(until, lambda r: r.path.startswith("/2/"))
        return [(x, x.inject(matches, response, times=FOREVER))]

    return FaultSwitch(
        key="x_rate_limit",
        label="X rate limit",
        explains=f"X answers 429 Too Many Requests to every call until its window resets "
        f"({X_RATE_WINDOW_SECONDS} s).",
        arm=arm,
        window=X_RATE_WINDOW_SECONDS,
    )


def slack_rate_limit(slack: SlackStandIn) -> FaultSwitch:
    def arm(until: float | None) -> list[tuple[StandInServer, Fault]]:
        response = Response(
            429,
            {"ok": False, "error": "ratelimited"},
            {"Retry-After": str(SLACK_RETRY_AFTER_SECONDS)},
        )
        matches = _before(until, lambda r: r.path.startswith("/api/chat."))
        return [(slack, slack.inject(matches, response, times=FOREVER))]

    return FaultSwitch(
        key="slack_rate_limit",
        label="Slack rate limit",
        explains=f"Slack answers 429 (Retry-After {SLACK_RETRY_AFTER_SECONDS}) to the bot's "
        f"messages for {SLACK_RETRY_AFTER_SECONDS} s.",
        arm=arm,
        window=SLACK_RETRY_AFTER_SECONDS,
    )


@dataclass(frozen=True)
class Refusal:
    """How one network refuses a private message, in its own words: `arm()` injects it
    into the network's stand-in and returns the fault."""

    network: str  # as the page names it
    arm: Callable[[], tuple[StandInServer, Fault]]


def x_refusal(x: XStandIn) -> Refusal:
    def arm() -> tuple[StandInServer, Fault]:
        def matches(request: Request) -> bool:
            return request.method == "POST" and request.path.startswith("/2/dm_conversations/")

        return x, x.inject(matches, problem(403, CANNOT_DM), times=FOREVER)

    return Refusal("X", arm)


def bluesky_refusal(bluesky: StandInServer) -> Refusal:
    """The chat service's answer when the customer's chat setting is "no one"."""

    def arm() -> tuple[StandInServer, Fault]:
        def matches(request: Request) -> bool:
            return request.path.endswith(
                ("/chat.bsky.convo.getConvoForMembers", "/chat.bsky.convo.sendMessage")
            )

        words = "recipient has disabled incoming messages"
        refused = Response(400, {"error": "MessagesDisabled", "message": words})
        return bluesky, bluesky.inject(matches, refused, times=FOREVER)

    return Refusal("Bluesky", arm)


def discourse_refusal(discourse: StandInServer) -> Refusal:
    """`POST /posts.json` of a private message, refused as for a member who does not
    accept them (422 with the post creator's message naming the member)."""

    def arm() -> tuple[StandInServer, Fault]:
        refused = Response(422, {"action": "create_post", "errors": []})

        def matches(request: Request) -> bool:
            if request.method != "POST" or request.path != "/posts.json":
                return False
            params = _discourse_params(request)
            if params.get("archetype") != "private_message":
                return False
            names = str(params.get("target_recipients") or params.get("target_usernames") or "")
            refused.body = {
                "action": "create_post",
                "errors": [
                    f"Sorry, you can't send a message to {name.strip()} right now."
                    for name in names.split(",")
                    if name.strip()
                ],
            }
            return True

        return discourse, discourse.inject(matches, refused, times=FOREVER)

    return Refusal("Discourse", arm)


def _discourse_params(request: Request) -> dict[str, object]:
    params: dict[str, object] = {k: v[0] for k, v in request.query.items()}
    try:
        if "json" in request.headers.get("content-type", ""):
            body = request.json()
            if isinstance(body, dict):
                params.update(body)
        elif request.body:
            params.update(request.form())
    except ValueError:
        pass
    return params


def meta_refusal(meta: StandInServer) -> Refusal:
    """The Send API's answer for someone who cannot be reached (Messenger, Instagram
    Direct, and private replies to comments): Graph error 551."""

    def arm() -> tuple[StandInServer, Fault]:
        def matches(request: Request) -> bool:
            return request.method == "POST" and request.path.endswith("/messages")

        refused = Response(
            400,
            {
                "error": {
                    "message": "This person isn't available right now.",
                    "type": "OAuthException",
                    "code": 551,
                    "error_subcode": 1545041,
                    "fbtrace_id": "SandboxSwitch",
                }
            },
        )
        return meta, meta.inject(matches, refused, times=FOREVER)

    return Refusal("Facebook Messenger and Instagram", arm)


def refused_private_message(x: XStandIn, *others: Refusal) -> FaultSwitch:
    refusals = [x_refusal(x), *others]

    def arm(until: float | None) -> list[tuple[StandInServer, Fault]]:
        return [refusal.arm() for refusal in refusals]

    networks = _listing([r.network for r in refusals])
    return FaultSwitch(
        key="refused_private_message",
        label="Refused private message",
        explains=f"Every private message is refused, each network in its own words "
        f"(on {networks}); on X: “{CANNOT_DM}”",
        arm=arm,
    )


def _listing(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class RateLimit:
    """How one network (besides X) says "too many requests": `arm(reset_at)` injects it,
    matching requests until `reset_at` (epoch seconds), and returns the fault."""

    network: str
    arm: Callable[[float], tuple[StandInServer, Fault]]


def mastodon_rate_limit(mastodon: StandInServer) -> RateLimit:
    def arm(reset_at: float) -> tuple[StandInServer, Fault]:
        reset = datetime.fromtimestamp(reset_at, UTC).isoformat(timespec="microseconds")
        response = Response(
            429,
            {"error": "Too many requests"},
            {
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": reset.replace("+00:00", "Z"),
            },
        )
        matches = _before(reset_at, lambda r: r.path.startswith("/api/"))
        return mastodon, mastodon.inject(matches, response, times=FOREVER)

    return RateLimit("Mastodon", arm)


def bluesky_rate_limit(bluesky: StandInServer) -> RateLimit:
    def arm(reset_at: float) -> tuple[StandInServer, Fault]:
        response = Response(
            429,
            {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            {
                "ratelimit-limit": "3000",
                "ratelimit-remaining": "0",
                "ratelimit-reset": str(int(reset_at)),
                "ratelimit-policy": "3000;w=300",
            },
        )
        matches = _before(reset_at, lambda r: r.path.startswith("/xrpc/"))
        return bluesky, bluesky.inject(matches, response, times=FOREVER)

    return RateLimit("Bluesky", arm)


def discourse_rate_limit(discourse: StandInServer) -> RateLimit:
    def arm(reset_at: float) -> tuple[StandInServer, Fault]:
        wait = max(1, int(reset_at - time.time()))
        matches = _before(reset_at, lambda r: True)
        return discourse, discourse.inject(matches, discourse_too_many(wait), times=FOREVER)

    return RateLimit("Discourse", arm)


def meta_rate_limit(meta: StandInServer, page_id: str) -> RateLimit:
    """Graph error 32 (the Page's request limit), with the usage header saying when
    access comes back."""

    def arm(reset_at: float) -> tuple[StandInServer, Fault]:
        minutes = max(1, round((reset_at - time.time()) / 60))
        usage = {
            page_id: [
                {
                    "type": "pages",
                    "call_count": 100,
                    "total_cputime": 50,
                    "total_time": 50,
                    "estimated_time_to_regain_access": minutes,
                }
            ]
        }
        response = Response(
            400,
            {
                "error": {
                    "message": "(#32) Page request limit reached",
                    "type": "OAuthException",
                    "code": 32,
                    "fbtrace_id": "SandboxSwitch",
                }
            },
            {"X-Business-Use-Case-Usage": json.dumps(usage)},
        )
        matches = _before(reset_at, lambda r: True)
        return meta, meta.inject(matches, response, times=FOREVER)

    return RateLimit("Facebook and Instagram", arm)


def network_rate_limits(limits: Sequence[RateLimit]) -> FaultSwitch:
    """Every network besides X says "too many requests" in its own way, for a window."""

    def arm(until: float | None) -> list[tuple[StandInServer, Fault]]:
        reset_at = until or time.time() + NETWORK_RATE_WINDOW_SECONDS
        return [limit.arm(reset_at) for limit in limits]

    return FaultSwitch(
        key="network_rate_limits",
        label="Other networks' rate limits",
        explains=f"{_listing([limit.network for limit in limits])} answer every call with "
        f"their own “too many requests” until the window resets "
        f"({NETWORK_RATE_WINDOW_SECONDS} s).",
        arm=arm,
        window=NETWORK_RATE_WINDOW_SECONDS,
    )


def slow_network(stand_ins: Sequence[StandInServer], networks: str = "") -> FaultSwitch:
    def arm(until: float | None) -> list[tuple[StandInServer, Fault]]:
        return [
            (server, server.inject(lambda r: True, None, delay=SLOW_SECONDS, times=FOREVER))
            for server in stand_ins
        ]

    return FaultSwitch(
        key="slow_network",
        label="Slow network",
        explains=f"Every call to the networks{f' ({networks})' if networks else ''} and to "
        f"Slack takes {SLOW_SECONDS:g} s longer.",
        arm=arm,
    )


def standard_switches(
    x: XStandIn,
    slack: SlackStandIn,
    others: Sequence[StandInServer] = (),
    refusals: Sequence[Refusal] = (),
    networks: str = "",
    rate_limits: Sequence[RateLimit] = (),
) -> list[FaultSwitch]:
    """The page's switches; `others` (more network stand-ins) are slowed down too,
    `refusals` refuse private messages on more networks than X, and `rate_limits` (if
    any) make a switch of their own. `networks` names every network the slow switch acts
    on, for the page."""
    return [
        x_rate_limit(x),
        *([network_rate_limits(rate_limits)] if rate_limits else []),
        slack_rate_limit(slack),
        refused_private_message(x, *refusals),
        slow_network([x, slack, *others], networks),
    ]
