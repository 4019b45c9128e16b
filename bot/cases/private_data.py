"""Personal data a customer exposed: move the conversation to private, and let approvers
see the original text explicitly (recorded), since Slack only ever shows it masked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.common import get_case, latest_post
from bot.cases.drafts import add_draft, guard_config, present_draft, public_personal_data
from bot.cases.history import record
from bot.cases.permissions import require_approver_role
from bot.errors import Conflict, UserFacingError
from bot.services import Services
from bot.slack.answer_blocks import OriginalPost
from bot.triage import Triage, move_to_private_texts
from storage.db import session_scope
from storage.models import AuditEvent, CaseStatus, Draft, DraftStatus, Post, Visibility

NO_PUBLIC_REPLY = (
    "X does not allow a public reply to this post: its author did not mention the brand "
    "(it was found by keyword search)."
)


@dataclass(frozen=True)
class MovedToPrivate:
    public_draft: int | None
    private_draft: int
    # Set when only the private message was drafted.
    why_no_public: str | None = None


def move_to_private(services: Services, case_id: int, user: str) -> MovedToPrivate:
    """Draft, as `user`, a public reply in the customer's language inviting them to a
    private conversation (with the brand's DM link) and a private message asking for the
    details. Both wait for approval like any draft; a post X lets us answer only privately
    gets the private message alone."""
    with session_scope(services.factory) as session:
        case = get_case(session, case_id)
        if case.status == CaseStatus.CLOSED:
            raise Conflict("This case is closed; it reopens when the customer writes again.")
        replyable = latest_post(session, case_id).publicly_replyable
        handle, brand = case.customer.handle, case.brand.external_id
        seen = case.last_customer_post_at
        language = _customer_language(session, case_id)
        waiting = _pending_move(session, case_id)
    if waiting:
        numbers = " and ".join(f"#{d}" for d in waiting)
        raise Conflict(f"Already moved to private: drafts {numbers} wait for approval.")
    try:
        public, private = move_to_private_texts(language, handle, brand)
    except ValueError as exc:
        raise UserFacingError(f"Could not write the invitation: {exc}.") from exc
    # The invitation goes through the same guard as any public reply.
    refused = public_personal_data(public, guard_config(services.settings.triage, brand))
    if replyable and refused:
        raise UserFacingError(f"Could not draft the invitation: {refused}")
    with session_scope(services.factory) as session:
        public_id = None
        if replyable:
            public_id = add_draft(
                session, case_id, user, public, Visibility.PUBLIC, written_after=seen
            )
        private_id = add_draft(
            session, case_id, user, private, Visibility.PRIVATE, written_after=seen
        )
        drafts = [d for d in (public_id, private_id) if d is not None]
        record(session, case_id, user, "move_to_private", drafts=drafts, language=language)
    for draft_id in drafts:
        present_draft(services, draft_id, user)
    return MovedToPrivate(public_id, private_id, None if replyable else NO_PUBLIC_REPLY)


def reveal_original(services: Services, case_id: int, user: str) -> list[OriginalPost]:
    """The case's posts that held personal data, as written, for an approver only; each
    viewing is recorded in the audit log before anything is shown."""
    require_approver_role(
        services.settings, services.slack, user, "see the original text with personal data"
    )
    with session_scope(services.factory) as session:
        get_case(session, case_id)
        posts = session.scalars(
            select(Post).where(Post.case_id == case_id).order_by(Post.created_at, Post.id)
        ).all()
        shown = [
            (
                post.id,
                OriginalPost(
                    at=post.created_at,
                    url=post.url,
                    text=post.text,
                    found=tuple(dict.fromkeys(m.label for m in Triage.from_json(post.triage).pii)),
                ),
            )
            for post in posts
            if (post.triage or {}).get("pii")
        ]
    with session_scope(services.factory) as session:
        for post_id, _ in shown:
            record(session, case_id, user, "reveal_personal_data", post=post_id)
    return [original for _, original in shown]


def _customer_language(session: Session, case_id: int) -> str:
    """The language of the customer's newest post that has one (English when none)."""
    languages = session.scalars(
        select(Post.triage).where(Post.case_id == case_id).order_by(Post.created_at.desc())
    ).all()
    for triage in languages:
        language = (triage or {}).get("language")
        if language and language != "und":
            return str(language)
    return "en"


def _pending_move(session: Session, case_id: int) -> list[int]:
    """Drafts of the last Move to private that still wait for approval."""
    last = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.case_id == case_id, AuditEvent.action == "move_to_private")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    drafts = [int(d) for d in (last.details or {}).get("drafts", [])] if last else []
    if not drafts:
        return []
    return list(
        session.scalars(
            select(Draft.id)
            .where(Draft.id.in_(drafts), Draft.status == DraftStatus.PENDING)
            .order_by(Draft.id)
        ).all()
    )
