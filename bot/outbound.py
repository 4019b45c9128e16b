"""Send an approved draft to its network exactly once, and settle sends a crash interrupted.

The protocol, all conditional UPDATEs (correct on SQLite and PostgreSQL):
1. approval moved the draft pending → approved (one winner);
2. `send_started_at: NULL → now` (and `send_attempts + 1`, our fencing token) claims the
   send; only the claimant calls the network;
3. the outcome is written only if the claim is still ours: posted, or failed (the claim is
   released so Retry can claim again).
A dropped connection leaves the outcome unknown: we look on the network before deciding.
A process that died mid-send leaves a claim with no outcome; once its claimant is known
dead (`bot.registry`: killed on this machine, stopped, or silent for a minute) or after
`SEND_LEASE`, `resume_interrupted_sends` looks on the network and marks it posted, or
sends it (once), or leaves it for the next cycle when the network cannot be asked. Never
a double post, never a lost approval. Networks with an idempotency key get the draft's
stable key too.

The claim names its process (`send_claimed_by`) and, when the worker makes it, checks
the worker lease's fence in the same transaction: a worker that lost the lease claims
nothing. On PostgreSQL the draft row is claimed `FOR UPDATE SKIP LOCKED`, so concurrent
claimers pass each other instead of queueing on the row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot import lifecycle
from bot.metrics.cost import write_kind
from bot.metrics.usage import record_usage
from bot.networks.base import NetworkError, NetworkUnavailable, Outgoing, SentReply
from bot.networks.registry import NetworkNotConfigured, Networks
from bot.reply_context import latest_customer_post, reply_target
from bot.slack.views import CaseSnapshot, DraftSnapshot, case_snapshot, draft_snapshot
from storage.db import compare_and_set, session_scope
from storage.enums import DraftStatus, Visibility
from storage.models import Case, Draft, Post, utcnow

log = logging.getLogger(__name__)

# Longer than any network call may take (clients time out after 25 s at most): a claim
# older than this with no outcome belongs to a sender that died.
SEND_LEASE = timedelta(minutes=2)
# An approval whose send was never claimed (the process died between the two): the click's
# own listener claims it within seconds; after this the next cycle does. Taking it early is
# safe (the claim is a compare-and-set: whoever claims first sends, once), only untidy.
UNCLAIMED_WAIT = timedelta(seconds=30)

# In the claim's transaction: may this process claim sends? (the worker lease's fence)
Fence = Callable[[Session], bool]
# Whether the process that made a claim is known to be dead (`ProcessRegistry.is_dead`).
IsDead = Callable[[Session, str | None], bool]


class SendOutcome(Enum):
    POSTED = "posted"
    FAILED = "failed"
    UNKNOWN = "unknown"  # the network did not answer and could not be asked; settled later
    NOT_MINE = "not_mine"  # another sender holds the claim, or it was settled already


class SendReporter(Protocol):
    """Where the outcome of a send is told (the case thread, in production); it gets the
    draft and its case as they are right after the outcome was recorded."""

    def sent(self, draft: DraftSnapshot, case: CaseSnapshot) -> None: ...

    def failed(self, draft: DraftSnapshot, case: CaseSnapshot) -> None: ...

    def unknown(self, draft: DraftSnapshot, case: CaseSnapshot) -> None: ...


@dataclass(frozen=True)
class _Claim:
    draft_id: int
    case_id: int
    network: str
    attempt: int
    started_at: datetime
    outgoing: Outgoing


def draft_key(draft: Draft) -> str:
    """The draft's idempotency key: the same on every attempt and after any restart."""
    return f"carethread-draft-{draft.id}-{int(draft.created_at.timestamp())}"


class Sender:
    """Sends approved drafts; one instance shared by the Slack listeners and the jobs."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        networks: Networks,
        reporter: SendReporter,
        lease: timedelta = SEND_LEASE,
        *,
        process_id: str | None = None,
        is_dead: IsDead | None = None,
    ):
        self.factory = factory
        self.networks = networks
        self.reporter = reporter
        self.lease = lease
        # Who this process is (bot.registry), written on each claim it makes.
        self.process_id = process_id
        self.is_dead = is_dead

    def send(self, draft_id: int, fence: Fence | None = None) -> SendOutcome:
        """Send an approved draft unless someone else is sending it or it was settled;
        with `fence`, only while it holds (the worker's sends)."""
        claim = self._claim(draft_id, fence)
        if claim is None:
            return SendOutcome.NOT_MINE
        try:
            network = self.networks[claim.network]
        except NetworkNotConfigured as exc:
            return self._record_failure(claim, exc.reason)
        try:
            sent = network.send(claim.outgoing)
        except NetworkUnavailable as exc:
            # The request may have reached the network before the connection dropped.
            try:
                found = network.find_sent(claim.outgoing, claim.started_at)
            except NetworkError as lookup_error:
                log.warning("Draft %s: outcome unknown (%s; %s)", draft_id, exc, lookup_error)
                self.reporter.unknown(*self._snapshots(draft_id))
                return SendOutcome.UNKNOWN
            if found is None:
                return self._record_failure(claim, exc.reason)
            sent = found
        except NetworkError as exc:
            return self._record_failure(claim, exc.reason)
        return self._record_success(claim, sent)

    def resume_interrupted_sends(self, fence: Fence | None = None) -> int:
        """Settle approved drafts whose sender died; returns how many were settled.

        Called on every poll cycle, so a restart settles them within one interval: a
        claimed send at once when the registry knows its sender died, else after the send
        lease; an approval never claimed after `UNCLAIMED_WAIT`.
        """
        now = utcnow()
        cutoff = now - self.lease
        unclaimed_cutoff = now - min(self.lease, UNCLAIMED_WAIT)
        with session_scope(self.factory) as session:
            rows = session.execute(
                select(Draft.id, Draft.send_started_at, Draft.send_claimed_by).where(
                    Draft.status == DraftStatus.APPROVED,
                    or_(
                        Draft.send_started_at.is_not(None),
                        # Approved, but the process died before it claimed the send.
                        Draft.approved_at < unclaimed_cutoff,
                    ),
                )
            ).all()
            due = [
                (draft_id, started_at)
                for draft_id, started_at, claimant in rows
                if started_at is None
                or started_at < cutoff
                or (self.is_dead is not None and self.is_dead(session, claimant))
            ]
        settled = 0
        for draft_id, started_at in due:
            if started_at is None:
                settled += self.send(draft_id, fence) is not SendOutcome.NOT_MINE
            else:
                settled += self._settle(draft_id, fence)
        return settled

    # -- the protocol's steps -----------------------------------------------------------
    def _claim(self, draft_id: int, fence: Fence | None) -> _Claim | None:
        started = utcnow()
        with session_scope(self.factory) as session:
            if fence is not None and not fence(session):
                log.info("Draft %s: not the active worker; leaving the send to it", draft_id)
                return None
            # PostgreSQL: a row another claimer is working on is passed over, not waited for.
            free = session.scalar(
                select(Draft.id)
                .where(
                    Draft.id == draft_id,
                    Draft.status == DraftStatus.APPROVED,
                    Draft.send_started_at.is_(None),
                )
                .with_for_update(skip_locked=True)
            )
            if free is None:
                return None
            claimed = compare_and_set(
                session,
                Draft,
                [
                    Draft.id == draft_id,
                    Draft.status == DraftStatus.APPROVED,
                    Draft.send_started_at.is_(None),
                ],
                dict(
                    send_started_at=started,
                    send_attempts=Draft.send_attempts + 1,
                    send_claimed_by=self.process_id,
                ),
            )
            if not claimed:
                return None
            draft = session.get_one(Draft, draft_id)
            session.refresh(draft)
            # Answer the customer's latest post, so a public reply sits under what they
            # said last (and a private reply answers the comment it is about).
            post = latest_customer_post(session, draft.case_id)
            if post is None:
                raise LookupError(f"case {draft.case_id} has no posts")
            draft.target_post_id = post.id
            draft.target_id = (
                post.external_id
                if draft.visibility == Visibility.PUBLIC
                else post.customer.external_id
            )
            return self._claim_of(draft, post, started)

    def _claim_of(self, draft: Draft, post: Post, started: datetime) -> _Claim:
        return _Claim(
            draft_id=draft.id,
            case_id=draft.case_id,
            network=draft.case.network,
            attempt=draft.send_attempts,
            started_at=started,
            outgoing=Outgoing(
                visibility=Visibility(draft.visibility),
                text=draft.text,
                key=draft_key(draft),
                target=reply_target(post),
            ),
        )

    def _settle(self, draft_id: int, fence: Fence | None = None) -> bool:
        with session_scope(self.factory) as session:
            draft = session.get_one(Draft, draft_id)
            if draft.status != DraftStatus.APPROVED or draft.send_started_at is None:
                return False
            post = _target_post(session, draft)
            claim = self._claim_of(draft, post, draft.send_started_at)
        try:
            sent = self.networks[claim.network].find_sent(claim.outgoing, claim.started_at)
        except NetworkNotConfigured as exc:
            log.warning("Draft %s: %s", draft_id, exc.reason)
            return False
        except NetworkError as exc:
            log.warning("Draft %s: cannot check the network yet (%s)", draft_id, exc)
            return False
        if sent is not None:
            log.info(
                "Draft %s was already sent (%s); not sending again", draft_id, sent.external_id
            )
            self._record_success(claim, sent, reconciled=True)
            return True
        # Not there: release the dead sender's claim (only if still its) and send once.
        with session_scope(self.factory) as session:
            released = compare_and_set(
                session,
                Draft,
                [
                    Draft.id == draft_id,
                    Draft.status == DraftStatus.APPROVED,
                    Draft.send_attempts == claim.attempt,
                ],
                dict(send_started_at=None),
            )
        if not released:
            return False
        log.info("Draft %s was not sent after an interrupted send; sending it now", draft_id)
        return self.send(draft_id, fence) is not SendOutcome.NOT_MINE

    def _record_success(
        self, claim: _Claim, sent: SentReply, *, reconciled: bool = False
    ) -> SendOutcome:
        now = utcnow()
        with session_scope(self.factory) as session:
            done = compare_and_set(
                session,
                Draft,
                [_still_mine(claim)],
                dict(
                    status=DraftStatus.POSTED,
                    posted_at=now,
                    external_id=sent.external_id,
                    external_url=sent.url,
                    last_error=None,
                ),
            )
            if not done:
                return SendOutcome.NOT_MINE
            outgoing = claim.outgoing
            record_usage(
                session, claim.network, write_kind(outgoing.visibility, outgoing.text), 1, now
            )
            case = session.get_one(Case, claim.case_id)
            override = session.get_one(Draft, claim.draft_id).asks_customer
            session.add(
                lifecycle.reply_posted(
                    case,
                    draft_id=claim.draft_id,
                    visibility=claim.outgoing.visibility,
                    url=sent.url,
                    at=now,
                    reconciled=reconciled,
                    asked=lifecycle.asks_customer(claim.outgoing.text, override),
                )
            )
            snapshots = self._load_snapshots(session, claim.draft_id)
        self.reporter.sent(*snapshots)
        return SendOutcome.POSTED

    def _record_failure(self, claim: _Claim, reason: str) -> SendOutcome:
        with session_scope(self.factory) as session:
            done = compare_and_set(
                session,
                Draft,
                [_still_mine(claim)],
                dict(status=DraftStatus.FAILED, last_error=reason[:500], send_started_at=None),
            )
            if not done:
                return SendOutcome.NOT_MINE
            session.add(lifecycle.reply_failed(claim.case_id, claim.draft_id, reason))
            snapshots = self._load_snapshots(session, claim.draft_id)
        self.reporter.failed(*snapshots)
        return SendOutcome.FAILED

    def _snapshots(self, draft_id: int) -> tuple[DraftSnapshot, CaseSnapshot]:
        with session_scope(self.factory) as session:
            return self._load_snapshots(session, draft_id)

    def _load_snapshots(
        self, session: Session, draft_id: int
    ) -> tuple[DraftSnapshot, CaseSnapshot]:
        session.flush()
        draft = session.get_one(Draft, draft_id)
        session.refresh(draft)
        session.refresh(draft.case)
        look = self.networks.look(draft.case.network)
        return draft_snapshot(draft, look), case_snapshot(session, draft.case, look)


def _still_mine(claim: _Claim) -> ColumnElement[bool]:
    return and_(
        Draft.id == claim.draft_id,
        Draft.status == DraftStatus.APPROVED,
        Draft.send_attempts == claim.attempt,
    )


def _target_post(session: Session, draft: Draft) -> Post:
    """The post an interrupted send answered: recorded at the claim; for a claim made
    before that was recorded, the post its target id names, else the latest post."""
    if draft.target_post_id is not None:
        return session.get_one(Post, draft.target_post_id)
    named = session.scalar(
        select(Post).where(Post.case_id == draft.case_id, Post.external_id == draft.target_id)
    )
    post = named or latest_customer_post(session, draft.case_id)
    if post is None:
        raise LookupError(f"case {draft.case_id} has no posts")
    return post
