"""The fault that exactly-once sending is about: the server commits, the answer never comes.

A stand-in mixes `DropAfterCommit` in front of `StandInServer` and answers requests in
`answer()` instead of `dispatch()`. After `drop_after_commit(...)`, the next matching
request is performed in full (the post exists) and then the connection is closed without
a byte of response, as when a proxy or the network fails after the server's commit. The
client sees a dropped connection and cannot tell whether anything happened.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from sandbox.httpserver import Request, Response, StandInServer


class _Discard(io.RawIOBase):
    """Where the answer to a dropped request goes."""

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        return len(data) if isinstance(data, bytes | bytearray | memoryview) else 0


@dataclass
class _Drop:
    matches: Callable[[Request], bool]
    times: int


class DropAfterCommit(StandInServer):
    def __init__(self) -> None:
        super().__init__()
        self._drops: list[_Drop] = []
        self._current = threading.local()
        self.dropped: list[Request] = []

    def drop_after_commit(self, matches: Callable[[Request], bool], times: int = 1) -> None:
        """Perform the next `times` matching requests, then close without answering."""
        with self.lock:
            self._drops.append(_Drop(matches, times))

    def answer(self, request: Request) -> Response:
        raise NotImplementedError

    def dispatch(self, request: Request) -> Response:
        response = self.answer(request)
        if self._take_drop(request):
            self._hang_up()
            with self.lock:
                self.dropped.append(request)
        return response

    def _take_drop(self, request: Request) -> bool:
        with self.lock:
            for drop in self._drops:
                if drop.times > 0 and drop.matches(request):
                    drop.times -= 1
                    if drop.times == 0:
                        self._drops.remove(drop)
                    return True
        return False

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        self._current.handler = handler
        try:
            super()._serve(handler)
        finally:
            self._current.handler = None

    def _hang_up(self) -> None:
        """Close this request's connection; what `_serve` writes next goes nowhere."""
        handler: BaseHTTPRequestHandler = self._current.handler
        handler.close_connection = True
        with contextlib.suppress(OSError):
            handler.connection.shutdown(socket.SHUT_RDWR)
        handler.wfile = _Discard()  # type: ignore[assignment]
