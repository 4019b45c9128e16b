"""Send an approved draft to X exactly once, and settle sends a crash interrupted.

The protocol, all conditional UPDATEs (correct on SQLite and PostgreSQL):
1. approval moved the draft pending → approved (one winner);
2. `send_started_at: NULL → now` (and `send_attempts + 1`, our fencing token) claims the
   send; only the claimant calls X;
3. the outcome is written only if the claim is still ours: posted, or failed (the claim is
   released so Retry can claim again).
A dropped connection leaves the outcome unknown: we look on X before deciding. A process
that died mid-send leaves a claim with no outcome; after `SEND_LEASE`
`resume_interrupted_sends` looks on X and marks it posted, or sends it (once), or leaves it
for the next cycle when X cannot be asked. Never a double post, never a lost approval.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.cases.common import latest_post
from bot.cases.history import record
from bot.networks import Network, NetworkError, NetworkUnavailable, SentReply
from bot.slack.answer_blocks import (
    DraftView,
    build_send_failed_message,
    build_send_unknown_message,
    build_sent_message,
)
from bot.slack.cards import draft_view, post_in_thread, refresh_case_card, show_draft
from storage.db import compare_and_set, session_scope
from storage.models import Case, CaseStatus, Draft, DraftStatus, Visibility, utcnow

log = logging.getLogger(__name__)

# Longer than any X call may take (the transport times out after 25 s): a claim older
# than this with no outcome belongs to a sender that died.
SEND_LEASE = timedelta(minutes=2)
BOT = "carethread"


class SendOutcome(Enum):
    POSTED = "posted"
    FAILED = "failed"
    UNKNOWN = "unknown"  # X did not answer and could not be asked; settled later
    NOT_MINE = "not_mine"  # another sender holds the claim, or it was settled already


@dataclass(frozen=True)
class Outbound:
    """What sending needs; built from `Services` in listeners, from `Cycle` in the job."""

    factory: sessionmaker[Session]
    network: Network
    slack: WebClient


@dataclass(frozen=True)
class _Claim:
    draft_id: int
    case_id: int
    attempt: int
    started_at: datetime
    visibility: str
    target: str
    text: str


def send_draft(out: Outbound, draft_id: int) -> SendOutcome:
    """Send an approved draft unless someone else is sending it or it was settled."""
    claim = _claim_send(out.factory, draft_id)
    if claim is None:
        return SendOutcome.NOT_MINE
    try:
        sent = _call_network(out.network, claim)
    except NetworkUnavailable as exc:
        # The request may have reached X before the connection dropped: look first.
        try:
            sent = _lookup(out.network, claim)
        except NetworkError as lookup_error:
            log.warning("Draft %s: outcome unknown (%s; %s)", draft_id, exc, lookup_error)
            post_in_thread(
                out.slack,
                out.factory,
                claim.case_id,
                build_send_unknown_message(_view(out.factory, draft_id)),
                draft_id=draft_id,
            )
            return SendOutcome.UNKNOWN
        if sent is None:
            return _record_failure(out, claim, exc.reason)
    except NetworkError as exc:
        return _record_failure(out, claim, exc.reason)
    return _record_success(out, claim, sent)


def resume_interrupted_sends(out: Outbound, lease: timedelta = SEND_LEASE) -> int:
    """Settle approved drafts whose sender died; returns how many were settled.

    Called on every poll cycle, so a restart settles them within one interval.
    """
    cutoff = utcnow() - lease
    with session_scope(out.factory) as session:
        rows = session.execute(
            select(Draft.id, Draft.send_started_at).where(
                Draft.status == DraftStatus.APPROVED,
                or_(
                    Draft.send_started_at < cutoff,
                    # Approved, but the process died before it claimed the send.
                    and_(Draft.send_started_at.is_(None), Draft.approved_at < cutoff),
                ),
            )
        ).all()
    settled = 0
    for draft_id, started_at in rows:
        if started_at is None:
            settled += send_draft(out, draft_id) is not SendOutcome.NOT_MINE
        else:
            settled += _settle(out, draft_id)
    return settled


def _settle(out: Outbound, draft_id: int) -> bool:
    with session_scope(out.factory) as session:
        draft = session.get_one(Draft, draft_id)
        if draft.status != DraftStatus.APPROVED or draft.send_started_at is None:
            return False
        claim = _Claim(
            draft_id=draft.id,
            case_id=draft.case_id,
            attempt=draft.send_attempts,
            started_at=draft.send_started_at,
            visibility=draft.visibility,
            target=draft.target_id or "",
            text=draft.text,
        )
    try:
        sent = _lookup(out.network, claim)
    except NetworkError as exc:
        log.warning("Draft %s: cannot check X yet (%s); will try next cycle", draft_id, exc)
        return False
    if sent is not None:
        log.info("Draft %s was already on X (%s); not sending again", draft_id, sent.external_id)
        _record_success(out, claim, sent, reconciled=True)
        return True
    # Not on X: release the dead sender's claim (only if still its) and send once.
    with session_scope(out.factory) as session:
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
    log.info("Draft %s was not on X after an interrupted send; sending it now", draft_id)
    return send_draft(out, draft_id) is not SendOutcome.NOT_MINE


def find_sent(
    network: Network, visibility: str, target: str, text: str, since: datetime
) -> SentReply | None:
    """What we already sent for this draft on `network`, if anything."""
    if visibility == Visibility.PUBLIC:
        return network.find_public_reply(target, text, since)
    return network.find_private_message(target, text, since)


def _lookup(network: Network, claim: _Claim) -> SentReply | None:
    return find_sent(network, claim.visibility, claim.target, claim.text, claim.started_at)


def _claim_send(factory: sessionmaker[Session], draft_id: int) -> _Claim | None:
    started = utcnow()
    with session_scope(factory) as session:
        claimed = compare_and_set(
            session,
            Draft,
            [
                Draft.id == draft_id,
                Draft.status == DraftStatus.APPROVED,
                Draft.send_started_at.is_(None),
            ],
            dict(send_started_at=started, send_attempts=Draft.send_attempts + 1),
        )
        if not claimed:
            return None
        draft = session.get_one(Draft, draft_id)
        session.refresh(draft)
        case = draft.case
        if draft.visibility == Visibility.PUBLIC:
            # Answer the customer's latest post, so the reply sits under what they said last.
            target = latest_post(session, case.id).external_id
        else:
            target = case.customer.external_id
        draft.target_id = target
        return _Claim(
            draft_id=draft_id,
            case_id=case.id,
            attempt=draft.send_attempts,
            started_at=started,
            visibility=draft.visibility,
            target=target,
            text=draft.text,
        )


def _call_network(network: Network, claim: _Claim) -> SentReply:
    if claim.visibility == Visibility.PUBLIC:
        return network.reply_publicly(claim.target, claim.text)
    return network.send_private(claim.target, claim.text)


def _still_mine(claim: _Claim) -> ColumnElement[bool]:
    return and_(
        Draft.id == claim.draft_id,
        Draft.status == DraftStatus.APPROVED,
        Draft.send_attempts == claim.attempt,
    )


def _record_success(
    out: Outbound, claim: _Claim, sent: SentReply, *, reconciled: bool = False
) -> SendOutcome:
    now = utcnow()
    with session_scope(out.factory) as session:
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
        case = session.get_one(Case, claim.case_id)
        if case.first_response_at is None:
            case.first_response_at = now
        if case.status != CaseStatus.CLOSED:
            case.status = CaseStatus.REPLIED
        record(
            session,
            claim.case_id,
            BOT,
            "post",
            draft=claim.draft_id,
            visibility=claim.visibility,
            url=sent.url,
            reconciled=reconciled or None,
        )
    _show_outcome(out, claim, build_sent_message)
    return SendOutcome.POSTED


def _record_failure(out: Outbound, claim: _Claim, reason: str) -> SendOutcome:
    with session_scope(out.factory) as session:
        done = compare_and_set(
            session,
            Draft,
            [_still_mine(claim)],
            dict(status=DraftStatus.FAILED, last_error=reason[:500], send_started_at=None),
        )
        if not done:
            return SendOutcome.NOT_MINE
        record(session, claim.case_id, BOT, "post_failed", draft=claim.draft_id, error=reason)
    _show_outcome(out, claim, build_send_failed_message)
    return SendOutcome.FAILED


def _show_outcome(
    out: Outbound, claim: _Claim, build: Callable[[DraftView], tuple[str, list[Block]]]
) -> None:
    view = _view(out.factory, claim.draft_id)
    post_in_thread(out.slack, out.factory, claim.case_id, build(view), draft_id=claim.draft_id)
    show_draft(out.slack, out.factory, claim.draft_id)
    refresh_case_card(out.slack, out.factory, claim.case_id)


def _view(factory: sessionmaker[Session], draft_id: int) -> DraftView:
    with session_scope(factory) as session:
        return draft_view(session.get_one(Draft, draft_id))
