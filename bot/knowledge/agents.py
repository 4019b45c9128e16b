"""Agents' first names for `{agent}`, read from Slack (users.info) and cached briefly."""

from __future__ import annotations

import threading
import time

from slack_sdk import WebClient

from bot.knowledge.placeholders import first_name_of
from bot.slack.failures import SLACK_FAILURES

CACHE_SECONDS = 600.0
_cache: dict[str, tuple[float, str | None]] = {}
_lock = threading.Lock()


def agent_first_name(client: WebClient, user: str) -> str | None:
    """The agent's first name as their Slack profile gives it, or None when Slack cannot
    tell (then `{agent}` stays in the text for the author to fill in)."""
    now = time.monotonic()
    with _lock:
        cached = _cache.get(user)
    if cached and cached[0] > now:
        return cached[1]
    try:
        profile = client.users_info(user=user).get("user") or {}
    except SLACK_FAILURES:
        return None
    details = profile.get("profile") or {}
    # The name a customer should read: the profile's first name, else the real name's first
    # word; the display name is often a nickname or a handle.
    shown = (
        details.get("first_name")
        or details.get("real_name")
        or profile.get("real_name")
        or details.get("display_name")
    )
    name = first_name_of(str(shown or ""), "") or None
    with _lock:
        _cache[user] = (now + CACHE_SECONDS, name)
    return name
