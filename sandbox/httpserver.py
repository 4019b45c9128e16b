"""The plumbing both stand-ins share: a threaded HTTP server on 127.0.0.1, a
request log, and fault injection (error statuses, real rate-limit headers, slow replies).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# The longest a held request waits for its release, so a test that forgets it still ends.
HOLD_LIMIT = 60.0


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.time)
    status: int | None = None  # filled in once answered

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}


@dataclass
class Response:
    status: int
    body: Any = None  # dict/list → JSON, bytes/str → as is
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, self.headers.get("Content-Type", "application/octet-stream")
        if isinstance(self.body, str):
            return self.body.encode(), self.headers.get("Content-Type", "text/plain; charset=utf-8")
        if self.body is None:
            return b"", "text/plain"
        return json.dumps(self.body).encode(), "application/json; charset=utf-8"


@dataclass(eq=False)
class Fault:
    """Answer matching requests with `response` (or just delay them) `times` times."""

    matches: Callable[[Request], bool]
    response: Response | None
    delay: float
    times: int
    hits: int = 0  # how many requests it has answered (or delayed) so far
    # Set: the request is held until this event is set (at most HOLD_LIMIT seconds).
    until: threading.Event | None = None
    # The request is performed first (the server commits), and only its answer is
    # delayed or held: a server slow to answer something it already did.
    after_commit: bool = False


Observer = Callable[[dict[str, Any]], None]


class StandInServer:
    """Base for a stand-in: subclasses implement `dispatch(request) -> Response`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[Request] = []
        self._faults: list[Fault] = []
        # Bumped on every change a person could see (a post, a message, a fault), so a live
        # view redraws on change instead of polling the whole state.
        self.version = 0
        self._observers: list[Observer] = []
        # Set by a live view of a stand-in whose state changes do not announce themselves:
        # a request it matches that was answered 2xx counts as a visible change (a write).
        self.watch_writes: Callable[[Request], bool] | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    # -- lifecycle -----------------------------------------------------------
    def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1 (a random free port by default); returns the base URL."""
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                stand_in._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        # A short poll interval makes stop() quick; tests start and stop many servers.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StandInServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root_url

    # -- observers -----------------------------------------------------------
    def observe(self, observer: Observer) -> Callable[[], None]:
        """Call `observer(event)` after every visible change; returns the unsubscribe.

        Observers run on the thread that made the change, often holding `self.lock`:
        they must be quick and must not call back into the stand-in (hand the event to
        another thread or event loop instead)."""
        with self.lock:
            self._observers.append(observer)

        def unsubscribe() -> None:
            with self.lock:
                if observer in self._observers:
                    self._observers.remove(observer)

        return unsubscribe

    def changed(self, event: dict[str, Any]) -> None:
        """Record a change (`event["kind"]` says what) and tell the observers."""
        with self.lock:
            self.version += 1
            observers = list(self._observers)
        for observer in observers:
            try:
                observer({**event, "version": self.version})
            except Exception:  # a broken live view must not break the API it watches
                logging.getLogger(__name__).exception("stand-in observer failed")

    # -- faults --------------------------------------------------------------
    def inject(
        self,
        matches: Callable[[Request], bool],
        response: Response | None = None,
        *,
        delay: float = 0.0,
        times: int = 1,
    ) -> Fault:
        """The next `times` matching requests get `response` (after `delay` seconds);
        with no response they are only delayed, then answered normally. The returned
        fault can be taken back early with `remove_fault`."""
        fault = Fault(matches, response, delay, times)
        with self.lock:
            self._faults.append(fault)
        self.changed({"kind": "fault_added"})
        return fault

    def remove_fault(self, fault: Fault) -> None:
        """Stop a fault before it has answered all its `times` (no-op if it already has)."""
        with self.lock:
            present = fault in self._faults
            if present:
                self._faults.remove(fault)
        if present:
            self.changed({"kind": "fault_removed"})

    def has_fault(self, fault: Fault) -> bool:
        """Whether `fault` still answers requests (not removed, `times` not used up)."""
        with self.lock:
            return fault in self._faults

    def hold(
        self, matches: Callable[[Request], bool], release: threading.Event, *, times: int = 1
    ) -> None:
        """The next `times` matching requests hang until `release` is set: a server that
        stopped answering, for as long as a test needs (tests set it when done)."""
        with self.lock:
            self._faults.append(Fault(matches, None, 0.0, times, until=release))
        self.changed({"kind": "fault_added"})

    def answer_late(
        self,
        matches: Callable[[Request], bool],
        release: threading.Event,
        *,
        times: int = 1,
    ) -> None:
        """The next `times` matching requests are performed at once (committed), then their
        answers are held until `release` is set (at most HOLD_LIMIT seconds): the client
        waits for an answer about something that already happened."""
        with self.lock:
            self._faults.append(Fault(matches, None, 0.0, times, until=release, after_commit=True))
        self.changed({"kind": "fault_added"})

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()
        self.changed({"kind": "fault_removed"})

    def _take_fault(self, request: Request) -> Fault | None:
        with self.lock:
            for fault in self._faults:
                if fault.times > 0 and fault.matches(request):
                    fault.times -= 1
                    fault.hits += 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    break
            else:
                return None
        self.changed({"kind": "fault_hit"})
        return fault

    # -- serving -------------------------------------------------------------
    def dispatch(self, request: Request) -> Response:
        raise NotImplementedError

    @staticmethod
    def _wait(fault: Fault) -> None:
        if fault.delay:
            time.sleep(fault.delay)
        if fault.until is not None:
            fault.until.wait(HOLD_LIMIT)

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = Request(
            method=handler.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=handler.rfile.read(length) if length else b"",
        )
        with self.lock:
            self.requests.append(request)
        fault = self._take_fault(request)
        late = fault is not None and fault.after_commit
        if fault and not late:
            self._wait(fault)
        try:
            response = fault.response if fault and fault.response else self.dispatch(request)
        except Exception as exc:  # a stand-in bug should look like a server error, loudly
            response = Response(500, {"error": f"stand-in crashed: {exc!r}"})
        if fault and late:
            self._wait(fault)
        request.status = response.status
        watch = self.watch_writes
        if watch is not None and 200 <= response.status < 300 and watch(request):
            self.changed({"kind": "written", "path": request.path})
        body, content_type = response.encode()
        try:
            handler.send_response(response.status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            for name, value in response.headers.items():
                if name.lower() != "content-type":
                    handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. a timeout test); nothing to answer
