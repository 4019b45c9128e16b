"""Writing drafts: the modal's content, validation (the network's rules and personal
data), saving and editing."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import lifecycle
from bot.cases.common import get_case, latest_post, reply_context
from bot.errors import Conflict, UserFacingError
from bot.i18n import _
from bot.metrics.cost import has_link, link_notice, without_links
from bot.networks.base import TEXT_FIELD, VISIBILITY_FIELD, Network, ReplyContext
from bot.services import Services
from bot.slack.views import DraftFormView, DraftSnapshot, draft_snapshot, masked_text
from bot.triage import PiiMatch, TriageConfig, mask_pii, outbound_pii
from storage.db import compare_and_set, session_scope
from storage.enums import AuditAction, CaseStatus, DraftStatus, Visibility
from storage.models import Draft, utcnow


@dataclass(frozen=True)
class DraftSubmission:
    case_id: int
    draft_id: int | None
    text: str
    visibility: str
    user: str
    # Waiting on the customer after this reply, as the author chose (None: the text decides).
    asks_customer: bool | None = None


def guard_config(config: TriageConfig, brand_external_id: str) -> TriageConfig:
    """The triage config for checking the brand's own replies: the brand's own id (in its
    private-message link, say) is the brand's, not someone's phone or card number."""
    return dataclasses.replace(config, pii_allowlist=(*config.pii_allowlist, brand_external_id))


def describe_personal_data(matches: Sequence[PiiMatch]) -> str:
    """ "card number •••• •••• •••• 1111, email address j•••@•••.com": masked, never raw."""
    shown = []
    for match in matches:
        alone = dataclasses.replace(match, start=0, end=len(match.value))
        shown.append(_(match.label) + " " + mask_pii(match.value, [alone]))
    unique = list(dict.fromkeys(shown))
    more = _(" and {count} more").format(count=len(unique) - 3) if len(unique) > 3 else ""
    return ", ".join(unique[:3]) + more


def public_personal_data(text: str, config: TriageConfig) -> str | None:
    """Why `text` must not be published, in words (masked), or None when it may be."""
    found = outbound_pii(text, config)
    if not found:
        return None
    return _("This public reply contains personal data ({kinds}).").format(
        kinds=describe_personal_data(found)
    )


def draft_problems(
    text: str,
    visibility: str,
    network: Network,
    context: ReplyContext,
    config: TriageConfig,
) -> dict[str, str]:
    """Problems with a draft, keyed by the modal field to show them beside. Pure.

    The network judges what it would refuse (length as it counts, whom it lets us answer
    publicly, messaging windows), in its own words; a public reply holding personal data of
    any detected type is refused on every network; a private message may hold it (that is
    what private messages are for).
    """
    errors: dict[str, str] = {}
    if visibility not in (Visibility.PUBLIC, Visibility.PRIVATE):
        errors[VISIBILITY_FIELD] = _("Choose a public reply or a private message.")
    elif visibility == Visibility.PUBLIC and not network.can_reply_publicly:
        errors[VISIBILITY_FIELD] = _("Carethread cannot answer publicly on {network}.").format(
            network=network.label
        )
    elif visibility == Visibility.PRIVATE and not network.can_send_private:
        errors[VISIBILITY_FIELD] = _(
            "{network} has no private messages Carethread can send."
        ).format(network=network.label)
    if not text.strip():
        errors[TEXT_FIELD] = _("The reply is empty: write something first.")
    if VISIBILITY_FIELD in errors and visibility not in (Visibility.PUBLIC, Visibility.PRIVATE):
        return errors
    for field, problem in network.reply_problems(text, visibility, context).items():
        errors.setdefault(field, problem)
    public = visibility == Visibility.PUBLIC and TEXT_FIELD not in errors
    if public and (found := public_personal_data(text, config)):
        errors[TEXT_FIELD] = f"{found} Remove it, or choose Private message."
    return errors


def draft_form(services: Services, case_id: int, draft_id: int | None = None) -> DraftFormView:
    """What the draft modal shows: the customer's latest post, the prefilled reply, and
    the network's rules."""
    with session_scope(services.factory) as session:
        case = get_case(session, case_id)
        network = services.networks[case.network]
        post = latest_post(session, case_id)
        context = reply_context(session, case)
        # The reply answers the latest post: address its author (in a forum topic or a
        # public thread that is not always the customer who opened the case).
        handle = post.customer.handle
        public_refusal = network.reply_problems("", Visibility.PUBLIC, context).get(
            VISIBILITY_FIELD
        )
        if not network.can_reply_publicly:
            public_refusal = _("Carethread cannot answer publicly on {network}.").format(
                network=network.label
            )
        visibility = Visibility.PRIVATE if public_refusal else Visibility.PUBLIC
        text = network.draft_prefill(handle, visibility)
        asks: bool | None = None
        if draft_id is not None:
            draft = session.get(Draft, draft_id)
            if draft is None or draft.case_id != case_id:
                raise UserFacingError(_("This draft no longer exists."))
            if draft.status != DraftStatus.PENDING:
                raise Conflict(_("This draft was already decided on; write a new one instead."))
            text, visibility = draft.text, Visibility(draft.visibility)
            asks = draft.asks_customer
        form = DraftFormView(
            case_id=case_id,
            draft_id=draft_id,
            customer_handle=handle,
            post_text=masked_text(post),
            post_url=post.url,
            publicly_replyable=public_refusal is None,
            text=text,
            visibility=visibility,
            network=services.networks.look(case.network),
            reply_hint=network.reply_hint(),
            public_refusal=public_refusal,
            asks_customer=asks,
            reply_window=network.reply_window(context),
            public_note=(
                network.reply_note(context.target.post_meta, Visibility.PUBLIC)
                if public_refusal is None
                else None
            ),
            private_note=(
                network.reply_note(context.target.post_meta, Visibility.PRIVATE)
                if network.can_send_private
                else None
            ),
        )
    return with_link_cost(services, case.network, form)


def with_link_cost(services: Services, network: str, form: DraftFormView) -> DraftFormView:
    """`form` with the link warning when its public text holds a link that costs extra on
    `network` (X bills a post with a link about 13× a plain one), and the link-free wording."""
    prices = services.settings.metrics.prices.get(network)
    notice = link_notice(prices, form.network.label) if prices else None
    if notice is None or form.visibility != Visibility.PUBLIC or not has_link(form.text):
        return dataclasses.replace(form, link_notice=None, link_free_text=None)
    return dataclasses.replace(form, link_notice=notice, link_free_text=without_links(form.text))


def link_warning_form(
    services: Services, submission: DraftSubmission, *, seen: bool, version: int = 0
) -> DraftFormView | None:
    """The modal to show again, warning about a costly link, when `submission` is a public
    reply with one and the agent has not seen the warning yet; None to save as it is."""
    if seen or submission.visibility != Visibility.PUBLIC or not has_link(submission.text):
        return None
    form = draft_form(services, submission.case_id, submission.draft_id)
    form = dataclasses.replace(
        form, text=submission.text, visibility=Visibility.PUBLIC, text_version=version
    )
    with session_scope(services.factory) as session:
        network = get_case(session, submission.case_id).network
    form = with_link_cost(services, network, form)
    return form if form.link_notice else None


def edit_form(services: Services, draft_id: int) -> DraftFormView:
    """The draft modal prefilled with a pending draft."""
    with session_scope(services.factory) as session:
        draft = session.get(Draft, draft_id)
        if draft is None:
            raise UserFacingError(_("This draft no longer exists."))
        case_id = draft.case_id
    return draft_form(services, case_id, draft_id=draft_id)


def check_draft(services: Services, submission: DraftSubmission) -> dict[str, str]:
    """Validate a submitted draft against the case as it is now (for inline modal errors)."""
    with session_scope(services.factory) as session:
        case = get_case(session, submission.case_id)
        network = services.networks[case.network]
        context = reply_context(session, case)
        brand = case.brand.external_id
    config = guard_config(services.settings.triage, brand)
    return draft_problems(submission.text, submission.visibility, network, context, config)


def refuse_public_personal_data(
    services: Services, text: str, visibility: str, brand_external_id: str
) -> None:
    """Checked again when sending: an old draft, or one written before a new pattern,
    must never publish personal data by accident."""
    if visibility != Visibility.PUBLIC:
        return
    found = public_personal_data(text, guard_config(services.settings.triage, brand_external_id))
    if found:
        raise UserFacingError(
            _(
                "Not sent: {problem} Edit the draft to remove it, or reject it and send a "
                "private message instead."
            ).format(problem=f"{found[0].lower()}{found[1:]}")
        )


def save_draft(services: Services, submission: DraftSubmission) -> int:
    """Store a new draft (or an edit), show it in the thread and ask the approvers."""
    errors = check_draft(services, submission)
    if errors:  # the modal checked already; the case may have changed since
        raise UserFacingError(next(iter(errors.values())))
    if submission.draft_id is not None:
        shown = _edit(services, submission)
        services.thread.show_draft(shown)
        return submission.draft_id
    with session_scope(services.factory) as session:
        case = get_case(session, submission.case_id)
        closed, seen = case.status == CaseStatus.CLOSED, case.last_customer_post_at
    if closed:
        raise Conflict(_("This case is closed; it reopens when the customer writes again."))
    # A unit of work that writes first: on SQLite a read-then-write transaction fails at
    # once ("database is locked") if the poll job committed in between.
    with session_scope(services.factory) as session:
        draft_id = add_draft(
            session,
            submission.case_id,
            submission.user,
            submission.text,
            Visibility(submission.visibility),
            written_after=seen,
            asks_customer=submission.asks_customer,
        )
    present_draft(services, draft_id, submission.user)
    return draft_id


def add_draft(
    session: Session,
    case_id: int,
    author: str,
    text: str,
    visibility: Visibility,
    *,
    written_after: datetime,
    asks_customer: bool | None = None,
) -> int:
    """Insert a pending draft and its audit event; the caller's unit of work commits both."""
    draft = Draft(
        case_id=case_id,
        author_slack_id=author,
        text=text,
        visibility=visibility,
        status=DraftStatus.PENDING,
        written_after=written_after,
        asks_customer=asks_customer,
    )
    session.add(draft)
    session.flush()
    lifecycle.record(
        session, case_id, author, AuditAction.DRAFT, draft=draft.id, visibility=visibility
    )
    return draft.id


def load_draft(services: Services, session: Session, draft_id: int) -> DraftSnapshot:
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise UserFacingError(_("This draft no longer exists."))
    return draft_snapshot(draft, services.networks.look(draft.case.network))


def present_draft(services: Services, draft_id: int, author: str) -> None:
    """Show a new draft in its thread and ask every approver (but the author) in a DM."""
    with session_scope(services.factory) as session:
        shown = load_draft(services, session, draft_id)
    message = services.thread.show_draft(shown)
    approvers = services.directory.approvers()
    if not services.settings.allow_self_approval:
        approvers -= {author}
    services.thread.ask_approvers(dataclasses.replace(shown, message=message), approvers)
    with session_scope(services.factory) as session:
        now = load_draft(services, session, draft_id)
    if now.draft.status != shown.draft.status:
        # Approved while we were still asking: bring the DM copies up to date.
        services.thread.show_draft(now)


def _edit(services: Services, submission: DraftSubmission) -> DraftSnapshot:
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
                asks_customer=submission.asks_customer,
                # The editor saw the conversation as it is now.
                written_after=seen,
                updated_at=utcnow(),
            ),
        )
        if not changed:
            raise Conflict(_("This draft was decided on meanwhile and can no longer be edited."))
        lifecycle.record(
            session,
            submission.case_id,
            submission.user,
            AuditAction.EDIT,
            draft=submission.draft_id,
            visibility=submission.visibility,
        )
        return load_draft(services, session, submission.draft_id)
