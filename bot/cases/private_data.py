"""Personal data a customer exposed: move the conversation to private, and let approvers
see the original text explicitly (recorded), since Slack only ever shows it masked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import lifecycle
from bot.cases.common import get_case, reply_context
from bot.cases.drafts import add_draft, draft_problems, guard_config, present_draft
from bot.cases.invitations import invitation_texts, opening_private_message
from bot.cases.permissions import require_approver_role
from bot.errors import Conflict, UserFacingError
from bot.i18n import N_, _
from bot.networks.base import VISIBILITY_FIELD
from bot.services import Services
from bot.slack.views import OriginalPost, stored_triage
from storage.db import session_scope
from storage.enums import AuditAction, CaseStatus, DraftStatus, Visibility
from storage.models import AuditEvent, Draft, Post


@dataclass(frozen=True)
class MovedToPrivate:
    public_draft: int | None
    private_draft: int
    # Set when only the private message was drafted.
    why_no_public: str | None = None


def move_to_private(services: Services, case_id: int, user: str) -> MovedToPrivate:
    """Draft, as `user`, a public reply in the customer's language inviting them to a
    private conversation (with the brand's private-message link) and a private message
    asking for the details. Both wait for approval like any draft. The private message
    alone where the network lets us answer only privately, or where it has no link
    because the private message itself reaches the customer (a private reply to their
    comment); a private message the network would refuse is refused here, in its words."""
    with session_scope(services.factory) as session:
        case = get_case(session, case_id)
        if case.status == CaseStatus.CLOSED:
            raise Conflict(_("This case is closed; it reopens when the customer writes again."))
        network = services.networks[case.network]
        context = reply_context(session, case)
        # The author of the post the drafts answer (not always who opened the case).
        handle, brand = context.target.customer_handle, case.brand.external_id
        seen = case.last_customer_post_at
        language = _customer_language(session, case_id)
        waiting = _pending_move(session, case_id)
    if waiting:
        numbers = " and ".join(f"#{d}" for d in waiting)
        raise Conflict(
            _("Already moved to private: drafts {numbers} wait for approval.").format(
                numbers=numbers
            )
        )
    if not network.can_send_private:
        raise UserFacingError(
            _(
                "{network} has no private messages Carethread can send: answer publicly "
                "without the personal data, or ask the customer to contact the brand directly."
            ).format(network=network.label)
        )
    link = network.private_message_link()
    public, private = "", opening_private_message(language)
    if link is not None:
        try:
            public, private = invitation_texts(language, handle, link)
        except ValueError as exc:
            raise UserFacingError(
                _("Could not write the invitation: {problem}.").format(problem=exc)
            ) from exc
    # Where a private reply must start a certain way (on Mastodon, with the customer's
    # @handle, or it reaches no one), the private message starts so too.
    private = network.draft_prefill(handle, Visibility.PRIVATE) + private
    config = guard_config(services.settings.triage, brand)
    # The private message is judged like any draft: what the network would refuse (a
    # comment already answered privately, a window that closed) is said now, not at send.
    refused = draft_problems(private, Visibility.PRIVATE, network, context, config)
    if refused:
        raise UserFacingError(
            _("Cannot move this case to private: {problem}").format(
                problem=next(iter(refused.values()))
            )
        )
    if link is None:
        # No link to invite the customer with: the network delivers the private message by
        # itself, in answer to their post (Meta's private reply), so no invitation is needed.
        why_no_public: str | None = (
            f"{network.label} delivers it to the customer as a private reply to their post, "
            "so no public invitation is needed."
        )
    else:
        # The invitation goes through the same checks as any public reply.
        public_problems = draft_problems(public, Visibility.PUBLIC, network, context, config)
        why_no_public = public_problems.get(VISIBILITY_FIELD)
        if why_no_public is None and public_problems:
            raise UserFacingError(
                _("Could not draft the invitation: {problem}").format(
                    problem=next(iter(public_problems.values()))
                )
            )
    with session_scope(services.factory) as session:
        public_id = None
        if why_no_public is None:
            public_id = add_draft(
                session, case_id, user, public, Visibility.PUBLIC, written_after=seen
            )
        private_id = add_draft(
            session, case_id, user, private, Visibility.PRIVATE, written_after=seen
        )
        drafts = [d for d in (public_id, private_id) if d is not None]
        lifecycle.record(
            session,
            case_id,
            user,
            AuditAction.MOVE_TO_PRIVATE,
            drafts=drafts,
            language=language,
        )
    for draft_id in drafts:
        present_draft(services, draft_id, user)
    return MovedToPrivate(public_id, private_id, why_no_public)


def reveal_original(services: Services, case_id: int, user: str) -> list[OriginalPost]:
    """The case's posts that held personal data, as written, for an approver only; each
    viewing is recorded in the audit log before anything is shown."""
    require_approver_role(services, user, N_("see the original text with personal data"))
    with session_scope(services.factory) as session:
        case = get_case(session, case_id)
        look = services.networks.look(case.network)
        posts = session.scalars(
            select(Post).where(Post.case_id == case_id).order_by(Post.created_at, Post.id)
        ).all()
        shown = []
        for post in posts:
            triage = stored_triage(post)
            if triage is None or not triage.pii:
                continue
            found = tuple(dict.fromkeys(m.label for m in triage.pii))
            original = OriginalPost(
                at=post.created_at, url=post.url, text=post.text, found=found, network=look
            )
            shown.append((post.id, original))
    with session_scope(services.factory) as session:
        for post_id, _ in shown:
            lifecycle.record(session, case_id, user, AuditAction.REVEAL_PERSONAL_DATA, post=post_id)
    return [original for _, original in shown]


def _customer_language(session: Session, case_id: int) -> str:
    """The language of the customer's newest post that has one (English when none)."""
    posts = session.scalars(
        select(Post).where(Post.case_id == case_id).order_by(Post.created_at.desc())
    ).all()
    for post in posts:
        triage = stored_triage(post)
        if triage and triage.language and triage.language != "und":
            return triage.language
    return "en"


def _pending_move(session: Session, case_id: int) -> list[int]:
    """Drafts of the last Move to private that still wait for approval."""
    last = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.case_id == case_id, AuditEvent.action == AuditAction.MOVE_TO_PRIVATE)
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
