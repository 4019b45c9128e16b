"""The case lifecycle, in one place: how a case's status, owner and deadline change, and
the audit event each change leaves.

The customer side (a post arrived, a closed case reopened) and our reply being posted
change a case that the caller already holds in its unit of work: pure functions on the
model that return the audit event to add. The people side (claim, take over, unclaim,
escalate, close) is raced by clicks: each is a `Transition`, one conditional UPDATE whose
audit event is recorded only when it matched (`apply`). Ingest, outbound and the case
services call these; deadline timers read the same events.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from storage.db import compare_and_set
from storage.enums import AWAITING_REPLY, AuditAction, CaseStatus, Priority, Visibility
from storage.models import AuditEvent, Case, Customer

# The actor of what Carethread did by itself.
BOT = "carethread"
# `Case.sla_next_check_at` meaning "look at this case on the next run": earlier than any
# clock, so a test's clock or a skewed host still sees it due.
CHECK_NOW = datetime(2000, 1, 1, tzinfo=UTC)
# Question marks as languages write them (Spanish opens with ¿; CJK and Arabic have their
# own). Links are left out first: a URL's query string is not a question.
_QUESTION = re.compile(r"[?¿？؟]")
_LINK = re.compile(r"\S+://\S+|www\.\S+")


def asks_customer(text: str, override: bool | None = None) -> bool:
    """Whether a reply waits on the customer: the author said so, or the text asks a
    question."""
    if override is not None:
        return override
    return bool(_QUESTION.search(_LINK.sub(" ", text)))


def mark_for_deadlines(case: Case) -> None:
    """Something the deadlines depend on changed: the watcher looks at the case next run."""
    case.sla_next_check_at = CHECK_NOW


# How long a move may take before another click may start it again (a process that died
# while re-posting the card must not leave the case unmovable).
MOVE_LEASE = timedelta(minutes=2)


def audit(case_id: int, actor: str, action: AuditAction, **details: Any) -> AuditEvent:
    """One audit event; details that are None are left out."""
    return AuditEvent(
        case_id=case_id,
        actor=actor,
        action=action,
        details={k: v for k, v in details.items() if v is not None},
    )


def record(session: Session, case_id: int, actor: str, action: AuditAction, **details: Any) -> None:
    """Add one audit event to the current unit of work (it commits with the change itself)."""
    session.add(audit(case_id, actor, action, **details))


# -- the customer writes ---------------------------------------------------------------
def open_case(
    session: Session,
    *,
    brand_id: int,
    customer: Customer,
    network: str,
    conversation_id: str,
    at: datetime,
) -> Case:
    """A new conversation: a new case, waiting for someone to claim it."""
    case = Case(
        brand_id=brand_id,
        customer=customer,
        network=network,
        conversation_id=conversation_id,
        status=CaseStatus.NEW,
        created_at=at,
        last_customer_post_at=at,
    )
    session.add(case)
    session.flush()
    record(session, case.id, BOT, AuditAction.OPEN)
    return case


def reopen(case: Case, post_external_id: str) -> AuditEvent:
    """The customer wrote again in a closed conversation: back in its owner's (or the
    team's) queue, in the same thread; the deadline starts from the new message."""
    previous = {"close_reason": case.close_reason, "owner": case.owner_slack_id}
    case.status = CaseStatus.CLAIMED if case.owner_slack_id else CaseStatus.NEW
    case.closed_at = None
    case.close_reason = None
    case.first_response_at = None
    case.respond_by = None
    case.waiting_on_customer = False
    mark_for_deadlines(case)
    return audit(case.id, BOT, AuditAction.REOPEN, **previous, post=post_external_id)


def customer_posted(
    case: Case, *, at: datetime, priority: Priority, response_target: timedelta | None
) -> None:
    """A customer post joined the case: it is as urgent as its most urgent message, and
    it waits for an answer again if we had replied (an answer to our question restarts the
    next-response clock)."""
    case.waiting_on_customer = False
    mark_for_deadlines(case)
    case.last_customer_post_at = max(case.last_customer_post_at or at, at)
    case.priority = min(Priority.parse(case.priority), priority)
    if case.status == CaseStatus.REPLIED:
        case.status = CaseStatus.CLAIMED if case.owner_slack_id else CaseStatus.NEW
        case.respond_by = None
    if response_target:
        # The earliest unanswered message sets the deadline.
        deadline = at + response_target
        case.respond_by = min(case.respond_by, deadline) if case.respond_by else deadline


# -- we answer ---------------------------------------------------------------------------
def reply_posted(
    case: Case,
    *,
    draft_id: int,
    visibility: Visibility,
    url: str,
    at: datetime,
    reconciled: bool = False,
    asked: bool = False,
) -> AuditEvent:
    """An approved reply reached the network: the case is answered (unless closed
    meanwhile); `asked`: it asked the customer something, so we wait on them."""
    if case.first_response_at is None:
        case.first_response_at = at
    if case.status != CaseStatus.CLOSED:
        case.status = CaseStatus.REPLIED
        case.waiting_on_customer = asked
    mark_for_deadlines(case)
    return audit(
        case.id,
        BOT,
        AuditAction.POST,
        draft=draft_id,
        visibility=visibility,
        url=url,
        reconciled=reconciled or None,
        asks_customer=asked or None,
    )


def reply_failed(case_id: int, draft_id: int, error: str) -> AuditEvent:
    return audit(case_id, BOT, AuditAction.POST_FAILED, draft=draft_id, error=error)


def awaits_reply(case: Case) -> bool:
    return case.status in AWAITING_REPLY


# -- people act on it (raced: one conditional UPDATE each) -------------------------------
@dataclass(frozen=True)
class Transition:
    """A change of one case that people race for, and the event it leaves when it wins."""

    case_id: int
    where: tuple[ColumnElement[bool], ...]
    values: Mapping[str, Any]
    event: AuditEvent = field(compare=False)


def apply(session: Session, transition: Transition) -> bool:
    """Apply `transition` as one statement; True (and the event recorded) when it won.

    As the first statement of a unit of work, SQLite takes its write lock at once and
    PostgreSQL re-checks the condition after a concurrent commit.
    """
    won = compare_and_set(
        session, Case, [Case.id == transition.case_id, *transition.where], dict(transition.values)
    )
    if won:
        session.add(transition.event)
    return won


def _new_to_claimed() -> ColumnElement[Any]:
    return when((Case.status == CaseStatus.NEW, CaseStatus.CLAIMED), else_=Case.status)


def claim(case_id: int, user: str, now: datetime) -> Transition:
    """`user` takes an unowned open case."""
    return Transition(
        case_id,
        (Case.owner_slack_id.is_(None), Case.status != CaseStatus.CLOSED),
        dict(owner_slack_id=user, status=_new_to_claimed(), updated_at=now),
        audit(case_id, user, AuditAction.CLAIM),
    )


def take_over(case_id: int, user: str, previous: str | None, now: datetime) -> Transition:
    """`user` takes a case from `previous` (who must still own it)."""
    owner_was = (
        Case.owner_slack_id.is_(None) if previous is None else Case.owner_slack_id == previous
    )
    return Transition(
        case_id,
        (owner_was, Case.status != CaseStatus.CLOSED),
        dict(owner_slack_id=user, status=_new_to_claimed(), updated_at=now),
        audit(case_id, user, AuditAction.TAKE_OVER, **{"from": previous}),
    )


def unclaim(case_id: int, user: str, now: datetime) -> Transition:
    """The owner puts the case back in the queue."""
    return Transition(
        case_id,
        (Case.owner_slack_id == user,),
        dict(
            owner_slack_id=None,
            status=when((Case.status == CaseStatus.CLAIMED, CaseStatus.NEW), else_=Case.status),
            updated_at=now,
        ),
        audit(case_id, user, AuditAction.UNCLAIM),
    )


def escalate(
    case_id: int, user: str, team: str, note: str, previous: str | None, now: datetime
) -> Transition:
    """Hand the case to a specialist team, unowned so a specialist can claim it."""
    return Transition(
        case_id,
        (Case.status != CaseStatus.CLOSED,),
        dict(status=CaseStatus.ESCALATED, escalated_to=team, owner_slack_id=None, updated_at=now),
        audit(
            case_id, user, AuditAction.ESCALATE, team=team, note=note or None, **{"from": previous}
        ),
    )


def close(case_id: int, user: str, reason: str, now: datetime) -> Transition:
    """Close with a reason; the customer writing again reopens it (`reopen`)."""
    return Transition(
        case_id,
        (Case.status != CaseStatus.CLOSED,),
        dict(
            status=CaseStatus.CLOSED,
            close_reason=reason,
            closed_at=now,
            updated_at=now,
            waiting_on_customer=False,
            sla_next_check_at=CHECK_NOW,
        ),
        audit(case_id, user, AuditAction.CLOSE, reason=reason),
    )


# -- a person sends the case to another team's channel ----------------------------------
def start_move(
    case_id: int,
    user: str,
    *,
    thread: tuple[str, str],
    to_channel: str,
    labels: tuple[str, str],
    note: str,
    now: datetime,
) -> Transition:
    """`user` sends the case from the thread they saw (`thread` = channel, ts) to
    `to_channel`: one move at a time, so two clicks move it once. `labels` name the two
    channels for the history. Then the card is re-posted (`finish_move`), or Slack refused
    (`abandon_move`)."""
    channel, ts = thread
    return Transition(
        case_id,
        (
            Case.slack_channel == channel,
            Case.slack_ts == ts,
            Case.slack_channel != to_channel,
            or_(Case.moving_since.is_(None), Case.moving_since < now - MOVE_LEASE),
        ),
        dict(moving_since=now, updated_at=now),
        audit(
            case_id,
            user,
            AuditAction.MOVE,
            to=labels[1],
            note=note or None,
            **{"from": labels[0], "from_channel": channel, "to_channel": to_channel},
        ),
    )


def finish_move(
    session: Session, case_id: int, started_at: datetime, thread: tuple[str, str], now: datetime
) -> bool:
    """The card is in the new channel: the case's thread is there from now on. False when
    this move's lease was lost (another move took over after it expired)."""
    channel, ts = thread
    return compare_and_set(
        session,
        Case,
        [Case.id == case_id, Case.moving_since == started_at],
        dict(
            slack_channel=channel,
            slack_ts=ts,
            route_channel=channel,
            moving_since=None,
            updated_at=now,
        ),
    )


def abandon_move(
    session: Session, case_id: int, started_at: datetime, user: str, error: str
) -> None:
    """Slack refused the new card: the case stays where it was, and the history says why."""
    if compare_and_set(
        session, Case, [Case.id == case_id, Case.moving_since == started_at], {"moving_since": None}
    ):
        record(session, case_id, user, AuditAction.MOVE_FAILED, error=error)
