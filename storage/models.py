"""The database schema, as typed SQLAlchemy 2 models on one declarative base.

A *case* is one customer conversation: it owns one Slack thread. Every post we
fetch is stored exactly once (unique network + external id) and belongs to one case.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Re-exported: the stored vocabulary is part of the schema's public surface.
from storage.enums import OPEN_STATUSES
from storage.enums import AuditAction as AuditAction
from storage.enums import CaseStatus as CaseStatus
from storage.enums import DraftStatus as DraftStatus
from storage.enums import Priority as Priority
from storage.enums import SavedReplyKind as SavedReplyKind
from storage.enums import Visibility as Visibility


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A connected network's registry name: "x", or "x:ar" for another brand account on X.
NETWORK_NAME_LENGTH = 40

# Stable constraint names, so Alembic migrations work the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class BrandAccount(Base):
    """The brand's own account on a network (whose mentions we listen to)."""

    __tablename__ = "brand_account"
    __table_args__ = (
        UniqueConstraint("network", "external_id", name="uq_brand_account_network_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(NETWORK_NAME_LENGTH))
    external_id: Mapped[str] = mapped_column(String(300))
    handle: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Customer(Base):
    """A person or account who wrote to or about the brand."""

    __tablename__ = "customer"
    __table_args__ = (UniqueConstraint("network", "external_id", name="uq_customer_network_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(NETWORK_NAME_LENGTH))
    # Ids differ by network: X numbers, Bluesky DIDs, Facebook scoped ids, feed URLs.
    external_id: Mapped[str] = mapped_column(String(300))
    handle: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200), default="")
    followers: Mapped[int] = mapped_column(Integer, default=0)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_type: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Case(Base):
    """One customer conversation, shown as one Slack thread."""

    __tablename__ = "case"
    __table_args__ = (
        UniqueConstraint("slack_channel", "slack_ts", name="uq_case_slack_message"),
        # An agent's own cases (App Home, /carethread mine) without scanning every case.
        Index("ix_case_owner_status", "owner_slack_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand_account.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    network: Mapped[str] = mapped_column(String(NETWORK_NAME_LENGTH))
    # The network's conversation id of the first post (an X conversation, a Bluesky thread
    # root, a forum topic); follow-ups in the same conversation join the case.
    conversation_id: Mapped[str | None] = mapped_column(String(300), index=True)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.NEW, index=True)
    owner_slack_id: Mapped[str | None] = mapped_column(String(32))
    escalated_to: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(2), default="P3")
    respond_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    # The channel routing chose (or a person sent the case to); its card is posted there.
    route_channel: Mapped[str | None] = mapped_column(String(32))
    # Set while a person's "Send to another team" re-posts the card: one move at a time.
    moving_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    last_customer_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_reason: Mapped[str | None] = mapped_column(String(32))
    # Our last reply asked the customer something: the next-response clock is paused.
    waiting_on_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    # Service levels (bot.sla): when the deadline watcher must look at this case again
    # (NULL: nothing runs), and what its targets showed when it last looked (for the card).
    sla_next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    sla_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The card shows something out of date since then; the publishing loop re-renders it
    # once per coalescing window (bot.slack.publish_loop), not once per change.
    card_dirty_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    customer: Mapped[Customer] = relationship(lazy="joined")
    brand: Mapped[BrandAccount] = relationship(lazy="joined")
    posts: Mapped[list[Post]] = relationship(back_populates="case", order_by="Post.created_at")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Post(Base):
    """A post fetched from a network. Stored once per (network, external id)."""

    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("network", "external_id", name="uq_post_network_id"),
        # Metrics and spike detection read posts by time window.
        Index("ix_post_created_at", "created_at"),
        # A case's posts in a time range (the per-agent waits, bot.metrics.aggregates).
        Index("ix_post_case_created", "case_id", "created_at"),
        # The publishing loop reads only what is not in Slack yet.
        Index(
            "ix_post_slack_pending",
            "case_id",
            "created_at",
            postgresql_where=text("slack_ts IS NULL"),
            sqlite_where=text("slack_ts IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(NETWORK_NAME_LENGTH))
    external_id: Mapped[str] = mapped_column(String(300))
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    # Indexed: a customer's posts are read for their history and their reactions.
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(2000))
    lang: Mapped[str | None] = mapped_column(String(16))
    conversation_id: Mapped[str | None] = mapped_column(String(300), index=True)
    in_reply_to_id: Mapped[str | None] = mapped_column(String(300), index=True)
    # How the post was found ("mention", "search", …); the network decides what it allows.
    source: Mapped[str] = mapped_column(String(16), default="mention")
    publicly_replyable: Mapped[bool] = mapped_column(Boolean, default=True)
    # Network-specific facts a reply needs later (a record's cid, a forum topic id, …).
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # This follow-up reopened a closed case: its Slack message pings the previous owner.
    reopens_case: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Triage result (language, intent, sentiment, priority, reasons, personal-data spans).
    triage: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    priority: Mapped[str] = mapped_column(String(2), default="P3")
    # Slack delivery: attempted_at is written before the call, ts after it succeeded.
    slack_attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slack_attempts: Mapped[int] = mapped_column(Integer, default=0)
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    slack_error: Mapped[str | None] = mapped_column(String(300))
    # A publisher is posting it until then (a lease: a crashed one's claim runs out).
    slack_claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="posts")
    customer: Mapped[Customer] = relationship(lazy="joined")


class PollCheckpoint(Base):
    """Where polling one stream of one network stopped, and when it may poll again."""

    __tablename__ = "poll_checkpoint"
    __table_args__ = (UniqueConstraint("network", "stream", name="uq_poll_checkpoint_stream"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(NETWORK_NAME_LENGTH))
    # The network's stream name, e.g. "mentions" or "search:<query>": a changed query
    # starts a new checkpoint.
    stream: Mapped[str] = mapped_column(String(600))
    # Where to resume, as the network wrote it (an id, a page cursor, validators of a feed).
    cursor: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Whether the last error passes by itself (an outage, a rate limit) or needs a person
    # (revoked credentials, a feed that is gone or malformed); None while polling works.
    last_error_retryable: Mapped[bool | None] = mapped_column(Boolean)
    # Failed polls in a row and since when (a rate-limit pause is not a failure and
    # neither starts nor ends a run): listening health alerts once per run.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Who did what, when: every action on a case, by a person or by Carethread."""

    __tablename__ = "audit_event"
    __table_args__ = (
        # Per-agent figures (claims in a period) and "has this person ever worked a case".
        Index("ix_audit_event_action_created", "action", "created_at"),
        Index("ix_audit_event_actor_action", "actor", "action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    # A Slack user id, or "carethread" for what the bot did by itself.
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Draft(Base):
    """A reply written in Slack, waiting for approval, then sent to the network once."""

    __tablename__ = "draft"
    # Metrics read the replies sent in a time window.
    __table_args__ = (
        Index("ix_draft_posted_at", "posted_at"),
        # A case's replies in order (the per-agent waits, bot.metrics.aggregates).
        Index("ix_draft_case_posted", "case_id", "posted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    author_slack_id: Mapped[str] = mapped_column(String(32))
    # Whoever last changed the text: they may not approve it either (unless self-approval).
    editor_slack_id: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=DraftStatus.PENDING, index=True)
    # The newest customer post when the draft was written: a later one makes it possibly stale.
    written_after: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(32))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_by: Mapped[str | None] = mapped_column(String(32))
    reject_reason: Mapped[str | None] = mapped_column(String(500))
    # Exactly once: set (conditionally, from NULL) before calling the network, cleared on a
    # definite failure. Set with no outcome after the lease means the sender died.
    send_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    send_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The process that claimed the send (bot_process.id): a dead one's claim is settled
    # at once instead of after the send lease.
    send_claimed_by: Mapped[str | None] = mapped_column(String(120))
    # What was (or is being) answered: the post replied to, or the DM recipient.
    target_id: Mapped[str | None] = mapped_column(String(300))
    # The customer post the reply answers (public or private), fixed when sending starts.
    target_post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    external_id: Mapped[str | None] = mapped_column(String(300))
    external_url: Mapped[str | None] = mapped_column(String(2000))
    last_error: Mapped[str | None] = mapped_column(String(500))
    # The author's answer to "waiting on the customer after this reply?": None lets the
    # text decide (a question pauses the next-response clock).
    asks_customer: Mapped[bool | None] = mapped_column(Boolean)
    # The draft's message in the case thread.
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship()
    notices: Mapped[list[DraftNotice]] = relationship(
        back_populates="draft", order_by="DraftNotice.id"
    )


class DraftNotice(Base):
    """A copy of a draft sent to an approver's DM, kept in sync with the thread."""

    __tablename__ = "draft_notice"
    __table_args__ = (UniqueConstraint("draft_id", "user_slack_id", name="uq_draft_notice_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id"), index=True)
    user_slack_id: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))

    draft: Mapped[Draft] = relationship(back_populates="notices")


class SlaEvent(Base):
    """A target of a case turned due soon or was missed: recorded once per case, target
    and occurrence (the unique constraint is the guarantee), then announced."""

    __tablename__ = "sla_event"
    __table_args__ = (
        UniqueConstraint("case_id", "target", "occurrence", "kind", name="uq_sla_event_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    # first_response, next_response, resolution
    target: Mapped[str] = mapped_column(String(16))
    occurrence: Mapped[int] = mapped_column(Integer)
    # due_soon or missed
    kind: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(2))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Set after Slack took the announcement; NULL when it was not announced (quiet by
    # policy, or Slack refused: it is never announced twice).
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ListeningProblem(Base):
    """One outage of listening (a network stream, Slack's channel or token), alerted once
    when it starts and once when it ends. (key, episode) is unique, so of two processes
    noticing the same outage only one alerts."""

    __tablename__ = "listening_problem"
    __table_args__ = (UniqueConstraint("key", "episode", name="uq_listening_problem_episode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What failed: "network:x", "slack:not_in_channel"…
    key: Mapped[str] = mapped_column(String(200))
    episode: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recovery_noted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NetworkUsage(Base):
    """What Carethread read from and wrote to a network on one UTC day, by kind: the basis
    of the cost meter (X bills per item read and per post or message created)."""

    __tablename__ = "network_usage"
    __table_args__ = (UniqueConstraint("day", "network", "kind", name="uq_network_usage_day_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The UTC day, as networks bill by it.
    day: Mapped[date] = mapped_column(Date)
    network: Mapped[str] = mapped_column(String(16))
    # "read:<stream kind>", "reply", "reply_with_link", "private" (bot.metrics.cost.UsageKind).
    kind: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer, default=0)


class SpikeAlert(Base):
    """One spike episode of a brand and its one Slack message, updated in place."""

    __tablename__ = "spike_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand_account.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The last evaluation that found the window improbable; the cooldown counts from it.
    last_fired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the cooldown passed with nothing improbable: the episode is over.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    severity: Mapped[str] = mapped_column(String(16))
    peak_posts: Mapped[int] = mapped_column(Integer, default=0)
    peak_negative: Mapped[int] = mapped_column(Integer, default=0)
    baseline_posts: Mapped[float] = mapped_column(Float, default=0.0)
    baseline_negative: Mapped[float] = mapped_column(Float, default=0.0)
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))


class ReportDelivery(Base):
    """One scheduled report (daily or weekly) of one due time: claimed by inserting this
    row before posting, so two processes, or a restart, never post it twice."""

    __tablename__ = "report_delivery"
    __table_args__ = (UniqueConstraint("kind", "due_at", name="uq_report_delivery_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "daily" or "weekly"
    kind: Mapped[str] = mapped_column(String(16))
    # When the report was due (its local time, in UTC): the report of that occurrence.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set by the claim; cleared when Slack refused, so the next check tries again.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(300))


# -- knowledge: similar cases, saved replies, the customer in one place (issue 15) -----------
class PostEmbedding(Base):
    """A post's multilingual sentence embedding, to find similar past cases by meaning.

    float16 little-endian bytes (bot.knowledge.vectors); `model` names the encoder, since
    vectors of two encoders are not comparable. A post whose embedding failed has no row.
    """

    __tablename__ = "post_embedding"

    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), primary_key=True)
    model: Mapped[str] = mapped_column(String(40))
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class SavedReply(Base):
    """An approved answer (or a short holding reply) to start a draft from, with
    placeholders such as {first_name}; managed by leads, retired rather than deleted."""

    __tablename__ = "saved_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=SavedReplyKind.REPLY)
    title: Mapped[str] = mapped_column(String(75))
    text: Mapped[str] = mapped_column(Text)
    # The language the text is written in ("es", "en").
    language: Mapped[str] = mapped_column(String(16))
    # None: suits every intent / every network.
    intent: Mapped[str | None] = mapped_column(String(16))
    network: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_by: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TeamSetting(Base):
    """A setting leads change from Slack (audited), e.g. one-tap holding replies."""

    __tablename__ = "team_setting"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    changed_by: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomerTag(Base):
    """A tag on a customer (VIP, press, at risk)."""

    __tablename__ = "customer_tag"
    __table_args__ = (UniqueConstraint("customer_id", "tag", name="uq_customer_tag_tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    tag: Mapped[str] = mapped_column(String(16))
    added_by: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomerNote(Base):
    """A note an agent left about a customer."""

    __tablename__ = "customer_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    author: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdentityLink(Base):
    """Two accounts of one person, linked by an agent's explicit action ("this @ana on X is
    Ana on Facebook"); never guessed. Unlinking keeps the row (unlinked_at) for the record."""

    __tablename__ = "identity_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    other_customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    linked_by: Mapped[str] = mapped_column(String(32))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    unlinked_by: Mapped[str | None] = mapped_column(String(32))
    unlinked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Lease(Base):
    """Who may do a singleton duty (the worker's polling, publishing, deadlines, reports):
    one row per duty. `epoch` grows by one at every change of holder and is the fencing
    token: a write that must come from the holder checks holder and epoch in its own
    transaction. `expires_at` is seconds since the epoch on the database's clock, so the
    machines' own clocks never matter (bot/lease.py)."""

    __tablename__ = "lease"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(120))
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[float] = mapped_column(Float, default=0.0)
    acquired_at: Mapped[float | None] = mapped_column(Float)


class BotProcess(Base):
    """A running (or once running) Carethread process: what a claim names as its owner, so
    that a claim of a process known to be dead can be taken over at once (bot/registry.py).
    Times are seconds since the epoch on the database's clock."""

    __tablename__ = "bot_process"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[float] = mapped_column(Float)
    heartbeat_at: Mapped[float] = mapped_column(Float, index=True)
    stopped_at: Mapped[float | None] = mapped_column(Float)


class SlackChannelState(Base):
    """What every process must know about publishing to one Slack channel: until when
    Slack told us to wait (429 Retry-After), and the backlog notice of a flood.

    The row `WORKSPACE` holds the pause of `chat.update`, which Slack limits per workspace.
    """

    __tablename__ = "slack_channel_state"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    posts_paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updates_paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The notice "N low-priority mentions waiting" while a backlog lasts (one per episode).
    backlog_notice_ts: Mapped[str | None] = mapped_column(String(32))
    backlog_waiting: Mapped[int] = mapped_column(Integer, default=0)
    backlog_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    backlog_noticed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
