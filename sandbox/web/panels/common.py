"""What the panels over `sandbox.scenarios.networks`' timelines share."""

from __future__ import annotations

from sandbox.httpserver import Request, StandInServer
from sandbox.web.networks import ComposeError, Persona


def announce_writes(stand_in: StandInServer, *, ignore: tuple[str, ...] = ()) -> None:
    """Make every successful write to `stand_in` (the bot's replies, its private messages)
    redraw the page, except writes to paths ending with one of `ignore` (bookkeeping such
    as "notifications seen", which nobody sees)."""

    def is_visible_write(request: Request) -> bool:
        return request.method not in ("GET", "HEAD") and not request.path.endswith(ignore)

    stand_in.watch_writes = is_visible_write


def check_post(persona: Persona, text: str) -> None:
    """What every network refuses before anything is posted."""
    if not text.strip():
        raise ComposeError("Write something to post.")
    if persona.followers < 0:
        raise ComposeError("Followers cannot be negative.")


def title_and_body(text: str) -> tuple[str, str]:
    """A forum topic or a blog entry from the composer's text: the first line is the
    title, the rest the body (a single line is both)."""
    first, _, rest = text.strip().partition("\n")
    return first.strip(), (rest.strip() or first.strip())
