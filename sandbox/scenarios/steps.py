"""What every scripted scenario does between its steps: wait until Slack shows something."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

Wait = Callable[[str, Callable[[], Any]], Any]


class ScenarioFailed(RuntimeError):
    """A step of the scenario did not show in Slack in time."""


def waiter(say: Callable[[str], None], stop: threading.Event, timeout: float) -> Wait:
    """`wait(what, condition)`: the condition's first truthy value, said as done; a step
    that does not happen within `timeout` (or a stop) raises `ScenarioFailed` naming it."""

    def wait(what: str, condition: Callable[[], Any]) -> Any:
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            found = condition()
            if found:
                say(f"✔ {what}")
                return found
            if time.monotonic() > deadline:
                raise ScenarioFailed(f"not seen within {timeout:.0f} s: {what}")
            stop.wait(0.25)
        raise ScenarioFailed(f"stopped while waiting: {what}")

    return wait
