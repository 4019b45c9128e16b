"""The one wiring place: settings → engine → clients → networks → services → Bolt app →
scheduler → HTTP server. Long-lived collaborators are built here once and passed in."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App, BoltContext
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

import handlers
from bot.config import Settings
from bot.ingest import make_triage
from bot.jobs import Cycle, start_scheduler
from bot.knowledge.embeddings import embed_with_triage_encoder
from bot.networks.base import Network, NetworkError
from bot.networks.registry import Networks
from bot.outbound import Sender
from bot.polling import ProgressFactory
from bot.server import HttpServer, make_wsgi_app
from bot.services import CONTEXT_KEY, Services
from bot.slack.case_thread import CaseThread
from bot.slack.directory import Directory
from bot.slack.failures import SETUP_ERRORS
from bot.slack.outbox import SlackPublisher
from storage.db import check_schema, make_engine, make_session_factory

log = logging.getLogger("carethread")

# Short enough that SIGTERM finishes within 10 s even mid-request.
SLACK_TIMEOUT_SECONDS = 5
SHUTDOWN_SECONDS = 7


class StartupError(Exception):
    """The bot cannot start; the message says what to do. Exit code 2."""


def make_slack_client(settings: Settings, *, retry_rate_limits: bool) -> WebClient:
    client = WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_base_url,
        timeout=SLACK_TIMEOUT_SECONDS,
    )
    if retry_rate_limits:
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    else:
        # The publisher reconciles by itself; a blind retry after a dropped
        # connection could post the same message twice.
        client.retry_handlers.clear()
    return client


def make_bolt_app(settings: Settings, services: Services, listeners: ThreadPoolExecutor) -> App:
    app = App(
        client=services.slack,
        listener_executor=listeners,
        signing_secret=settings.slack_signing_secret,
        # We run auth.test ourselves at start-up, with a clearer message.
        token_verification_enabled=False,
        # Acknowledge first: listeners go on in Bolt's thread pool after ack().
        process_before_response=False,
    )

    @app.middleware
    def provide_services(context: BoltContext, next: Callable[[], None]) -> None:
        context[CONTEXT_KEY] = services
        next()

    handlers.register_all(app)
    return app


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    networks: Networks
    services: Services
    bolt: App
    cycle: Cycle
    # Where Bolt runs listeners after ack(); drained on shutdown.
    listeners: ThreadPoolExecutor
    scheduler: BackgroundScheduler | None = None
    http: HttpServer | None = None
    socket_mode: SocketModeHandler | None = None

    def start(self, *, scheduler: bool = True) -> None:
        """Start serving; tests pass `scheduler=False` and run `cycle.run()` themselves."""
        if scheduler:
            self.scheduler = start_scheduler(self.cycle, self.settings.poll_interval_seconds)
        slack_wsgi = None if self.settings.socket_mode else SlackRequestHandler(self.bolt)
        self.http = HttpServer(make_wsgi_app(self.health, slack_wsgi), self.settings.port)
        self.http.start()
        if self.settings.socket_mode:
            self.socket_mode = SocketModeHandler(self.bolt, self.settings.slack_app_token)
            # slack_bolt's Socket Mode adapter is not annotated.
            self.socket_mode.connect()  # type: ignore[no-untyped-call]
            log.info("Connected to Slack in Socket Mode")

    def health(self) -> tuple[bool, dict[str, object]]:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            database = True
        except Exception:  # any database failure means unhealthy, whatever its kind
            database = False
        scheduler = bool(self.scheduler and self.scheduler.running)
        publisher = self.cycle.publisher
        return database and scheduler, {
            "database": database,
            "scheduler": scheduler,
            "last_cycle": self.cycle.last_run_at.isoformat() if self.cycle.last_run_at else None,
            "slack_error": publisher.last_error,
        }

    def stop(self) -> None:
        """Stop taking work, let a running cycle finish its current step, close everything.

        Bounded: work still running after SHUTDOWN_SECONDS is abandoned, which is safe
        because checkpoints move only with the posts they cover, Slack posts are
        reconciled before any retry, and a reply's send is recorded before X is called
        and settled by the next process.
        """
        deadline = time.monotonic() + SHUTDOWN_SECONDS
        self.cycle.stop.set()
        # No new clicks; the ones already acknowledged (an approval on its way to X,
        # say) finish, alongside the running poll cycle.
        if self.socket_mode:
            self.socket_mode.close()  # type: ignore[no-untyped-call]
        if self.http:
            self.http.close()
        waiters = [threading.Thread(target=self.listeners.shutdown, daemon=True)]
        if self.scheduler and self.scheduler.running:
            waiters.append(
                threading.Thread(target=self.scheduler.shutdown, kwargs={"wait": True}, daemon=True)
            )
        for waiter in waiters:
            waiter.start()
        for waiter in waiters:
            waiter.join(max(0.0, deadline - time.monotonic()))
        self.engine.dispose()


def build_runtime(
    settings: Settings,
    progress_factory: ProgressFactory | None = None,
    extra_networks: Iterable[Network] = (),
) -> Runtime:
    """Everything the bot process runs, wired; raises `StartupError` with advice.

    `extra_networks` are connected networks added beside the configured ones (tests use
    an in-memory network this way).
    """
    engine = make_engine(settings.database_url)
    check_schema(engine)
    factory = make_session_factory(engine)
    publisher_client = make_slack_client(settings, retry_rate_limits=False)
    _check_slack(publisher_client)
    networks = Networks([*(block.connect() for block in settings.networks), *extra_networks])
    for network in networks.values():
        _check_network(network)
    slack = make_slack_client(settings, retry_rate_limits=True)
    thread = CaseThread(slack, factory, networks)
    sender = Sender(factory, networks, thread)
    services = Services(
        settings=settings,
        factory=factory,
        networks=networks,
        slack=slack,
        thread=thread,
        directory=Directory(
            slack,
            approver_user_ids=settings.approver_user_ids,
            approver_usergroup_id=settings.approver_usergroup_id,
        ),
        sender=sender,
        embed=embed_with_triage_encoder,
    )
    publisher = SlackPublisher(publisher_client, settings.slack_channel_id, networks, thread)
    cycle = Cycle(
        factory=factory,
        networks=networks,
        publisher=publisher,
        sender=sender,
        backfill=timedelta(hours=settings.backfill_hours),
        progress_factory=progress_factory,
        triage=make_triage(settings.triage),
        embed=embed_with_triage_encoder,
    )
    listeners = ThreadPoolExecutor(max_workers=8, thread_name_prefix="slack-listener")
    bolt = make_bolt_app(settings, services, listeners)
    return Runtime(settings, engine, factory, networks, services, bolt, cycle, listeners)


def _check_slack(client: WebClient) -> None:
    try:
        identity = client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "")
        if error in SETUP_ERRORS:
            raise StartupError(f"Slack: {SETUP_ERRORS[error]}.") from exc
        log.warning("Slack auth.test failed (%s); starting anyway, will retry", error)
        return
    except OSError as exc:
        log.warning("Cannot reach Slack yet (%s); starting anyway, will retry", exc)
        return
    log.info("Slack: connected as %s in %s", identity.get("user"), identity.get("team"))


def _check_network(network: Network) -> None:
    label = network.label
    try:
        brand = network.whoami()
    except NetworkError as exc:
        if not exc.retryable:
            raise StartupError(f"{label}: {exc.reason}.") from exc
        log.warning("Cannot reach %s yet (%s); starting anyway, will retry", label, exc.reason)
        return
    log.info("%s: listening as @%s (id %s)", label, brand.handle, brand.external_id)
