"""What listeners may use, built once by `bot.app` and handed to them via Bolt's context.

Listeners run in Bolt's thread pool after `ack()`, so they open their own unit of
work (`session_scope(services.factory)`) rather than share a request-wide session
that a middleware would close before the listener finishes.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.networks import Network
from bot.slack.publish import SlackPublisher


@dataclass
class Services:
    settings: Settings
    factory: sessionmaker[Session]
    network: Network
    # The bot's own Web API client (rate limits retried), for work after ack().
    slack: WebClient
    publisher: SlackPublisher
