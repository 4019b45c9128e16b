"""Action and callback ids, shared by the Block Kit builders and the listener routing.

These strings are stable: Slack messages posted months ago still carry them.
"""

from enum import StrEnum

from bot.networks.base import TEXT_FIELD, VISIBILITY_FIELD


class Action(StrEnum):
    CLAIM = "case_claim"
    DRAFT = "case_draft"
    ESCALATE = "case_escalate"
    CLOSE = "case_close"
    # Shown when the customer exposed personal data: drafts a public invite plus a DM.
    MOVE_TO_PRIVATE = "case_move_to_private"
    # The case card's overflow menu (history, unclaim, show original).
    CASE_MORE = "case_more"
    TAKE_OVER = "case_take_over"
    APPROVE = "draft_approve"
    # Approve although the customer wrote again after the draft was written.
    APPROVE_STALE = "draft_approve_stale"
    EDIT = "draft_edit"
    REJECT = "draft_reject"
    RETRY = "draft_retry"
    # Claim from App Home's queue (no response_url there: the Home tab shows the outcome).
    HOME_CLAIM = "home_claim"
    # Swap a public reply with a link for its link-free wording (the draft modal).
    LINK_FREE = "draft_link_free"
    # Knowledge (issue 15): in the draft modal.
    SAVED_REPLY_PICK = "draft_saved_reply"
    COPY_PAST_REPLY = "draft_copy_past_reply"
    CHECK_DRAFT = "draft_check"
    # On the card: a one-tap "we're on it".
    HOLDING_REPLY = "case_holding_reply"
    # In the saved-replies library (/carethread replies).
    LIBRARY_ADD = "saved_replies_add"
    LIBRARY_REPLY = "saved_replies_reply"  # overflow per reply: edit / retire
    LIBRARY_ONE_TAP = "saved_replies_one_tap"
    # In a customer's profile.
    CUSTOMER_LINK = "customer_link"
    CUSTOMER_UNLINK = "customer_unlink"
    CUSTOMER_PICK = "customer_pick"


class CaseMenu(StrEnum):
    """Option values of the case card's overflow menu."""

    HISTORY = "history"
    UNCLAIM = "unclaim"
    # Approvers only, ephemeral, audited: the post as the customer wrote it.
    SHOW_ORIGINAL = "show_original"
    # Send the case (and its thread) to another team's channel (bot.cases.moving).
    MOVE = "move"
    # The customer in one place: earlier cases, tags, notes, linked accounts.
    CUSTOMER = "customer"


class LibraryMenu(StrEnum):
    """Option values of a saved reply's overflow menu in the library."""

    EDIT = "edit"
    RETIRE = "retire"


class Callback(StrEnum):
    """`callback_id` of our modals."""

    DRAFT = "draft_modal"
    REJECT = "reject_modal"
    ESCALATE = "escalate_modal"
    CLOSE = "close_modal"
    MOVE = "move_modal"
    SAVED_REPLIES = "saved_replies_modal"
    SAVED_REPLY = "saved_reply_modal"
    CUSTOMER = "customer_modal"
    LINK_IDENTITY = "link_identity_modal"


class MessageKind(StrEnum):
    """`event_type` of the metadata on every message we post, to find it again after a crash."""

    POST = "carethread_post"
    DRAFT = "carethread_draft"
    OUTCOME = "carethread_outcome"
    # A case's card re-posted in another team's channel.
    MOVE = "carethread_move"


class Field(StrEnum):
    """Input block ids of our modals (also their action ids); inline errors are keyed by them."""

    # The same keys as the networks' `reply_problems()`, so their words land beside the field.
    TEXT = TEXT_FIELD
    VISIBILITY = VISIBILITY_FIELD
    REASON = "reason"
    TEAM = "team"
    NOTE = "note"
    # The draft modal's "after this reply": waiting on the customer or not (unset: the
    # text decides, a question pauses the next-response clock).
    WAITING = "waiting"
    # The move modal: the team channel a case is sent to.
    CHANNEL = "channel"
    # The saved-reply editor and the customer profile.
    TITLE = "title"
    KIND = "kind"
    LANGUAGE = "language"
    INTENT = "intent"
    NETWORK = "network"
    TAGS = "tags"
    OTHER_CUSTOMER = "other_customer"


class Waiting(StrEnum):
    """Options of the draft modal's `Field.WAITING`."""

    YES = "waiting"
    NO = "not_waiting"


# A block id with a version ("text~2"): the bot bumps it to replace what was typed (Slack
# keeps a user's input across views.update while the block and action ids stay the same).
VERSION_MARK = "~"


def versioned(block_id: str, version: int) -> str:
    return block_id if version <= 0 else f"{block_id}{VERSION_MARK}{version}"


def unversioned(block_id: str) -> str:
    return block_id.partition(VERSION_MARK)[0]
