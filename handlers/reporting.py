"""Route a listener's errors to the one error handler ourselves, acknowledged.

Bolt 1.30 with `process_before_response=False` (listener/thread_runner.py) resets
`ack.response` to None when the listener raises after acknowledging; if that happens
within the 10 ms in which Bolt polls for the ack, Slack gets no answer at all and shows
the clicker a generic failure. Expected problems (not allowed, already approved) raise
within milliseconds, so this is common. Calling `handle_error` here keeps the ack and the
policy in one place.

An expected problem raised before `ack()` (a modal submitted for a case that is gone, a
payload we cannot read) is acknowledged here too: a submitted modal shows it under its
first field and stays open, anything else gets the message from `handle_error`. Only
unexpected errors before `ack()` still go through Bolt (HTTP 500 + the same handler).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from bot.errors import UserFacingError
from bot.observability.prometheus import observe_action
from handlers.errors import handle_error

Listener = Callable[..., None]


def reported(listener: Listener) -> Listener:
    """Wrap a listener that takes `ack`, `body` and `context` (Bolt injects by name and
    follows `__wrapped__`, so the wrapper receives exactly what `listener` asks for)."""

    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        ack: Ack = kwargs["ack"]
        body: dict[str, Any] = kwargs["body"]
        started = time.monotonic()
        try:
            listener(**kwargs)
        except Exception as error:
            if ack.response is None:
                if not isinstance(error, UserFacingError):
                    raise  # a bug: Bolt answers 500 and calls the same handler
                if _show_in_modal(ack, body, error):
                    return
                ack()
            handle_error(error, body, kwargs["context"].client)
        finally:
            observe_action(listener.__name__, started)

    return run


def _show_in_modal(ack: Ack, body: dict[str, Any], error: UserFacingError) -> bool:
    """Answer a modal submission with `error` under its first input, if it has one."""
    if body.get("type") != "view_submission":
        return False
    view = body.get("view")
    state = view.get("state") if isinstance(view, dict) else None
    blocks = state.get("values") if isinstance(state, dict) else None
    first = next(iter(blocks), None) if isinstance(blocks, dict) else None
    if not first:
        return False
    ack(response_action="errors", errors={first: error.message})
    return True
