"""The service-level policy: a TOML file, validated whole, every problem named with its line.

`load_policy(path, default_minutes)` reads the file named by CARETHREAD_CONFIG (or
`carethread.toml`); `bot.config` calls it and reports the problems with the other settings,
so the bot never starts with a policy it cannot read. `carethread.example.toml` documents
every key. Without a file the defaults apply: first and next response per priority from
RESPONSE_TARGET_MINUTES (P1 15 min, P2 1 h, P3 24 h), no resolution target, calendar time.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.sla.hours import DAY_MINUTES, BusinessHours, Window
from bot.toml_lines import Path as KeyPath
from bot.toml_lines import key_lines, line_of
from storage.enums import Priority

DEFAULT_MINUTES: Mapping[str, int] = {"P1": 15, "P2": 60, "P3": 1440}
DEFAULT_FAILED_POLLS = 5
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CALENDAR = "calendar"

_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
_GROUP = re.compile(r"^S[A-Z0-9]{2,}$")
_CHANNEL = re.compile(r"^[CG][A-Z0-9]{2,}$")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


class TargetKind(StrEnum):
    """The three targets support teams know from Zendesk and Chatwoot."""

    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    RESOLUTION = "resolution"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class OnMiss(StrEnum):
    """What a miss does, per priority."""

    ESCALATE = "escalate"  # the thread says so, on-duty pinged, each lead DMed
    THREAD = "thread"  # only the thread says so
    SUMMARY = "summary"  # recorded (card turns red) and left to the daily summary


@dataclass(frozen=True)
class Target:
    duration: timedelta
    # None: calendar time (every hour counts); else the team whose open hours count.
    hours: BusinessHours | None = None


@dataclass(frozen=True)
class TargetRules:
    """Targets of one priority, or an override's: a kind left out falls back, a kind set
    to "off" has no target."""

    targets: Mapping[TargetKind, Target | None] = field(default_factory=dict)

    def get(self, kind: TargetKind) -> Target | None:
        return self.targets.get(kind)


@dataclass(frozen=True)
class Actions:
    remind: bool = True
    on_miss: OnMiss = OnMiss.ESCALATE


@dataclass(frozen=True)
class Reminders:
    """Due soon when less than min(fraction × target, before) is left."""

    fraction: float = 0.5
    before: timedelta = timedelta(minutes=15)

    def warning(self, target: timedelta) -> timedelta:
        """How much counted time before the deadline the target turns due soon."""
        return min(target * self.fraction, self.before)


@dataclass(frozen=True)
class Policy:
    targets: Mapping[Priority, TargetRules]
    # Overrides: (priority, network name) and (priority, intent).
    by_network: Mapping[tuple[Priority, str], TargetRules] = field(default_factory=dict)
    by_intent: Mapping[tuple[Priority, str], TargetRules] = field(default_factory=dict)
    reminders: Reminders = Reminders()
    actions: Mapping[Priority, Actions] = field(default_factory=dict)
    # Slack ids: a user group (S…) or users (U…/W…).
    on_duty: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    # Users (U…/W…) get a DM, channels (C…/G…) a message.
    admins: tuple[str, ...] = ()
    failed_polls: int = DEFAULT_FAILED_POLLS
    teams: Mapping[str, BusinessHours] = field(default_factory=dict)
    source: str | None = None

    def target(
        self, kind: TargetKind, priority: Priority, network: str, intent: str | None
    ) -> Target | None:
        """The target that applies: an intent override, else a network override, else the
        priority's own."""
        for rules in (
            self.by_intent.get((priority, intent or "")),
            self.by_network.get((priority, network)),
            self.targets.get(priority),
        ):
            if rules is not None and kind in rules.targets:
                return rules.get(kind)
        return None

    def actions_for(self, priority: Priority) -> Actions:
        return self.actions.get(priority, Actions())


def p3_response_target(policy: Policy) -> timedelta | None:
    """The P3 first-response target (calendar length), which a publishing backlog is
    measured against; None when P3 has none."""
    target = policy.target(TargetKind.FIRST_RESPONSE, Priority.P3, "", None)
    return target.duration if target is not None else None


def default_policy(default_minutes: Mapping[str, int] = DEFAULT_MINUTES) -> Policy:
    """The policy without a file: first and next response per priority, calendar time."""
    targets = {}
    for priority in Priority:
        minutes = default_minutes.get(priority.value, DEFAULT_MINUTES[priority.value])
        target = Target(timedelta(minutes=minutes))
        targets[priority] = TargetRules(
            {
                TargetKind.FIRST_RESPONSE: target,
                TargetKind.NEXT_RESPONSE: target,
                TargetKind.RESOLUTION: None,
            }
        )
    return Policy(targets=targets)


class PolicyError(ValueError):
    """The policy file cannot be used; `problems` has one line per problem, each naming its
    place in the file."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def load_policy(path: str | Path, default_minutes: Mapping[str, int] = DEFAULT_MINUTES) -> Policy:
    """Read and validate the policy file; raises `PolicyError` listing every problem."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError([f"{where}: the policy file does not exist."]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError([f"{where}: cannot read the policy file ({exc})."]) from None
    return parse_policy(text, where, default_minutes)


def parse_policy(
    text: str, source: str = "carethread.toml", default_minutes: Mapping[str, int] = DEFAULT_MINUTES
) -> Policy:
    """Parse the policy's TOML text; raises `PolicyError` listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        detail = _TOML_POSITION.sub("", message)
        if position:
            line, column = position.groups()
            raise PolicyError(
                [f"{source} line {line}, column {column}: this is not valid TOML ({detail})."]
            ) from None
        raise PolicyError([f"{source}: this is not valid TOML ({detail})."]) from None
    reader = _Reader(source, key_lines(text))
    policy = reader.policy(data, default_minutes)
    if reader.problems:
        raise PolicyError(reader.problems)
    return policy


# -- validation --------------------------------------------------------------------------
_TARGET_KEYS = {kind.value for kind in TargetKind} | {"hours", "networks", "intents"}
_OVERRIDE_KEYS = {kind.value for kind in TargetKind} | {"hours"}


class _Reader:
    """Walks the parsed TOML, collecting problems named by line and dotted key."""

    def __init__(self, source: str, lines: dict[KeyPath, int]):
        self.source = source
        self.lines = lines
        self._found: list[tuple[int, str]] = []

    @property
    def problems(self) -> list[str]:
        """In file order, as a person fixes them top to bottom."""
        return [message for _, message in sorted(self._found, key=lambda found: found[0])]

    def problem(self, path: tuple[str, ...], message: str) -> None:
        line = line_of(self.lines, path)
        where = f"{self.source} line {line}" if line else self.source
        self._found.append((line or 0, f"{where}: {'.'.join(path)}: {message}"))

    def table(
        self, value: Any, path: tuple[str, ...], allowed: Iterable[str] | None
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(path, "must be a table (a [section] or { key = value, … }).")
            return {}
        if allowed is not None:
            known = set(allowed)
            for key in value:
                if key not in known:
                    self.problem(
                        (*path, key), f"unknown key; expected one of {', '.join(sorted(known))}."
                    )
        return value

    # -- values ----------------------------------------------------------------------
    def duration(self, value: Any, path: tuple[str, ...], *, allow_off: bool) -> timedelta | None:
        """ "90s", "15m", "2h", "1d" (or "1h30m"); a bare number is minutes."""
        if allow_off and (value == "off" or value is False):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.problem(
                path, f'must be a duration like "90s", "15m", "2h" or "1d", got {value!r}.'
            )
            return None
        if isinstance(value, int | float):
            if value <= 0:
                self.problem(
                    path, f"must be more than 0 minutes, got {value} (a negative or zero count)."
                )
                return None
            return timedelta(minutes=value)
        text = value.strip().lower().replace(" ", "")
        if text.startswith("-"):
            self.problem(path, f"{value!r} is negative; a duration must be more than 0.")
            return None
        match = _DURATION.match(text)
        if not text or match is None:
            off = ' or "off"' if allow_off else ""
            self.problem(
                path, f'{value!r} is not a duration; write like "90s", "15m", "2h" or "1d"{off}.'
            )
            return None
        days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
        amount = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if amount <= timedelta():
            self.problem(path, f"{value!r} is zero; a duration must be more than 0.")
            return None
        return amount

    def slack_ids(
        self, value: Any, path: tuple[str, ...], *, users: bool, groups: bool, channels: bool
    ) -> tuple[str, ...]:
        items: list[Any]
        if isinstance(value, str):
            items = [part.strip() for part in value.split(",") if part.strip()]
        elif isinstance(value, list):
            items = value
        else:
            self.problem(path, "must be a Slack id or a list of them.")
            return ()
        kinds = []
        if users:
            kinds.append("user ids (U…)")
        if groups:
            kinds.append("a user group (S…)")
        if channels:
            kinds.append("channel ids (C…)")
        ids = []
        for item in items:
            ok = isinstance(item, str) and (
                (users and _USER.match(item))
                or (groups and _GROUP.match(item))
                or (channels and _CHANNEL.match(item))
            )
            if not ok:
                self.problem(path, f"{item!r} is not one of {' or '.join(kinds)}.")
                continue
            ids.append(str(item))
        return tuple(ids)

    # -- sections --------------------------------------------------------------------
    def policy(self, data: dict[str, Any], default_minutes: Mapping[str, int]) -> Policy:
        known = {"targets", "teams", "reminders", "actions", "escalation", "alerts", "routing"}
        self.table(data, (), known)
        teams = self.teams(data.get("teams", {}))
        base = default_policy(default_minutes)
        targets = dict(base.targets)
        by_network: dict[tuple[Priority, str], TargetRules] = {}
        by_intent: dict[tuple[Priority, str], TargetRules] = {}
        raw_targets = self.table(data.get("targets", {}), ("targets",), None)
        for name, block in raw_targets.items():
            path = ("targets", name)
            priority = self.priority(name, path)
            block = self.table(block, path, _TARGET_KEYS)
            if priority is None:
                continue
            hours = self.hours_ref(block.get("hours"), (*path, "hours"), teams)
            own = self.rules(block, path, hours)
            targets[priority] = TargetRules({**targets[priority].targets, **own.targets})
            for section, into in (("networks", by_network), ("intents", by_intent)):
                subs = self.table(block.get(section, {}), (*path, section), None)
                for sub_name, sub_block in subs.items():
                    sub_path = (*path, section, sub_name)
                    sub_block = self.table(sub_block, sub_path, _OVERRIDE_KEYS)
                    sub_hours = (
                        self.hours_ref(sub_block["hours"], (*sub_path, "hours"), teams)
                        if "hours" in sub_block
                        else hours
                    )
                    into[(priority, sub_name.lower())] = self.rules(sub_block, sub_path, sub_hours)
        reminders = self.reminders(data.get("reminders", {}))
        actions = {}
        for name, block in self.table(data.get("actions", {}), ("actions",), None).items():
            path = ("actions", name)
            priority = self.priority(name, path)
            block = self.table(block, path, {"remind", "on_miss"})
            if priority is not None:
                actions[priority] = self.actions(block, path)
        escalation = self.table(data.get("escalation", {}), ("escalation",), {"on_duty", "leads"})
        alerts = self.table(data.get("alerts", {}), ("alerts",), {"admins", "failed_polls"})
        on_duty = self.slack_ids(
            escalation.get("on_duty", []),
            ("escalation", "on_duty"),
            users=True,
            groups=True,
            channels=False,
        )
        return Policy(
            targets=targets,
            by_network=by_network,
            by_intent=by_intent,
            reminders=reminders,
            actions=actions,
            on_duty=on_duty,
            leads=self.slack_ids(
                escalation.get("leads", []),
                ("escalation", "leads"),
                users=True,
                groups=False,
                channels=False,
            ),
            admins=self.slack_ids(
                alerts.get("admins", []),
                ("alerts", "admins"),
                users=True,
                groups=False,
                channels=True,
            ),
            failed_polls=self.failed_polls(alerts.get("failed_polls", DEFAULT_FAILED_POLLS)),
            teams=teams,
            source=self.source,
        )

    def priority(self, name: str, path: tuple[str, ...]) -> Priority | None:
        try:
            return Priority(name)
        except ValueError:
            self.problem(path, f"unknown priority {name!r}; use P1, P2 or P3.")
            return None

    def rules(
        self, block: Mapping[str, Any], path: tuple[str, ...], hours: BusinessHours | None
    ) -> TargetRules:
        found: dict[TargetKind, Target | None] = {}
        for kind in TargetKind:
            if kind.value in block:
                amount = self.duration(block[kind.value], (*path, kind.value), allow_off=True)
                found[kind] = Target(amount, hours) if amount is not None else None
        return TargetRules(found)

    def hours_ref(
        self, value: Any, path: tuple[str, ...], teams: Mapping[str, BusinessHours]
    ) -> BusinessHours | None:
        if value is None or value == CALENDAR:
            return None
        if not isinstance(value, str) or value not in teams:
            names = ", ".join(f'"{t}"' for t in sorted(teams)) or "none defined"
            self.problem(
                path,
                f'{value!r} is neither "calendar" nor a team under [teams] ({names}).',
            )
            return None
        return teams[value]

    def teams(self, raw: Any) -> dict[str, BusinessHours]:
        teams = {}
        for name, block in self.table(raw, ("teams",), None).items():
            path = ("teams", name)
            block = self.table(block, path, {"time_zone", "weekdays", "holidays", *DAYS})
            zone = self.zone(block.get("time_zone"), (*path, "time_zone"))
            before = len(self._found)
            weekdays = self.windows(block.get("weekdays"), (*path, "weekdays"))
            week = []
            for index, day in enumerate(DAYS):
                if day in block:
                    week.append(self.windows(block[day], (*path, day)))
                else:
                    week.append(weekdays if index < 5 else ())
            holidays = self.holidays(block.get("holidays", []), (*path, "holidays"))
            if not any(week) and len(self._found) == before:
                self.problem(path, "has no open hours on any day; set weekdays or a day's hours.")
            if zone is not None:
                teams[name] = BusinessHours(name, zone, tuple(week), holidays)
        return teams

    def zone(self, value: Any, path: tuple[str, ...]) -> ZoneInfo | None:
        if not isinstance(value, str) or not value:
            self.problem(path, 'is required: an IANA time zone like "Europe/Madrid".')
            return None
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.problem(path, f'{value!r} is not a known time zone; use one like "Europe/Madrid".')
            return None

    def windows(self, value: Any, path: tuple[str, ...]) -> tuple[Window, ...]:
        """ "09:00-19:00", "09:00-13:00, 14:00-18:00" or "closed"."""
        if value is None or value == "closed":
            return ()
        if not isinstance(value, str):
            self.problem(path, 'must be like "09:00-19:00" (or "closed").')
            return ()
        windows: list[Window] = []
        for part in (p.strip() for p in value.split(",")):
            match = _RANGE.match(part)
            if match is None:
                self.problem(path, f'{part!r} is not a time range like "09:00-19:00".')
                continue
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            start, end = h1 * 60 + m1, h2 * 60 + m2
            if h1 > 23 or m1 > 59 or m2 > 59 or end > DAY_MINUTES:
                self.problem(path, f"{part!r} is not a time of day (00:00 to 24:00).")
                continue
            if end <= start:
                self.problem(
                    path, f"{part!r} ends before it starts; split a night shift over two days."
                )
                continue
            windows.append((start, end))
        windows.sort()
        for (_, end), (start, _) in zip(windows, windows[1:], strict=False):
            if start < end:
                self.problem(path, f"{value!r} has overlapping ranges.")
                return ()
        return tuple(windows)

    def holidays(self, value: Any, path: tuple[str, ...]) -> frozenset[date]:
        if not isinstance(value, list):
            self.problem(path, 'must be a list of dates like ["2026-12-25"].')
            return frozenset()
        days = set()
        for item in value:
            if isinstance(item, date):
                days.add(item)
                continue
            try:
                days.add(date.fromisoformat(str(item)))
            except ValueError:
                self.problem(path, f"{item!r} is not a date like 2026-12-25.")
        return frozenset(days)

    def reminders(self, raw: Any) -> Reminders:
        path = ("reminders",)
        block = self.table(raw, path, {"due_soon_fraction", "due_soon_before"})
        fraction = block.get("due_soon_fraction", Reminders.fraction)
        if (
            isinstance(fraction, bool)
            or not isinstance(fraction, int | float)
            or not 0 <= fraction <= 1
        ):
            self.problem(
                (*path, "due_soon_fraction"), f"must be a number from 0 to 1, got {fraction!r}."
            )
            fraction = Reminders.fraction
        before = Reminders.before
        if "due_soon_before" in block:
            before = (
                self.duration(block["due_soon_before"], (*path, "due_soon_before"), allow_off=False)
                or before
            )
        return Reminders(float(fraction), before)

    def actions(self, block: Mapping[str, Any], path: tuple[str, ...]) -> Actions:
        remind = block.get("remind", True)
        if not isinstance(remind, bool):
            self.problem((*path, "remind"), f"must be true or false, got {remind!r}.")
            remind = True
        on_miss = block.get("on_miss", OnMiss.ESCALATE.value)
        try:
            miss = OnMiss(on_miss)
        except ValueError:
            choices = ", ".join(f'"{m.value}"' for m in OnMiss)
            self.problem((*path, "on_miss"), f"{on_miss!r} is not one of {choices}.")
            miss = OnMiss.ESCALATE
        return Actions(remind=remind, on_miss=miss)

    def failed_polls(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
            self.problem(
                ("alerts", "failed_polls"), f"must be a whole number from 1 to 1000, got {value!r}."
            )
            return DEFAULT_FAILED_POLLS
        return value
