"""The one wiring place: settings → engine → clients → networks → services → Bolt app →
scheduler → HTTP server. Long-lived collaborators are built here once and passed in.

A process has a role (`Role`): `web` serves Slack and the networks' webhooks (stateless,
run as many as you like), `worker` runs the duties that must run once (polling,
publishing, deadlines, reports, listening health) while it holds the worker lease
(`bot.lease`), and `all` (the default) is both in one process. Every role serves
`/livez`, `/readyz`, `/healthz` and `/metrics` on PORT."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App, BoltContext
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

import handlers
from bot.config import Settings
from bot.i18n import ContextCarryingExecutor, choose_reader, set_workspace_language
from bot.ingest import make_triage
from bot.intake import WebhookIntake
from bot.jobs import POLL_JOB_ID, Cycle, start_scheduler
from bot.knowledge.embeddings import embed_with_triage_encoder
from bot.lease import Lease
from bot.networks.base import Network, NetworkError
from bot.networks.registry import WEBHOOK_ROUTES, Networks
from bot.observability.prometheus import (
    CountingWebClient,
    MeteredNetwork,
    make_registry,
    metrics_app,
)
from bot.outbound import Sender
from bot.polling import ProgressFactory
from bot.registry import ProcessRegistry
from bot.reports.home import HomePublisher
from bot.reports.jobs import report_jobs
from bot.routing.assign import make_route_step
from bot.routing.route import Router
from bot.server import HttpServer, WSGIApp, make_wsgi_app
from bot.services import CONTEXT_KEY, Services
from bot.sla.health import ListeningHealth
from bot.sla.policy import p3_response_target
from bot.sla.watcher import DeadlineWatcher
from bot.slack.case_thread import CaseThread
from bot.slack.directory import Directory
from bot.slack.failures import SETUP_ERRORS
from bot.slack.outbox import SlackPublisher
from bot.slack.publish_loop import PublishLoop
from bot.socket_mode import GuardedSocketModeHandler
from storage.db import check_schema, make_engine, make_session_factory
from storage.models import utcnow

log = logging.getLogger("carethread")

# Short enough that SIGTERM finishes within 10 s even mid-request.
SLACK_TIMEOUT_SECONDS = 5
SHUTDOWN_SECONDS = 7


class StartupError(Exception):
    """The bot cannot start; the message says what to do. Exit code 2."""


class Role(StrEnum):
    """What a process does: `python -m bot web | worker | run` (run = all)."""

    ALL = "all"
    WEB = "web"
    WORKER = "worker"

    @property
    def serves_slack(self) -> bool:
        return self is not Role.WORKER

    @property
    def runs_worker(self) -> bool:
        return self is not Role.WEB


class SlackAuth:
    """Whether Slack accepted our token (auth.test): checked at start-up and, while it is
    not known to be fine, again at most every `RECHECK_SECONDS` when readiness is asked."""

    RECHECK_SECONDS = 30.0

    def __init__(self, client: WebClient, ok: bool):
        self.client = client
        self._ok = ok
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    def ok(self) -> bool:
        with self._lock:
            if self._ok or time.monotonic() - self._checked < self.RECHECK_SECONDS:
                return self._ok
            self._checked = time.monotonic()
        try:
            self.client.auth_test()
            fine = True
        except (SlackApiError, OSError):
            fine = False
        with self._lock:
            self._ok = fine
        return fine


def make_slack_client(settings: Settings, *, retry_rate_limits: bool) -> WebClient:
    # Counts calls by method and outcome for /metrics.
    client = CountingWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_base_url,
        timeout=SLACK_TIMEOUT_SECONDS,
    )
    if retry_rate_limits:
        # A click's thread messages share the channel's budget with the publishing loop:
        # during a backlog a 429 is likely, and each retry waits Retry-After (after ack).
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=5))
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

    @app.middleware
    def choose_language(context: BoltContext, next: Callable[[], None]) -> None:
        # What a listener renders for the clicking user (modals, ephemerals, App Home,
        # errors) is in their Slack language; found on first use, after ack().
        user = context.user_id
        choose_reader((lambda: services.directory.language(user)) if user else None)
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
    # Service levels: the deadline watcher and listening health (scheduler jobs).
    deadlines: DeadlineWatcher
    listening: ListeningHealth
    scheduler: BackgroundScheduler | None = None
    http: HttpServer | None = None
    socket_mode: GuardedSocketModeHandler | None = None
    # Networks' webhooks (path → app) and the worker that stores what they bring.
    webhooks: dict[str, WSGIApp] = field(default_factory=dict)
    intake: WebhookIntake | None = None
    role: Role = Role.ALL
    # This process in the process registry, and its side of the worker lease.
    registry: ProcessRegistry | None = None
    lease: Lease | None = None
    slack_auth: SlackAuth | None = None
    # Posts and card updates go to Slack from here, at Slack's pace (its own thread).
    publish_loop: PublishLoop | None = None

    def start(self, *, scheduler: bool = True) -> None:
        """Start serving this process's role; tests pass `scheduler=False` and run
        `cycle.run()` themselves (the worker lease is still taken, so the cycle runs)."""
        if self.registry:
            self.registry.start()
        if self.role.runs_worker:
            # The triage model loads in seconds: a standby loads it now, not at takeover.
            threading.Thread(target=_warm_up_triage, name="warm-up", daemon=True).start()
        if self.role.runs_worker and self.lease:
            self.lease.listen(on_acquired=self._took_over)
            self.lease.start()
        if scheduler and self.role.runs_worker:
            self.scheduler = start_scheduler(
                self.cycle,
                self.settings.poll_interval_seconds,
                self.deadlines,
                self.listening,
                jobs=report_jobs(self.services),
                may_run=self.lease.held if self.lease else None,
            )
        serves_slack = self.role.serves_slack
        slack_wsgi = (
            SlackRequestHandler(self.bolt)
            if serves_slack and not self.settings.socket_mode
            else None
        )
        if self.publish_loop and self.role.runs_worker:
            self.publish_loop.start()
        if self.intake and serves_slack:
            self.intake.start()
        metrics = metrics_app(make_registry(self.factory))
        app = make_wsgi_app(
            self.health,
            slack_wsgi,
            self.settings.slack_signing_secret,
            metrics=metrics,
            webhooks=self.webhooks if serves_slack else {},
            liveness=self.liveness,
            readiness=self.readiness,
        )
        self.http = HttpServer(app, self.settings.port)
        self.http.start()
        if self.settings.socket_mode and serves_slack:
            self.socket_mode = GuardedSocketModeHandler(self.bolt, self.settings.slack_app_token)
            # slack_bolt's Socket Mode adapter is not annotated.
            self.socket_mode.connect()  # type: ignore[no-untyped-call]
            log.info("Connected to Slack in Socket Mode")
        log.info("Running as %s (process %s)", self.role, self._process_id())

    def _took_over(self, epoch: int) -> None:
        """This process just became the active worker: poll and publish now, not at the
        next tick (a takeover catches up at once)."""
        if self.publish_loop:
            self.publish_loop.took_over()
        scheduler = self.scheduler
        if scheduler is not None and scheduler.running:
            scheduler.modify_job(POLL_JOB_ID, next_run_time=datetime.now().astimezone())

    def _process_id(self) -> str:
        return self.registry.id if self.registry else "-"

    def _database_ok(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:  # any database failure means unhealthy, whatever its kind
            return False

    def health(self) -> tuple[bool, dict[str, object]]:
        """`/healthz`, as before roles existed: the database, and (where this process runs
        the worker) its scheduler; a web process has none and needs none."""
        database = self._database_ok()
        scheduler = bool(self.scheduler and self.scheduler.running)
        publisher = self.publish_loop.publisher if self.publish_loop else None
        healthy = database and (scheduler or not self.role.runs_worker)
        return healthy, {
            "database": database,
            "scheduler": scheduler,
            "last_cycle": self.cycle.last_run_at.isoformat() if self.cycle.last_run_at else None,
            "slack_error": publisher.last_error if publisher else None,
            "last_deadline_run": _iso(self.deadlines.last_run_at),
            "listening_problems": self.listening.problems,
            **self._lease_state(),
        }

    def liveness(self) -> tuple[bool, dict[str, object]]:
        """`/livez`: the process answers. Nothing else: restarting a process because its
        database is away would not bring the database back."""
        return True, {"role": str(self.role), "process": self._process_id()}

    def readiness(self) -> tuple[bool, dict[str, object]]:
        """`/readyz`: ready for this role's work: the database answers and Slack accepts our
        token; a worker also has its scheduler running (holding the lease or standing by,
        both are ready)."""
        database = self._database_ok()
        slack = self.slack_auth.ok() if self.slack_auth else True
        scheduler = bool(self.scheduler and self.scheduler.running)
        ready = database and slack and (scheduler or not self.role.runs_worker)
        return ready, {
            "database": database,
            "slack_auth": slack,
            "scheduler": scheduler,
            **self._lease_state(),
        }

    def _lease_state(self) -> dict[str, object]:
        if not self.role.runs_worker or self.lease is None:
            return {"role": str(self.role)}
        held = self.lease.held()
        return {
            "role": str(self.role),
            "worker": "active" if held else "standby",
            "lease_epoch": self.lease.epoch if held else None,
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
            self.socket_mode.close()
        if self.http:
            self.http.close()
        waiters = [threading.Thread(target=self.listeners.shutdown, daemon=True)]
        if self.intake:
            waiters.append(threading.Thread(target=self.intake.stop, daemon=True))
        if self.publish_loop:
            waiters.append(threading.Thread(target=self.publish_loop.stop, daemon=True))
        if self.scheduler and self.scheduler.running:
            waiters.append(
                threading.Thread(target=self.scheduler.shutdown, kwargs={"wait": True}, daemon=True)
            )
        for waiter in waiters:
            waiter.start()
        for waiter in waiters:
            waiter.join(max(0.0, deadline - time.monotonic()))
        # Only when all work has ended may others take this process's claims at once; work
        # still running keeps them until it ends with the process (then the registry sees
        # the process gone) or the lease runs out.
        finished = not any(waiter.is_alive() for waiter in waiters)
        if self.lease:
            self.lease.stop(release=finished)
        if self.registry:
            self.registry.stop(finished=finished)
        self.engine.dispose()


def _warm_up_triage() -> None:
    from bot.triage.intent import load_model

    try:
        load_model()
    except Exception:  # the first triage loads it again and reports the problem there
        log.exception("Could not load the triage model ahead of time")


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def build_runtime(
    settings: Settings,
    progress_factory: ProgressFactory | None = None,
    extra_networks: Iterable[Network] = (),
    clock: Callable[[], datetime] = utcnow,
    role: Role = Role.ALL,
) -> Runtime:
    """Everything the bot process runs, wired; raises `StartupError` with advice.

    `extra_networks` are connected networks added beside the configured ones (tests use
    an in-memory network this way); `clock` is what the deadline watcher and listening
    health take as now (tests move it); `role` is what `start()` runs.
    """
    set_workspace_language(settings.slack_default_language)
    engine = make_engine(settings.database_url)
    check_schema(engine)
    factory = make_session_factory(engine)
    registry = ProcessRegistry(factory, str(role))
    lease = Lease(factory, registry.id, settings.worker_lease_seconds, is_dead=registry.is_dead)
    publisher_client = make_slack_client(settings, retry_rate_limits=False)
    slack_auth = SlackAuth(publisher_client, _check_slack(publisher_client))
    connected = Networks([*(block.connect() for block in settings.networks), *extra_networks])
    # Rules may name networks and brand accounts: known only now that they are connected.
    unknown = settings.routing.unknown_networks(connected)
    if unknown:
        raise StartupError("\n".join(f"CARETHREAD_CONFIG: {problem}" for problem in unknown))
    # Every call the workflow makes to a network is counted for /metrics.
    networks = Networks(MeteredNetwork(network) for network in connected.values())
    for network in networks.values():
        _check_network(network)
    slack = make_slack_client(settings, retry_rate_limits=True)
    directory = Directory(
        slack,
        approver_user_ids=settings.approver_user_ids,
        approver_usergroup_id=settings.approver_usergroup_id,
    )
    thread = CaseThread(slack, factory, networks, languages=directory.language)
    sender = Sender(factory, networks, thread, process_id=registry.id, is_dead=registry.is_dead)
    services = Services(
        settings=settings,
        factory=factory,
        networks=networks,
        slack=slack,
        thread=thread,
        directory=directory,
        sender=sender,
        home=HomePublisher(),
        embed=embed_with_triage_encoder,
    )
    publisher = SlackPublisher(publisher_client, settings.slack_channel_id, networks, thread)
    # Claimed only with time left on the lease for the call to end (its client's timeout).
    publisher.fence = lambda session: lease.fence(session, margin=SLACK_TIMEOUT_SECONDS + 1)
    deadlines = DeadlineWatcher(factory, settings.sla, thread, networks, clock=clock)
    listening = ListeningHealth(factory, settings.sla, thread, networks, clock=clock)
    publish_loop = PublishLoop(
        factory,
        publisher,
        settings.publishing,
        p3_target=p3_response_target(settings.sla),
        # Only the active worker publishes (a standby's loop idles until it takes over).
        may_publish=lease.held,
    )
    # Cards are re-rendered by the loop, several changes within a second as one update.
    thread.mark_card = publish_loop.mark_card
    cycle = Cycle(
        factory=factory,
        networks=networks,
        wake=publish_loop.wake,
        sender=sender,
        backfill=timedelta(hours=settings.backfill_hours),
        progress_factory=progress_factory,
        triage=make_triage(settings.triage),
        # Deadlines first, so a new card is posted already showing its timer.
        before_publish=deadlines.run,
        route=(
            make_route_step(Router(settings.routing, settings.slack_channel_id))
            if settings.routing.configured
            else None
        ),
        embed=embed_with_triage_encoder,
        may_run=lease.held,
        fence=lease.fence,
    )
    # Carries the language the middleware chose into the listener's thread.
    listeners = ContextCarryingExecutor(max_workers=8, thread_name_prefix="slack-listener")
    bolt = make_bolt_app(settings, services, listeners)
    # What networks push is stored like a poll, then published, off the request thread.
    intake = WebhookIntake(
        factory,
        networks,
        lambda stop: publish_loop.wake(),
        guard=cycle.guard,
        triage=cycle.triage,
        route=cycle.route,
        embed=cycle.embed,
        may_publish=lease.held,
    )
    webhooks = {
        path: app
        for routes in WEBHOOK_ROUTES
        # Webhook receivers work with their own network's objects, not the counting wrapper.
        for path, app in routes(settings.networks, connected, intake.submit).items()
    }
    return Runtime(
        settings,
        engine,
        factory,
        networks,
        services,
        bolt,
        cycle,
        listeners,
        deadlines,
        listening,
        webhooks=webhooks,
        intake=intake if webhooks else None,  # no worker thread where nothing pushes
        role=role,
        registry=registry,
        lease=lease,
        slack_auth=slack_auth,
        publish_loop=publish_loop,
    )


def _check_slack(client: WebClient) -> bool:
    """Whether Slack accepted the token; a setup error stops the start-up."""
    try:
        identity = client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "")
        if error in SETUP_ERRORS:
            raise StartupError(f"Slack: {SETUP_ERRORS[error]}.") from exc
        log.warning("Slack auth.test failed (%s); starting anyway, will retry", error)
        return False
    except OSError as exc:
        log.warning("Cannot reach Slack yet (%s); starting anyway, will retry", exc)
        return False
    log.info("Slack: connected as %s in %s", identity.get("user"), identity.get("team"))
    return True


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
