"""Writing drafts: the modal's content, validation as X counts, saving and editing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from twitter_text import parse_tweet

from bot.cases.common import get_case, latest_post
from bot.cases.history import record
from bot.cases.permissions import approver_ids
from bot.errors import Conflict, UserFacingError
from bot.services import Services
from bot.slack.answer_blocks import TEXT_FIELD, VISIBILITY_FIELD, DraftFormView
from bot.slack.cards import notify_approvers, show_draft
from storage.db import session_scope
from storage.models import CaseStatus, Draft, DraftStatus, Visibility, utcnow

MAX_PUBLIC_WEIGHT = 280  # X's weighted length: URLs 23, emoji and CJK 2
MAX_PRIVATE_LENGTH = 10_000


@dataclass(frozen=True)
class DraftSubmission:
    case_id: int
    draft_id: int | None
    text: str
    visibility: str
    user: str


def validate_draft(text: str, visibility: str, publicly_replyable: bool) -> dict[str, str]:
    """Problems with a draft, keyed by the modal field to show them beside. Pure."""
    errors: dict[str, str] = {}
    if visibility not in (Visibility.PUBLIC, Visibility.PRIVATE):
        errors[VISIBILITY_FIELD] = "Choose a public reply or a private message."
    elif visibility == Visibility.PUBLIC and not publicly_replyable:
        errors[VISIBILITY_FIELD] = (
            "X does not allow a public reply to this post: its author did not mention the "
            "brand (it was found by keyword search). Choose Private message."
        )
    if not text.strip():
        errors[TEXT_FIELD] = "The reply is empty: write something first."
    elif visibility == Visibility.PUBLIC:
        weight = parse_tweet(text).weightedLength
        if weight > MAX_PUBLIC_WEIGHT:
            errors[TEXT_FIELD] = (
                f"Too long for a public reply on X: {weight}/{MAX_PUBLIC_WEIGHT} as X counts "
                "(links count 23, emoji and CJK characters 2). Shorten it, or send a private "
                "message."
            )
    elif len(text) > MAX_PRIVATE_LENGTH:
        errors[TEXT_FIELD] = (
            f"Too long for a private message: {len(text):,}/{MAX_PRIVATE_LENGTH:,} characters."
        )
    return errors


def draft_form(services: Services, case_id: int, draft_id: int | None = None) -> DraftFormView:
    """What the draft modal shows: the customer's latest post, and the prefilled reply."""
    with session_scope(services.factory) as session:
        case = get_case(session, case_id)
        post = latest_post(session, case_id)
        handle = case.customer.handle
        replyable = post.publicly_replyable
        text = f"@{handle} " if replyable else ""
        visibility = Visibility.PUBLIC if replyable else Visibility.PRIVATE
        if draft_id is not None:
            draft = session.get(Draft, draft_id)
            if draft is None or draft.case_id != case_id:
                raise UserFacingError("This draft no longer exists.")
            if draft.status != DraftStatus.PENDING:
                raise Conflict("This draft was already decided on; write a new one instead.")
            text, visibility = draft.text, draft.visibility
        return DraftFormView(
            case_id=case_id,
            draft_id=draft_id,
            customer_handle=handle,
            post_text=services.publisher.display_text(post),
            post_url=post.url,
            publicly_replyable=replyable,
            text=text,
            visibility=visibility,
        )


def check_draft(services: Services, submission: DraftSubmission) -> dict[str, str]:
    """Validate a submitted draft against the case as it is now (for inline modal errors)."""
    with session_scope(services.factory) as session:
        replyable = latest_post(session, submission.case_id).publicly_replyable
    return validate_draft(submission.text, submission.visibility, replyable)


def save_draft(services: Services, submission: DraftSubmission) -> int:
    """Store a new draft (or an edit), show it in the thread and ask the approvers."""
    errors = check_draft(services, submission)
    if errors:  # the modal checked already; the case may have changed since
        raise UserFacingError(next(iter(errors.values())))
    if submission.draft_id is not None:
        _edit(services, submission)
        show_draft(services.slack, services.factory, submission.draft_id)
        return submission.draft_id
    with session_scope(services.factory) as session:
        case = get_case(session, submission.case_id)
        closed, seen = case.status == CaseStatus.CLOSED, case.last_customer_post_at
    if closed:
        raise Conflict("This case is closed; it reopens when the customer writes again.")
    # A unit of work that writes first: on SQLite a read-then-write transaction fails at
    # once ("database is locked") if the poll job committed in between.
    with session_scope(services.factory) as session:
        draft = Draft(
            case_id=submission.case_id,
            author_slack_id=submission.user,
            text=submission.text,
            visibility=submission.visibility,
            status=DraftStatus.PENDING,
            written_after=seen,
        )
        session.add(draft)
        session.flush()
        draft_id = draft.id
        record(
            session,
            submission.case_id,
            submission.user,
            "draft",
            draft=draft_id,
            visibility=submission.visibility,
        )
    show_draft(services.slack, services.factory, draft_id)
    approvers = approver_ids(services.settings, services.slack)
    if not services.settings.allow_self_approval:
        approvers -= {submission.user}
    notify_approvers(services.slack, services.factory, draft_id, approvers)
    return draft_id


def _edit(services: Services, submission: DraftSubmission) -> None:
    assert submission.draft_id is not None
    with session_scope(services.factory) as session:
        seen = get_case(session, submission.case_id).last_customer_post_at
    with session_scope(services.factory) as session:
        changed = session.execute(
            update(Draft)
            .where(Draft.id == submission.draft_id, Draft.status == DraftStatus.PENDING)
            .values(
                text=submission.text,
                visibility=submission.visibility,
                editor_slack_id=submission.user,
                # The editor saw the conversation as it is now.
                written_after=seen,
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            raise Conflict("This draft was decided on meanwhile and can no longer be edited.")
        record(
            session,
            submission.case_id,
            submission.user,
            "edit",
            draft=submission.draft_id,
            visibility=submission.visibility,
        )
