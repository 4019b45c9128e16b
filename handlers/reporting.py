"""Route a listener's errors raised after `ack()` to the one error handler ourselves.

Bolt 1.30 with `process_before_response=False` (listener/thread_runner.py) resets
`ack.response` to None when the listener raises after acknowledging; if that happens
within the 10 ms in which Bolt polls for the ack, Slack gets no answer at all and shows
the clicker a generic failure. Expected problems (not allowed, already approved) raise
within milliseconds, so this is common. Calling `handle_error` here keeps the ack and the
policy in one place; errors before `ack()` still go through Bolt (HTTP 500 + handler).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from bot.observability.prometheus import observe_action
from handlers.errors import handle_error

Listener = Callable[..., None]


def reported(listener: Listener) -> Listener:
    """Wrap a listener that takes `ack`, `body` and `context` (Bolt injects by name and
    follows `__wrapped__`, so the wrapper receives exactly what `listener` asks for)."""

    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        started = time.monotonic()
        try:
            listener(**kwargs)
        except Exception as error:
            if kwargs["ack"].response is None:
                raise  # not acknowledged: Bolt answers 500 and calls the same handler
            handle_error(error, kwargs["body"], kwargs["context"].client)
        finally:
            observe_action(listener.__name__, started)

    return run
