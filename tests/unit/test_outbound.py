"""The exactly-once send protocol against an in-memory network, on SQLite and PostgreSQL:
claim, success, refusal, a lost answer, an unreachable network, a crash mid-send."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.ingest import ingest_posts, upsert_brand
from bot.networks.registry import Networks
from bot.outbound import Sender, SendOutcome
from bot.slack.views import CaseSnapshot, DraftSnapshot
from storage.db import session_scope
from storage.enums import AuditAction, CaseStatus, DraftStatus, Visibility
from storage.models import AuditEvent, Case, Draft, utcnow
from tests.fake_network import FakeNetwork


class Told:
    """What the case thread would have been told, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int, DraftStatus]] = []

    def sent(self, draft: DraftSnapshot, case: CaseSnapshot) -> None:
        self.events.append(("sent", draft.draft.id, draft.draft.status))

    def failed(self, draft: DraftSnapshot, case: CaseSnapshot) -> None:
        self.events.append(("failed", draft.draft.id, draft.draft.status))

    def unknown(self, draft: DraftSnapshot, case: CaseSnapshot) -> None:
        self.events.append(("unknown", draft.draft.id, draft.draft.status))


@pytest.fixture
def world(factory):
    network = FakeNetwork()
    network.customer_posts("ana", "my order never came")
    with session_scope(factory) as session:
        brand = upsert_brand(session, network.name, network.whoami())
        ingest_posts(session, brand, network.posts)
    told = Told()
    return factory, network, Sender(factory, Networks([network]), told), told


def approved_draft(factory, visibility=Visibility.PUBLIC, text="Sorry, on it!") -> int:
    with session_scope(factory) as session:
        case = session.scalars(select(Case)).one()
        draft = Draft(
            case_id=case.id,
            author_slack_id="U0AGENT",
            text=text,
            visibility=visibility,
            status=DraftStatus.APPROVED,
            written_after=case.last_customer_post_at,
            approved_by="U0LEAD",
            approved_at=utcnow(),
        )
        session.add(draft)
        session.flush()
        return draft.id


def draft_and_case(factory, draft_id: int) -> tuple[Draft, Case]:
    with session_scope(factory) as session:
        draft = session.get_one(Draft, draft_id)
        return draft, draft.case


def test_an_approved_draft_is_sent_once_and_the_case_is_answered(world) -> None:
    factory, network, sender, told = world
    draft_id = approved_draft(factory)
    assert sender.send(draft_id) is SendOutcome.POSTED
    assert sender.send(draft_id) is SendOutcome.NOT_MINE  # a second click changes nothing
    assert network.sent_texts() == ["Sorry, on it!"]
    (sent,) = network.sent
    assert sent.outgoing.target.post_id == network.posts[0].external_id
    assert sent.outgoing.target.post_meta == network.posts[0].meta
    draft, case = draft_and_case(factory, draft_id)
    assert draft.status == DraftStatus.POSTED and draft.external_url == sent.reply.url
    assert case.status == CaseStatus.REPLIED and case.first_response_at is not None
    assert told.events == [("sent", draft_id, DraftStatus.POSTED)]
    with session_scope(factory) as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count(AuditAction.POST) == 1


def test_a_refusal_keeps_the_draft_for_retry_in_plain_words(world) -> None:
    factory, network, sender, told = world
    network.send_faults = ["refuse"]
    draft_id = approved_draft(factory, Visibility.PRIVATE)
    assert sender.send(draft_id) is SendOutcome.FAILED
    draft, case = draft_and_case(factory, draft_id)
    assert draft.status == DraftStatus.FAILED and draft.send_started_at is None
    assert "blocked the brand" in (draft.last_error or "")
    assert case.status == CaseStatus.NEW and network.sent == []
    assert told.events == [("failed", draft_id, DraftStatus.FAILED)]


def test_a_lost_answer_is_looked_up_not_sent_again(world) -> None:
    factory, network, sender, _ = world
    network.send_faults = ["drop"]  # the network took it, then the connection dropped
    draft_id = approved_draft(factory)
    assert sender.send(draft_id) is SendOutcome.POSTED
    assert len(network.sent) == 1
    assert draft_and_case(factory, draft_id)[0].status == DraftStatus.POSTED


def test_an_unanswered_send_that_did_not_arrive_fails_for_retry(world) -> None:
    factory, network, sender, _ = world
    network.send_faults = ["unavailable"]
    draft_id = approved_draft(factory)
    assert sender.send(draft_id) is SendOutcome.FAILED
    assert network.sent == []


def test_unknown_outcome_is_settled_later_without_a_second_post(world) -> None:
    factory, network, _, told = world
    sender = Sender(factory, Networks([network]), told, lease=timedelta(0))
    network.send_faults = ["drop"]
    network.lookups_fail = True
    draft_id = approved_draft(factory)
    assert sender.send(draft_id) is SendOutcome.UNKNOWN
    assert draft_and_case(factory, draft_id)[0].status == DraftStatus.APPROVED
    assert sender.resume_interrupted_sends() == 0  # still cannot ask: left for later
    network.lookups_fail = False
    assert sender.resume_interrupted_sends() == 1
    assert len(network.sent) == 1
    assert draft_and_case(factory, draft_id)[0].status == DraftStatus.POSTED
    assert [e[0] for e in told.events] == ["unknown", "sent"]


@pytest.mark.parametrize("reached", [True, False])
def test_a_crash_mid_send_is_settled_exactly_once(world, reached: bool) -> None:
    """A claim with no outcome (the sender died) is looked up after the lease: posted if
    it reached the network, sent once if it did not."""
    factory, network, _, told = world
    draft_id = approved_draft(factory)
    with session_scope(factory) as session:
        draft = session.get_one(Draft, draft_id)
        draft.send_started_at = utcnow() - timedelta(minutes=5)
        draft.send_attempts = 1
    if reached:
        # What the dead sender managed to send, under the draft's stable key.
        alive = Sender(factory, Networks([network]), Told())
        claim = alive._claim_of(draft_and_case(factory, draft_id)[0], _post(factory), utcnow())
        network.send(claim.outgoing)
    sender = Sender(factory, Networks([network]), told)
    assert sender.resume_interrupted_sends() == 1
    assert sender.resume_interrupted_sends() == 0
    assert len(network.sent) == 1
    draft = draft_and_case(factory, draft_id)[0]
    assert draft.status == DraftStatus.POSTED and draft.send_attempts == (1 if reached else 2)


def test_a_fresh_claim_is_taken_over_at_once_only_when_its_process_is_known_dead(world) -> None:
    """A claim a minute old (well inside the send lease): left alone while its process runs;
    settled exactly once as soon as that process stopped, without waiting out the lease."""
    from bot.registry import ProcessRegistry

    factory, network, _, told = world
    other, me = ProcessRegistry(factory, "web"), ProcessRegistry(factory, "worker")
    other.register()
    me.register()
    draft_id = approved_draft(factory)
    with session_scope(factory) as session:
        draft = session.get_one(Draft, draft_id)
        draft.send_started_at = utcnow() - timedelta(minutes=1)
        draft.send_attempts = 1
        draft.send_claimed_by = other.id
    sender = Sender(factory, Networks([network]), told, process_id=me.id, is_dead=me.is_dead)
    assert sender.resume_interrupted_sends() == 0
    assert network.sent == []
    other.stop(finished=True)
    assert sender.resume_interrupted_sends() == 1
    assert len(network.sent) == 1
    draft = draft_and_case(factory, draft_id)[0]
    assert draft.status == DraftStatus.POSTED and draft.send_claimed_by == me.id


def test_an_approval_whose_send_was_never_claimed_is_sent_after_half_a_minute(world) -> None:
    """The approving process died between the approval and the claim: the next cycle sends
    the reply (once) after UNCLAIMED_WAIT, not after the whole send lease."""
    from bot.outbound import UNCLAIMED_WAIT

    factory, network, sender, told = world
    draft_id = approved_draft(factory)
    assert sender.resume_interrupted_sends() == 0  # the click's listener may still claim it
    with session_scope(factory) as session:
        draft = session.get_one(Draft, draft_id)
        draft.approved_at = utcnow() - UNCLAIMED_WAIT - timedelta(seconds=1)
    assert sender.resume_interrupted_sends() == 1
    assert sender.send(draft_id) is SendOutcome.NOT_MINE  # the late listener changes nothing
    assert network.sent_texts() == ["Sorry, on it!"]


def test_a_worker_whose_fence_fails_claims_no_send(world) -> None:
    factory, network, sender, _ = world
    draft_id = approved_draft(factory)
    assert sender.send(draft_id, fence=lambda session: False) is SendOutcome.NOT_MINE
    assert network.sent == []
    assert draft_and_case(factory, draft_id)[0].send_started_at is None
    assert sender.send(draft_id, fence=lambda session: True) is SendOutcome.POSTED


def test_the_idempotency_key_is_the_same_on_every_attempt(world) -> None:
    factory, network, sender, _ = world
    network.send_faults = ["refuse"]
    draft_id = approved_draft(factory)
    sender.send(draft_id)
    with session_scope(factory) as session:
        session.get_one(Draft, draft_id).status = DraftStatus.APPROVED  # Retry
    sender.send(draft_id)
    (sent,) = network.sent
    assert sent.outgoing.key.startswith(f"carethread-draft-{draft_id}-")
    again = Sender(factory, Networks([network]), Told())
    draft = draft_and_case(factory, draft_id)[0]
    assert again._claim_of(draft, _post(factory), utcnow()).outgoing.key == sent.outgoing.key


def test_a_network_no_longer_configured_fails_in_plain_words(world) -> None:
    factory, _, _, told = world
    sender = Sender(factory, Networks([]), told)
    draft_id = approved_draft(factory)
    assert sender.send(draft_id) is SendOutcome.FAILED
    assert "not configured" in (draft_and_case(factory, draft_id)[0].last_error or "")


def _post(factory):
    from storage.models import Post

    with session_scope(factory) as session:
        return session.scalars(select(Post)).one()
