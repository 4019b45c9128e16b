"""Storing posts and grouping them into cases, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.ingest import ingest_posts, upsert_brand
from bot.networks import Author, FetchedPost
from storage.db import check_schema, session_scope
from storage.models import AuditEvent, Case, CaseStatus, Customer, Post

BRAND = Author(external_id="100", handle="acme", name="Acme")
ANA = Author(external_id="201", handle="ana", name="Ana", followers=120)
BEN = Author(external_id="202", handle="ben", name="Ben", followers=5)
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def post(pid: int, author=ANA, *, minutes=0, conversation=None, reply_to=None, text=None):
    return FetchedPost(
        network="x",
        external_id=str(pid),
        author=author,
        text=text or f"post {pid} @acme",
        created_at=T0 + timedelta(minutes=minutes),
        url=f"https://x.com/{author.handle}/status/{pid}",
        conversation_id=str(conversation or pid),
        in_reply_to_id=str(reply_to) if reply_to else None,
    )


def ingest(factory, posts):
    with session_scope(factory) as session:
        brand = upsert_brand(session, "x", BRAND)
        return [p.external_id for p in ingest_posts(session, brand, posts)]


def counts(factory):
    with session_scope(factory) as session:
        return (
            session.scalar(select(func.count(Post.id))),
            session.scalar(select(func.count(Case.id))),
        )


def test_schema_is_current_after_upgrade(factory):
    check_schema(factory.kw["bind"])


def test_same_posts_twice_are_stored_once(factory):
    assert ingest(factory, [post(1), post(2, BEN)]) == ["1", "2"]
    assert ingest(factory, [post(1), post(2, BEN), post(3, BEN, minutes=1)]) == ["3"]
    assert counts(factory) == (3, 2)  # Ben's second post joined his open case


def test_reply_in_same_conversation_joins_the_case(factory):
    ingest(factory, [post(10, ANA), post(11, BEN, minutes=1, conversation=10, reply_to=10)])
    with session_scope(factory) as session:
        cases = session.scalars(select(Case)).all()
        assert len(cases) == 1
        assert [p.external_id for p in cases[0].posts] == ["10", "11"]


def test_same_customer_within_a_day_joins_but_not_after(factory):
    ingest(factory, [post(20), post(21, minutes=60 * 23)])
    assert counts(factory) == (2, 1)
    ingest(factory, [post(22, minutes=60 * 48)])
    assert counts(factory) == (3, 2)


def test_follow_up_reopens_a_closed_case_in_the_same_thread(factory):
    ingest(factory, [post(30)])
    with session_scope(factory) as session:
        case = session.scalars(select(Case)).one()
        case.status, case.close_reason, case.owner_slack_id = (
            CaseStatus.CLOSED,
            "answered",
            "U0AGENT",
        )
        case.slack_channel, case.slack_ts = "C1", "1.000001"
    ingest(factory, [post(31, minutes=5, conversation=30, reply_to=30)])
    with session_scope(factory) as session:
        case = session.scalars(select(Case)).one()
        assert case.status == CaseStatus.CLAIMED and case.close_reason is None
        follow_up = session.scalar(select(Post).where(Post.external_id == "31"))
        assert follow_up.reopens_case and follow_up.case_id == case.id
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["open", "reopen"]


def test_customer_profile_is_kept_current(factory):
    ingest(factory, [post(40)])
    famous = Author(
        external_id="201", handle="ana_new", name="Ana R.", followers=40_000, verified=True
    )
    ingest(factory, [post(41, famous, minutes=1)])
    with session_scope(factory) as session:
        customer = session.scalars(select(Customer)).one()
        assert (customer.handle, customer.followers, customer.verified) == ("ana_new", 40_000, True)


def test_a_concurrent_duplicate_only_skips_that_post(factory):
    """Another process stored post 51 between our check and our insert."""
    ingest(factory, [post(51, BEN)])
    with session_scope(factory) as session:
        brand = upsert_brand(session, "x", BRAND)
        import bot.ingest as ingest_module

        original = ingest_module._post_exists
        ingest_module._post_exists = lambda *a: False  # simulate the race window
        try:
            stored = ingest_posts(session, brand, [post(50), post(51, BEN), post(52, minutes=2)])
        finally:
            ingest_module._post_exists = original
        assert [p.external_id for p in stored] == ["50", "52"]
    assert counts(factory)[0] == 3
