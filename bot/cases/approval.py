"""Approve, reject, retry: decided on the server for every click, whatever the button says."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import lifecycle
from bot.cases.drafts import load_draft, refuse_public_personal_data
from bot.cases.permissions import require_approver
from bot.errors import Conflict, UserFacingError
from bot.i18n import _
from bot.services import Services
from bot.slack.builders.dms import build_rejection_dm
from bot.slack.builders.thread import build_rejected_message
from bot.slack.text import escape
from bot.slack.views import CaseSnapshot, case_snapshot
from storage.db import compare_and_set, session_scope
from storage.enums import AuditAction, CaseStatus, DraftStatus, Visibility
from storage.models import Draft, utcnow


class Approval(Enum):
    APPROVED = "approved"
    # The customer wrote again after the draft was written: ask before approving.
    NEEDS_CONFIRMATION = "needs_confirmation"


@dataclass(frozen=True)
class _Decision:
    """What deciding on a draft needs to know, read once."""

    author: str
    editor: str | None
    # Why a click changes nothing (someone decided already), or None while pending.
    decided: str | None
    text: str
    visibility: str
    brand: str
    closed: bool
    stale: bool


def _decision(services: Services, draft_id: int) -> _Decision:
    with session_scope(services.factory) as session:
        draft = _get_draft(session, draft_id)
        case = draft.case
        return _Decision(
            author=draft.author_slack_id,
            editor=draft.editor_slack_id,
            decided=None if draft.status == DraftStatus.PENDING else decided_message(draft),
            text=draft.text,
            visibility=draft.visibility,
            brand=case.brand.external_id,
            closed=case.status == CaseStatus.CLOSED,
            stale=case.last_customer_post_at > draft.written_after,
        )


def check_may_decide(services: Services, draft_id: int, user: str) -> None:
    """Raise unless `user` may approve or reject this draft now."""
    decision = _decision(services, draft_id)
    _require(services, decision, user)


def _require(services: Services, decision: _Decision, user: str) -> None:
    require_approver(services, user, author=decision.author, editor=decision.editor)
    if decision.decided:
        raise Conflict(decision.decided)


def approve_draft(
    services: Services, draft_id: int, user: str, *, confirmed: bool = False
) -> Approval:
    """Approve a pending draft (one approver wins), supersede the pending drafts it
    replaces, send it to the network.

    Only drafts of the same visibility are superseded: two public replies (or two private
    messages) are alternatives, but a public reply and a private message are not. They
    answer in different places and are often meant to go together, like the invitation and
    the private message that Move to private drafts as a pair.
    """
    decision = _decision(services, draft_id)
    _require(services, decision, user)
    refuse_public_personal_data(services, decision.text, decision.visibility, decision.brand)
    if decision.closed:
        raise Conflict(_("This case is closed; nothing is sent for a closed case."))
    if decision.stale and not confirmed:
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
        lifecycle.record(
            session,
            draft.case_id,
            user,
            AuditAction.APPROVE,
            draft=draft_id,
            stale_confirmed=True if decision.stale else None,
            superseded=list(others) or None,
        )
        session.flush()
        changed = [load_draft(services, session, d) for d in (draft_id, *others)]
    for shown in changed:
        services.thread.show_draft(shown)
    services.sender.send(draft_id)
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
            raise Conflict(decided_message(draft))
        lifecycle.record(
            session, draft.case_id, user, AuditAction.REJECT, draft=draft_id, reason=reason
        )
        shown = load_draft(services, session, draft_id)
        case = _case_of(services, session, draft)
    message = services.thread.show_draft(shown)
    view = shown.draft
    services.thread.post(
        case, lambda: build_rejected_message(view), "the rejection", draft_id=draft_id
    )
    if view.author != user:
        link = services.thread.permalink(message)
        services.thread.dm(view.author, lambda: build_rejection_dm(view, link), "the rejection")


def retry_draft(services: Services, draft_id: int, user: str) -> None:
    """Send a draft again after the network refused or failed; the same approval rules
    apply."""
    decision = _decision(services, draft_id)
    require_approver(services, user, author=decision.author, editor=decision.editor)
    refuse_public_personal_data(services, decision.text, decision.visibility, decision.brand)
    with session_scope(services.factory) as session:
        again = compare_and_set(
            session,
            Draft,
            [Draft.id == draft_id, Draft.status == DraftStatus.FAILED],
            dict(status=DraftStatus.APPROVED, last_error=None),
        )
        draft = _get_draft(session, draft_id)
        if not again:
            raise Conflict(decided_message(draft))
        lifecycle.record(session, draft.case_id, user, AuditAction.RETRY, draft=draft_id)
        shown = load_draft(services, session, draft_id)
    services.thread.show_draft(shown)
    services.sender.send(draft_id)


def decided_message(draft: Draft) -> str:
    """Why a click on this draft changes nothing: someone already decided."""
    if draft.status == DraftStatus.APPROVED:
        return _("Already approved by {user}; it is being sent.").format(
            user=f"<@{draft.approved_by}>"
        )
    if draft.status == DraftStatus.POSTED:
        return _("Already approved by {user} and posted.").format(user=f"<@{draft.approved_by}>")
    if draft.status == DraftStatus.FAILED:
        return _("Approved by {user} but not sent: {reason}. Use Retry.").format(
            user=f"<@{draft.approved_by}>", reason=escape(draft.last_error or "")
        )
    if draft.status == DraftStatus.REJECTED:
        return _("Already rejected by {user}.").format(user=f"<@{draft.rejected_by}>")
    if draft.status == DraftStatus.SUPERSEDED:
        if draft.visibility == Visibility.PUBLIC:
            return _("Another public reply of this case was approved instead.")
        return _("Another private message of this case was approved instead.")
    return _("This draft is waiting for approval.")


def _get_draft(session: Session, draft_id: int) -> Draft:
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise UserFacingError(_("This draft no longer exists."))
    # A conditional UPDATE just ran in this session: read the row as it is now.
    session.refresh(draft)
    return draft


def _case_of(services: Services, session: Session, draft: Draft) -> CaseSnapshot:
    return case_snapshot(session, draft.case, services.networks.look(draft.case.network))
