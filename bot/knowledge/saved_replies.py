"""The library of saved replies: leads add, edit and retire them (every change audited);
anyone drafting picks one, suggested first for the case's intent, language and network,
and gets its text with the placeholders filled in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.common import get_case
from bot.errors import UserFacingError
from bot.i18n import _
from bot.knowledge import phrases
from bot.knowledge.agents import agent_first_name
from bot.knowledge.audit import record_team_event
from bot.knowledge.leads import is_lead, require_lead
from bot.knowledge.placeholders import PlaceholderValues, fill, first_name_of, unknown_placeholders
from bot.knowledge.team_settings import ONE_TAP_HOLDING, flag
from bot.knowledge.views import LibraryView, SavedReplyView
from bot.services import Services
from bot.slack.ids import Field
from storage.db import session_scope
from storage.enums import AuditAction, SavedReplyKind
from storage.models import SavedReply, utcnow

# Holding replies are short by nature ("we're on it"): room left for the @handle on X.
HOLDING_MAX_CHARS = 200
MAX_OPTIONS = 100


@dataclass(frozen=True)
class SavedReplyInput:
    """What the editor modal submits."""

    title: str
    text: str
    language: str
    kind: str = SavedReplyKind.REPLY
    intent: str | None = None
    network: str | None = None


def saved_reply_view(reply: SavedReply) -> SavedReplyView:
    return SavedReplyView(
        id=reply.id,
        kind=reply.kind,
        title=reply.title,
        text=reply.text,
        language=reply.language,
        intent=reply.intent,
        network=reply.network,
        active=reply.active,
        updated_by=reply.updated_by,
        updated_at=reply.updated_at,
    )


def problems(reply: SavedReplyInput) -> dict[str, str]:
    """What is wrong with a saved reply, keyed by the editor's fields. Pure."""
    found: dict[str, str] = {}
    if not reply.title.strip():
        found[Field.TITLE] = _(phrases.TITLE_MISSING)
    if not reply.text.strip():
        found[Field.TEXT] = _(phrases.TEXT_MISSING)
    elif unknown := unknown_placeholders(reply.text):
        found[Field.TEXT] = _(phrases.UNKNOWN_PLACEHOLDERS).format(found=", ".join(unknown))
    elif reply.kind == SavedReplyKind.HOLDING and len(reply.text) > HOLDING_MAX_CHARS:
        found[Field.TEXT] = _(phrases.HOLDING_TOO_LONG).format(limit=HOLDING_MAX_CHARS)
    if not reply.language.strip():
        found[Field.LANGUAGE] = _(phrases.LANGUAGE_MISSING)
    return found


def library(services: Services, user: str) -> LibraryView:
    """Every active saved reply, and whether `user` may change them."""
    with session_scope(services.factory) as session:
        replies = session.scalars(
            select(SavedReply)
            .where(SavedReply.active.is_(True))
            .order_by(SavedReply.kind, SavedReply.language, SavedReply.title, SavedReply.id)
        ).all()
        views = tuple(saved_reply_view(r) for r in replies)
        one_tap = flag(session, ONE_TAP_HOLDING)
    networks = tuple((n, services.networks.look(n).label) for n in services.networks)
    return LibraryView(
        replies=views, can_edit=is_lead(services, user), one_tap_holding=one_tap, networks=networks
    )


def get_reply(services: Services, reply_id: int) -> SavedReplyView:
    with session_scope(services.factory) as session:
        reply = session.get(SavedReply, reply_id)
        if reply is None:
            raise UserFacingError(phrases.SAVED_REPLY_GONE)
        return saved_reply_view(reply)


def save_reply(
    services: Services, user: str, reply: SavedReplyInput, reply_id: int | None = None
) -> int:
    """Add (or, with `reply_id`, edit) a saved reply as lead `user`; audited."""
    require_lead(services, user, phrases.CHANGE_SAVED_REPLIES)
    found = problems(reply)
    if found:
        raise UserFacingError(next(iter(found.values())))
    with session_scope(services.factory) as session:
        if reply_id is None:
            row = SavedReply(created_by=user, active=True)
            session.add(row)
            before = None
        else:
            existing = session.get(SavedReply, reply_id)
            if existing is None:
                raise UserFacingError(phrases.SAVED_REPLY_GONE)
            row = existing
            before = {"title": row.title, "text": row.text}
        row.kind, row.title, row.text = reply.kind, reply.title.strip(), reply.text.strip()
        row.language, row.intent, row.network = reply.language, reply.intent, reply.network
        row.updated_by, row.updated_at = user, utcnow()
        session.flush()
        record_team_event(
            session,
            user,
            AuditAction.SAVED_REPLY_ADD if before is None else AuditAction.SAVED_REPLY_EDIT,
            saved_reply=row.id,
            title=row.title,
            text=row.text,
            before=before,
        )
        return row.id


def retire_reply(services: Services, user: str, reply_id: int) -> None:
    """Take a saved reply out of use (kept, so the audit log still reads); audited."""
    require_lead(services, user, phrases.CHANGE_SAVED_REPLIES)
    with session_scope(services.factory) as session:
        row = session.get(SavedReply, reply_id)
        if row is None:
            raise UserFacingError(phrases.SAVED_REPLY_GONE)
        if not row.active:
            return
        row.active, row.updated_by, row.updated_at = False, user, utcnow()
        record_team_event(
            session, user, AuditAction.SAVED_REPLY_RETIRE, saved_reply=row.id, title=row.title
        )


def _fit(reply: SavedReply, intent: str | None, language: str | None, network: str | None) -> int:
    """How well a saved reply suits a case: higher is better, 0 for another language."""
    if language and reply.language != language:
        return 0
    score = 1
    if reply.intent is not None:
        score += 2 if reply.intent == intent else -1
    if reply.network is not None:
        score += 1 if reply.network == network else -1
    return max(score, 0)


def suggest(
    session: Session,
    *,
    intent: str | None,
    language: str | None,
    network: str | None,
    query: str = "",
    kind: SavedReplyKind = SavedReplyKind.REPLY,
) -> tuple[list[SavedReplyView], list[SavedReplyView]]:
    """(suggested for this case, the others) among active replies of `kind` whose title or
    text contains `query`; suggested ones are in the case's language, best fit first."""
    replies = session.scalars(
        select(SavedReply)
        .where(SavedReply.active.is_(True), SavedReply.kind == kind)
        .order_by(SavedReply.title, SavedReply.id)
    ).all()
    needle = query.strip().lower()
    if needle:
        replies = [r for r in replies if needle in r.title.lower() or needle in r.text.lower()]
    scored = [(_fit(r, intent, language, network), r) for r in replies]
    suggested = [r for s, r in sorted(scored, key=lambda p: -p[0]) if s > 0]
    others = [r for s, r in scored if s == 0]
    return (
        [saved_reply_view(r) for r in suggested][:MAX_OPTIONS],
        [saved_reply_view(r) for r in others][: max(0, MAX_OPTIONS - len(suggested))],
    )


def placeholder_values(
    services: Services, customer_name: str, customer_handle: str, case_id: int, agent: str
) -> PlaceholderValues:
    """What the placeholders stand for when `agent` answers case `case_id` (asks Slack for
    the agent's name: call it outside a unit of work)."""
    handle = f"@{customer_handle}"
    return PlaceholderValues(
        first_name=first_name_of(customer_name, handle),
        handle=handle,
        agent=agent_first_name(services.slack, agent) or "{agent}",
        case=f"#{case_id}",
    )


def filled_text(services: Services, text: str, case_id: int, agent: str) -> str:
    """`text` (a saved reply or a past reply's template) ready for this case's draft."""
    with session_scope(services.factory) as session:
        customer = get_case(session, case_id).customer
        name, handle = customer.name, customer.handle
    return fill(text, placeholder_values(services, name, handle, case_id, agent))


def filled_reply(services: Services, reply_id: int, case_id: int, agent: str) -> str:
    """A saved reply's text with its placeholders filled in for `case_id` by `agent`."""
    reply = get_reply(services, reply_id)
    if not reply.active:
        raise UserFacingError(phrases.SAVED_REPLY_RETIRED)
    return filled_text(services, reply.text, case_id, agent)
