"""The sandbox as a Slack-like web client: a small Starlette app over the stand-ins.

It is a *client* of the Slack stand-in, not a second Carethread: it draws what the bot
stored there (messages, Block Kit, threads, ephemerals, modals, Home tabs) and turns every
click and form submission into the signed interaction payload Slack would send the bot
(`SlackStandIn.click`, `click_view`, `submit_view`, `close_view`). Beside it: each network
as the customer sees it, a composer to post as a customer, fault switches, and a "who am
I" switch. Pages stay current through server-sent events from the stand-ins' observers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sandbox import slack_payloads as payloads
from sandbox.slack_api import SlackStandIn
from sandbox.web.faults import FaultSwitch
from sandbox.web.live import Changes
from sandbox.web.mrkdwn import literal
from sandbox.web.networks import ComposeError, NetworkPanel, Persona
from sandbox.web.screens import Person, Renderer, SlackScreen, slack_screen, text_context

HERE = Path(__file__).parent
# No script or style from anywhere but this server, none inline: customer text that got
# through as HTML still could not run.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: http: https:; object-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


# The workspace's one slash command (slack-app-manifest.yml).
SLASH_COMMAND = "/carethread"


class Story(Protocol):
    """The scripted agent/approver story behind the page's "Play the demo story" button."""

    def state(self) -> str:
        """ "" before it starts, then "playing", "done" or "failed: <why>"."""
        ...

    def start(self, notify: Callable[[], None]) -> None:
        """Play it in the background, calling `notify()` whenever its state changes."""
        ...


@dataclass
class WebSandbox:
    """What the page shows and acts on."""

    slack: SlackStandIn
    bot_url: str  # the bot's Request URL: where clicks and submissions are delivered
    channel: str
    people: list[Person]
    networks: list[NetworkPanel]
    switches: list[FaultSwitch] = field(default_factory=list)
    personas: list[Persona] = field(default_factory=list)
    story: Story | None = None
    changes: Changes = field(default_factory=Changes)
    _switch_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        watched = {id(s): s for s in [self.slack, *(n.changes for n in self.networks)]}
        self.changes.watch(watched.values())

    def person(self, user_id: object) -> Person:
        found = next((p for p in self.people if p.user_id == user_id), None)
        if found is None:
            raise BadRequest(f"nobody called {user_id!r} in this workspace")
        return found

    def network(self, name: object) -> NetworkPanel:
        found = next((n for n in self.networks if n.name == name), None)
        if found is None:
            raise BadRequest(f"no network {name!r} is enabled")
        return found


class BadRequest(Exception):
    """A request the page would never make; answered 400 in plain words."""


def template_environment() -> Environment:
    """The page's Jinja templates, HTML-escaping everything by default."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["literal"] = literal
    return env


def build_app(sandbox: WebSandbox) -> Starlette:
    env = template_environment()

    def context(me: str, thread: str | None, tab: str) -> dict[str, Any]:
        person = sandbox.person(me)
        screen = slack_screen(sandbox.slack, sandbox.channel, person.user_id, thread)
        renderer = Renderer(
            text_context(sandbox.slack, person.user_id, sandbox.networks, sandbox.channel)
        )
        return {
            "me": person,
            "people": sandbox.people,
            "screen": screen,
            "r": renderer,
            "tab": "home" if tab == "home" else "channel",
            "networks": [
                {
                    "panel": n,
                    "brand": n.brand(),
                    "timeline": n.timeline(),
                    "messages": n.private_messages(),
                }
                for n in sandbox.networks
            ],
            "switches": sandbox.switches,
            "story": sandbox.story.state() if sandbox.story else None,
            "personas": sandbox.personas,
            "labels": {n.name: n.label for n in sandbox.networks},
            "version": sandbox.changes.version,
        }

    def regions(values: dict[str, Any]) -> dict[str, Any]:
        screen: SlackScreen = values["screen"]
        rendered = {
            name: env.get_template(f"regions/{name}.html").render(values)
            for name in ("channel", "thread", "dms", "home", "faults", "story")
        }
        for network in values["networks"]:
            rendered[f"network-{network['panel'].name}"] = env.get_template(
                "regions/network.html"
            ).render({**values, "network": network})
        return {
            "version": values["version"],
            "regions": rendered,
            "modal": {
                "key": screen.modal_key,
                "html": env.get_template("regions/modal.html").render(values),
            },
        }

    def viewer(request: Request) -> tuple[str, str | None, str]:
        me = request.query_params.get("as") or sandbox.people[0].user_id
        return me, request.query_params.get("thread") or None, request.query_params.get("tab", "")

    async def page(request: Request) -> Response:
        try:
            values = await run_in_threadpool(context, *viewer(request))
        except BadRequest as error:
            return PlainTextResponse(str(error), status_code=400)
        # The network tab shown (the page keeps it in its address).
        values["net"] = request.query_params.get("net", "")
        html = env.get_template("page.html").render(values)
        return HTMLResponse(html, headers=SECURITY_HEADERS)

    async def fragments(request: Request) -> Response:
        try:
            values = await run_in_threadpool(context, *viewer(request))
        except BadRequest as error:
            return JSONResponse({"ok": False, "message": str(error)}, status_code=400)
        return JSONResponse(await run_in_threadpool(regions, values), headers=SECURITY_HEADERS)

    async def events(request: Request) -> Response:
        import asyncio

        sandbox.changes.bind(asyncio.get_running_loop())
        return StreamingResponse(
            sandbox.changes.stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def act(
        request: Request, handler: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> Response:
        """A JSON POST from the page (only the page sends JSON: a form on another site
        cannot, without the browser asking this server first)."""
        if "application/json" not in request.headers.get("content-type", ""):
            return JSONResponse({"ok": False, "message": "JSON only"}, status_code=415)
        try:
            body = json.loads(await request.body())
            if not isinstance(body, dict):
                raise BadRequest("the request must be a JSON object")
            answer = await run_in_threadpool(handler, body)
        except (BadRequest, ComposeError, LookupError, ValueError) as error:
            return JSONResponse({"ok": False, "message": str(error)}, status_code=400)
        return JSONResponse(answer, headers=SECURITY_HEADERS)

    def bot_answer(status: int) -> dict[str, Any]:
        if status == 200:
            return {"ok": True}
        # Slack shows a warning beside the element when the app does not acknowledge.
        return {"ok": False, "message": f"Carethread did not respond (HTTP {status})."}

    def click(body: dict[str, Any]) -> dict[str, Any]:
        me = sandbox.person(body.get("as")).user_id
        action_id = str(body.get("action_id") or "")
        block_id = _optional(body.get("block_id"))
        value = _optional(body.get("value"))
        selected = _optional(body.get("selected_option"))
        if body.get("view"):
            status, _ = sandbox.slack.click_view(
                sandbox.bot_url,
                user_id=me,
                view_id=str(body["view"]),
                action_id=action_id,
                value=value,
                block_id=block_id,
                selected_option=selected,
            )
        else:
            status, _ = sandbox.slack.click(
                sandbox.bot_url,
                user_id=me,
                channel=str(body.get("channel") or ""),
                message_ts=str(body.get("ts") or ""),
                action_id=action_id,
                value=value,
                block_id=block_id,
                selected_option=selected,
            )
        return bot_answer(status)

    def submit(body: dict[str, Any]) -> dict[str, Any]:
        me = sandbox.person(body.get("as")).user_id
        view_id = str(body.get("view") or "")
        raw = body.get("values")
        if not isinstance(raw, dict):
            raise BadRequest("values must be an object")
        view = sandbox.slack.view(view_id)
        missing = payloads.missing_required(view["blocks"], raw)
        if missing:  # Slack checks these itself: the app never hears of the attempt
            return {"ok": False, "errors": missing}
        values = payloads.view_state_values(view["blocks"], raw)
        status, answer = sandbox.slack.submit_view(
            sandbox.bot_url, user_id=me, view_id=view_id, values=values
        )
        result = bot_answer(status)
        if answer.get("response_action") == "errors":
            result["errors"] = answer.get("errors") or {}
        return result

    def close(body: dict[str, Any]) -> dict[str, Any]:
        me = sandbox.person(body.get("as")).user_id
        answer = sandbox.slack.close_view(sandbox.bot_url, user_id=me, view_id=str(body["view"]))
        return bot_answer(answer[0]) if answer else {"ok": True}

    def compose(body: dict[str, Any]) -> dict[str, Any]:
        network = sandbox.network(body.get("network"))
        given = body.get("persona")
        if not isinstance(given, dict):
            raise BadRequest("persona must be an object")
        try:
            followers = int(given.get("followers") or 0)
        except (TypeError, ValueError) as error:
            raise ComposeError("Followers must be a whole number.") from error
        persona = Persona(
            name=str(given.get("name") or ""),
            handle=str(given.get("handle") or ""),
            followers=followers,
            verified=bool(given.get("verified")),
            language=str(given.get("language") or ""),
            accepts_private_messages=bool(given.get("accepts_private_messages", True)),
        )
        text = str(body.get("text") or "")
        if body.get("private"):
            write_privately = getattr(network, "compose_private", None)
            if write_privately is None:
                raise ComposeError(
                    f"Carethread reads only public posts on {network.label}: "
                    "untick “Write privately”."
                )
            message = write_privately(persona, text)
            sandbox.changes.bump()  # not every stand-in announces what customers write
            return {"ok": True, "private_message": message.id}
        post = network.compose(persona, text, _optional(body.get("reply_to")))
        sandbox.changes.bump()
        return {"ok": True, "post": post.id}

    def fault(body: dict[str, Any]) -> dict[str, Any]:
        switch = next((s for s in sandbox.switches if s.key == body.get("key")), None)
        if switch is None:
            raise BadRequest(f"no fault switch {body.get('key')!r}")
        with sandbox._switch_lock:
            switch.switch(bool(body.get("on")))
        sandbox.changes.bump()
        return {"ok": True, "on": switch.is_on()}

    def command(body: dict[str, Any]) -> dict[str, Any]:
        """A slash command typed in the channel: the signed form Slack posts to the app;
        an answer in the response shows as an ephemeral message, as in Slack."""
        me = sandbox.person(body.get("as")).user_id
        typed = str(body.get("text") or "").strip()
        name, _, rest = typed.partition(" ")
        if not name.startswith("/"):
            raise BadRequest(
                "Only slash commands can be sent here (e.g. /carethread help): "
                "messages in the channel are the bot's."
            )
        if name != SLASH_COMMAND:
            raise BadRequest(f"{name} is not a valid command. Try {SLASH_COMMAND} help.")
        status, _ = sandbox.slack.command(
            sandbox.bot_url, user_id=me, channel=sandbox.channel, text=rest.strip()
        )
        return bot_answer(status)

    def story(body: dict[str, Any]) -> dict[str, Any]:
        if sandbox.story is None:
            raise BadRequest("this sandbox has no scripted story")
        sandbox.story.start(sandbox.changes.bump)
        sandbox.changes.bump()
        return {"ok": True}

    def post_route(path: str, handler: Callable[[dict[str, Any]], dict[str, Any]]) -> Route:
        async def endpoint(request: Request) -> Response:
            return await act(request, handler)

        return Route(path, endpoint, methods=["POST"])

    return Starlette(
        routes=[
            Route("/", page),
            Route("/fragments", fragments),
            Route("/events", events),
            post_route("/api/click", click),
            post_route("/api/submit", submit),
            post_route("/api/close", close),
            post_route("/api/compose", compose),
            post_route("/api/fault", fault),
            post_route("/api/command", command),
            post_route("/api/story", story),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])],
    )


def _optional(value: object) -> str | None:
    return None if value in (None, "") else str(value)
