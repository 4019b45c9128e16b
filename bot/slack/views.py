"""What Slack messages show, as plain values, and how they are made from the models.

The workflow produces these views once per unit of work; the pure builders in
`bot.slack.builders` render them; `bot.slack.case_thread` and `bot.slack.outbox` send the
result. The masking policy lives here too: a view never holds personal data unless it is
meant for an approver's eyes only (`OriginalPost`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from bot.knowledge.outcomes import history_line
from bot.knowledge.views import CustomerHistoryView, DraftKnowledge
from bot.networks.registry import NetworkLook
from bot.triage import Triage, mask_pii
from storage.enums import CaseStatus, DraftStatus, Priority, Visibility
from storage.models import Case, Draft, Post

UNKNOWN_NETWORK = NetworkLook(name="", label="the network")


@dataclass(frozen=True)
class CustomerView:
    handle: str
    name: str
    followers: int
    verified: bool
    verified_type: str | None = None


@dataclass(frozen=True)
class PostView:
    """A customer post as a card shows it; `text` is already masked if it holds personal data."""

    external_id: str
    text: str
    url: str
    created_at: datetime
    source: str = "mention"
    publicly_replyable: bool = True
    triage: Triage | None = None

    @property
    def exposed_data(self) -> bool:
        """Triage found personal data in the customer's post."""
        return bool(self.triage and self.triage.pii)


@dataclass(frozen=True)
class CaseView:
    id: int
    status: CaseStatus
    customer: CustomerView
    priority: Priority = Priority.P3
    owner: str | None = None
    escalated_to: str | None = None
    respond_by: datetime | None = None
    first_response_at: datetime | None = None
    created_at: datetime | None = None
    close_reason: str | None = None
    network: NetworkLook = UNKNOWN_NETWORK
    # "3rd case in 30 days · last one: closed unhappy", tags (bot.knowledge.outcomes).
    customer_history: CustomerHistoryView | None = None


@dataclass(frozen=True)
class DraftView:
    """A draft as messages show it."""

    id: int
    case_id: int
    text: str
    visibility: Visibility
    status: DraftStatus
    author: str
    customer_handle: str
    editor: str | None = None
    approved_by: str | None = None
    rejected_by: str | None = None
    reject_reason: str | None = None
    external_url: str | None = None
    last_error: str | None = None
    network: NetworkLook = UNKNOWN_NETWORK


@dataclass(frozen=True)
class DraftFormView:
    """What the draft modal needs: context, prefill, the network's rules, where to save."""

    case_id: int
    customer_handle: str
    post_text: str
    post_url: str
    publicly_replyable: bool
    text: str
    visibility: Visibility
    draft_id: int | None = None
    network: NetworkLook = UNKNOWN_NETWORK
    # The network's length rules, in its own words, under the text box.
    reply_hint: str = ""
    # Why the network refuses a public reply to this post, when it does.
    public_refusal: str | None = None
    # Saved replies, similar past cases and drafting help (bot.knowledge.draft_modal).
    knowledge: DraftKnowledge | None = None


@dataclass(frozen=True)
class OriginalPost:
    """A customer's post as written, personal data included (approvers, ephemeral only)."""

    at: datetime
    url: str
    text: str
    # Human words for what triage found: "card number", "email address".
    found: tuple[str, ...]
    network: NetworkLook = UNKNOWN_NETWORK


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    details: str = ""


@dataclass(frozen=True)
class ThreadRef:
    """Where a case's Slack thread is (both None until its card is posted)."""

    channel: str | None
    ts: str | None

    @property
    def exists(self) -> bool:
        return bool(self.channel and self.ts)


@dataclass(frozen=True)
class CaseSnapshot:
    """Everything Slack shows of a case, loaded in one unit of work."""

    case: CaseView
    # The conversation's first post: what the root card shows.
    first_post: PostView | None
    thread: ThreadRef


@dataclass(frozen=True)
class DraftSnapshot:
    """A draft, where its message is, and its copies in approvers' DMs."""

    draft: DraftView
    thread: ThreadRef
    # The draft's own message in the thread (None until posted).
    message: ThreadRef
    # (channel, ts) of each approver's DM copy.
    notices: tuple[tuple[str, str], ...] = field(default=())
    approvers_notified: frozenset[str] = frozenset()


# -- the masking policy ------------------------------------------------------------------
def stored_triage(post: Post) -> Triage | None:
    """The triage stored with a post, as the typed record."""
    return Triage.from_json(post.triage) if post.triage else None


def masked_text(post: Post) -> str:
    """The post's text as Slack may show it: personal data found by triage is masked.

    The original stays in the database; Slack never receives it.
    """
    triage = stored_triage(post)
    if triage is None or not triage.pii:
        return post.text
    return mask_pii(post.text, triage.pii)


# -- model → view ------------------------------------------------------------------------
def customer_view(case: Case) -> CustomerView:
    customer = case.customer
    return CustomerView(
        handle=customer.handle,
        name=customer.name,
        followers=customer.followers,
        verified=customer.verified,
        verified_type=customer.verified_type,
    )


def case_view(case: Case, network: NetworkLook = UNKNOWN_NETWORK) -> CaseView:
    session = object_session(case)
    return CaseView(
        id=case.id,
        status=CaseStatus(case.status),
        customer=customer_view(case),
        priority=Priority.parse(case.priority),
        owner=case.owner_slack_id,
        escalated_to=case.escalated_to,
        respond_by=case.respond_by,
        first_response_at=case.first_response_at,
        created_at=case.created_at,
        close_reason=case.close_reason,
        network=network,
        customer_history=history_line(session, case) if session is not None else None,
    )


def post_view(post: Post, text: str | None = None) -> PostView:
    """What a card shows of `post`; `text` defaults to the masked text."""
    return PostView(
        external_id=post.external_id,
        text=masked_text(post) if text is None else text,
        url=post.url,
        created_at=post.created_at,
        source=post.source,
        publicly_replyable=post.publicly_replyable,
        triage=stored_triage(post),
    )


def draft_view(draft: Draft, network: NetworkLook = UNKNOWN_NETWORK) -> DraftView:
    return DraftView(
        id=draft.id,
        case_id=draft.case_id,
        text=draft.text,
        visibility=Visibility(draft.visibility),
        status=DraftStatus(draft.status),
        author=draft.author_slack_id,
        editor=draft.editor_slack_id,
        customer_handle=draft.case.customer.handle,
        approved_by=draft.approved_by,
        rejected_by=draft.rejected_by,
        reject_reason=draft.reject_reason,
        external_url=draft.external_url,
        last_error=draft.last_error,
        network=network,
    )


def first_post(session: Session, case_id: int) -> Post | None:
    return session.scalar(
        select(Post).where(Post.case_id == case_id).order_by(Post.created_at, Post.id).limit(1)
    )


def case_snapshot(session: Session, case: Case, network: NetworkLook) -> CaseSnapshot:
    first = first_post(session, case.id)
    return CaseSnapshot(
        case=case_view(case, network),
        first_post=post_view(first) if first is not None else None,
        thread=ThreadRef(case.slack_channel, case.slack_ts),
    )


def draft_snapshot(draft: Draft, network: NetworkLook) -> DraftSnapshot:
    return DraftSnapshot(
        draft=draft_view(draft, network),
        thread=ThreadRef(draft.case.slack_channel, draft.case.slack_ts),
        message=ThreadRef(draft.slack_channel, draft.slack_ts),
        notices=tuple((n.channel, n.ts) for n in draft.notices),
        approvers_notified=frozenset(n.user_slack_id for n in draft.notices),
    )
