"""Lists of cases: the queue, an agent's own cases, a customer's cases, one case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.networks.registry import Networks
from bot.reports.views import CaseLine, CaseList
from bot.slack.text import one_line
from bot.slack.views import ThreadRef, masked_text
from storage.enums import AWAITING_REPLY, OPEN_STATUSES, AuditAction, CaseStatus, Priority
from storage.models import AuditEvent, Case, Customer, Draft, Post

SNIPPET_CHARACTERS = 120
# Acting on cases this way makes someone an agent (App Home shows them "my cases").
AGENT_ACTIONS = (AuditAction.CLAIM, AuditAction.TAKE_OVER, AuditAction.DRAFT)


def _first_posts(session: Session, case_ids: Sequence[int]) -> dict[int, Post]:
    firsts: dict[int, Post] = {}
    if not case_ids:
        return firsts
    posts = session.scalars(
        select(Post).where(Post.case_id.in_(case_ids)).order_by(Post.created_at, Post.id)
    )
    for post in posts:
        firsts.setdefault(post.case_id, post)
    return firsts


def case_lines(session: Session, cases: Sequence[Case], networks: Networks) -> list[CaseLine]:
    firsts = _first_posts(session, [c.id for c in cases])
    lines = []
    for case in cases:
        post = firsts.get(case.id)
        text = one_line(masked_text(post)) if post else ""
        if len(text) > SNIPPET_CHARACTERS:
            text = text[: SNIPPET_CHARACTERS - 1].rstrip() + "…"
        lines.append(
            CaseLine(
                id=case.id,
                priority=Priority.parse(case.priority),
                status=CaseStatus(case.status),
                handle=case.customer.handle,
                snippet=text,
                created_at=case.created_at,
                thread=ThreadRef(case.slack_channel, case.slack_ts),
                owner=case.owner_slack_id,
                respond_by=case.respond_by,
                network=networks.look(case.network),
            )
        )
    return lines


def _listed(
    session: Session,
    query: Select[Case],
    count: Select[int],
    limit: int,
    networks: Networks,
) -> CaseList:
    cases = list(session.scalars(query.limit(limit)).unique())
    total = session.scalar(count) or 0
    return CaseList(case_lines(session, cases, networks), more=max(0, total - len(cases)))


def queue(session: Session, networks: Networks, limit: int = 15) -> CaseList:
    """Unowned cases waiting for an answer: most urgent first, then the earliest deadline."""
    waiting = (Case.status.in_(AWAITING_REPLY), Case.owner_slack_id.is_(None))
    query = (
        select(Case)
        .where(*waiting)
        .order_by(Case.priority, Case.respond_by.is_(None), Case.respond_by, Case.created_at)
    )
    return _listed(session, query, select(func.count(Case.id)).where(*waiting), limit, networks)


def mine(session: Session, user: str, networks: Networks, limit: int = 10) -> CaseList:
    """The open cases `user` owns: the ones waiting for an answer first, by deadline."""
    owned = (Case.owner_slack_id == user, Case.status.in_(OPEN_STATUSES))
    query = (
        select(Case)
        .where(*owned)
        .order_by(
            Case.status == CaseStatus.REPLIED,
            Case.respond_by.is_(None),
            Case.respond_by,
            Case.priority,
            Case.created_at,
        )
    )
    return _listed(session, query, select(func.count(Case.id)).where(*owned), limit, networks)


def customer_cases(session: Session, handle: str, networks: Networks, limit: int = 10) -> CaseList:
    """A customer's cases on every network (the same handle), newest first."""
    name = handle.strip().lstrip("@").lower()
    matches = Case.customer_id.in_(select(Customer.id).where(func.lower(Customer.handle) == name))
    query = select(Case).where(matches).order_by(Case.created_at.desc(), Case.id.desc())
    return _listed(session, query, select(func.count(Case.id)).where(matches), limit, networks)


def is_agent(session: Session, user: str, approvers: frozenset[str] = frozenset()) -> bool:
    """Whether `user` works cases: an approver, an owner, or someone who claimed or drafted."""
    if user in approvers:
        return True
    owns = select(Case.id).where(Case.owner_slack_id == user).limit(1)
    acted = (
        select(AuditEvent.id)
        .where(AuditEvent.actor == user, AuditEvent.action.in_(AGENT_ACTIONS))
        .limit(1)
    )
    return session.scalar(owns) is not None or session.scalar(acted) is not None


def answered_since(session: Session, since: datetime) -> int:
    """Cases that got a reply since `since`."""
    return (
        session.scalar(
            select(func.count(func.distinct(Draft.case_id))).where(Draft.posted_at >= since)
        )
        or 0
    )
