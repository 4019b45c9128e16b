"""Settings of reports, spike alerts and the cost meter, read by `bot.config`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.metrics.cost import DEFAULT_X_PRICES, PriceList, parse_prices
from bot.metrics.spike import SpikeThresholds
from bot.settings_reader import EnvReader

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_OFF = {"off", "none", "no", "false"}


def _default_prices() -> dict[str, PriceList]:
    return {"x": DEFAULT_X_PRICES}


@dataclass(frozen=True)
class MetricsSettings:
    # Where the daily summary, the weekly report and spike alerts go (None: SLACK_CHANNEL_ID).
    report_channel_id: str | None = None
    # Local time of the daily summary (and of the weekly report); None turns it off.
    daily_summary_at: time | None = time(9, 0)
    # Day of the weekly report, 0 = Monday; None turns it off.
    weekly_report_day: int | None = 0
    report_timezone: str = "UTC"
    spike: SpikeThresholds = field(default_factory=SpikeThresholds)
    spike_check_seconds: int = 60
    prices: Mapping[str, PriceList] = field(default_factory=_default_prices)

    def channel(self, default: str) -> str:
        return self.report_channel_id or default


def _clock_time(reader: EnvReader, name: str, default: time) -> time | None:
    raw = reader.raw(name)
    if raw is None:
        return default
    if raw.lower() in _OFF:
        return None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", raw)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        reader.problems.append(f"{name} must be a time like 09:00 (or off), got {raw!r}.")
        return default
    return time(int(match[1]), int(match[2]))


def _weekday(reader: EnvReader, name: str) -> int | None:
    raw = (reader.raw(name) or "mon").lower()
    if raw in _OFF:
        return None
    if raw[:3] not in WEEKDAYS:
        reader.problems.append(f"{name} must be a weekday like mon (or off), got {raw!r}.")
        return 0
    return WEEKDAYS.index(raw[:3])


def _timezone(reader: EnvReader, name: str) -> str:
    raw = reader.raw(name) or "UTC"
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        reader.problems.append(f"{name} must be a time zone like Europe/Madrid, got {raw!r}.")
        return "UTC"
    return raw


def _probability(reader: EnvReader, name: str, default: float) -> float:
    raw = reader.raw(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        reader.problems.append(f"{name} must be a probability like 1e-3, got {raw!r}.")
        return default
    return value


def read_metrics_settings(reader: EnvReader) -> MetricsSettings:
    channel = reader.raw("REPORT_CHANNEL_ID")
    if channel and not _CHANNEL_ID.match(channel):
        reader.problems.append(
            f"REPORT_CHANNEL_ID must be a channel id like C0123ABCD, got {channel!r}."
        )
        channel = None
    defaults = SpikeThresholds()
    warning = _probability(reader, "SPIKE_WARNING_PROBABILITY", defaults.warning_probability)
    crisis = _probability(reader, "SPIKE_CRISIS_PROBABILITY", defaults.crisis_probability)
    if crisis > warning:
        reader.problems.append(
            "SPIKE_CRISIS_PROBABILITY must be at most SPIKE_WARNING_PROBABILITY "
            "(a crisis is rarer than a warning)."
        )
    spike = SpikeThresholds(
        warning_probability=warning,
        crisis_probability=crisis,
        min_ratio=float(reader.integer("SPIKE_MIN_RATIO", int(defaults.min_ratio), 1, 100)),
        min_negative=reader.integer("SPIKE_MIN_NEGATIVE", defaults.min_negative, 1, 100_000),
        cooldown=timedelta(
            minutes=reader.integer(
                "SPIKE_COOLDOWN_MINUTES", int(defaults.cooldown.total_seconds() // 60), 1, 1440
            )
        ),
    )
    prices, problems = parse_prices("x", reader.raw("X_PRICES") or "", DEFAULT_X_PRICES)
    reader.problems += [f"X_PRICES entry {p}." for p in problems]
    return MetricsSettings(
        report_channel_id=channel,
        daily_summary_at=_clock_time(reader, "DAILY_SUMMARY_TIME", time(9, 0)),
        weekly_report_day=_weekday(reader, "WEEKLY_REPORT_DAY"),
        report_timezone=_timezone(reader, "REPORT_TIMEZONE"),
        spike=spike,
        spike_check_seconds=reader.integer("SPIKE_CHECK_SECONDS", 60, 10, 3600),
        prices={"x": prices},
    )
