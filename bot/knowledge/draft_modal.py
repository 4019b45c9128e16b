"""What the draft modal knows beyond the case itself: similar past cases, the case's intent
and language (for suggesting saved replies), and the drafting help for the current text.

The modal is rebuilt whole on every change (a saved reply chosen, a past reply copied, a
check asked for, a warning on Save): `modal_form` takes the text as it stands, so what the
author typed is never lost, and bumps the text's version whenever the bot replaces it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re

from sqlalchemy import select

from bot.cases.common import get_case, latest_post, reply_context
from bot.cases.drafts import draft_form, guard_config
from bot.drafting import spelling
from bot.drafting.review import review_text
from bot.errors import UserFacingError
from bot.knowledge import phrases
from bot.knowledge.depersonalise import reply_template
from bot.knowledge.past_cases import past_case_views
from bot.knowledge.similar import find_similar
from bot.knowledge.views import DraftAdvice, DraftKnowledge
from bot.services import Services
from bot.slack.views import DraftFormView
from storage.db import session_scope
from storage.enums import CaseStatus, DraftStatus, SavedReplyKind, Visibility
from storage.models import Draft, SavedReply

_WORD = re.compile(r"[^\W\d_]{2,}")


def digest(text: str) -> str:
    """A short fingerprint of a text: Save twice with the same text saves it."""
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def draft_knowledge(services: Services, case_id: int) -> DraftKnowledge:
    """Similar past cases and the case's reading, for a freshly opened draft modal."""
    spelling.warm_up()  # loads in the background; ready by the time the author checks
    with session_scope(services.factory) as session:
        case = get_case(session, case_id)
        triage = latest_post(session, case_id).triage or {}
        config = guard_config(services.settings.triage, case.brand.external_id)
        matches = find_similar(session, case_id, services.embed)
        past = past_case_views(session, matches, services.networks, config)
        has_saved = (
            session.scalar(
                select(SavedReply.id)
                .where(SavedReply.active.is_(True), SavedReply.kind == SavedReplyKind.REPLY)
                .limit(1)
            )
            is not None
        )
    return DraftKnowledge(
        past_cases=tuple(past),
        intent=triage.get("intent"),
        language=triage.get("language"),
        has_saved_replies=has_saved,
    )


def with_knowledge(services: Services, form: DraftFormView) -> DraftFormView:
    """A freshly opened draft modal's form, with similar cases and saved replies."""
    return dataclasses.replace(form, knowledge=draft_knowledge(services, form.case_id))


def loading_knowledge(form: DraftFormView) -> DraftFormView:
    """The draft modal as it opens: everything but the past cases, which follow."""
    spelling.warm_up()
    return dataclasses.replace(form, knowledge=DraftKnowledge(loading=True))


def modal_form(
    services: Services,
    case_id: int,
    draft_id: int | None,
    *,
    text: str,
    visibility: str,
    text_version: int,
    advice: DraftAdvice | None = None,
    warned: str | None = None,
) -> DraftFormView:
    """The draft modal rebuilt with `text` (as typed, or as the bot just replaced it)."""
    form = draft_form(services, case_id, draft_id)
    knowledge = draft_knowledge(services, case_id)
    chosen = visibility if visibility in (Visibility.PUBLIC, Visibility.PRIVATE) else None
    return dataclasses.replace(
        form,
        text=text,
        visibility=Visibility(chosen) if chosen else form.visibility,
        text_version=text_version,
        knowledge=dataclasses.replace(knowledge, advice=advice, warned=warned),
    )


def review_draft(
    services: Services, case_id: int, text: str, visibility: str, *, wait_seconds: float
) -> DraftAdvice:
    """Spelling, tone, length and language of a draft for case `case_id`, waiting up to
    `wait_seconds` for the dictionaries if they are still loading."""
    spelling.wait_until_ready(wait_seconds)
    with session_scope(services.factory) as session:
        case = get_case(session, case_id)
        network = services.networks[case.network]
        context = reply_context(session, case)
        customer_language = (latest_post(session, case_id).triage or {}).get("language")
        known = {case.brand.handle, *_WORD.findall(case.customer.name)}
        for reply_text in session.scalars(
            select(SavedReply.text).where(SavedReply.active.is_(True))
        ):
            known.update(_WORD.findall(reply_text))
    return review_text(
        text,
        visibility if visibility in (Visibility.PUBLIC, Visibility.PRIVATE) else Visibility.PUBLIC,
        network=network,
        context=context,
        customer_language=customer_language,
        languages=services.settings.triage.languages,
        known_words=known,
    )


def past_reply(services: Services, past_case_id: int, draft_id: int) -> str:
    """The template of a past case's approved reply (checked again: it must be a posted
    reply of a closed case), masked as the modal showed it."""
    with session_scope(services.factory) as session:
        draft = session.get(Draft, draft_id)
        if (
            draft is None
            or draft.case_id != past_case_id
            or draft.status != DraftStatus.POSTED
            or draft.case.status != CaseStatus.CLOSED
        ):
            raise UserFacingError(phrases.PAST_REPLY_GONE)
        customer = draft.case.customer
        config = guard_config(services.settings.triage, draft.case.brand.external_id)
        return reply_template(draft.text, customer.handle, customer.name, config)


# A view_submission must be answered within 3 s: never wait longer than this for the
# dictionaries (they load in about 0.6 s, started when the modal opened). A click on
# "Check" is answered first and may wait longer.
SUBMIT_WAIT_SECONDS = 1.5
CHECK_WAIT_SECONDS = 8.0


def warning_form(
    services: Services,
    case_id: int,
    draft_id: int | None,
    *,
    text: str,
    visibility: str,
    text_version: int,
    warned: str | None,
) -> DraftFormView | None:
    """On Save: the modal again with the drafting help when it has something to say about
    this text and has not said it yet (Save again saves it as it is); else None.

    The text goes back in a new version of the box, so what was typed is shown again
    whatever Slack does with input state on an update: a warning never loses a draft.
    """
    if warned == digest(text):
        return None
    advice = review_draft(services, case_id, text, visibility, wait_seconds=SUBMIT_WAIT_SECONDS)
    if not advice.worth_a_second_look:
        return None
    return modal_form(
        services,
        case_id,
        draft_id,
        text=text,
        visibility=visibility,
        text_version=text_version + 1,
        advice=advice,
        warned=digest(text),
    )
