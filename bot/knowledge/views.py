"""What the knowledge features show in Slack, as plain values for the pure builders.

Nothing here holds a past customer's personal data: past cases arrive already masked
(bot.knowledge.depersonalise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.knowledge.reactions import Reaction


@dataclass(frozen=True)
class PastCaseView:
    """A similar closed case: what its customer wrote and the reply we approved."""

    case_id: int
    similarity: float
    network_label: str
    customer_text: str
    # The approved reply as a template ({handle}, {first_name}), personal data masked.
    reply_template: str
    reply_draft_id: int
    reaction: Reaction
    language: str | None = None
    intent: str | None = None
    closed_at: datetime | None = None
    close_reason: str | None = None


@dataclass(frozen=True)
class SpellingFlag:
    word: str
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ToneRemark:
    """How a reply may read: "negative" (the triage's reading), "blaming" or "sarcastic"
    (with the phrase that reads so)."""

    kind: str
    phrase: str | None = None


class SpellingStatus(StrEnum):
    CHECKED = "checked"
    # The dictionaries are still loading (the first seconds after start).
    LOADING = "loading"
    # No dictionary for the reply's language.
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class DraftAdvice:
    """Gentle, never blocking remarks on a draft's text (bot.drafting)."""

    # The language the draft reads as, and the one its spelling was checked in.
    language: str | None = None
    spelling: tuple[SpellingFlag, ...] = ()
    spelling_status: SpellingStatus = SpellingStatus.CHECKED
    tone: tuple[ToneRemark, ...] = ()
    # The network's own words when the text breaks its length or format rules.
    length: str | None = None
    # The customer's language, when the draft reads as another one.
    customer_language: str | None = None

    @property
    def has_warnings(self) -> bool:
        return bool(self.spelling or self.tone or self.length or self.customer_language)

    @property
    def worth_a_second_look(self) -> bool:
        """Said again on Save: flagged words, blaming or sarcastic phrases, another language.

        The triage's negative reading alone is not: trained on customers' posts, it reads
        plain service replies ("refund on its way") as negative too often to stop a Save.
        """
        wording = any(r.kind != "negative" for r in self.tone)
        return bool(self.spelling or wording or self.length or self.customer_language)


@dataclass(frozen=True)
class DraftKnowledge:
    """The knowledge parts of the draft modal."""

    past_cases: tuple[PastCaseView, ...] = ()
    # The case's intent and language: saved replies for them are suggested first.
    intent: str | None = None
    language: str | None = None
    # Bumped whenever the bot replaces the reply text, so Slack shows the new text
    # instead of keeping what was typed (bot.knowledge.draft_modal).
    advice: DraftAdvice | None = None
    # Digest of the text whose warnings were shown on Save: saving it again saves it.
    warned: str | None = None
    has_saved_replies: bool = True
    # Opened at once, then updated with the past cases (never holding up views.open).
    loading: bool = False


@dataclass(frozen=True)
class SavedReplyView:
    id: int
    kind: str
    title: str
    text: str
    language: str
    intent: str | None = None
    network: str | None = None
    active: bool = True
    updated_by: str = ""
    updated_at: datetime | None = None


@dataclass(frozen=True)
class LibraryView:
    """`/carethread replies`: the saved replies, and what this user may do with them."""

    replies: tuple[SavedReplyView, ...]
    can_edit: bool
    one_tap_holding: bool
    networks: tuple[tuple[str, str], ...] = ()  # (name, label) of connected networks


@dataclass(frozen=True)
class PastCaseLine:
    """One earlier case of a customer, in their profile."""

    case_id: int
    network_label: str
    opened_at: datetime
    intent: str | None
    outcome: Outcome
    first_response_minutes: int | None
    link: str | None = None


@dataclass(frozen=True)
class IdentityView:
    customer_id: int
    network_label: str
    handle: str
    name: str
    # The link that joins it (None for the customer the profile is about).
    link_id: int | None = None
    linked_by: str | None = None
    linked_at: datetime | None = None


@dataclass(frozen=True)
class NoteView:
    author: str
    text: str
    at: datetime


@dataclass(frozen=True)
class CustomerProfileView:
    """The customer in one place: accounts, tags, notes and earlier cases."""

    customer_id: int
    name: str
    handle: str
    network_label: str
    identities: tuple[IdentityView, ...] = ()
    tags: tuple[str, ...] = ()
    notes: tuple[NoteView, ...] = ()
    cases: tuple[PastCaseLine, ...] = ()
    # The case the profile was opened from, if any.
    from_case: int | None = None


class Outcome(StrEnum):
    """How a case ended, as the customer showed it (bot.knowledge.customers)."""

    OPEN = "open"
    HAPPY = "closed_happy"
    UNHAPPY = "closed_unhappy"
    CLOSED = "closed"


@dataclass(frozen=True)
class CustomerHistoryView:
    """The card's line about the customer: "3rd case in 30 days · last one: closed unhappy"."""

    ordinal: int
    days: int
    last_outcome: Outcome | None
    tags: tuple[str, ...] = ()
