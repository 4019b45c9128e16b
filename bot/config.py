"""Typed settings: the only place that reads the environment.

`load_settings()` collects every problem before failing, so a person fixing a
deployment sees all of them at once, one line per variable.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from bot.i18n import LANGUAGES
from bot.metrics.settings import MetricsSettings, read_metrics_settings
from bot.networks.registry import NetworkSettings, read_network_blocks
from bot.routing.rules import RoutingConfig, RoutingError, load_routing
from bot.settings_reader import EnvReader
from bot.sla.policy import Policy, PolicyError, default_policy, load_policy
from bot.triage import TriageConfig
from bot.triage.phones import known_region
from bot.triage.records import BUILT_IN_REFERENCE_DETECTORS
from storage.db import DatabaseUrlError, normalize_database_url

DEFAULT_SLACK_API_BASE_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///carethread.db"
# The service-level policy read when CARETHREAD_CONFIG is unset and this file exists.
POLICY_FILE = "carethread.toml"
# Slack ids: channels C/G/D, users U/W, user groups S.
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_TEAM_NAME = re.compile(r"^[a-z0-9][a-z0-9 _-]{0,39}$")


class ConfigError(Exception):
    """Configuration is missing or malformed; `problems` has one line per variable."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class EscalationTeam:
    name: str
    # Slack user group ids (S…) and user ids (U…/W…), in the order configured.
    members: tuple[str, ...]

    @property
    def usergroups(self) -> tuple[str, ...]:
        return tuple(m for m in self.members if m.startswith("S"))

    @property
    def users(self) -> tuple[str, ...]:
        return tuple(m for m in self.members if not m.startswith("S"))


@dataclass(frozen=True)
class PublishingSettings:
    """Slack's pace, which the publishing loop keeps (bot.slack.publish_loop)."""

    # Slack allows about one message per second per channel, with short bursts.
    posts_per_second: float = 1.0
    post_burst: int = 4
    # chat.update is Tier 3 (about 50 a minute).
    updates_per_minute: int = 50
    # Changes of one card within this window become one chat.update.
    card_coalesce_seconds: float = 1.0


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str
    slack_signing_secret: str
    slack_channel_id: str
    # One typed block per configured network (see bot/networks/registry.py).
    networks: tuple[NetworkSettings, ...] = ()
    slack_app_token: str | None = None
    slack_api_base_url: str = DEFAULT_SLACK_API_BASE_URL
    # The interface language of channel messages, and of users whose Slack locale we do
    # not speak (bot.i18n): "en" or "es".
    slack_default_language: str = "en"
    database_url: str = DEFAULT_DATABASE_URL
    poll_interval_seconds: int = 30
    # The worker lease: a standby worker takes over within this long of the leader's death.
    worker_lease_seconds: int = 15
    backfill_hours: int = 24
    port: int = 3000
    # Answering (approval and escalation).
    approver_user_ids: frozenset[str] = frozenset()
    approver_usergroup_id: str | None = None
    allow_self_approval: bool = False
    # Leads change saved replies and team settings; when neither is set, approvers are leads.
    lead_user_ids: frozenset[str] = frozenset()
    lead_usergroup_id: str | None = None
    escalation_teams: tuple[EscalationTeam, ...] = ()
    triage: TriageConfig = field(default_factory=TriageConfig)
    # Response targets, business hours, reminders, escalation and admins (bot.sla).
    sla: Policy = field(default_factory=default_policy)
    # Reports, spike alerts and the cost meter.
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    # Which channel each case goes to (the policy file's [routing]; bot.routing).
    routing: RoutingConfig = field(default_factory=RoutingConfig)
    # How fast the publishing loop posts and updates cards.
    publishing: PublishingSettings = field(default_factory=PublishingSettings)

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    def network(self, name: str) -> NetworkSettings | None:
        """The settings block of the network called `name`, if it is configured."""
        return next((block for block in self.networks if block.name == name), None)


def read_environment(env_file: str | Path | None = ".env") -> dict[str, str]:
    """The process environment over the values of `.env` (the environment wins)."""
    values: dict[str, str] = {}
    if env_file and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ)
    return values


def _escalation_teams(reader: EnvReader) -> tuple[EscalationTeam, ...]:
    teams = []
    for entry in reader.csv("ESCALATION_TEAMS"):
        name, sep, ids = entry.partition("=")
        name = name.strip().lower()
        members = tuple(i.strip() for i in ids.split("+") if i.strip())
        bad = [m for m in members if not (_USER_ID.match(m) or _USERGROUP_ID.match(m))]
        if not sep or not _TEAM_NAME.match(name) or not members or bad:
            reader.problems.append(
                f"ESCALATION_TEAMS entry {entry!r} must look like name=S0123ABC+U0456DEF "
                "(a team name, then Slack user group S… or user U…/W… ids joined by +)."
            )
            continue
        teams.append(EscalationTeam(name=name, members=members))
    return tuple(teams)


def _custom_patterns(reader: EnvReader) -> tuple[tuple[str, str], ...]:
    patterns = []
    raw = reader.raw("PII_CUSTOM_PATTERNS") or ""
    # `;` separates entries because regular expressions often contain commas.
    for entry in (e.strip() for e in raw.split(";") if e.strip()):
        name, sep, pattern = entry.partition("=")
        try:
            re.compile(pattern)
        except re.error as exc:
            reader.problems.append(
                f"PII_CUSTOM_PATTERNS entry {name!r} is not a valid regex: {exc}."
            )
            continue
        if not sep or not name.strip() or not pattern:
            reader.problems.append(
                f"PII_CUSTOM_PATTERNS entry {entry!r} must look like order_number=ORD-\\d{{8}}."
            )
            continue
        patterns.append((name.strip(), pattern))
    return tuple(patterns)


def _response_targets(reader: EnvReader) -> dict[str, int]:
    targets = {"P1": 15, "P2": 60, "P3": 1440}
    for entry in reader.csv("RESPONSE_TARGET_MINUTES"):
        level, sep, minutes = entry.partition("=")
        level = level.strip().upper()
        if not sep or level not in targets or not minutes.strip().isdigit() or int(minutes) < 1:
            reader.problems.append(
                f"RESPONSE_TARGET_MINUTES entry {entry!r} must look like P1=15 (P1, P2 or P3)."
            )
            continue
        targets[level] = int(minutes)
    return targets


def _default_country(reader: EnvReader) -> str | None:
    """PII_DEFAULT_COUNTRY: where the brand's customers' national phone numbers are from."""
    code = reader.raw("PII_DEFAULT_COUNTRY")
    if code is None:
        return None
    if not known_region(code):
        reader.problems.append(
            f"PII_DEFAULT_COUNTRY must be a two-letter country code like AR or ES, got {code!r}."
        )
        return None
    return code.upper()


def _reference_detectors(reader: EnvReader) -> tuple[str, ...]:
    """PII_REFERENCE_DETECTORS: which built-in order/account/… detectors run (all when unset
    or empty, none with "none")."""
    raw = reader.raw("PII_REFERENCE_DETECTORS")
    if raw is None:
        return BUILT_IN_REFERENCE_DETECTORS
    if raw.lower() == "none":
        return ()
    chosen = tuple(reader.csv("PII_REFERENCE_DETECTORS"))
    unknown = [name for name in chosen if name not in BUILT_IN_REFERENCE_DETECTORS]
    if unknown:
        reader.problems.append(
            f"PII_REFERENCE_DETECTORS has unknown detectors {', '.join(unknown)}; "
            f"choose from {', '.join(BUILT_IN_REFERENCE_DETECTORS)}."
        )
    return tuple(name for name in chosen if name in BUILT_IN_REFERENCE_DETECTORS)


def _triage(reader: EnvReader) -> TriageConfig:
    return TriageConfig(
        languages=tuple(lang.lower() for lang in reader.csv("TRIAGE_LANGUAGES")) or ("es", "en"),
        vip_handles=frozenset(h.lstrip("@").lower() for h in reader.csv("VIP_HANDLES")),
        urgent_terms=tuple(reader.csv("URGENT_TERMS")),
        pii_allowlist=tuple(reader.csv("PII_ALLOWLIST")),
        pii_custom_patterns=_custom_patterns(reader),
        pii_reference_detectors=_reference_detectors(reader),
        default_region=_default_country(reader),
        response_target_minutes=_response_targets(reader),
    )


def _sla_policy(reader: EnvReader, triage: TriageConfig) -> Policy:
    """The policy file named by CARETHREAD_CONFIG, else ./carethread.toml if it exists,
    else the defaults (RESPONSE_TARGET_MINUTES). Its problems join the other settings'."""
    path = _policy_path(reader)
    if path is None:
        return default_policy(triage.response_target_minutes)
    try:
        return load_policy(path, triage.response_target_minutes)
    except PolicyError as exc:
        reader.problems.extend(f"CARETHREAD_CONFIG: {problem}" for problem in exc.problems)
        return default_policy(triage.response_target_minutes)


def _networks(reader: EnvReader) -> tuple[NetworkSettings, ...]:
    """Every configured network's block; at least one network must be configured."""
    blocks = read_network_blocks(reader)
    if not blocks:
        reader.problems.append(
            "No network to listen on is configured: set the variables of at least one of "
            "X (X_…), Mastodon (MASTODON_…), Bluesky (BLUESKY_…), RSS/Atom feeds (RSS_FEEDS) "
            "or Discourse (DISCOURSE_…); .env.example lists them all."
        )
    return blocks


def _policy_path(reader: EnvReader) -> str | None:
    """The policy file: CARETHREAD_CONFIG, else ./carethread.toml if it exists, else none."""
    path = reader.raw("CARETHREAD_CONFIG")
    if path is None and Path(POLICY_FILE).is_file():
        path = POLICY_FILE
    return path


def _routing(reader: EnvReader, triage: TriageConfig) -> RoutingConfig:
    """The policy file's [routing] rules; none (everything to SLACK_CHANNEL_ID) without a
    file."""
    path = _policy_path(reader)
    if path is None or not Path(path).is_file():
        return RoutingConfig()  # a missing file is reported once, by the service levels
    try:
        config = load_routing(path)
    except RoutingError as exc:
        reader.problems.extend(f"CARETHREAD_CONFIG: {problem}" for problem in exc.problems)
        return RoutingConfig()
    reader.problems.extend(
        f"CARETHREAD_CONFIG: {problem}" for problem in config.unused_languages(triage.languages)
    )
    return config


def load_triage_config(env: Mapping[str, str] | None = None) -> TriageConfig:
    """Only the triage settings, for `python -m bot triage` (no Slack or X needed)."""
    reader = EnvReader(read_environment() if env is None else env)
    config = _triage(reader)
    if reader.problems:
        raise ConfigError(reader.problems)
    return config


def load_database_url(env: Mapping[str, str] | None = None) -> str:
    """Only DATABASE_URL, for `db upgrade` (a release step needs no Slack or X settings)."""
    reader = EnvReader(read_environment() if env is None else env)
    url = reader.raw("DATABASE_URL") or DEFAULT_DATABASE_URL
    try:
        normalize_database_url(url)
    except DatabaseUrlError as exc:
        raise ConfigError([f"DATABASE_URL {exc}"]) from None
    return url


def load_log_format(env: Mapping[str, str] | None = None) -> str:
    """LOG_FORMAT (`text` or `json`), read before anything else so every line is in it."""
    value = EnvReader(read_environment() if env is None else env).raw("LOG_FORMAT") or "text"
    if value.lower() not in {"text", "json"}:
        raise ConfigError([f"LOG_FORMAT must be text or json, got {value!r}."])
    return value.lower()


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build `Settings` from `env` (default: the environment over `.env`).

    Raises `ConfigError` listing every problem, one line per variable.
    """
    reader = EnvReader(read_environment() if env is None else env)
    r = reader
    channel = r.required("SLACK_CHANNEL_ID", "the Slack channel id where cases are posted (C…)")
    if channel and not _CHANNEL_ID.match(channel):
        r.problems.append(
            f"SLACK_CHANNEL_ID must be a Slack channel id like C0123ABCD, got {channel!r}."
        )
    bot_token = r.required("SLACK_BOT_TOKEN", "the Slack bot token (xoxb-…)")
    if bot_token and not bot_token.startswith("xoxb-"):
        r.problems.append("SLACK_BOT_TOKEN must be a bot token starting with xoxb-.")
    app_token = r.raw("SLACK_APP_TOKEN")
    if app_token and not app_token.startswith("xapp-"):
        r.problems.append("SLACK_APP_TOKEN must be an app-level token starting with xapp-.")
    approver_group = r.raw("APPROVER_USERGROUP_ID")
    if approver_group and not _USERGROUP_ID.match(approver_group):
        r.problems.append(
            f"APPROVER_USERGROUP_ID must be a user group id like S0123ABC, got {approver_group!r}."
        )
    approvers = r.csv("APPROVER_USER_IDS")
    bad_approvers = [a for a in approvers if not _USER_ID.match(a)]
    if bad_approvers:
        r.problems.append(
            f"APPROVER_USER_IDS has ids that are not Slack user ids: {', '.join(bad_approvers)}."
        )
    lead_group = r.raw("LEAD_USERGROUP_ID")
    if lead_group and not _USERGROUP_ID.match(lead_group):
        r.problems.append(
            f"LEAD_USERGROUP_ID must be a user group id like S0123ABC, got {lead_group!r}."
        )
    leads = r.csv("LEAD_USER_IDS")
    bad_leads = [a for a in leads if not _USER_ID.match(a)]
    if bad_leads:
        r.problems.append(
            f"LEAD_USER_IDS has ids that are not Slack user ids: {', '.join(bad_leads)}."
        )
    slack_base = r.url("SLACK_API_BASE_URL") or DEFAULT_SLACK_API_BASE_URL
    language = (r.raw("SLACK_DEFAULT_LANGUAGE") or "en").lower()
    if language not in LANGUAGES:
        r.problems.append(
            f"SLACK_DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}, got {language!r}."
        )
    triage = _triage(r)
    settings = Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=r.required("SLACK_SIGNING_SECRET", "the Slack app's signing secret"),
        slack_channel_id=channel,
        slack_app_token=app_token,
        slack_api_base_url=slack_base if slack_base.endswith("/") else slack_base + "/",
        slack_default_language=language,
        networks=_networks(r),
        database_url=r.raw("DATABASE_URL") or DEFAULT_DATABASE_URL,
        poll_interval_seconds=r.integer("POLL_INTERVAL_SECONDS", 30, 1, 86_400),
        worker_lease_seconds=r.integer("WORKER_LEASE_SECONDS", 15, 2, 600),
        backfill_hours=r.integer("BACKFILL_HOURS", 24, 0, 24 * 7),
        port=r.integer("PORT", 3000, 1, 65_535),
        approver_user_ids=frozenset(approvers),
        approver_usergroup_id=approver_group,
        allow_self_approval=r.boolean("ALLOW_SELF_APPROVAL", False),
        lead_user_ids=frozenset(leads),
        lead_usergroup_id=lead_group,
        escalation_teams=_escalation_teams(r),
        triage=triage,
        sla=_sla_policy(r, triage),
        metrics=read_metrics_settings(r),
        routing=_routing(r, triage),
        publishing=PublishingSettings(
            posts_per_second=r.decimal("SLACK_POSTS_PER_SECOND", 1.0, 0.01, 1000.0),
            post_burst=r.integer("SLACK_POST_BURST", 4, 1, 1000),
            updates_per_minute=r.integer("SLACK_UPDATES_PER_MINUTE", 50, 1, 60_000),
            card_coalesce_seconds=r.decimal("SLACK_CARD_COALESCE_SECONDS", 1.0, 0.0, 60.0),
        ),
    )
    try:
        normalize_database_url(settings.database_url)
    except DatabaseUrlError as exc:
        r.problems.append(f"DATABASE_URL {exc}")
    if r.problems:
        raise ConfigError(r.problems)
    return settings
