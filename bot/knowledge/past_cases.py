"""Similar past cases as the draft modal shows them: masked, with the approved reply as a
template and how the customer reacted."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.knowledge.depersonalise import masked_post, reply_template
from bot.knowledge.identities import linked_customer_ids
from bot.knowledge.outcomes import approved_reply
from bot.knowledge.reactions import Reaction, reaction_after
from bot.knowledge.similar import Match
from bot.knowledge.views import PastCaseView
from bot.networks.registry import Networks
from bot.slack.views import first_post, masked_text
from bot.triage import TriageConfig
from storage.models import Case


def past_case_views(
    session: Session, matches: Sequence[Match], networks: Networks, config: TriageConfig
) -> list[PastCaseView]:
    views = []
    for match in matches:
        case = session.get(Case, match.case_id)
        post = first_post(session, match.case_id)
        reply = approved_reply(session, match.case_id)
        if case is None or post is None or reply is None:
            continue
        customer = case.customer
        reaction = Reaction.NOTHING
        if reply.posted_at is not None:
            ids = linked_customer_ids(session, customer.id)
            reaction = reaction_after(session, ids, reply.posted_at)
        triage = post.triage or {}
        views.append(
            PastCaseView(
                case_id=case.id,
                similarity=match.similarity,
                network_label=networks.look(case.network).label,
                customer_text=masked_post(masked_text(post), customer.handle, customer.name),
                reply_template=reply_template(reply.text, customer.handle, customer.name, config),
                reply_draft_id=reply.id,
                reaction=reaction,
                language=triage.get("language"),
                intent=triage.get("intent"),
                closed_at=case.closed_at,
                close_reason=case.close_reason,
            )
        )
    return views
