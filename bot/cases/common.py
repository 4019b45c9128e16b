"""Small pieces every case service shares."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import UserFacingError
from bot.services import Services
from bot.slack.cards import refresh_case_card
from storage.models import Case, Post


def refresh_card(services: Services, case_id: int) -> None:
    """Show the case's current owner and status on its root message."""
    refresh_case_card(services.slack, services.factory, case_id)


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise UserFacingError("This case no longer exists.")
    return case


def latest_post(session: Session, case_id: int) -> Post:
    """The customer's newest post in the case: what a public reply answers."""
    post = session.scalar(
        select(Post)
        .where(Post.case_id == case_id)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(1)
    )
    if post is None:
        raise UserFacingError("This case has no posts to answer.")
    return post
