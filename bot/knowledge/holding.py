"""A one-tap holding reply ("we're on it"), in the customer's language, on the case's network.

It is an ordinary draft (so the approval path, the exactly-once send and the first-response
time all apply, and the deadline clocks see an ordinary approved reply), marked by a
HOLDING_REPLY audit event naming the draft. It goes through approval unless a lead allowed
one-tap holding replies (bot.knowledge.team_settings, audited); then the tap approves it.
One holding reply per customer message: a second tap is refused while the first is
pending, approved or posted.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import lifecycle
from bot.cases.common import CASE_GONE, latest_post, reply_context
from bot.cases.drafts import add_draft, draft_problems, guard_config, load_draft, present_draft
from bot.errors import Conflict, UserFacingError
from bot.i18n import N_, _
from bot.knowledge import phrases
from bot.knowledge.placeholders import fill
from bot.knowledge.saved_replies import placeholder_values
from bot.knowledge.team_settings import ONE_TAP_HOLDING, flag
from bot.networks.base import VISIBILITY_FIELD
from bot.services import Services
from bot.slack.builders.drafting import language_name
from storage.db import compare_and_set, session_scope
from storage.enums import AWAITING_REPLY, AuditAction, DraftStatus, SavedReplyKind, Visibility
from storage.models import AuditEvent, Case, Draft, SavedReply, utcnow

_LIVE = {
    DraftStatus.PENDING: N_("drafted"),
    DraftStatus.APPROVED: N_("approved"),
    DraftStatus.POSTED: N_("sent"),
}


def pick_holding_reply(session: Session, language: str | None, network: str) -> SavedReply | None:
    """The holding reply for this language: one written for the network first."""
    replies = session.scalars(
        select(SavedReply)
        .where(
            SavedReply.active.is_(True),
            SavedReply.kind == SavedReplyKind.HOLDING,
            SavedReply.language == (language or ""),
        )
        .order_by(SavedReply.id)
    ).all()
    fitting = [r for r in replies if r.network in (None, network)]
    fitting.sort(key=lambda r: r.network is None)
    return fitting[0] if fitting else None


def _earlier_holding(session: Session, case: Case) -> Draft | None:
    """A holding reply already on its way for the customer's latest message."""
    events = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.case_id == case.id,
            AuditEvent.action == AuditAction.HOLDING_REPLY,
            AuditEvent.created_at >= case.last_customer_post_at,
        )
        .order_by(AuditEvent.id.desc())
    ).all()
    for event in events:
        draft = session.get(Draft, int((event.details or {}).get("draft", 0)))
        if draft is not None and draft.status in _LIVE:
            return draft
    return None


def send_holding_reply(services: Services, case_id: int, user: str) -> int:
    """Draft the case's holding reply as `user` and send it through approval (or at once,
    when one-tap holding replies are allowed); returns the draft's id."""
    with session_scope(services.factory) as session:
        customer = _case(session, case_id).customer
        name, handle = customer.name, customer.handle
    # Asks Slack for the agent's name: outside the unit of work.
    values = placeholder_values(services, name, handle, case_id, user)
    with session_scope(services.factory) as session:
        # Locked (PostgreSQL) so that two taps at once make one holding reply; SQLite
        # already serialises writers (BEGIN IMMEDIATE).
        case = _case(session, case_id, lock=True)
        earlier = _earlier_holding(session, case)
        if earlier is not None:
            state = _(_LIVE[DraftStatus(earlier.status)])
            raise Conflict(_(phrases.HOLDING_ALREADY).format(state=state))
        if case.status not in AWAITING_REPLY:
            raise Conflict(phrases.CASE_NOT_WAITING)
        language = (latest_post(session, case_id).triage or {}).get("language")
        reply = pick_holding_reply(session, language, case.network)
        if reply is None:
            raise UserFacingError(
                _(phrases.NO_HOLDING_REPLY).format(language=language_name(language))
            )
        network = services.networks[case.network]
        context = reply_context(session, case)
        public_refusal = network.reply_problems("", Visibility.PUBLIC, context).get(
            VISIBILITY_FIELD
        )
        visibility = (
            Visibility.PRIVATE
            if public_refusal or not network.can_reply_publicly
            else Visibility.PUBLIC
        )
        text = fill(reply.text, values)
        config = guard_config(services.settings.triage, case.brand.external_id)
        problems = draft_problems(text, visibility, network, context, config)
        if problems:
            raise UserFacingError(next(iter(problems.values())))
        draft_id = add_draft(
            session, case_id, user, text, visibility, written_after=case.last_customer_post_at
        )
        one_tap = flag(session, ONE_TAP_HOLDING)
        lifecycle.record(
            session,
            case_id,
            user,
            AuditAction.HOLDING_REPLY,
            draft=draft_id,
            saved_reply=reply.id,
            language=language,
            one_tap=one_tap or None,
        )
        if one_tap:
            compare_and_set(
                session,
                Draft,
                [Draft.id == draft_id, Draft.status == DraftStatus.PENDING],
                dict(status=DraftStatus.APPROVED, approved_by=user, approved_at=utcnow()),
            )
            lifecycle.record(
                session, case_id, user, AuditAction.APPROVE, draft=draft_id, one_tap=True
            )
    if one_tap:
        with session_scope(services.factory) as session:
            shown = load_draft(services, session, draft_id)
        services.thread.show_draft(shown)
        services.sender.send(draft_id)
    else:
        present_draft(services, draft_id, user)
    return draft_id


def _case(session: Session, case_id: int, *, lock: bool = False) -> Case:
    if lock:
        # The row alone: the case's eager joins (customer, brand) cannot be locked.
        session.execute(select(Case.id).where(Case.id == case_id).with_for_update())
    case = session.get(Case, case_id)
    if case is None:
        raise UserFacingError(CASE_GONE)
    return case
