"""The routing rules: the `[routing]` part of the policy file, validated whole.

```toml
[routing.channels]            # team channels: a name people see, and the Slack channel id
care = "C0CARE0001"
community = "C0COMMUNITY1"

[[routing.rules]]             # the first rule that matches a case decides its channel
intent = ["praise", "other"]
channel = "community"
```

A rule's conditions (`account`, `network`, `intent`, `language`, `priority`) each take one
value or a list; a condition left out matches anything. Every problem is named with its
line and its field, in the policy file's style:
`carethread.toml line 12: routing.rules[2].intent: unknown intent 'complaints' (use
complaint, question, praise, other)`. Rules are numbered from 1, as people count the
`[[routing.rules]]` blocks. `carethread.example.toml` documents every key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from bot.toml_lines import Path, key_lines, line_of
from bot.triage.records import INTENTS
from storage.enums import Priority

RULE_KEYS = ("name", "channel", "account", "network", "intent", "language", "priority")
ROUTING_KEYS = ("channels", "rules")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
# Slack's own rule for channel names: lowercase, no spaces, at most 80 characters.
CHANNEL_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
NETWORK_NAME = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
# A connected account's registry name: "x" or "x:ar" (bot/networks/accounts.py).
ACCOUNT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,15}(?::[a-z0-9][a-z0-9_]{0,15})?$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


@dataclass(frozen=True)
class TeamChannel:
    """A channel cases may be routed or moved to, with the name people know it by."""

    name: str
    channel_id: str

    @property
    def label(self) -> str:
        return f"#{self.name}"


@dataclass(frozen=True)
class Rule:
    """One `[[routing.rules]]`: its conditions and where a matching case goes.

    An empty condition matches anything; a rule without conditions matches every case.
    """

    number: int  # from 1, as error messages count
    channel_id: str
    name: str | None = None
    accounts: frozenset[str] = frozenset()
    networks: frozenset[str] = frozenset()
    intents: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    priorities: frozenset[Priority] = frozenset()
    # Where it is in the file, for problems found later (an account not connected).
    line: int | None = None

    @property
    def catches_all(self) -> bool:
        return not (
            self.accounts or self.networks or self.intents or self.languages or self.priorities
        )

    @property
    def label(self) -> str:
        """How the history names the rule: its `name`, else its number."""
        return f"rule {self.number}" + (f" ({self.name})" if self.name else "")


@dataclass(frozen=True)
class RoutingConfig:
    """The routing part of the policy file; empty (everything to the default channel)
    when there is no file or no `[routing]` in it."""

    channels: tuple[TeamChannel, ...] = ()
    rules: tuple[Rule, ...] = ()
    # The policy file's name as given, for problems found after loading.
    source: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.channels or self.rules)

    def channel_named(self, channel_id: str) -> TeamChannel | None:
        return next((c for c in self.channels if c.channel_id == channel_id), None)

    def unknown_networks(self, connected: Iterable[str]) -> list[str]:
        """Problems of rules naming a network or account this deployment does not
        connect (known only once the networks are connected), each with its line."""
        names = sorted(set(connected))
        kinds = sorted({name.partition(":")[0] for name in names})
        problems = []
        for rule in self.rules:
            where = self._where(rule)
            for field_name, wanted, known in (
                ("network", rule.networks, kinds),
                ("account", rule.accounts, names),
            ):
                for value in sorted(wanted - set(known)):
                    problems.append(
                        f"{where}: routing.rules[{rule.number}].{field_name}: no connected "
                        f"{field_name} is called {value!r} (connected: {', '.join(known)}); "
                        "fix the name or configure it."
                    )
        return problems

    def unused_languages(self, languages: Iterable[str]) -> list[str]:
        """Problems of rules naming a language triage never reports (TRIAGE_LANGUAGES)."""
        known = sorted(set(languages))
        problems = []
        for rule in self.rules:
            for value in sorted(rule.languages - set(known)):
                problems.append(
                    f"{self._where(rule)}: routing.rules[{rule.number}].language: {value!r} "
                    f"is never detected: triage reports {', '.join(known)} (TRIAGE_LANGUAGES)."
                )
        return problems

    def _where(self, rule: Rule) -> str:
        source = self.source or "carethread.toml"
        return f"{source} line {rule.line}" if rule.line else source


class RoutingError(ValueError):
    """The routing rules cannot be used; `problems` has one line per problem, each naming
    its line and field."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def load_routing(path: str | FilePath) -> RoutingConfig:
    """Read the `[routing]` part of the policy file at `path`; raises `RoutingError`
    listing every problem. Other parts of the file are the service-level policy's."""
    where = str(path)
    try:
        text = FilePath(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RoutingError([f"{where}: the policy file does not exist."]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RoutingError([f"{where}: cannot read the policy file ({exc})."]) from None
    return parse_routing(text, where)


def parse_routing(text: str, source: str = "carethread.toml") -> RoutingConfig:
    """The routing rules in a policy file's TOML text; raises `RoutingError`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        detail = _TOML_POSITION.sub("", message)
        where = f"{source} line {position.group(1)}" if position else source
        raise RoutingError([f"{where}: this is not valid TOML ({detail})."]) from None
    reader = _Reader(source, key_lines(text))
    config = reader.routing(data.get("routing", {}))
    if reader.problems:
        raise RoutingError(reader.problems)
    return config


class _Reader:
    """Walks the parsed TOML, collecting problems named by line and field."""

    def __init__(self, source: str, lines: Mapping[Path, int]):
        self.source = source
        self.lines = dict(lines)
        self._found: list[tuple[int, str]] = []

    @property
    def problems(self) -> list[str]:
        """In file order, as a person fixes them top to bottom."""
        return [message for _, message in sorted(self._found, key=lambda found: found[0])]

    def problem(self, path: Path, message: str) -> None:
        line = line_of(self.lines, path)
        where = f"{self.source} line {line}" if line else self.source
        self._found.append((line or 0, f"{where}: {_dotted(path)}: {message}"))

    def table(self, value: Any, path: Path, allowed: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(path, "must be a table (a [section] or { key = value, … }).")
            return {}
        known = tuple(allowed)
        for key in value:
            if key not in known:
                self.problem((*path, key), f"unknown key; use {', '.join(known)}.")
        return value

    # -- sections --------------------------------------------------------------------
    def routing(self, value: Any) -> RoutingConfig:
        section = self.table(value, ("routing",), ROUTING_KEYS)
        channels = self.channels(section.get("channels", {}))
        raw_rules = section.get("rules", [])
        if not isinstance(raw_rules, list):
            self.problem(("routing", "rules"), "must be [[routing.rules]] blocks.")
            raw_rules = []
        rules: list[Rule] = []
        for index, raw in enumerate(raw_rules):
            rule = self.rule(raw, index, channels)
            if rule is None:
                continue
            catch_all = next((r for r in rules if r.catches_all), None)
            if catch_all is not None:
                self.problem(
                    ("routing", "rules", index),
                    f"never used: routing.rules[{catch_all.number}] above has no conditions "
                    "and matches every case; put this rule before it.",
                )
            rules.append(rule)
        return RoutingConfig(
            channels=tuple(channels.values()), rules=tuple(rules), source=self.source
        )

    def channels(self, value: Any) -> dict[str, TeamChannel]:
        path: Path = ("routing", "channels")
        if not isinstance(value, dict):
            self.problem(path, "must be a table of name = channel id.")
            return {}
        found: dict[str, TeamChannel] = {}
        for raw_name, channel_id in value.items():
            name = raw_name.lstrip("#")
            where = (*path, raw_name)
            if not CHANNEL_NAME.match(name):
                self.problem(
                    where,
                    "a channel's name must be lowercase letters, digits, -, _ or . "
                    f"(as Slack names channels), got {raw_name!r}.",
                )
                continue
            if not isinstance(channel_id, str) or not CHANNEL_ID.match(channel_id):
                self.problem(
                    where, f"must be a Slack channel id like C0123ABCD, got {channel_id!r}."
                )
                continue
            found[name] = TeamChannel(name, channel_id)
        return found

    def rule(self, value: Any, index: int, channels: Mapping[str, TeamChannel]) -> Rule | None:
        path: Path = ("routing", "rules", index)
        block = self.table(value, path, RULE_KEYS)
        if not block:
            if isinstance(value, dict):
                self.problem(path, "an empty rule: give it a channel (and conditions).")
            return None
        channel_id = self.channel(block.get("channel"), (*path, "channel"), channels)
        name = block.get("name")
        if name is not None and not (isinstance(name, str) and name.strip()):
            self.problem((*path, "name"), "must be a short text that says what the rule is for.")
            name = None
        rule = Rule(
            number=index + 1,
            channel_id=channel_id or "",
            name=name.strip() if isinstance(name, str) else None,
            accounts=self.values(block, path, "account", _account),
            networks=self.values(block, path, "network", _network),
            intents=self.values(block, path, "intent", _intent),
            languages=self.values(block, path, "language", _language),
            priorities=frozenset(
                Priority(p) for p in self.values(block, path, "priority", _priority)
            ),
            line=line_of(self.lines, path),
        )
        return rule if channel_id else None

    # -- values ----------------------------------------------------------------------
    def channel(self, value: Any, path: Path, channels: Mapping[str, TeamChannel]) -> str | None:
        if value is None:
            self.problem(path, "missing: say where matching cases go (a channel's name or id).")
            return None
        if isinstance(value, str) and CHANNEL_ID.match(value):
            return value
        name = value.lstrip("#") if isinstance(value, str) else None
        if name is not None and name in channels:
            return channels[name].channel_id
        named = ", ".join(channels) or "none yet"
        self.problem(
            path,
            f"unknown channel {value!r} (use a Slack channel id like C0123ABCD, or a name "
            f"from [routing.channels]: {named}).",
        )
        return None

    def values(
        self,
        block: Mapping[str, Any],
        path: Path,
        key: str,
        check: Callable[[str], tuple[str | None, str]],
    ) -> frozenset[str]:
        """One value or a list of them; `check` gives the normalised value, or None and
        the problem in words."""
        if key not in block:
            return frozenset()
        raw = block[key]
        items = raw if isinstance(raw, list) else [raw]
        where = (*path, key)
        if not items:
            self.problem(where, "an empty list matches nothing; leave the key out to match all.")
            return frozenset()
        found = set()
        for item in items:
            if not isinstance(item, str):
                self.problem(where, f"must be text or a list of texts, got {item!r}.")
                continue
            value, trouble = check(item.strip())
            if value is None:
                self.problem(where, trouble)
                continue
            found.add(value)
        return frozenset(found)


def _intent(value: str) -> tuple[str | None, str]:
    lowered = value.lower()
    if lowered in INTENTS:
        return lowered, ""
    return None, f"unknown intent {value!r} (use {', '.join(INTENTS)})"


def _priority(value: str) -> tuple[str | None, str]:
    upper = value.upper()
    if upper in {p.value for p in Priority}:
        return upper, ""
    return None, f"unknown priority {value!r} (use {', '.join(p.value for p in Priority)})"


def _language(value: str) -> tuple[str | None, str]:
    lowered = value.lower()
    if LANGUAGE.match(lowered):
        return lowered, ""
    return None, f"{value!r} is not a language code (use two letters, like es or en)"


def _network(value: str) -> tuple[str | None, str]:
    lowered = value.lower()
    if NETWORK_NAME.match(lowered):
        return lowered, ""
    return None, (
        f"{value!r} is not a network name (like x, mastodon, bluesky, facebook); "
        "to pick one brand account use account"
    )


def _account(value: str) -> tuple[str | None, str]:
    lowered = value.lower()
    if ACCOUNT_NAME.match(lowered):
        return lowered, ""
    return None, (
        f"{value!r} is not an account name: write the network and the account as in "
        "X_ACCOUNTS, like x:ar (or x for the account of the X_ACCESS_TOKEN variables)"
    )


def _dotted(path: Path) -> str:
    """("routing", "rules", 1, "intent") → routing.rules[2].intent (rules counted from 1)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
