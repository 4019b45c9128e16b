"""Routing at ingest: a new case gets its channel in the transaction that creates it.

When is the route decided? When the case is created, from its first post. A follow-up
that arrives before the card is in Slack (the same poll, or while Slack is paused) decides
again, since nobody has seen the case yet and the follow-up may have made it more urgent.
Once the card is in Slack the route never changes by itself, even when a follow-up raises
the priority: people may be working on it there, and a case must not jump channels under
their eyes. Moving it is a person's decision (the card's "Send to another team").
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import lifecycle
from bot.routing.route import CaseFacts, Router
from storage.enums import AuditAction, Priority
from storage.models import Case, Post

# (session, case, the post that just joined it): what ingest calls after storing a post.
RouteStep = Callable[[Session, Case, Post], None]


def case_facts(case: Case, first: Post) -> CaseFacts:
    """What the rules look at: the brand account, the case's priority (its most urgent
    post), and the intent and language of the post that opened it."""
    triage = first.triage or {}
    intent, language = triage.get("intent"), triage.get("language")
    return CaseFacts(
        account=case.network,
        priority=Priority.parse(case.priority),
        intent=intent if isinstance(intent, str) else None,
        language=language if isinstance(language, str) else None,
    )


def route_case(session: Session, case: Case, post: Post, router: Router) -> None:
    """Decide where `case` goes (audited when it changes), unless its card is in Slack."""
    if case.slack_ts is not None:
        return
    first = post if case.route_channel is None else _first_post(session, case) or post
    decision = router.decide(case_facts(case, first))
    if decision.channel_id == case.route_channel:
        return
    previous = case.route_channel
    case.route_channel = decision.channel_id
    lifecycle.record(
        session,
        case.id,
        lifecycle.BOT,
        AuditAction.ROUTE,
        to=router.label(decision.channel_id),
        rule=decision.rule_ref,
        **{"from": router.label(previous) if previous else None},
    )


def make_route_step(router: Router) -> RouteStep:
    """The routing step ingest runs for every stored post."""

    def step(session: Session, case: Case, post: Post) -> None:
        route_case(session, case, post, router)

    return step


def _first_post(session: Session, case: Case) -> Post | None:
    return session.scalar(
        select(Post).where(Post.case_id == case.id).order_by(Post.created_at, Post.id).limit(1)
    )
