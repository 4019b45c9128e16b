"""The knowledge subcommands of `/carethread`, and a stand-in router for them.

THE HOOK: the `/carethread` router (handlers/commands/, branch `metrics`) dispatches a
subcommand to `SUBCOMMANDS[name](ack=…, body=…, context=…)`; when merging, add these two
entries to it and delete `register_stand_in_router` and its call in
`handlers.knowledge.register`. Until then this minimal router serves `/carethread
replies` and `/carethread find @handle` so they work end to end (and anything else gets
a short usage line).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from handlers.knowledge.customer import handle_find_command
from handlers.knowledge.library import handle_replies_command
from handlers.reporting import reported

COMMAND = "/carethread"
SUBCOMMANDS: dict[str, Callable[..., None]] = {
    "replies": handle_replies_command,
    "find": handle_find_command,
}
USAGE = "Usage: `/carethread replies` (saved replies) · `/carethread find @handle` (a customer)."


def handle_carethread(
    ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    name = str(body.get("text") or "").strip().partition(" ")[0].lower()
    handler = SUBCOMMANDS.get(name)
    if handler is None:
        ack()
        respond(response_type="ephemeral", text=USAGE)
        return
    handler(ack=ack, body=body, respond=respond, context=context)


def register_stand_in_router(app: App) -> None:
    app.command(COMMAND)(reported(handle_carethread))
