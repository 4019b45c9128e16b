"""The stored vocabulary: priorities, statuses, visibilities and audit actions.

`StrEnum`s, so a value is its stored string (columns stay plain strings and migrations
stay simple) while code compares members, never bare literals.
"""

from __future__ import annotations

from enum import StrEnum


class Priority(StrEnum):
    """P1 is the most urgent. Values sort by urgency, so `min()` is the most urgent."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"

    @property
    def rank(self) -> int:
        return int(self.value[1])

    @classmethod
    def parse(cls, value: object, default: Priority | None = None) -> Priority:
        """A stored or configured value as a `Priority` (`default`, else P3, when unknown)."""
        try:
            return cls(str(value).upper())
        except ValueError:
            return default or cls.P3


class CaseStatus(StrEnum):
    NEW = "new"
    CLAIMED = "claimed"
    ESCALATED = "escalated"
    REPLIED = "replied"
    CLOSED = "closed"


# A case is open until someone closes it (REPLIED is open: the customer may write again).
OPEN_STATUSES = frozenset(
    {CaseStatus.NEW, CaseStatus.CLAIMED, CaseStatus.ESCALATED, CaseStatus.REPLIED}
)
# Waiting for our answer: what deadlines and queues are about.
AWAITING_REPLY = frozenset({CaseStatus.NEW, CaseStatus.CLAIMED, CaseStatus.ESCALATED})


class DraftStatus(StrEnum):
    """A draft leaves `pending` exactly once (conditional update)."""

    PENDING = "pending"
    APPROVED = "approved"  # approved; being sent (or interrupted while sending)
    POSTED = "posted"
    FAILED = "failed"  # the network refused or was unreachable; kept for Retry
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # another draft of the case was approved


class Visibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class AuditAction(StrEnum):
    """What an audit event records; stored as its value."""

    OPEN = "open"
    REOPEN = "reopen"
    CLAIM = "claim"
    TAKE_OVER = "take_over"
    UNCLAIM = "unclaim"
    DRAFT = "draft"
    EDIT = "edit"
    APPROVE = "approve"
    REJECT = "reject"
    RETRY = "retry"
    POST = "post"
    POST_FAILED = "post_failed"
    ESCALATE = "escalate"
    CLOSE = "close"
    MOVE_TO_PRIVATE = "move_to_private"
    REVEAL_PERSONAL_DATA = "reveal_personal_data"
    # Service levels: a target turned due soon (reminder) or was missed (escalation).
    SLA_DUE_SOON = "sla_due_soon"
    SLA_MISSED = "sla_missed"
    # Routing chose the case's channel (bot.routing.assign).
    ROUTE = "route"
    # A person sent the case to another team's channel; MOVE_FAILED when Slack refused.
    MOVE = "move"
    MOVE_FAILED = "move_failed"
    # Knowledge (issue 15). A holding reply is an ordinary draft; this event marks it.
    HOLDING_REPLY = "holding_reply"
    SAVED_REPLY_ADD = "saved_reply_add"
    SAVED_REPLY_EDIT = "saved_reply_edit"
    SAVED_REPLY_RETIRE = "saved_reply_retire"
    TEAM_SETTING = "team_setting"
    LINK_IDENTITY = "link_identity"
    UNLINK_IDENTITY = "unlink_identity"
    TAG_CUSTOMER = "tag_customer"
    UNTAG_CUSTOMER = "untag_customer"
    NOTE_CUSTOMER = "note_customer"


class SavedReplyKind(StrEnum):
    """A full answer to start a draft from, or a short "we're on it" holding reply."""

    REPLY = "reply"
    HOLDING = "holding"


class CustomerTagName(StrEnum):
    """Tags agents put on a customer; shown wherever the customer appears."""

    VIP = "vip"
    PRESS = "press"
    AT_RISK = "at_risk"
