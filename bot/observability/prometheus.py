"""Prometheus metrics on `GET /metrics` (prometheus_client).

Counters and histograms are module-level and unregistered; each running bot registers them,
with a collector that reads the database at scrape time (cases open, publish backlog, last
successful poll), in a registry of its own. Labels are low-cardinality only: no user or
case ids (Prometheus naming practice).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.networks.base import (
    Author,
    Fetch,
    Network,
    NetworkError,
    NetworkUnavailable,
    Outgoing,
    Page,
    ProgressCallback,
    RateLimited,
    ReplyContext,
    SentReply,
    Stream,
)
from storage.db import session_scope
from storage.enums import OPEN_STATUSES
from storage.models import Case, PollCheckpoint, Post

T = TypeVar("T")

POSTS_INGESTED = Counter(
    "carethread_posts_ingested", "Customer posts stored, by network", ["network"], registry=None
)
SLACK_CALLS = Counter(
    "carethread_slack_api_calls",
    "Slack Web API calls by method and outcome (ok, or Slack's error code)",
    ["method", "outcome"],
    registry=None,
)
NETWORK_CALLS = Counter(
    "carethread_network_calls",
    "Calls to social networks by operation and outcome (ok, rate_limited, unavailable, refused)",
    ["network", "operation", "outcome"],
    registry=None,
)
ACTION_SECONDS = Histogram(
    "carethread_action_seconds",
    "Time to handle a Slack action, view submission or command, by listener",
    ["listener"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30),
    registry=None,
)
STATIC_METRICS = (POSTS_INGESTED, SLACK_CALLS, NETWORK_CALLS, ACTION_SECONDS)


class DatabaseCollector(Collector):
    """Gauges read from the database at each scrape."""

    def __init__(self, factory: sessionmaker[Session]):
        self.factory = factory

    @staticmethod
    def _families() -> tuple[GaugeMetricFamily, GaugeMetricFamily, GaugeMetricFamily]:
        return (
            GaugeMetricFamily(
                "carethread_cases_open", "Open cases by priority", labels=["priority"]
            ),
            GaugeMetricFamily(
                "carethread_publish_backlog", "Posts stored but not yet shown in Slack"
            ),
            GaugeMetricFamily(
                "carethread_last_successful_poll_timestamp_seconds",
                "When each stream was last polled successfully (Unix time)",
                labels=["network", "stream"],
            ),
        )

    def describe(self) -> Iterable[Metric]:
        """Names only, so registering needs no database."""
        return list(self._families())

    def collect(self) -> Iterable[Metric]:
        open_cases, backlog, last_poll = self._families()
        with session_scope(self.factory) as session:
            counts: dict[str, int] = {}
            for priority, count in session.execute(
                select(Case.priority, func.count(Case.id))
                .where(Case.status.in_(OPEN_STATUSES))
                .group_by(Case.priority)
            ):
                counts[priority] = count
            pending = session.scalar(select(func.count(Post.id)).where(Post.slack_ts.is_(None)))
            polls = [
                (network, stream, at)
                for network, stream, at in session.execute(
                    select(
                        PollCheckpoint.network,
                        PollCheckpoint.stream,
                        PollCheckpoint.last_success_at,
                    )
                )
            ]
        for priority in ("P1", "P2", "P3"):
            open_cases.add_metric([priority], counts.get(priority, 0))
        backlog.add_metric([], pending or 0)
        for network, stream, at in polls:
            if at is not None:
                # Stream names may carry a search query: keep the kind only.
                last_poll.add_metric([network, stream.partition(":")[0]], at.timestamp())
        return [open_cases, backlog, last_poll]


def make_registry(factory: sessionmaker[Session]) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=True)
    for metric in STATIC_METRICS:
        registry.register(metric)
    registry.register(DatabaseCollector(factory))
    return registry


def metrics_app(registry: CollectorRegistry) -> Callable[..., Iterable[bytes]]:
    """The WSGI app that answers `GET /metrics`."""
    app: Callable[..., Iterable[bytes]] = make_wsgi_app(registry)
    return app


class CountingWebClient(WebClient):
    """A WebClient that counts its calls by method and outcome."""

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            SLACK_CALLS.labels(api_method, str(exc.response.get("error") or "http_error")).inc()
            raise
        except Exception:
            SLACK_CALLS.labels(api_method, "connection_error").inc()
            raise
        SLACK_CALLS.labels(api_method, "ok").inc()
        return response


def _outcome(exc: NetworkError) -> str:
    if isinstance(exc, RateLimited):
        return "rate_limited"
    if isinstance(exc, NetworkUnavailable):
        return "unavailable"
    return "refused"


class MeteredNetwork:
    """A connected network whose calls are counted; everything else is the network's own."""

    def __init__(self, inner: Network):
        self.inner = inner
        self.name = inner.name
        self.label = inner.label
        self.icon = inner.icon
        self.can_reply_publicly = inner.can_reply_publicly
        self.can_send_private = inner.can_send_private

    def _counted(self, operation: str, call: Callable[[], T]) -> T:
        try:
            result = call()
        except NetworkError as exc:
            NETWORK_CALLS.labels(self.name, operation, _outcome(exc)).inc()
            raise
        NETWORK_CALLS.labels(self.name, operation, "ok").inc()
        return result

    def whoami(self) -> Author:
        return self.inner.whoami()

    def streams(self) -> list[Stream]:
        return [Stream(stream.name, self._fetch(stream)) for stream in self.inner.streams()]

    def _fetch(self, stream: Stream) -> Fetch:
        def fetch(
            cursor: str | None, start: datetime | None, progress: ProgressCallback | None
        ) -> Page:
            return self._counted("fetch", lambda: stream.fetch(cursor, start, progress))

        return fetch

    def reply_problems(self, text: str, visibility: str, context: ReplyContext) -> dict[str, str]:
        return self.inner.reply_problems(text, visibility, context)

    def reply_hint(self) -> str:
        return self.inner.reply_hint()

    def draft_prefill(self, customer_handle: str, visibility: str) -> str:
        return self.inner.draft_prefill(customer_handle, visibility)

    def private_message_link(self) -> str | None:
        return self.inner.private_message_link()

    def reply_window(self, context: ReplyContext) -> str | None:
        return self.inner.reply_window(context)

    def reply_note(self, post_meta: Mapping[str, Any], visibility: str) -> str | None:
        return self.inner.reply_note(post_meta, visibility)

    def send(self, outgoing: Outgoing) -> SentReply:
        return self._counted("send", lambda: self.inner.send(outgoing))

    def find_sent(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        return self._counted("find_sent", lambda: self.inner.find_sent(outgoing, since))

    def __getattr__(self, name: str) -> Any:
        # Network-specific helpers (tests and the demo call them) stay reachable.
        return getattr(self.inner, name)


def observe_action(listener: str, started: float) -> None:
    """Record how long a listener took since `started` (a `time.monotonic()` reading)."""
    ACTION_SECONDS.labels(listener).observe(time.monotonic() - started)
