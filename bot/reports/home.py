"""Publish App Home: when a user opens it, after they act on it, and (throttled) when what
they see changed while they were recently looking."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime, timedelta
from typing import Any

from bot.i18n import in_language
from bot.reports.service import load_home
from bot.services import Services
from bot.slack.builders.home import build_home
from bot.slack.failures import best_effort
from storage.models import utcnow

# Someone who opened Home this recently gets it refreshed when it changes…
RECENT = timedelta(minutes=30)
# …at most this often (Slack allows views.publish 100+ times a minute, but no one reads
# faster than that on a phone).
THROTTLE = timedelta(seconds=60)
MAX_REFRESHED = 50


class HomePublisher:
    """Per process: who looked at Home lately, and what they were last shown."""

    def __init__(self, throttle: timedelta = THROTTLE, recent: timedelta = RECENT):
        self.throttle = throttle
        self.recent = recent
        self._lock = threading.Lock()
        self._seen: dict[str, datetime] = {}
        self._shown: dict[str, tuple[datetime, str]] = {}

    def opened(self, services: Services, user: str) -> None:
        with self._lock:
            self._seen[user] = utcnow()
        self.publish(services, user)

    def publish(self, services: Services, user: str, notice: str | None = None) -> bool:
        """Build and publish `user`'s Home now; False when Slack refused (logged)."""
        now = utcnow()
        # In the user's own language, also when a job (not their click) publishes it.
        with in_language(services.directory.language(user)):
            view = build_home(load_home(services, user, now, notice)).to_dict()
        with best_effort(f"publish the Home tab of {user}"):
            services.slack.views_publish(user_id=user, view=view)
            with self._lock:
                self._shown[user] = (now, _fingerprint(view))
            return True
        return False

    def refresh(self, services: Services) -> int:
        """Republish Home for recent viewers whose content changed; returns how many."""
        now = utcnow()
        with self._lock:
            recent = sorted(
                (u for u, at in self._seen.items() if now - at <= self.recent),
                key=lambda u: self._seen[u],
                reverse=True,
            )[:MAX_REFRESHED]
            for user in [u for u, at in self._seen.items() if now - at > self.recent]:
                del self._seen[user]
        published = 0
        for user in recent:
            with self._lock:
                last = self._shown.get(user)
            if last and now - last[0] < self.throttle:
                continue
            with in_language(services.directory.language(user)):
                view = build_home(load_home(services, user, now)).to_dict()
            if last and _fingerprint(view) == last[1]:
                continue
            with best_effort(f"refresh the Home tab of {user}"):
                services.slack.views_publish(user_id=user, view=view)
                with self._lock:
                    self._shown[user] = (now, _fingerprint(view))
                published += 1
        return published


def _fingerprint(view: dict[str, Any]) -> str:
    """What the user sees, less the "updated at" line that changes every time."""
    blocks = [b for b in view.get("blocks", []) if b.get("block_id") != "updated"]
    return hashlib.sha256(json.dumps(blocks, sort_keys=True).encode()).hexdigest()
