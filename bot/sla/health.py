"""Listening health: tell the admins, once, when Carethread stops hearing customers or
cannot reach its channel, and once more when that is over.

Problems are read from the database, so any process sees what any other process ran into:
- a network stream that failed `failed_polls` polls in a row (default 5), or at once when
  its error cannot fix itself (rejected credentials, a revoked token, a feed that no longer
  exists: a non-retryable `NetworkError`); one problem per network, whatever its streams;
- Slack refusing the channel or our token (the publisher's setup errors, stored on the
  posts it could not deliver).

"The alert is the transition, not the state": each outage is one `ListeningProblem` row,
(key, episode) unique, so of two processes only the one whose insert won alerts, and only
the one whose compare-and-set closed it sends the recovery note.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.i18n import N_, _, ngettext
from bot.networks.registry import Networks
from bot.sla.policy import Policy
from bot.slack.builders.alerts import build_listening_alert, build_listening_recovery
from bot.slack.builders.common import Message
from bot.slack.case_thread import CaseThread
from bot.slack.failures import SETUP_ERRORS
from storage.db import compare_and_set, session_scope
from storage.models import ListeningProblem, PollCheckpoint, Post, utcnow

log = logging.getLogger(__name__)

LISTENING_JOB_ID = "carethread.listening"
# Slack setup errors a DM cannot get past: the admins cannot be told in Slack.
SLACK_TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "account_inactive"})
# Msgids: the alert translates the advice for each admin (build_listening_alert).
SLACK_ADVICE = {
    "not_in_channel": N_(
        "invite the bot to the channel: type /invite @Carethread in the channel named by "
        "SLACK_CHANNEL_ID. Cases that arrived meanwhile are posted as soon as it is back."
    ),
    "is_archived": N_(
        "unarchive the channel, or create a new one, invite the bot and set SLACK_CHANNEL_ID to "
        "its id, then restart Carethread."
    ),
    "channel_not_found": N_(
        "check SLACK_CHANNEL_ID (a channel id like C0123ABCD) and that the bot can see that "
        "channel; restart Carethread after changing it."
    ),
    "missing_scope": N_(
        "update the Slack app's scopes from slack-app-manifest.yml and reinstall it, then "
        "set SLACK_BOT_TOKEN to the new token and restart Carethread."
    ),
}
TOKEN_ADVICE = N_(
    "reinstall the Slack app and set SLACK_BOT_TOKEN to its bot token (xoxb-…), then restart "
    "Carethread."
)
NETWORK_ADVICE_PERMANENT = N_(
    "this will not fix itself: correct the settings named above (in .env or the host's "
    "environment) and restart Carethread. Nothing is lost: polling resumes where it stopped."
)
NETWORK_ADVICE_RETRYING = N_(
    "Carethread keeps retrying every poll. If it goes on, check the network's status page and "
    "its settings in .env. Nothing is lost: polling resumes where it stopped."
)


@dataclass(frozen=True)
class Problem:
    key: str
    what: str
    advice: str
    since: datetime
    # Whether Slack itself can carry the alert (not when it rejects our token).
    can_tell_in_slack: bool = True


def current_problems(
    session: Session, networks: Networks, failed_polls: int, now: datetime
) -> list[Problem]:
    """Every listening problem as the database shows it now."""
    problems: list[Problem] = []
    failing = session.scalars(
        select(PollCheckpoint)
        .where(PollCheckpoint.failures > 0)
        .order_by(PollCheckpoint.network, PollCheckpoint.stream)
    ).all()
    by_network: dict[str, list[PollCheckpoint]] = {}
    for checkpoint in failing:
        if checkpoint.failures >= failed_polls or checkpoint.last_error_retryable is False:
            by_network.setdefault(checkpoint.network, []).append(checkpoint)
    for network, checkpoints in by_network.items():
        label = networks.look(network).label
        streams = ", ".join(c.stream for c in checkpoints)
        worst = max(checkpoints, key=lambda c: (c.last_error_retryable is False, c.failures))
        reason = (worst.last_error or _("unknown error")).rstrip(".")
        permanent = worst.last_error_retryable is False
        # Written once, when the problem starts (a job: the workspace's language).
        count = ngettext("{count} poll in a row", "{count} polls in a row", worst.failures).format(
            count=worst.failures
        )
        problems.append(
            Problem(
                key=f"network:{network}",
                what=_(
                    "Carethread cannot listen on {network} ({streams}; {count}): {reason}"
                ).format(network=label, streams=streams, count=count, reason=reason),
                advice=NETWORK_ADVICE_PERMANENT if permanent else NETWORK_ADVICE_RETRYING,
                since=min((c.failing_since or now) for c in checkpoints),
            )
        )
    problems += _slack_problems(session, now)
    return problems


def _slack_problems(session: Session, now: datetime) -> list[Problem]:
    codes = {text: code for code, text in SETUP_ERRORS.items()}
    rows = session.execute(
        select(Post.slack_error, func.min(Post.slack_attempted_at))
        .where(Post.slack_ts.is_(None), Post.slack_error.in_(list(codes)))
        .group_by(Post.slack_error)
    ).all()
    problems = []
    for text, since in rows:
        code = codes[text or ""]
        token = code in SLACK_TOKEN_ERRORS
        problems.append(
            Problem(
                key=f"slack:{code}",
                what=_("Slack refuses our messages ({code}): {reason}").format(
                    code=code, reason=text
                ),
                advice=TOKEN_ADVICE if token else SLACK_ADVICE.get(code, N_("see the log.")),
                since=since or now,
                can_tell_in_slack=not token,
            )
        )
    return problems


@dataclass
class HealthOutcome:
    alerted: int = 0
    recovered: int = 0
    open_problems: int = 0


class ListeningHealth:
    """Compares the problems now with the open ones, alerting at each change."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        policy: Policy,
        thread: CaseThread,
        networks: Networks,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.factory = factory
        self.policy = policy
        self.thread = thread
        self.networks = networks
        self.clock = clock
        self.last_run_at: datetime | None = None
        self.problems: list[str] = []

    def run(self) -> HealthOutcome:
        """One check. Only the active worker runs it (the worker lease gates the job)."""
        return self.check()

    def check(self) -> HealthOutcome:
        now = self.clock()
        outcome = HealthOutcome()
        with session_scope(self.factory) as session:
            problems = current_problems(session, self.networks, self.policy.failed_polls, now)
            open_rows = {
                row.key: (row.id, row.summary, row.opened_at)
                for row in session.scalars(
                    select(ListeningProblem).where(ListeningProblem.resolved_at.is_(None))
                )
            }
        self.problems = [p.what for p in problems]
        outcome.open_problems = len(problems)
        for problem in problems:
            if problem.key not in open_rows and self._open(problem, now):
                outcome.alerted += 1
        current = {p.key for p in problems}
        for key, (row_id, summary, opened_at) in open_rows.items():
            if key not in current and self._close(key, row_id, summary, opened_at, now):
                outcome.recovered += 1
        self.last_run_at = now
        return outcome

    def _open(self, problem: Problem, now: datetime) -> bool:
        """Record the outage (one process wins), then alert; True when this one alerted."""
        try:
            with session_scope(self.factory) as session:
                last = session.scalar(
                    select(func.max(ListeningProblem.episode)).where(
                        ListeningProblem.key == problem.key
                    )
                )
                row = ListeningProblem(
                    key=problem.key,
                    episode=(last or 0) + 1,
                    summary=problem.what,
                    opened_at=problem.since,
                )
                session.add(row)
                session.flush()
                row_id = row.id
        except IntegrityError:
            return False
        log.error("Listening problem: %s. What to do: %s", problem.what, problem.advice)
        if not problem.can_tell_in_slack:
            return False

        def message() -> Message:
            return build_listening_alert(problem.what, problem.since, problem.advice)

        if self._tell_admins(message, "a listening alert"):
            with session_scope(self.factory) as session:
                session.execute(
                    update(ListeningProblem)
                    .where(ListeningProblem.id == row_id)
                    .values(alerted_at=now)
                )
        return True

    def _subject(self, key: str) -> str:
        """What works again, in words: "listening on X", "posting to Slack"."""
        kind, _colon, name = key.partition(":")
        if kind == "network":
            return _("listening on {network}").format(network=self.networks.look(name).label)
        return _("posting to Slack ({code})").format(code=name)

    def _close(
        self, key: str, row_id: int, summary: str, opened_at: datetime, now: datetime
    ) -> bool:
        with session_scope(self.factory) as session:
            won = compare_and_set(
                session,
                ListeningProblem,
                [ListeningProblem.id == row_id, ListeningProblem.resolved_at.is_(None)],
                dict(resolved_at=now),
            )
        if not won:
            return False
        what = self._subject(key)
        log.info("Listening recovered: %s (was: %s)", what, summary)
        if self._tell_admins(lambda: build_listening_recovery(what, opened_at), "a recovery note"):
            with session_scope(self.factory) as session:
                session.execute(
                    update(ListeningProblem)
                    .where(ListeningProblem.id == row_id)
                    .values(recovery_noted_at=now)
                )
        return True

    def _tell_admins(self, message: Callable[[], Message], what: str) -> bool:
        told = False
        for admin in self.policy.admins:
            # A user id opens the DM; a channel id posts in that channel.
            told = self.thread.dm(admin, message, what) or told
        if not self.policy.admins:
            log.warning("No [alerts] admins in the policy: %s only logged", what)
        return told
