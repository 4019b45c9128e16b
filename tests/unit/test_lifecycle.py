"""The case lifecycle: what each step does to status, owner and deadline, and which races
have exactly one winner (the raced steps run on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot import lifecycle
from storage.db import session_scope
from storage.enums import AuditAction, CaseStatus, Priority, Visibility
from storage.models import AuditEvent, BrandAccount, Case, Customer

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def a_case(**values) -> Case:
    fields = dict(id=1, status=CaseStatus.NEW, priority=Priority.P3, last_customer_post_at=T0)
    fields.update(values)
    return Case(**fields)


def test_a_case_is_as_urgent_as_its_most_urgent_message_and_the_earliest_deadline_wins():
    case = a_case()
    lifecycle.customer_posted(
        case, at=T0, priority=Priority.P3, response_target=timedelta(hours=24)
    )
    assert case.respond_by == T0 + timedelta(hours=24)
    later = T0 + timedelta(minutes=10)
    lifecycle.customer_posted(
        case, at=later, priority=Priority.P1, response_target=timedelta(minutes=15)
    )
    assert case.priority == Priority.P1
    assert case.respond_by == later + timedelta(minutes=15)
    assert case.last_customer_post_at == later
    lifecycle.customer_posted(
        case, at=later, priority=Priority.P2, response_target=timedelta(hours=1)
    )
    assert case.priority == Priority.P1 and case.respond_by == later + timedelta(minutes=15)


def test_writing_after_our_reply_puts_the_case_back_in_the_owners_queue():
    case = a_case(status=CaseStatus.REPLIED, owner_slack_id="U0A", respond_by=T0)
    lifecycle.customer_posted(case, at=T0, priority=Priority.P3, response_target=None)
    assert case.status == CaseStatus.CLAIMED and case.respond_by is None
    unowned = a_case(status=CaseStatus.REPLIED)
    lifecycle.customer_posted(unowned, at=T0, priority=Priority.P3, response_target=None)
    assert unowned.status == CaseStatus.NEW


def test_reopening_a_closed_case_clears_the_close_and_remembers_it():
    case = a_case(
        status=CaseStatus.CLOSED,
        owner_slack_id="U0A",
        close_reason="answered",
        closed_at=T0,
        first_response_at=T0,
    )
    event = lifecycle.reopen(case, "post-9")
    assert case.status == CaseStatus.CLAIMED and case.closed_at is None
    assert case.close_reason is None and case.first_response_at is None
    assert event.action == AuditAction.REOPEN
    assert event.details == {"close_reason": "answered", "owner": "U0A", "post": "post-9"}


def test_a_posted_reply_answers_the_case_unless_it_was_closed_meanwhile():
    case = a_case()
    event = lifecycle.reply_posted(
        case, draft_id=4, visibility=Visibility.PUBLIC, url="https://x.com/a/1", at=T0
    )
    assert case.status == CaseStatus.REPLIED and case.first_response_at == T0
    assert event.details == {"draft": 4, "visibility": "public", "url": "https://x.com/a/1"}
    closed = a_case(status=CaseStatus.CLOSED)
    lifecycle.reply_posted(closed, draft_id=5, visibility=Visibility.PRIVATE, url="u", at=T0)
    assert closed.status == CaseStatus.CLOSED and closed.first_response_at == T0


def _stored_case(factory) -> int:
    with session_scope(factory) as session:
        brand = BrandAccount(network="x", external_id="1", handle="acme")
        customer = Customer(network="x", external_id="2", handle="ana")
        session.add_all([brand, customer])
        session.flush()
        case = lifecycle.open_case(
            session, brand_id=brand.id, customer=customer, network="x", conversation_id="9", at=T0
        )
        return case.id


def test_raced_steps_have_one_winner_and_one_audit_event(factory):
    case_id = _stored_case(factory)
    with session_scope(factory) as session:
        assert lifecycle.apply(session, lifecycle.claim(case_id, "U0A", T0))
    with session_scope(factory) as session:
        assert not lifecycle.apply(session, lifecycle.claim(case_id, "U0B", T0))
    with session_scope(factory) as session:
        assert not lifecycle.apply(session, lifecycle.take_over(case_id, "U0B", None, T0))
        assert lifecycle.apply(session, lifecycle.take_over(case_id, "U0B", "U0A", T0))
    with session_scope(factory) as session:
        assert not lifecycle.apply(session, lifecycle.unclaim(case_id, "U0A", T0))
        assert lifecycle.apply(
            session, lifecycle.escalate(case_id, "U0B", "billing", "", "U0B", T0)
        )
    with session_scope(factory) as session:
        assert lifecycle.apply(session, lifecycle.close(case_id, "U0B", "answered", T0))
        assert not lifecycle.apply(session, lifecycle.close(case_id, "U0A", "spam", T0))
        assert not lifecycle.apply(session, lifecycle.claim(case_id, "U0A", T0))
    with session_scope(factory) as session:
        case = session.get_one(Case, case_id)
        assert case.status == CaseStatus.CLOSED and case.close_reason == "answered"
        assert case.escalated_to == "billing" and case.owner_slack_id is None
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["open", "claim", "take_over", "escalate", "close"]


def test_a_reply_asks_the_customer_something_when_it_has_a_question_mark_outside_links():
    assert lifecycle.asks_customer("@lucia ¿Nos pasas el número de pedido?")
    assert lifecycle.asks_customer("@ana Which card was it? We will block it.")
    assert not lifecycle.asks_customer(
        "@ana Write to us here: https://x.com/messages/compose?recipient_id=1"
    )
    assert not lifecycle.asks_customer("@ana Done, the refund is on its way.")
    # The author's choice in the draft modal wins over the text.
    assert lifecycle.asks_customer("Done.", override=True)
    assert not lifecycle.asks_customer("Anything else?", override=False)


def test_our_reply_that_asks_leaves_the_case_waiting_on_the_customer_until_they_answer():
    case = a_case(status=CaseStatus.CLAIMED, owner_slack_id="U0A")
    event = lifecycle.reply_posted(
        case, draft_id=1, visibility=Visibility.PUBLIC, url="u", at=T0, asked=True
    )
    assert case.waiting_on_customer and event.details["asks_customer"] is True
    assert case.sla_next_check_at == lifecycle.CHECK_NOW
    case.sla_next_check_at = None
    lifecycle.customer_posted(
        case, at=T0 + timedelta(hours=1), priority=Priority.P3, response_target=None
    )
    assert not case.waiting_on_customer and case.sla_next_check_at == lifecycle.CHECK_NOW
