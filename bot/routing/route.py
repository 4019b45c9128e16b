"""Where a case goes: a pure decision from the case's facts and the rules.

The first rule that matches wins; a case no rule matches goes to the default channel
(`SLACK_CHANNEL_ID`). Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, literal

from bot.routing.rules import RoutingConfig, Rule, TeamChannel
from storage.enums import Priority
from storage.models import Case


@dataclass(frozen=True)
class CaseFacts:
    """What routing looks at: which brand account the case came to, what the customer
    wants (the first post's triage) and how urgent the case is."""

    # The connected network's registry name: "x", or "x:ar" for another brand account.
    account: str
    priority: Priority
    intent: str | None = None
    language: str | None = None

    @property
    def network(self) -> str:
        """The network itself, whichever of its brand accounts: "x" for "x:ar"."""
        return self.account.partition(":")[0]


@dataclass(frozen=True)
class RouteDecision:
    channel_id: str
    # None: no rule matched, the default channel.
    rule: Rule | None = None

    @property
    def reason(self) -> str:
        return self.rule.label if self.rule else "default channel"

    @property
    def rule_ref(self) -> str | None:
        """The rule as the history names it after "rule": "2", or "2 (praise)"."""
        if self.rule is None:
            return None
        return f"{self.rule.number}" + (f" ({self.rule.name})" if self.rule.name else "")


def matches(rule: Rule, facts: CaseFacts) -> bool:
    """Every condition the rule has holds for the case (an empty one holds always)."""
    return (
        (not rule.accounts or facts.account in rule.accounts)
        and (not rule.networks or facts.network in rule.networks)
        and (not rule.intents or (facts.intent or "") in rule.intents)
        and (not rule.languages or (facts.language or "") in rule.languages)
        and (not rule.priorities or facts.priority in rule.priorities)
    )


def route(facts: CaseFacts, config: RoutingConfig, default_channel: str) -> RouteDecision:
    """The channel of the first rule that matches `facts`, else `default_channel`."""
    for rule in config.rules:
        if matches(rule, facts):
            return RouteDecision(rule.channel_id, rule)
    return RouteDecision(default_channel)


@dataclass(frozen=True)
class Router:
    """The rules and the default channel, as the workflow uses them."""

    config: RoutingConfig
    default_channel: str

    def decide(self, facts: CaseFacts) -> RouteDecision:
        return route(facts, self.config, self.default_channel)

    def targets(self) -> list[TeamChannel]:
        """The channels a person may send a case to: every named team channel, and the
        default channel (named "default" unless a team channel is it)."""
        channels = list(self.config.channels)
        if not any(c.channel_id == self.default_channel for c in channels):
            channels.insert(0, TeamChannel("default", self.default_channel))
        return channels

    def target(self, channel_id: str) -> TeamChannel | None:
        return next((c for c in self.targets() if c.channel_id == channel_id), None)

    def label(self, channel_id: str | None) -> str:
        """How plain text (history, modals) names a channel: "#care", else its id."""
        if channel_id is None:
            return "no channel"
        named = self.target(channel_id)
        return named.label if named else channel_id


def publishing_channel(case: Case, default_channel: str) -> str:
    """Where the case's messages go: its thread's channel once it has one, else the
    channel routing chose, else the default (a case stored before routing existed)."""
    return case.slack_channel or case.route_channel or default_channel


def publishing_channel_column(default_channel: str) -> ColumnElement[str]:
    """`publishing_channel` as SQL, for a publisher that picks the posts of one channel."""
    return func.coalesce(Case.slack_channel, Case.route_channel, literal(default_channel))
