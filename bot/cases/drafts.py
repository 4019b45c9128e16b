"""Writing drafts: the modal's content, validation as X counts and for personal data,
saving and editing."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session
from twitter_text import parse_tweet

from bot.cases.common import get_case, latest_post
from bot.cases.history import record
from bot.cases.permissions import approver_ids
from bot.errors import Conflict, UserFacingError
from bot.services import Services
from bot.slack.answer_blocks import TEXT_FIELD, VISIBILITY_FIELD, DraftFormView
from bot.slack.cards import notify_approvers, show_draft
from bot.slack.publish import masked_text
from bot.triage import PiiMatch, TriageConfig, mask_pii, outbound_pii
from bot.triage.records import DEFAULT_CONFIG
from storage.db import compare_and_set, session_scope
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


def guard_config(config: TriageConfig, brand_user_id: str) -> TriageConfig:
    """The triage config for checking the brand's own replies: the brand's numeric X id
    (in its DM link) is the brand's, not someone's phone or card number."""
    return dataclasses.replace(config, pii_allowlist=(*config.pii_allowlist, brand_user_id))


def describe_personal_data(matches: Sequence[PiiMatch]) -> str:
    """ "card number •••• •••• •••• 1111, email address j•••@•••.com": masked, never raw."""
    shown = []
    for match in matches:
        alone = dataclasses.replace(match, start=0, end=len(match.value))
        shown.append(f"{match.label} {mask_pii(match.value, [alone])}")
    unique = list(dict.fromkeys(shown))
    more = f" and {len(unique) - 3} more" if len(unique) > 3 else ""
    return ", ".join(unique[:3]) + more


def public_personal_data(text: str, config: TriageConfig) -> str | None:
    """Why `text` must not be published, in words (masked), or None when it may be."""
    found = outbound_pii(text, config)
    if not found:
        return None
    return f"This public reply contains personal data ({describe_personal_data(found)})."


def validate_draft(
    text: str, visibility: str, publicly_replyable: bool, config: TriageConfig = DEFAULT_CONFIG
) -> dict[str, str]:
    """Problems with a draft, keyed by the modal field to show them beside. Pure.

    A public reply holding personal data of any detected type is refused; a private
    message may hold it (that is what private messages are for).
    """
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
        elif found := public_personal_data(text, config):
            errors[TEXT_FIELD] = f"{found} Remove it, or choose Private message."
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
            post_text=masked_text(post),
            post_url=post.url,
            publicly_replyable=replyable,
            text=text,
            visibility=visibility,
        )


def check_draft(services: Services, submission: DraftSubmission) -> dict[str, str]:
    """Validate a submitted draft against the case as it is now (for inline modal errors)."""
    with session_scope(services.factory) as session:
        replyable = latest_post(session, submission.case_id).publicly_replyable
        brand = get_case(session, submission.case_id).brand.external_id
    config = guard_config(services.settings.triage, brand)
    return validate_draft(submission.text, submission.visibility, replyable, config)


def refuse_public_personal_data(services: Services, draft_id: int) -> None:
    """Checked again when sending: an old draft, or one written before a new PII pattern,
    must never publish personal data by accident."""
    with session_scope(services.factory) as session:
        draft = session.get(Draft, draft_id)
        if draft is None or draft.visibility != Visibility.PUBLIC:
            return
        text, brand = draft.text, draft.case.brand.external_id
    found = public_personal_data(text, guard_config(services.settings.triage, brand))
    if found:
        raise UserFacingError(
            f"Not sent: {found[0].lower()}{found[1:]} Edit the draft to remove it, or reject "
            "it and send a private message instead."
        )


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
        draft_id = add_draft(
            session,
            submission.case_id,
            submission.user,
            submission.text,
            submission.visibility,
            written_after=seen,
        )
    present_draft(services, draft_id, submission.user)
    return draft_id


def add_draft(
    session: Session,
    case_id: int,
    author: str,
    text: str,
    visibility: str,
    *,
    written_after: datetime,
) -> int:
    """Insert a pending draft and its audit event; the caller's unit of work commits both."""
    draft = Draft(
        case_id=case_id,
        author_slack_id=author,
        text=text,
        visibility=visibility,
        status=DraftStatus.PENDING,
        written_after=written_after,
    )
    session.add(draft)
    session.flush()
    record(session, case_id, author, "draft", draft=draft.id, visibility=visibility)
    return draft.id


def present_draft(services: Services, draft_id: int, author: str) -> None:
    """Show a new draft in its thread and ask every approver (but the author) in a DM."""
    show_draft(services.slack, services.factory, draft_id)
    approvers = approver_ids(services.settings, services.slack)
    if not services.settings.allow_self_approval:
        approvers -= {author}
    notify_approvers(services.slack, services.factory, draft_id, approvers)


def _edit(services: Services, submission: DraftSubmission) -> None:
    assert submission.draft_id is not None
    with session_scope(services.factory) as session:
        seen = get_case(session, submission.case_id).last_customer_post_at
    with session_scope(services.factory) as session:
        changed = compare_and_set(
            session,
            Draft,
            [Draft.id == submission.draft_id, Draft.status == DraftStatus.PENDING],
            dict(
                text=submission.text,
                visibility=submission.visibility,
                editor_slack_id=submission.user,
                # The editor saw the conversation as it is now.
                written_after=seen,
                updated_at=utcnow(),
            ),
        )
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
