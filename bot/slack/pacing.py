"""Slack's pace as token buckets: a message may go when a token is there; tokens come back
at the allowed rate, up to the burst. Pure: the clock is passed in."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """`rate` tokens per second, at most `burst` saved up; starts full."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    at: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def _refill(self, now: float) -> None:
        if self.at is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        """Spend a token (the message went, or Slack saw the attempt)."""
        self._refill(now)
        self.tokens -= 1

    def empty(self, now: float) -> None:
        """Slack said 429: nothing saved up any more, whatever we counted."""
        self._refill(now)
        self.tokens = min(self.tokens, 0.0)


@dataclass
class ChannelPace:
    """One bucket per channel, all with the same rate and burst."""

    rate: float
    burst: float
    buckets: dict[str, TokenBucket] = field(default_factory=dict)

    def bucket(self, channel: str) -> TokenBucket:
        if channel not in self.buckets:
            self.buckets[channel] = TokenBucket(self.rate, self.burst)
        return self.buckets[channel]
