"""Business-time arithmetic: how much of a team's open time lies between two instants, and
when a given amount of open time has passed.

Schedules are wall-clock times in the team's time zone ("09:00-19:00" on weekdays), so
each day's open windows are built in local time and only then turned into instants. That
keeps a daylight-saving change right: the day the clocks go forward still opens at 09:00
local, and a window spanning the change is an hour shorter in real time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# (start, end) minutes after local midnight; end may be 24 * 60.
Window = tuple[int, int]
DAY_MINUTES = 24 * 60
# A schedule with no open time for this long (all days closed, years of holidays) is a
# policy mistake validation should have caught; stop instead of looping forever.
_MAX_DAYS = 3 * 366


class NoOpenTime(ValueError):
    """The schedule never opens: no amount of business time can pass."""


@dataclass(frozen=True)
class BusinessHours:
    """One team's open hours: a time zone, a weekly schedule and holidays."""

    name: str
    zone: ZoneInfo
    # Monday first: each day's open windows, sorted, not overlapping.
    week: tuple[tuple[Window, ...], ...]
    holidays: frozenset[date] = frozenset()

    def windows_of(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open windows of a local date, as UTC instants."""
        if day in self.holidays:
            return []
        result = []
        for start, end in self.week[day.weekday()]:
            opens = self._instant(day, start)
            closes = self._instant(day, end)
            if closes > opens:
                result.append((opens, closes))
        return result

    def _instant(self, day: date, minute: int) -> datetime:
        if minute >= DAY_MINUTES:
            day, minute = day + timedelta(days=1), minute - DAY_MINUTES
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)
        # Round-tripping through UTC moves a wall time that a spring-forward skipped
        # (02:30 on that night) to the first real instant after the gap.
        return local.astimezone(UTC)

    def _windows_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open windows ending after `start`, in order."""
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        for offset in range(_MAX_DAYS):
            for opens, closes in self.windows_of(day + timedelta(days=offset)):
                if closes > start:
                    yield opens, closes
        raise NoOpenTime(f"business hours {self.name!r} have no open time within {_MAX_DAYS} days")

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The instant at which `amount` of open time has passed since `start`."""
        # Aware arithmetic in a local zone is wall-clock arithmetic: work in UTC.
        start = start.astimezone(UTC)
        left = amount
        for opens, closes in self._windows_from(start):
            begin = max(opens, start)
            available = closes - begin
            if left <= available:
                return begin + left
            left -= available
        raise NoOpenTime(self.name)  # pragma: no cover - _windows_from raises first

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Open time in [start, end)."""
        total = timedelta()
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return total
        for opens, closes in self._windows_from(start):
            if opens >= end:
                break
            total += min(closes, end) - max(opens, start)
        return total


def add_time(hours: BusinessHours | None, start: datetime, amount: timedelta) -> datetime:
    """`start` plus `amount` of counted time: business time, or calendar time when None."""
    if hours is None:
        # In UTC: adding to a local time would add wall-clock time across a DST change.
        return start.astimezone(UTC) + amount
    return hours.add(start, amount)


def time_between(hours: BusinessHours | None, start: datetime, end: datetime) -> timedelta:
    """Counted time between two instants (never negative)."""
    if hours is None:
        return max(end.astimezone(UTC) - start.astimezone(UTC), timedelta())
    return hours.between(start, end)
