"""Action and callback ids, shared by the Block Kit builders and the listener routing.

These strings are stable: Slack messages posted months ago still carry them.
"""

from enum import StrEnum


class Action(StrEnum):
    CLAIM = "case_claim"
    DRAFT = "case_draft"
    ESCALATE = "case_escalate"
    CLOSE = "case_close"


class MessageKind(StrEnum):
    """`event_type` of the metadata on every message we post, to find it again after a crash."""

    POST = "carethread_post"
