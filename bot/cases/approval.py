"""Approve, reject, retry: decided on the server for every click, whatever the button says."""

from __future__ import annotations

from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.common import get_case
from bot.cases.drafts import refuse_public_personal_data
from bot.cases.history import record
from bot.cases.permissions import require_approver
from bot.errors import Conflict, UserFacingError
from bot.outbound import Outbound, send_draft
from bot.services import Services
from bot.slack.answer_blocks import build_rejected_message, build_rejection_dm
from bot.slack.cards import draft_view, permalink, post_in_thread, send_dm, show_draft
from bot.slack.text import escape
from storage.db import compare_and_set, session_scope
from storage.models import CaseStatus, Draft, DraftStatus, Visibility, utcnow


class Approval(Enum):
    APPROVED = "approved"
    # The customer wrote again after the draft was written: ask before approving.
    NEEDS_CONFIRMATION = "needs_confirmation"


def outbound(services: Services) -> Outbound:
    return Outbound(
        factory=services.factory,
        network=services.network,
        slack=services.slack,
    )


def check_may_decide(services: Services, draft_id: int, user: str) -> None:
    """Raise unless `user` may approve or reject this draft now."""
    with session_scope(services.factory) as session:
        draft = _get_draft(session, draft_id)
        author, editor = draft.author_slack_id, draft.editor_slack_id
        decided = None if draft.status == DraftStatus.PENDING else decided_message(draft)
    require_approver(services.settings, services.slack, user, author=author, editor=editor)
    if decided:
        raise Conflict(decided)


def approve_draft(
    services: Services, draft_id: int, user: str, *, confirmed: bool = False
) -> Approval:
    """Approve a pending draft (one approver wins), supersede the pending drafts it
    replaces, send it to X.

    Only drafts of the same visibility are superseded: two public replies (or two private
    messages) are alternatives, but a public reply and a private message are not. They
    answer in different places and are often meant to go together, like the invitation and
    the private message that Move to private drafts as a pair.
    """
    check_may_decide(services, draft_id, user)
    refuse_public_personal_data(services, draft_id)
    with session_scope(services.factory) as session:
        draft = _get_draft(session, draft_id)
        case = get_case(session, draft.case_id)
        if case.status == CaseStatus.CLOSED:
            raise Conflict("This case is closed; nothing is sent for a closed case.")
        stale = case.last_customer_post_at > draft.written_after
    if stale and not confirmed:
        return Approval.NEEDS_CONFIRMATION
    with session_scope(services.factory) as session:
        won = compare_and_set(
            session,
            Draft,
            [Draft.id == draft_id, Draft.status == DraftStatus.PENDING],
            dict(status=DraftStatus.APPROVED, approved_by=user, approved_at=utcnow()),
        )
        draft = _get_draft(session, draft_id)
        if not won:
            session.refresh(draft)
            raise Conflict(decided_message(draft))
        others = session.scalars(
            select(Draft.id).where(
                Draft.case_id == draft.case_id,
                Draft.id != draft_id,
                Draft.visibility == draft.visibility,
                Draft.status == DraftStatus.PENDING,
            )
        ).all()
        if others:
            compare_and_set(
                session,
                Draft,
                [Draft.id.in_(others), Draft.status == DraftStatus.PENDING],
                dict(status=DraftStatus.SUPERSEDED),
            )
        record(
            session,
            draft.case_id,
            user,
            "approve",
            draft=draft_id,
            stale_confirmed=True if stale else None,
            superseded=list(others) or None,
        )
    for other in [draft_id, *others]:
        show_draft(services.slack, services.factory, other)
    send_draft(outbound(services), draft_id)
    return Approval.APPROVED


def reject_draft(services: Services, draft_id: int, user: str, reason: str) -> None:
    """Reject a pending draft with a reason shown in the thread and sent to its author."""
    check_may_decide(services, draft_id, user)
    with session_scope(services.factory) as session:
        rejected = compare_and_set(
            session,
            Draft,
            [Draft.id == draft_id, Draft.status == DraftStatus.PENDING],
            dict(status=DraftStatus.REJECTED, rejected_by=user, reject_reason=reason[:500]),
        )
        draft = _get_draft(session, draft_id)
        if not rejected:
            session.refresh(draft)
            raise Conflict(decided_message(draft))
        record(session, draft.case_id, user, "reject", draft=draft_id, reason=reason)
        view = draft_view(draft)
        channel, ts = draft.slack_channel, draft.slack_ts
    show_draft(services.slack, services.factory, draft_id)
    post_in_thread(
        services.slack,
        services.factory,
        view.case_id,
        build_rejected_message(view),
        draft_id=draft_id,
    )
    if view.author != user:
        link = permalink(services.slack, channel, ts)
        send_dm(services.slack, view.author, build_rejection_dm(view, link))


def retry_draft(services: Services, draft_id: int, user: str) -> None:
    """Send a draft again after X refused or failed; the same approval rules apply."""
    with session_scope(services.factory) as session:
        draft = _get_draft(session, draft_id)
        author, editor = draft.author_slack_id, draft.editor_slack_id
    require_approver(services.settings, services.slack, user, author=author, editor=editor)
    refuse_public_personal_data(services, draft_id)
    with session_scope(services.factory) as session:
        again = compare_and_set(
            session,
            Draft,
            [Draft.id == draft_id, Draft.status == DraftStatus.FAILED],
            dict(status=DraftStatus.APPROVED, last_error=None),
        )
        draft = _get_draft(session, draft_id)
        if not again:
            session.refresh(draft)
            raise Conflict(decided_message(draft))
        record(session, draft.case_id, user, "retry", draft=draft_id)
    show_draft(services.slack, services.factory, draft_id)
    send_draft(outbound(services), draft_id)


def decided_message(draft: Draft) -> str:
    """Why a click on this draft changes nothing: someone already decided."""
    if draft.status == DraftStatus.APPROVED:
        return f"Already approved by <@{draft.approved_by}>; it is being sent."
    if draft.status == DraftStatus.POSTED:
        return f"Already approved by <@{draft.approved_by}> and posted."
    if draft.status == DraftStatus.FAILED:
        return (
            f"Approved by <@{draft.approved_by}> but not sent: {escape(draft.last_error or '')}. "
            "Use Retry."
        )
    if draft.status == DraftStatus.REJECTED:
        return f"Already rejected by <@{draft.rejected_by}>."
    if draft.status == DraftStatus.SUPERSEDED:
        kind = "public reply" if draft.visibility == Visibility.PUBLIC else "private message"
        return f"Another {kind} of this case was approved instead."
    return "This draft is waiting for approval."


def _get_draft(session: Session, draft_id: int) -> Draft:
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise UserFacingError("This draft no longer exists.")
    return draft
