"""Live updates: the stand-ins' observer hooks, turned into server-sent events.

Observers fire on the stand-ins' threads (often holding their locks), so they only poke
the web server's event loop; each open page then gets one small "changed" event and
fetches what it shows. Bursts of changes coalesce: a page never queues up redraws.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Iterable

from sandbox.httpserver import StandInServer

KEEPALIVE_SECONDS = 15.0


class Changes:
    """A version number that goes up on every change anywhere, and a way to wait for it."""

    def __init__(self) -> None:
        self._version = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiters: set[asyncio.Event] = set()
        self._closed = False
        self._unsubscribe: list[Callable[[], None]] = []

    @property
    def version(self) -> int:
        with self._lock:
            return self._version

    def watch(self, stand_ins: Iterable[StandInServer]) -> None:
        for stand_in in stand_ins:
            self._unsubscribe.append(stand_in.observe(lambda event: self.bump()))

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The event loop the SSE streams wait on (the web server's)."""
        self._loop = loop

    def bump(self) -> None:
        """Something changed (callable from any thread)."""
        with self._lock:
            self._version += 1
            loop = self._loop
        if loop is not None and not loop.is_closed():
            # The loop may close between the check and the call: then nobody is waiting.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        for waiter in list(self._waiters):
            waiter.set()

    def close(self) -> None:
        """End every open stream (the server is stopping) and stop watching."""
        self._closed = True
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self.bump()

    async def stream(self) -> AsyncIterator[str]:
        """Server-sent events: `changed` with the version now, at once and on each change."""
        seen = -1
        waiter = asyncio.Event()
        self._waiters.add(waiter)
        try:
            while not self._closed:
                current = self.version
                if current != seen:
                    seen = current
                    yield f"event: changed\ndata: {current}\n\n"
                    continue
                try:
                    await asyncio.wait_for(waiter.wait(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                waiter.clear()
        finally:
            self._waiters.discard(waiter)
