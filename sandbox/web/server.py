"""Serve the web client with uvicorn on 127.0.0.1, in a background thread."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from sandbox.web.app import WebSandbox, build_app

STARTUP_SECONDS = 10.0


class WebServer:
    """The page on a port of 127.0.0.1 (any free one by default) until `stop()`."""

    def __init__(self, sandbox: WebSandbox, port: int = 0) -> None:
        self.sandbox = sandbox
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port))
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            build_app(sandbox),
            log_level="warning",
            access_log=False,
            lifespan="off",
            # Open event streams must not hold up a stop: they end when `changes` closes.
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        """The page's address, as printed for people and read by tests."""
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> str:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox web page did not start")
            time.sleep(0.02)
        return self.url

    def stop(self) -> None:
        self.sandbox.changes.close()
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()
