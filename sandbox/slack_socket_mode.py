"""Slack's Socket Mode, standing in locally: the WebSocket side the real slack_sdk client
(Bolt's `SocketModeHandler`) connects to instead of a Request URL.

It behaves as Slack documents it (facts checked against slack_sdk 3.47 in the shared notes,
"Socket Mode offline"):

- `apps.connections.open`, called with the app-level `xapp-` token, hands out a one-use
  `ws://127.0.0.1:<port>/link?ticket=…` URL (the Slack stand-in answers it with `open_url`).
- On connect the server says `hello` at once (`num_connections`, `debug_info`,
  `connection_info.app_id`).
- Each interaction, slash command or event travels as an envelope (`envelope_id`, `type`
  events_api / interactive / slash_commands, `payload`, `accepts_response_payload`,
  `retry_attempt`, `retry_reason`). The app acknowledges with `{"envelope_id", "payload"?}`
  within 3 seconds, or the same payload goes out again in a new envelope with
  `retry_attempt` + 1 and `retry_reason` "timeout", up to 3 retries as the Events API does
  (Slack waits minutes between retries; here the next one follows the missed deadline).
- Pings from the client are answered with pongs (websockets does that); `ping()` pings it.
- `request_refresh()` sends `disconnect` (reason `refresh_requested` or `warning`) to every
  open connection; those get no new envelopes and are closed after a grace period, by
  which time the client has opened a new one.

The WebSocket protocol itself is the `websockets` library's (threaded server), a test
dependency: only tests and the harness import this module.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request as HandshakeRequest
from websockets.http11 import Response as HandshakeResponse
from websockets.sync.server import Server, ServerConnection, serve

from sandbox.slack_payloads import API_APP_ID, SLACK_ACK_TIMEOUT, envelope_type

log = logging.getLogger(__name__)

MAX_RETRIES = 3
# Seconds Slack says it keeps a connection before asking for a refresh (hello's debug_info).
CONNECTION_TIME = 18060
_RESPONSE_PAYLOAD_KINDS = frozenset({"view_submission", "block_suggestion"})


@dataclass(frozen=True)
class Envelope:
    """One delivery attempt of a payload over the socket."""

    envelope_id: str
    type: str
    payload: dict[str, Any]
    retry_attempt: int
    retry_reason: str
    accepts_response_payload: bool

    def message(self) -> str:
        return json.dumps(
            {
                "envelope_id": self.envelope_id,
                "type": self.type,
                "payload": self.payload,
                "accepts_response_payload": self.accepts_response_payload,
                "retry_attempt": self.retry_attempt,
                "retry_reason": self.retry_reason,
            }
        )


@dataclass
class _Pending:
    answered: threading.Event = field(default_factory=threading.Event)
    # The acknowledgement's `payload`, if it had one (a view's response_action, say).
    response: dict[str, Any] | None = None


@dataclass
class _Link:
    """One open WebSocket connection from the app."""

    connection: ServerConnection
    number: int
    retiring: bool = False


class SocketModeStandIn:
    """The Socket Mode server; attach it to a SlackStandIn with `enable_socket_mode`."""

    def __init__(
        self,
        *,
        app_token: str = "xapp-1-A0CARETHRD-1-sandbox",
        app_id: str = API_APP_ID,
        ack_timeout: float = SLACK_ACK_TIMEOUT,
        max_retries: int = MAX_RETRIES,
        refresh_grace: float = 2.0,
        connect_wait: float = 10.0,
    ) -> None:
        self.app_token = app_token
        self.app_id = app_id
        self.ack_timeout = ack_timeout
        self.max_retries = max_retries
        self.refresh_grace = refresh_grace
        self.connect_wait = connect_wait
        self.lock = threading.Condition(threading.RLock())
        # What tests read: every envelope sent, every acknowledgement received.
        self.envelopes: list[Envelope] = []
        self.acks: list[dict[str, Any]] = []
        self.connections_opened = 0
        self._tickets: set[str] = set()
        self._links: list[_Link] = []
        self._pending: dict[str, _Pending] = {}
        self._acks_to_lose = 0
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> None:
        self._server = serve(
            self._session,
            "127.0.0.1",
            0,
            compression=None,  # Slack's clients do not ask for it
            process_request=self._check_ticket,
            ping_interval=None,  # the client pings; `ping()` pings it on demand
            close_timeout=1,
            logger=log,
        )
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="socket-mode-stand-in", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)

    # -- what the Slack stand-in calls ------------------------------------------------
    def open_url(self) -> str:
        """apps.connections.open: a fresh one-use WebSocket URL."""
        ticket = uuid.uuid4().hex
        with self.lock:
            self._tickets.add(ticket)
        return f"ws://127.0.0.1:{self.port}/link?ticket={ticket}"

    def deliver(self, payload: dict[str, Any]) -> tuple[int, str]:
        """Send `payload` as an envelope and wait for its acknowledgement, sending it again
        (retry_attempt + 1) each time one is missed. Returns (200, the acknowledgement's
        payload as JSON or ""), as the HTTP route would; TimeoutError if never acknowledged."""
        kind = envelope_type(payload)
        accepts = kind == "slash_commands" or payload.get("type") in _RESPONSE_PAYLOAD_KINDS
        for attempt in range(self.max_retries + 1):
            envelope = Envelope(
                envelope_id=str(uuid.uuid4()),
                type=kind,
                payload=payload,
                retry_attempt=attempt,
                retry_reason="timeout" if attempt else "",
                accepts_response_payload=accepts,
            )
            pending = _Pending()
            with self.lock:
                self._pending[envelope.envelope_id] = pending
            try:
                self._send(envelope)
                if pending.answered.wait(self.ack_timeout):
                    response = pending.response
                    return 200, json.dumps(response) if response is not None else ""
            finally:
                with self.lock:
                    del self._pending[envelope.envelope_id]
        raise TimeoutError(f"the app never acknowledged the {kind} envelope")

    # -- faults and observations for tests -------------------------------------------
    def lose_acks(self, times: int = 1) -> None:
        """Drop the next `times` acknowledgements as if lost on the way: Slack re-sends."""
        with self.lock:
            self._acks_to_lose += times

    def request_refresh(self, reason: str = "refresh_requested") -> None:
        """Ask every open connection to reconnect (`disconnect` with `reason`: Slack sends
        "warning" shortly before it drops a connection, "refresh_requested" to move it)."""
        message = json.dumps(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-sandbox"}}
        )
        with self.lock:
            links = [link for link in self._links if not link.retiring]
            for link in links:
                link.retiring = True
        for link in links:
            try:
                link.connection.send(message)
            except ConnectionClosed:
                continue
            timer = threading.Timer(self.refresh_grace, link.connection.close)
            timer.daemon = True
            timer.start()

    def ping(self, timeout: float = 1.0) -> bool:
        """Ping the app's current connection; True once its pong arrives within `timeout`."""
        try:
            pong = self._current_link().connection.ping()
        except (ConnectionClosed, ConnectionError):
            return False
        return pong.wait(timeout)

    @property
    def connected(self) -> bool:
        with self.lock:
            return any(not link.retiring for link in self._links)

    @property
    def open_connections(self) -> int:
        with self.lock:
            return len(self._links)

    # -- the WebSocket side ---------------------------------------------------------
    def _check_ticket(
        self, connection: ServerConnection, request: HandshakeRequest
    ) -> HandshakeResponse | None:
        """Only a URL handed out by apps.connections.open opens a connection, once."""
        ticket = parse_qs(urlsplit(request.path).query).get("ticket", [""])[0]
        with self.lock:
            if ticket not in self._tickets:
                return connection.respond(401, "invalid or used ticket\n")
            self._tickets.discard(ticket)
        return None

    def _session(self, connection: ServerConnection) -> None:
        with self.lock:
            self.connections_opened += 1
            link = _Link(connection, self.connections_opened)
            self._links.append(link)
            hello = {
                "type": "hello",
                "num_connections": len(self._links),
                "debug_info": {
                    "host": "applink-sandbox",
                    "build_number": 1,
                    "approximate_connection_time": CONNECTION_TIME,
                },
                "connection_info": {"app_id": self.app_id},
            }
            self.lock.notify_all()
        try:
            connection.send(json.dumps(hello))
            for message in connection:
                self._receive(message)
        except ConnectionClosed:
            pass  # the client went away (a refresh, the bot stopping): Slack shrugs too
        finally:
            with self.lock:
                self._links.remove(link)

    def _receive(self, message: str | bytes) -> None:
        try:
            ack = json.loads(message)
        except ValueError:
            return
        if not isinstance(ack, dict) or not isinstance(ack.get("envelope_id"), str):
            return
        with self.lock:
            self.acks.append(ack)
            if self._acks_to_lose:
                self._acks_to_lose -= 1
                return
            pending = self._pending.get(ack["envelope_id"])
        if pending is not None:
            payload = ack.get("payload")
            pending.response = payload if isinstance(payload, dict) else None
            pending.answered.set()

    def _current_link(self) -> _Link:
        """The newest connection not asked to go, waiting a while for one (a refresh)."""
        deadline = time.monotonic() + self.connect_wait
        with self.lock:
            while True:
                live = [link for link in self._links if not link.retiring]
                if live:
                    return live[-1]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ConnectionError("the app has no Socket Mode connection open")
                self.lock.wait(remaining)

    def _send(self, envelope: Envelope) -> None:
        link = self._current_link()
        with self.lock:
            self.envelopes.append(envelope)
        # Lost with a closing connection: unacknowledged, so it goes out again.
        with contextlib.suppress(ConnectionClosed):
            link.connection.send(envelope.message())
