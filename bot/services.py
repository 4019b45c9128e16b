"""What listeners may use, built once by `bot.app` and handed to them via Bolt's context.

Listeners run in Bolt's thread pool after `ack()`, so services open their own unit of
work (`session_scope(services.factory)`) rather than share a request-wide session that a
middleware would close before the listener finishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.knowledge.embeddings import EmbedFn
from bot.networks.registry import Networks
from bot.outbound import Sender
from bot.slack.case_thread import CaseThread
from bot.slack.directory import Directory

CONTEXT_KEY = "services"


class HomeTabs(Protocol):
    """Publishes users' App Home (`bot.reports.home.HomePublisher`)."""

    def opened(self, services: Services, user: str) -> None: ...

    def publish(self, services: Services, user: str, notice: str | None = None) -> bool: ...

    def refresh(self, services: Services) -> int: ...


@dataclass(frozen=True)
class Services:
    settings: Settings
    factory: sessionmaker[Session]
    networks: Networks
    # The bot's own Web API client (rate limits retried), for work after ack().
    slack: WebClient
    # Tells Slack about cases (cards, drafts, outcomes, DMs), best effort after commits.
    thread: CaseThread
    # Approvers and user-group members, cached briefly.
    directory: Directory
    # Sends approved drafts exactly once; shared with the jobs.
    sender: Sender
    # App Home: who looked lately, and publishing it.
    home: HomeTabs
    # The sentence encoder, for similar past cases of posts stored without a vector.
    embed: EmbedFn | None = None


def services_of(context: BoltContext) -> Services:
    """The services a listener gets (put in the context by `bot.app`'s middleware)."""
    services = context[CONTEXT_KEY]
    if not isinstance(services, Services):
        raise TypeError("Carethread's services are missing from the Bolt context")
    return services
