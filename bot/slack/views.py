"""What Slack messages show, as plain values, and how they are made from the models.

The workflow produces these views once per unit of work; the pure builders in
`bot.slack.builders` render them; `bot.slack.case_thread` and `bot.slack.outbox` send the
result. The masking policy lives here too: a view never holds personal data unless it is
meant for an approver's eyes only (`OriginalPost`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from bot.i18n import in_workspace_language
from bot.knowledge.outcomes import history_line
from bot.knowledge.views import CustomerHistoryView, DraftKnowledge
from bot.networks.registry import NetworkLook
from bot.reply_context import context_for, latest_customer_post
from bot.triage import Triage, mask_pii
from storage.enums import AWAITING_REPLY, CaseStatus, DraftStatus, Priority, Visibility
from storage.models import Case, Draft, Post, utcnow

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
    # Who wrote it: in a forum topic or a public thread, not always the case's customer.
    author_handle: str | None = None

    @property
    def exposed_data(self) -> bool:
        """Triage found personal data in the customer's post."""
        return bool(self.triage and self.triage.pii)


@dataclass(frozen=True)
class DeadlineView:
    """A running target as the card shows it (from the deadline watcher's last look)."""

    # "first response", "next response", "resolution"
    label: str
    due_at: datetime | None
    # "normal", "due_soon", "overdue" or "paused"
    phase: str = "normal"


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
    # The running response target (first or next) and the resolution target, if any.
    deadline: DeadlineView | None = None
    resolution: DeadlineView | None = None
    waiting_on_customer: bool = False
    # The network's answering window, in its words ("private reply possible until …").
    reply_window: str | None = None
    # The brand account the customer wrote to (its handle), shown when the network has
    # several connected accounts.
    brand: str | None = None
    # Routing chose the case's channel: the card offers to send it to another team.
    routed: bool = False
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
    # The author's choice when editing: waiting on the customer after this reply (None:
    # the text decides).
    asks_customer: bool | None = None
    # A public reply with a link costs more on some networks (X: about 13×): what to say,
    # and the same reply without its links, offered in one click.
    link_notice: str | None = None
    link_free_text: str | None = None
    # Bumped to replace what the agent typed (Slack keeps input by block and action id).
    text_version: int = 0
    # The network's answering window now, and where each kind of reply lands when that is
    # not obvious (an Instagram reply to a reply goes on the top-level comment).
    reply_window: str | None = None
    public_note: str | None = None
    private_note: str | None = None
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
    # (approver, channel, ts) of each approver's DM copy.
    notices: tuple[tuple[str, str, str], ...] = field(default=())
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


def _deadline(entry: Any) -> DeadlineView | None:
    if not isinstance(entry, dict) or "label" not in entry:
        return None
    due = entry.get("due")
    return DeadlineView(
        label=str(entry["label"]),
        due_at=datetime.fromisoformat(due) if isinstance(due, str) else None,
        phase=str(entry.get("phase") or "normal"),
    )


def response_deadline(case: Case) -> DeadlineView | None:
    """The response target the card shows while the case waits for our answer.

    The watcher's last look gives its phase; a deadline it has not looked at yet (a post
    that just arrived) shows as normal until it does.
    """
    if case.status not in AWAITING_REPLY or case.respond_by is None:
        return None
    label = "first response" if case.first_response_at is None else "next response"
    looked = _deadline((case.sla_state or {}).get("response"))
    if looked is not None and looked.due_at == case.respond_by and looked.label == label:
        return looked
    return DeadlineView(label=label, due_at=case.respond_by)


def resolution_deadline(case: Case) -> DeadlineView | None:
    """The resolution target the card shows while the case is open (if the policy sets one)."""
    return _deadline((case.sla_state or {}).get("resolution")) if case.is_open else None


def shown_deadlines(case: Case) -> tuple[DeadlineView | None, DeadlineView | None]:
    """What the card shows of the case's targets: a change means a card update."""
    return response_deadline(case), resolution_deadline(case)


def case_view(
    case: Case, network: NetworkLook = UNKNOWN_NETWORK, reply_window: str | None = None
) -> CaseView:
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
        deadline=response_deadline(case),
        resolution=resolution_deadline(case),
        waiting_on_customer=bool(case.waiting_on_customer) and case.is_open,
        reply_window=reply_window,
        brand=case.brand.handle if case.brand else None,
        routed=case.route_channel is not None,
        customer_history=history_line(session, case) if session is not None else None,
    )


def window_line(session: Session, case: Case, network: NetworkLook) -> str | None:
    """The network's answering window for the case now (None where it has none, or for a
    closed case, or when the network is not connected)."""
    if network.reply_window is None or not case.is_open:
        return None
    post = latest_customer_post(session, case.id)
    if post is None:
        return None
    # A line of the card, which the whole channel reads.
    with in_workspace_language():
        return network.reply_window(context_for(session, case, post, utcnow()))


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
        author_handle=post.customer.handle,
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
        case=case_view(case, network, window_line(session, case, network)),
        first_post=post_view(first) if first is not None else None,
        thread=ThreadRef(case.slack_channel, case.slack_ts),
    )


def draft_snapshot(draft: Draft, network: NetworkLook) -> DraftSnapshot:
    return DraftSnapshot(
        draft=draft_view(draft, network),
        thread=ThreadRef(draft.case.slack_channel, draft.case.slack_ts),
        message=ThreadRef(draft.slack_channel, draft.slack_ts),
        notices=tuple((n.user_slack_id, n.channel, n.ts) for n in draft.notices),
        approvers_notified=frozenset(n.user_slack_id for n in draft.notices),
    )


# -- a case sent to another team (bot.cases.moving) ---------------------------------------
@dataclass(frozen=True)
class ChannelChoice:
    """A channel a case may be sent to, as the move modal offers it."""

    channel_id: str
    label: str  # "#community"


@dataclass(frozen=True)
class MoveView:
    """A case sent from one team's channel to another's, and its thread so far."""

    case: CaseView
    first_post: PostView | None
    by: str
    from_channel: str
    to_channel: str
    note: str = ""
    customer_posts: int = 0
    # The customer's latest post, when it is not the first one (the card shows that).
    latest_post: PostView | None = None
    # Replies posted on the network so far, oldest first.
    replies: tuple[DraftView, ...] = ()
    # Drafts still waiting for approval: their buttons stay in the old thread.
    waiting_drafts: int = 0
