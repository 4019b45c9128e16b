"""A local stand-in for Slack: the Web API the bot calls, and Slack calling the bot back.

Point the real clients at it: `WebClient(token=..., base_url=stand_in.base_url)`. It keeps
channels, messages, threads, ephemerals, DMs and modals in memory (sandbox/slack_workspace.py,
sandbox/slack_views.py), answers with Slack's response shapes and error codes, refuses Block
Kit that Slack would refuse (sandbox/slack_blocks_rules.py), and plays the user: `click()`
and `submit_view()` send the bot signed interaction payloads (sandbox/slack_payloads.py)
built from what the bot posted, and the bot's `respond()` calls come back to
`/response/<token>`. `slash_command()` and `send_event()` send the other kinds of payload.

With Socket Mode enabled (`enable_socket_mode`, sandbox/slack_socket_mode.py) every payload
travels as an envelope over the app's WebSocket instead of to the Request URL, exactly as
Slack does for an app with Socket Mode turned on; `apps.connections.open` hands out the URL.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Protocol, TypeVar

from sandbox import slack_payloads as payloads
from sandbox.httpserver import Request, Response, StandInServer
from sandbox.slack_blocks_rules import error_body
from sandbox.slack_files import FileStore
from sandbox.slack_rate import PostingLimits
from sandbox.slack_views import TRIGGER_TTL, ViewStore
from sandbox.slack_workspace import SlackError, Workspace, flag, ts_key

log = logging.getLogger(__name__)

_JSON_ARGS = ("blocks", "attachments", "metadata", "view")
T = TypeVar("T")


class ApiCall(dict):
    """The arguments of one Web API request (JSON fields decoded), with the raw `.request`."""

    def __init__(self, args: dict, request: Request) -> None:
        super().__init__(args)
        self.request = request


@dataclass
class _ResponseTarget:
    """Where a response_url's messages go: the clicked message and who clicked it."""

    user_id: str
    channel_id: str
    message_ts: str
    is_ephemeral: bool


class EnvelopeDelivery(Protocol):
    """Socket Mode as the Slack stand-in needs it (sandbox/slack_socket_mode.py)."""

    app_token: str

    def open_url(self) -> str: ...

    def deliver(self, payload: dict[str, Any]) -> tuple[int, str]: ...


def parse_args(request: Request) -> dict[str, Any]:
    """A method's arguments from query, form or JSON body (slack_sdk uses all three)."""
    args: dict[str, Any] = {k: v[0] for k, v in request.query.items()}
    if request.body and "json" in request.headers.get("content-type", ""):
        body = request.json()
        if isinstance(body, dict):
            args.update(body)
    elif request.body:
        args.update(request.form())
    for name in _JSON_ARGS:  # form-encoded callers send these as JSON strings
        if isinstance(args.get(name), str):
            # Undecodable stays a string: the method answers with its format error.
            with contextlib.suppress(json.JSONDecodeError):
                args[name] = json.loads(args[name])
    return args


def _method_matcher(method: str) -> Callable[[Request], bool]:
    return lambda request: request.path == f"/api/{method}"


class SlackStandIn(StandInServer):
    """Slack's Web API, its interaction deliveries and its response_urls, in memory."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-sandbox-token",
        signing_secret: str = "sandbox-signing-secret",
        team_id: str = "T0SANDBOX",
        bot_user_id: str = "U0CARETHRD",
        on_change: Callable[[dict], None] | None = None,
        trigger_ttl: float = TRIGGER_TTL,
    ) -> None:
        super().__init__()
        self.bot_token = bot_token
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.on_change = on_change
        self.workspace = Workspace(team_id=team_id, bot_user_id=bot_user_id, emit=self._emit)
        self.modals = ViewStore(
            team_id=team_id, bot_id=self.workspace.bot_id, emit=self._emit, trigger_ttl=trigger_ttl
        )
        self.files = FileStore(self.workspace, lambda: self.root_url)
        self._response_targets: dict[str, _ResponseTarget] = {}
        self.socket_mode: EnvelopeDelivery | None = None
        self._event_ids = 0
        # Slack's posting rate (429 + Retry-After beyond it), from the environment.
        self.limits = PostingLimits.from_env()

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/api/"

    def enable_socket_mode(self, socket_mode: EnvelopeDelivery) -> None:
        """Turn Socket Mode on for the app: payloads go over `socket_mode`, whose app-level
        token opens connections (apps.connections.open)."""
        self.socket_mode = socket_mode

    # -- seeded data ----------------------------------------------------------
    def add_channel(self, channel_id: str, name: str, *, is_member: bool = True) -> None:
        """A public channel; with `is_member=False` the bot gets not_in_channel there."""
        with self.lock:
            self.workspace.add_channel(channel_id, name, is_member=is_member)

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str = "",
        is_bot: bool = False,
        tz: str = "Europe/Madrid",
        locale: str = "en-US",
    ) -> None:
        """A workspace member, as users.info returns it."""
        with self.lock:
            self.workspace.add_user(user_id, name, real_name, is_bot, tz, locale)

    def add_usergroup(self, group_id: str, handle: str, user_ids: list[str]) -> None:
        """A user group (e.g. the approvers) for usergroups.users.list."""
        with self.lock:
            self.workspace.add_usergroup(group_id, handle, user_ids)

    # -- faults by method name ------------------------------------------------
    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls to `method` get Slack's 429 with Retry-After."""
        response = Response(
            429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
        )
        self.inject(_method_matcher(method), response, times=times)

    def server_error(self, method: str, status: int = 503, times: int = 1) -> None:
        """The next `times` calls to `method` fail with a bare 5xx page, as a load balancer's."""
        body = f"{status} {HTTPStatus(status).phrase}"
        self.inject(_method_matcher(method), Response(status, body), times=times)

    def slow(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls to `method` are answered (normally) after `seconds`."""
        self.inject(_method_matcher(method), None, delay=seconds, times=times)

    # -- serving ----------------------------------------------------------------
    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/response/"):
            return self._serve_response_url(request)
        if request.path.startswith("/upload/v1/"):
            with self.lock:
                return self.files.receive(request)
        method = request.path.removeprefix("/api/")
        if method == "apps.connections.open":
            return self._open_connection(request, parse_args(request))
        handlers = {**self.workspace.handlers(), **self.modals.handlers(), **self.files.handlers()}
        handler = handlers.get(method)
        if handler is None or not request.path.startswith("/api/"):
            return Response(200, {"ok": False, "error": "unknown_method", "req_method": method})
        args = parse_args(request)
        try:
            self._authenticate(request, args)
            retry_after = self.limits.retry_after(method, str(args.get("channel", "")))
            if retry_after is not None:
                return Response(
                    429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
                )
            with self.lock:
                self._check_images(method, args)
                return Response(200, {"ok": True, **handler(args)})
        except SlackError as error:
            return Response(200, error.body)

    def _check_images(self, method: str, args: dict) -> None:
        """An image block showing an uploaded file needs a finished upload of an image."""
        view = args.get("view")
        blocks = view.get("blocks") if isinstance(view, dict) else args.get("blocks")
        problems = self.files.image_problems(blocks)
        if problems:
            code = "invalid_arguments" if method.startswith("views.") else "invalid_blocks"
            raise SlackError(code, error_body(code, problems))

    def _authenticate(self, request: Request, args: dict) -> None:
        """Bearer header (slack_sdk) or a `token` argument, as Slack accepts both."""
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        token = token or args.get("token")
        if not token:
            raise SlackError("not_authed")
        if token != self.bot_token:
            raise SlackError("invalid_auth")

    def _open_connection(self, request: Request, args: dict) -> Response:
        """apps.connections.open: only the app-level token of an app in Socket Mode."""
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        token = token or args.get("token") or ""
        if not token:
            return Response(200, {"ok": False, "error": "not_authed"})
        if token == self.bot_token:
            return Response(200, {"ok": False, "error": "not_allowed_token_type"})
        if self.socket_mode is None or token != self.socket_mode.app_token:
            return Response(200, {"ok": False, "error": "invalid_auth"})
        return Response(200, {"ok": True, "url": self.socket_mode.open_url()})

    def _emit(self, event: dict) -> None:
        """Tell the observers and the live view; a broken UI callback must not turn into
        a Slack error."""
        self.changed(event)
        if self.on_change is None:
            return
        try:
            self.on_change(event)
        except Exception:
            log.exception("on_change callback failed for %s", event)

    # -- response_url ---------------------------------------------------------
    def _response_url(self, target: _ResponseTarget) -> str:
        token = secrets.token_urlsafe(16)
        self._response_targets[token] = target
        return f"{self.root_url}/response/{token}"

    def _serve_response_url(self, request: Request) -> Response:
        target = self._response_targets.get(request.path.removeprefix("/response/"))
        if target is None:  # we never expire them, so an unknown token was made up
            return Response(404, {"ok": False, "error": "expired_url"})
        body = request.json() if "json" in request.headers.get("content-type", "") else {}
        if not isinstance(body, dict):
            return Response(400, {"ok": False, "error": "invalid_payload"})
        try:
            with self.lock:
                self._apply_response(target, body)
        except SlackError as error:
            return Response(400, error.body)
        return Response(200, {"ok": True})

    def _apply_response(self, target: _ResponseTarget, body: dict) -> None:
        """What Bolt's respond() asks for: delete or replace the clicked message, post it
        in the channel, or (by default) show it only to the user who clicked."""
        space = self.workspace
        if flag(body.get("delete_original")):
            self._delete_original(target)
            return
        content = space.content(body)
        thread_ts = body.get("thread_ts") or None
        if flag(body.get("replace_original")):
            original = self._original(target)
            for key in ("text", "blocks", "attachments"):  # a replacement is whole
                original.pop(key, None)
            original.update({"text": "", **content})
            self._emit(
                {"kind": "message_changed", "channel": target.channel_id, "ts": target.message_ts}
            )
        elif body.get("response_type") == "in_channel":
            space.store_message(target.channel_id, content, thread_ts=thread_ts)
        else:
            space.store_ephemeral(target.channel_id, target.user_id, content, thread_ts)

    def _original(self, target: _ResponseTarget) -> dict:
        if not target.is_ephemeral:
            return self.workspace.message(target.channel_id, target.message_ts)
        return self._ephemeral(target.channel_id, target.message_ts)

    def _ephemeral(self, channel_id: str, ts: str) -> dict:
        for ephemeral in self.workspace.ephemerals:
            if ephemeral["channel"] == channel_id and ephemeral["ts"] == ts:
                return ephemeral
        raise SlackError("message_not_found")

    def _delete_original(self, target: _ResponseTarget) -> None:
        original = self._original(target)
        if target.is_ephemeral:
            self.workspace.ephemerals.remove(original)
        else:
            del self.workspace.messages[target.channel_id][target.message_ts]
        self._emit(
            {"kind": "message_deleted", "channel": target.channel_id, "ts": target.message_ts}
        )

    # -- Slack calling the bot --------------------------------------------------
    def issue_trigger(self, user_id: str) -> str:
        """A fresh trigger id for `user_id`, for payloads a test builds by hand."""
        with self.lock:
            return self.modals.issue_trigger(user_id)

    def deliver(
        self, url: str, payload: dict, *, timeout: float = payloads.SLACK_ACK_TIMEOUT
    ) -> tuple[int, str]:
        """Send `payload` to the bot: POSTed to its Request URL `url`, signed as Slack signs
        it, or over its Socket Mode connection when Socket Mode is on (`url` unused)."""
        if self.socket_mode is not None:
            return self.socket_mode.deliver(payload)
        return payloads.post_payload(url, payload, self.signing_secret, timeout)

    def team_object(self) -> dict:
        """The `team` of a payload from this workspace."""
        return {"id": self.team_id, "domain": "carethread-sandbox"}

    def user_object(self, user_id: str) -> dict:
        """The `user` of a payload sent on behalf of `user_id`."""
        with self.lock:
            user = self.workspace.users.get(user_id, {"id": user_id, "name": user_id.lower()})
        return payloads.user_object(user, self.team_id)

    def slash_command(
        self, url: str, *, user_id: str, channel: str, command: str, text: str = ""
    ) -> tuple[int, str]:
        """`user_id` types `command text` in `channel` (see `command`)."""
        return self.command(url, user_id=user_id, channel=channel, text=text, command=command)

    def send_event(self, url: str, event: dict) -> tuple[int, str]:
        """An Events API delivery of `event` (e.g. {"type": "app_home_opened", ...})."""
        payload = payloads.event_callback(
            team_id=self.team_id,
            bot_user_id=self.bot_user_id,
            event=event,
            event_id=f"Ev{secrets.token_hex(5).upper()}",
            event_time=int(time.time()),
        )
        return self.deliver(url, payload)

    def click(
        self,
        url: str,
        *,
        user_id: str,
        channel: str,
        message_ts: str,
        action_id: str,
        value: str | None = None,
        block_id: str | None = None,
        selected_option: str | None = None,
    ) -> tuple[int, str]:
        """`user_id` clicks `action_id` (a button, or picks the option whose value is
        `selected_option` in an overflow/select) in a stored message or ephemeral."""
        payload = self.click_payload(
            user_id=user_id,
            channel=channel,
            message_ts=message_ts,
            action_id=action_id,
            value=value,
            block_id=block_id,
            selected_option=selected_option,
        )
        # Deliver without the lock: the bot calls back into the stand-in while it handles this.
        return self.deliver(url, payload)

    def click_payload(
        self,
        *,
        user_id: str,
        channel: str,
        message_ts: str,
        action_id: str,
        value: str | None = None,
        block_id: str | None = None,
        selected_option: str | None = None,
    ) -> dict:
        """The block_actions payload `click()` sends, without sending it."""
        with self.lock:
            return self._block_actions(
                user_id, channel, message_ts, action_id, value, block_id, selected_option
            )

    def _block_actions(
        self,
        user_id: str,
        channel_id: str,
        message_ts: str,
        action_id: str,
        value: str | None,
        block_id: str | None,
        selected_option: str | None,
    ) -> dict:
        stored = self.workspace.messages.get(channel_id, {}).get(message_ts)
        is_ephemeral = stored is None
        if is_ephemeral:
            stored = self._ephemeral(channel_id, message_ts)
        block, element = payloads.find_element(stored.get("blocks", []), action_id, block_id, value)
        action = payloads.action_object(
            block,
            element,
            value=value,
            selected_option=selected_option,
            action_ts=self.workspace.next_ts(),
        )
        container = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        }
        if stored.get("thread_ts"):
            container["thread_ts"] = stored["thread_ts"]
        channel = self.workspace.channels[channel_id]
        target = _ResponseTarget(user_id, channel_id, message_ts, is_ephemeral)
        return payloads.block_actions(
            team=self.team_object(),
            user=self.user_object(user_id),
            container=container,
            channel={"id": channel_id, "name": channel.get("name", "directmessage")},
            # Slack sends no `message` for ephemeral messages: apps only get the container.
            message=None if is_ephemeral else copy.deepcopy(stored),
            action=action,
            trigger_id=self.modals.issue_trigger(user_id),
            response_url=self._response_url(target),
        )

    def click_view(
        self,
        url: str,
        *,
        user_id: str,
        view_id: str,
        action_id: str,
        value: str | None = None,
        block_id: str | None = None,
        selected_option: str | None = None,
    ) -> tuple[int, str]:
        """`user_id` clicks `action_id` in a modal open for them or in their Home tab."""
        with self.lock:
            view = self.modals.views.get(view_id)
            if view is None or self.modals.owner.get(view_id) != user_id:
                raise LookupError(f"view {view_id!r} is not shown to {user_id}")
            block, element = payloads.find_element(view["blocks"], action_id, block_id, value)
            action = payloads.action_object(
                block,
                element,
                value=value,
                selected_option=selected_option,
                action_ts=self.workspace.next_ts(),
            )
            payload = payloads.view_block_actions(
                team=self.team_object(),
                user=self.user_object(user_id),
                view=copy.deepcopy(view),
                action=action,
                trigger_id=self.modals.issue_trigger(user_id),
            )
        return self.deliver(url, payload)

    def home_view(self, user_id: str) -> dict | None:
        """The Home tab the app published for `user_id` (views.publish), if any."""
        with self.lock:
            view_id = self.modals.home.get(user_id)
            return copy.deepcopy(self.modals.views[view_id]) if view_id else None

    def view_errors(self, view_id: str) -> dict[str, str]:
        """The inline errors an open modal shows now (the app's `response_action: errors`)."""
        with self.lock:
            return dict(self.modals.errors.get(view_id, {}))

    def submit_view(
        self, url: str, *, user_id: str, view_id: str, values: dict[str, dict[str, dict]]
    ) -> tuple[int, dict]:
        """`user_id` presses Submit on an open modal with `values` (block_id → action_id →
        value dict, e.g. {"type": "plain_text_input", "value": "Hi"}). The bot's answer is
        applied to the modal (errors/update/push/clear, or close) and returned parsed."""
        payload = self.submission_payload(user_id=user_id, view_id=view_id, values=values)
        status, body = self.deliver(url, payload)
        try:
            answer = json.loads(body) if body.strip() else {}
        except ValueError:  # an error page instead of an answer: nothing to apply
            answer = {}
        if status == 200 and isinstance(answer, dict):
            with self.lock:
                self.modals.apply_answer(view_id, answer)
        return status, answer

    def submission_payload(
        self, *, user_id: str, view_id: str, values: dict[str, dict[str, dict]]
    ) -> dict:
        """The view_submission payload `submit_view()` sends, without sending it (the
        modal's state keeps `values`)."""
        with self.lock:
            view = self.modals.open_view(view_id)
            if self.modals.owner[view_id] != user_id:
                raise LookupError(f"view {view_id!r} is open for someone else")
            view["state"] = {"values": copy.deepcopy(values)}
            return payloads.view_submission(
                team=self.team_object(),
                user=self.user_object(user_id),
                view=copy.deepcopy(view),
                trigger_id=self.modals.issue_trigger(user_id),
            )

    def close_view(
        self, url: str, *, user_id: str, view_id: str, is_cleared: bool = False
    ) -> tuple[int, str] | None:
        """`user_id` closes a modal (or, with `is_cleared`, its whole stack). Slack tells the
        bot (`view_closed`) only if the view asked for notify_on_close; otherwise None."""
        with self.lock:
            view = copy.deepcopy(self.modals.open_view(view_id))
            self.modals.close(view_id, clear=is_cleared)
        if not view["notify_on_close"]:
            return None
        payload = payloads.view_closed(
            team=self.team_object(),
            user=self.user_object(user_id),
            view=view,
            is_cleared=is_cleared,
        )
        return self.deliver(url, payload)

    def command(
        self, url: str, *, user_id: str, channel: str, text: str, command: str = "/carethread"
    ) -> tuple[int, str]:
        """`user_id` types `command text` in `channel`. Like Slack, a non-empty answer to
        the request itself is shown to the user only (an ephemeral message)."""
        with self.lock:
            fields = payloads.slash_command(
                team=self.team_object(),
                user=self.user_object(user_id),
                channel=self.workspace.channels.get(channel, {"id": channel}),
                command=command,
                text=text,
                trigger_id=self.modals.issue_trigger(user_id),
                response_url=self._response_url(_ResponseTarget(user_id, channel, "", False)),
            )
        status, body = self.deliver(url, fields)
        if status == 200 and body.strip():
            answer = json.loads(body) if body.lstrip().startswith("{") else {"text": body}
            with self.lock:
                content = self.workspace.content(answer, required=False)
                if content:
                    self.workspace.store_ephemeral(channel, user_id, content, None)
        return status, body

    def open_home(self, url: str, *, user_id: str) -> tuple[int, str]:
        """`user_id` opens the app's Home tab: Slack sends `app_home_opened`."""
        with self.lock:
            channel = self.workspace.open_dm(frozenset({user_id}))
            self._event_ids += 1
            event = {
                "type": "app_home_opened",
                "user": user_id,
                "channel": channel,
                "tab": "home",
                "event_ts": self.workspace.next_ts(),
            }
            home = self.modals.views.get(self.modals.home.get(user_id, ""))
            if home:
                event["view"] = copy.deepcopy(home)
            payload = payloads.event_callback(
                team_id=self.team_id,
                bot_user_id=self.bot_user_id,
                event=event,
                event_id=f"Ev{self._event_ids:08d}",
                event_time=int(time.time()),
            )
        return self.deliver(url, payload)

    def click_home(
        self, url: str, *, user_id: str, action_id: str, value: str | None = None
    ) -> tuple[int, str]:
        """`user_id` presses `action_id` (with `value`) on their Home tab."""
        with self.lock:
            view_id = self.modals.home[user_id]
        return self.click_view(
            url, user_id=user_id, view_id=view_id, action_id=action_id, value=value
        )

    def act_in_view(
        self,
        url: str,
        *,
        user_id: str,
        view_id: str,
        action_id: str,
        values: dict[str, dict[str, dict]] | None = None,
        block_id: str | None = None,
        option: dict | None = None,
        selected_values: list[str] | None = None,
        value: str | None = None,
    ) -> tuple[int, str]:
        """`user_id` clicks `action_id` inside their open modal `view_id` (a button, an
        option of a select or overflow — `option` is the option object as an external
        select loaded it —, or ticks `selected_values` of checkboxes) while its inputs hold
        `values` (block_id → action_id → value dict, as in `submit_view`)."""
        with self.lock:
            view = self.modals.open_view(view_id)
            if self.modals.owner[view_id] != user_id:
                raise LookupError(f"view {view_id!r} is open for someone else")
            if values is not None:
                view["state"] = {"values": copy.deepcopy(values)}
            block, element = payloads.find_element(view["blocks"], action_id, block_id, value)
            kind = element.get("type", "button")
            chosen = option
            if chosen is None and kind in ("static_select", "overflow", "radio_buttons"):
                chosen = payloads.find_option(element, value or "")
            action = payloads.action_object(
                block,
                element,
                value=value,
                selected_option=None,
                action_ts=self.workspace.next_ts(),
            )
            if chosen is not None:
                action["selected_option"] = chosen
            if selected_values is not None:
                action["selected_options"] = [
                    payloads.find_option(element, v) for v in selected_values
                ]
            payload = payloads.view_block_actions(
                team=self.team_object(),
                user=self.user_object(user_id),
                view=copy.deepcopy(view),
                action=action,
                trigger_id=self.modals.issue_trigger(user_id),
            )
        return self.deliver(url, payload)

    def suggest(
        self, url: str, *, user_id: str, view_id: str, action_id: str, typed: str = ""
    ) -> dict:
        """`user_id` opens (or types `typed` into) an external select of their modal: the
        bot's options answer, checked against Slack's rules (ValueError when broken)."""
        with self.lock:
            view = self.modals.open_view(view_id)
            block, element = payloads.find_element(view["blocks"], action_id, None, None)
            if element.get("type") != "external_select":
                raise LookupError(f"{action_id!r} is not an external select")
            payload = payloads.block_suggestion(
                team=self.team_object(),
                user=self.user_object(user_id),
                view=copy.deepcopy(view),
                block_id=block["block_id"],
                action_id=action_id,
                value=typed,
            )
        status, body = self.deliver(url, payload)
        if status != 200:
            raise ValueError(f"the bot answered the options request with HTTP {status}")
        answer = json.loads(body) if body.strip() else {}
        problems = payloads.check_options_answer(answer)
        if problems:
            raise ValueError(f"Slack would refuse these options: {problems}")
        return answer

    # -- what tests and the live view read ---------------------------------------
    def home(self, user_id: str) -> dict | None:
        """The Home tab last published for `user_id`, if any."""
        with self.lock:
            view_id = self.modals.home.get(user_id)
            return copy.deepcopy(self.modals.views[view_id]) if view_id else None

    def file_bytes(self, file_id: str) -> bytes:
        """What was uploaded as `file_id` (step 2 of the upload), byte for byte."""
        with self.lock:
            content = self.files.files[file_id].content
        if content is None:
            raise LookupError(f"{file_id} was never uploaded")
        return content

    def uploaded_files(self) -> list[dict]:
        """Every finished upload, as file objects, oldest first."""
        with self.lock:
            return [f.as_object() for f in self.files.files.values() if f.completed]

    def messages(self, channel: str) -> list[dict]:
        """Top-level messages of a channel, oldest first."""
        with self.lock:
            roots = self.workspace.roots(channel)
            return copy.deepcopy(sorted(roots, key=lambda m: ts_key(m["ts"])))

    def thread(self, channel: str, ts: str) -> list[dict]:
        """The replies under the message `ts`, oldest first (the parent not included)."""
        with self.lock:
            stored = self.workspace.messages.get(channel, {}).values()
            replies = [m for m in stored if m.get("thread_ts") == ts and m["ts"] != ts]
            return copy.deepcopy(sorted(replies, key=lambda m: ts_key(m["ts"])))

    def last_message(self, channel: str) -> dict | None:
        """The newest top-level message of a channel, if any."""
        roots = self.messages(channel)
        return roots[-1] if roots else None

    def ephemerals(self, user_id: str | None = None) -> list[dict]:
        """Ephemeral messages still showing (to one user, or anyone), oldest first."""
        with self.lock:
            shown = [e for e in self.workspace.ephemerals if user_id in (None, e["user"])]
            return copy.deepcopy(shown)

    def dm_channel(self, user_id: str) -> str | None:
        """The id (D…) of the bot's direct conversation with `user_id`, once it exists."""
        with self.lock:
            return self.workspace.dm_channel(frozenset({user_id}))

    def dms(self, user_id: str) -> list[dict]:
        """Messages in the bot's direct conversation with `user_id`, oldest first."""
        channel_id = self.dm_channel(user_id)
        return self.messages(channel_id) if channel_id else []

    def open_views(self, user_id: str | None = None) -> list[dict]:
        """Modals open now, bottom of each user's stack first."""
        with self.lock:
            return self.modals.open_views(user_id)

    def view(self, view_id: str) -> dict:
        """A view (open or not) as last stored."""
        with self.lock:
            return copy.deepcopy(self.modals.views[view_id])

    def calls(self, method: str) -> list[ApiCall]:
        """Every request to Web API `method` so far (faulted ones too), oldest first."""
        with self.lock:
            requests = [r for r in self.requests if r.path == f"/api/{method}"]
        return [ApiCall(parse_args(r), r) for r in requests]

    @staticmethod
    def message_texts(message: dict) -> list[str]:
        """Every text string a person could read in a message: `text` and all text in
        blocks and attachments (so a test can check, say, that no `<!channel>` slipped in)."""
        found: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("text", "fallback", "pretext", "title", "alt_text") and isinstance(
                        value, str
                    ):
                        found.append(value)
                    else:
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk({k: message.get(k) for k in ("text", "blocks", "attachments")})
        return found

    def wait_for(self, condition: Callable[[], T], timeout: float = 3.0) -> T:
        """Poll `condition` until it returns something truthy, which is returned. Bolt acks
        before its listener finishes, so its Web API calls land after `click()` returns."""
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            time.sleep(0.01)
