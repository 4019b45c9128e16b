"""Meta's usage headers, read on every response, and when to stop polling because of them.

Meta reports how much of a rate limit is used, in percent, on every Graph response:
`X-App-Usage: {"call_count": 28, "total_time": 25, "total_cputime": 25}` for the app, and
`X-Business-Use-Case-Usage: {"<page-or-ig-id>": [{"type": "pages", "call_count": 95, …,
"estimated_time_to_regain_access": 7}]}` per business object. Meta asks apps to slow down
before 100 %: at `PAUSE_AT` % we pause polling of that object's streams until Meta's
estimate (or `DEFAULT_PAUSE`), and a later response showing lower usage lifts the pause.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

PAUSE_AT = 90
# When Meta gives no estimate: usage is counted over a rolling hour, so a few minutes
# of quiet bring it down; the next response tells whether it did.
DEFAULT_PAUSE = timedelta(minutes=10)
APP = "app"  # the key of the app-wide reading (X-App-Usage)
_EVERYTHING = "*"  # the key a rate-limit error pauses: every stream of this client
_COUNTERS = ("call_count", "total_time", "total_cputime")


@dataclass(frozen=True)
class UsageReading:
    """One object's usage from one response."""

    key: str  # APP, or the Page / Instagram account id Meta reported it for
    percent: int  # the highest of Meta's counters
    regain: timedelta  # Meta's estimated_time_to_regain_access (0 when not limited)


def read_usage(headers: Mapping[str, str]) -> list[UsageReading]:
    """Every usage reading in a response's headers (malformed headers are skipped)."""
    readings: list[UsageReading] = []
    app = _load(headers.get("X-App-Usage"))
    if isinstance(app, dict):
        readings.append(UsageReading(APP, _percent(app), timedelta(0)))
    business = _load(headers.get("X-Business-Use-Case-Usage"))
    if isinstance(business, dict):
        for key, entries in business.items():
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict):
                    minutes = _number(entry.get("estimated_time_to_regain_access"))
                    readings.append(
                        UsageReading(str(key), _percent(entry), timedelta(minutes=minutes))
                    )
    return readings


def rate_limit_until(headers: Mapping[str, str], now: datetime) -> datetime:
    """When to try again after a rate-limit error: Meta's longest estimate, else the default."""
    regain = max((r.regain for r in read_usage(headers)), default=timedelta(0))
    return now + (regain if regain > timedelta(0) else DEFAULT_PAUSE)


class UsageGate:
    """The latest usage per object and the pauses it implies. Thread-safe: webhook work,
    the poll job and sends share one client."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paused: dict[str, datetime] = {}
        self.latest: dict[str, UsageReading] = {}

    def observe(self, headers: Mapping[str, str], now: datetime) -> None:
        with self._lock:
            for reading in read_usage(headers):
                self.latest[reading.key] = reading
                if reading.percent >= PAUSE_AT:
                    wait = reading.regain if reading.regain > timedelta(0) else DEFAULT_PAUSE
                    self._paused[reading.key] = now + wait
                else:
                    self._paused.pop(reading.key, None)  # usage recovered

    def pause_all(self, until: datetime) -> None:
        with self._lock:
            self._paused[_EVERYTHING] = max(until, self._paused.get(_EVERYTHING, until))

    def paused_until(self, keys: Iterable[str], now: datetime) -> datetime | None:
        """The latest pause among the app, `keys` and a rate-limit error, if still running."""
        with self._lock:
            wanted = {APP, _EVERYTHING, *keys}
            until = max((t for k, t in self._paused.items() if k in wanted), default=None)
        return until if until is not None and until > now else None

    def describe(self, keys: Iterable[str]) -> str:
        """The highest usage among the app and `keys`, for a pause message."""
        with self._lock:
            wanted = {APP, *keys}
            readings = [r for k, r in self.latest.items() if k in wanted]
        if not readings:
            return "Meta rate limit reached"
        top = max(readings, key=lambda r: r.percent)
        what = "the app" if top.key == APP else f"account {top.key}"
        return f"Meta usage for {what} at {top.percent}% of its limit"


def _load(raw: str | None) -> object:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _percent(counters: Mapping[str, object]) -> int:
    return max((_number(counters.get(name)) for name in _COUNTERS), default=0)


def _number(value: object) -> int:
    try:
        return int(float(str(value)))
    except ValueError:
        return 0
