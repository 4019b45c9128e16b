"""`python -m bot` as child processes, for tests that stop them as hosts do (SIGTERM) or as
crashes do (`kill -9`)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get_json(port: int, path: str) -> tuple[int, dict[str, Any]]:
    """(status, body) of a GET on the bot's HTTP port."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def wait_until(condition: Callable[[], T | None], timeout: float = 30.0, what: str = "") -> T:
    """Poll `condition` (connection errors count as "not yet") until it is truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout:.0f} s: {what or condition}")


class BotProcess:
    """One `python -m bot <command>`; its output goes to a log file (never a full pipe)."""

    def __init__(self, env: dict[str, str], command: str = "run", log_dir: Path | None = None):
        self.port = free_port()
        self.command = command
        folder = log_dir or Path(env.get("TMPDIR", "/tmp"))
        self.log_path = folder / f"bot-{command}-{self.port}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", command],
            env={**env, "PORT": str(self.port)},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def slack_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def ready(self) -> dict[str, Any] | None:
        status, body = get_json(self.port, "/readyz")
        return body if status == 200 else None

    def active(self) -> bool:
        """Whether this process holds the worker lease (from its /readyz)."""
        status, body = get_json(self.port, "/readyz")
        return body.get("worker") == "active"

    def wait_ready(self, timeout: float = 60.0) -> dict[str, Any]:
        if self.process.poll() is not None:
            raise AssertionError(f"the bot exited: {self.output()}")
        return wait_until(self._ready_or_dead, timeout, f"{self.command} ready")

    def _ready_or_dead(self) -> dict[str, Any] | None:
        if self.process.poll() is not None:
            raise AssertionError(f"the bot exited early:\n{self.output()}")
        return self.ready()

    def kill(self) -> None:
        """`kill -9`: no handler runs, nothing is flushed or released."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self._log.close()

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> int:
        """SIGTERM, as a host stops a process; returns the exit code."""
        if self.process.poll() is None:
            self.thaw()  # a frozen process handles SIGTERM only once it runs again
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if not self._log.closed:
            self._log.close()
        return self.process.returncode

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")
