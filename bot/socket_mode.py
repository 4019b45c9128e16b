"""Socket Mode: Bolt's built-in handler, with the two things Slack's envelopes need from us.

- The same payload checks as the HTTP gate (`check_payload`): Socket Mode payloads never
  pass `bot.slack_request_guard`, and Bolt reads them the same way.
- Each payload handled once. Slack sends an envelope again (`retry_attempt` + 1) when its
  acknowledgement did not arrive within 3 seconds, although the first one may be running
  or done; handling it again would claim, draft or approve twice. A redelivery is
  recognised by what stays the same across deliveries (an event's `event_id`, an
  interaction's `trigger_id`) and only acknowledged.

Both kinds of envelope are acknowledged, so Slack stops sending them.

`close()` is quicker and sturdier than the built-in client's (slack_sdk 3.47): that one
waits for its reading thread to let go of the socket, up to the 3-second receive timeout,
which SIGTERM's shutdown budget pays for; and stopping while it switches connections (after
Slack's `disconnect`) can close one socket from two threads, so `Connection.disconnect`
raises AttributeError halfway through the shutdown.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections import OrderedDict

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.slack_payload_check import check_payload
from bot.slack_shapes import Malformed

log = logging.getLogger(__name__)

# Slack redelivers within minutes; far more payloads than a team clicks in that time.
REMEMBERED_DELIVERIES = 10_000


class DeliveriesSeen:
    """The keys of recently received payloads, oldest forgotten first (thread-safe)."""

    def __init__(self, size: int = REMEMBERED_DELIVERIES) -> None:
        self._size = size
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """True the first time `key` is offered, False for every repeat."""
        with self._lock:
            if key in self._keys:
                return False
            self._keys[key] = None
            if len(self._keys) > self._size:
                self._keys.popitem(last=False)
            return True


def delivery_key(request: SocketModeRequest) -> str:
    """What identifies a payload across Slack's deliveries of it."""
    payload = request.payload
    for field in ("event_id", "trigger_id"):
        value = payload.get(field)
        if isinstance(value, str) and value:
            return f"{field}:{value}"
    return f"envelope:{request.envelope_id}"


class GuardedSocketModeHandler(SocketModeHandler):
    """`SocketModeHandler` that refuses malformed payloads and handles each payload once."""

    def __init__(self, app: App, app_token: str | None) -> None:
        super().__init__(app, app_token)
        self.seen = DeliveriesSeen()

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        try:
            check_payload(req.payload)
        except Malformed as malformed:
            log.warning("Refused a malformed %r envelope: %s", req.type, malformed.reason)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        if not self.seen.first_time(delivery_key(req)):
            log.info("Acknowledged a redelivered %r envelope without handling it again", req.type)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        super().handle(client, req)

    def close(self) -> None:
        self.client.auto_reconnect_enabled = False
        session = self.client.current_session
        connection = session.sock if session is not None else None
        if connection is not None:
            # Wakes the reading thread at once (its read returns empty) instead of after
            # the receive timeout; the client then closes the socket as usual.
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        try:
            self.client.close()
        except AttributeError:
            # The socket was closed under us (see module docstring); the second call finds
            # it gone and stops the client's threads.
            self.client.close()
