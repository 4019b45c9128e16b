"""Small pieces every case service shares: finding the case, and the context a reply is
judged in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.errors import UserFacingError
from bot.i18n import N_, _
from bot.networks.base import ReplyContext
from bot.reply_context import context_for, latest_customer_post
from bot.services import Services
from bot.slack.views import CaseSnapshot, case_snapshot
from storage.models import Case, Post, utcnow

CASE_GONE = N_("This case no longer exists.")


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise UserFacingError(CASE_GONE)
    return case


def latest_post(session: Session, case_id: int) -> Post:
    """The customer's newest post in the case: what a reply answers."""
    post = latest_customer_post(session, case_id)
    if post is None:
        raise UserFacingError(_("This case has no posts to answer."))
    return post


def reply_context(session: Session, case: Case) -> ReplyContext:
    """What the case's network needs to judge a reply now: the post it would answer, when
    the customer last wrote, how many private replies that post already got."""
    return context_for(session, case, latest_post(session, case.id), utcnow())


def snapshot(services: Services, session: Session, case: Case) -> CaseSnapshot:
    """The case as Slack shows it, loaded in the caller's unit of work."""
    return case_snapshot(session, case, services.networks.look(case.network))
