"""Slack's posting limits, as the stand-in enforces them: chat.postMessage about one message
per second per channel with short bursts, chat.update a few dozen a minute per workspace.
Over the limit a call gets HTTP 429 with `Retry-After` in whole seconds, as Slack answers.

Configured per test or benchmark through the environment (the stand-in reads it when it is
created); tests set generous limits (tests/conftest.py) so only the tests about pacing wait:
  SANDBOX_SLACK_POSTS_PER_SECOND   messages per second per channel (default 1)
  SANDBOX_SLACK_POST_BURST         messages a channel takes at once (default 4)
  SANDBOX_SLACK_UPDATES_PER_MINUTE chat.update calls per minute (default 50)
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    at: float

    def take(self, now: float) -> float:
        """Take a token; else the seconds until one is there (nothing taken)."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class PostingLimits:
    posts_per_second: float = 1.0
    post_burst: float = 4.0
    updates_per_minute: float = 50.0
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # How many calls got a 429, by method (benchmarks report it).
    refused: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> PostingLimits:
        env = os.environ if env is None else env
        return cls(
            posts_per_second=float(env.get("SANDBOX_SLACK_POSTS_PER_SECOND", "1")),
            post_burst=float(env.get("SANDBOX_SLACK_POST_BURST", "4")),
            updates_per_minute=float(env.get("SANDBOX_SLACK_UPDATES_PER_MINUTE", "50")),
        )

    def retry_after(self, method: str, channel: str) -> int | None:
        """None when the call may go (and counts it); else Slack's Retry-After seconds."""
        if method == "chat.postMessage":
            key, rate, burst = f"post:{channel}", self.posts_per_second, self.post_burst
        elif method == "chat.update":
            key, rate = "update", self.updates_per_minute / 60
            burst = max(1.0, self.updates_per_minute / 10)
        else:
            return None
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.setdefault(key, _Bucket(rate, burst, burst, now))
            wait = bucket.take(now)
            if wait <= 0:
                return None
            self.refused[method] = self.refused.get(method, 0) + 1
        return max(1, math.ceil(wait))
