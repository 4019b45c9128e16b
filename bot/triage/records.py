"""The value types of triage: configuration, customer context, personal-data matches, results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Any

PRIORITIES = ("P1", "P2", "P3")
INTENTS = ("complaint", "question", "praise", "other")
SENTIMENTS = ("negative", "neutral", "positive")
PII_TYPES = ("email", "phone", "payment_card", "iban", "national_id", "custom")
URGENCY_KINDS = (
    "fraud", "lost_card", "hacked", "phishing", "safety", "legal", "outage", "press", "churn",
)  # fmt: skip
# Names of the built-in `custom` detectors (bot.triage.references), all on by default.
BUILT_IN_REFERENCE_DETECTORS: tuple[str, ...] = (
    "order_number", "account_number", "customer_number", "contract_number", "service_number",
    "ticket_number", "booking_reference", "cbu_cvu",
)  # fmt: skip

DEFAULT_RESPONSE_TARGET_MINUTES: Mapping[str, int] = MappingProxyType(
    {"P1": 15, "P2": 60, "P3": 1440}
)


@dataclass(frozen=True)
class TriageConfig:
    languages: tuple[str, ...] = ("es", "en")
    # Lowercase handles without "@".
    vip_handles: frozenset[str] = frozenset()
    # Added to the built-in Spanish and English list.
    urgent_terms: tuple[str, ...] = ()
    # The brand's own public numbers and addresses: never flagged.
    pii_allowlist: tuple[str, ...] = ()
    # (name, regex), e.g. ("order_number", r"ORD-\d{8}").
    pii_custom_patterns: tuple[tuple[str, str], ...] = ()
    # Built-in `custom` detectors that are on (bot.triage.references): order, account,
    # customer, contract, service, ticket numbers and booking references after a keyword,
    # and Argentine CBU/CVU. () switches them all off.
    pii_reference_detectors: tuple[str, ...] = BUILT_IN_REFERENCE_DETECTORS
    # ISO 3166 region whose national phone formats are read first ("AR", "CR"…), or None.
    # Numbers of every market are found without it; it adds the short local forms of its
    # own country (7–8 digit numbers typed without a "tel" cue).
    default_region: str | None = None
    response_target_minutes: Mapping[str, int] = field(
        default_factory=lambda: DEFAULT_RESPONSE_TARGET_MINUTES
    )

    def __hash__(self) -> int:
        # Mappings are unhashable; hash the rest so configs can key caches.
        return hash(
            (
                self.languages,
                self.vip_handles,
                self.urgent_terms,
                self.pii_allowlist,
                self.pii_custom_patterns,
                self.pii_reference_detectors,
                self.default_region,
                tuple(sorted(self.response_target_minutes.items())),
            )
        )


@dataclass(frozen=True)
class CustomerContext:
    handle: str = ""
    followers: int = 0
    verified: bool = False
    verified_type: str | None = None
    earlier_cases: int = 0
    # e.g. "replied", "closed: spam"
    last_outcome: str | None = None


@dataclass(frozen=True)
class PiiMatch:
    # One of PII_TYPES.
    type: str
    # Python str offsets: text[start:end] == value.
    start: int
    end: int
    value: str
    # Human words: "card number", "Spanish DNI", or the custom pattern's name.
    label: str


DEFAULT_CONFIG = TriageConfig()
NO_CUSTOMER = CustomerContext()


@dataclass(frozen=True)
class Triage:
    language: str
    intent: str
    sentiment: str
    priority: str
    # Short phrases that read well on a phone: ("complaint", "negative", "48k followers").
    reasons: tuple[str, ...]
    pii: tuple[PiiMatch, ...]
    urgent_terms: tuple[str, ...]
    response_target: timedelta
    # What the post is urgent about, read from its meaning (one of URGENCY_KINDS), or None.
    # Absent from triage stored before it existed.
    urgency: str | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-safe dict for storage. Carries the personal data itself: store it like the post."""
        return {
            "language": self.language,
            "intent": self.intent,
            "sentiment": self.sentiment,
            "priority": self.priority,
            "reasons": list(self.reasons),
            "pii": [
                {"type": m.type, "start": m.start, "end": m.end, "value": m.value, "label": m.label}
                for m in self.pii
            ],
            "urgent_terms": list(self.urgent_terms),
            "response_target_minutes": self.response_target.total_seconds() / 60,
            "urgency": self.urgency,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Triage:
        """Inverse of `to_json`."""
        return cls(
            language=data["language"],
            intent=data["intent"],
            sentiment=data["sentiment"],
            priority=data["priority"],
            reasons=tuple(data.get("reasons", ())),
            pii=tuple(
                PiiMatch(
                    type=m["type"],
                    start=m["start"],
                    end=m["end"],
                    value=m["value"],
                    label=m.get("label", m["type"]),
                )
                for m in data.get("pii", ())
            ),
            urgent_terms=tuple(data.get("urgent_terms", ())),
            response_target=timedelta(minutes=data["response_target_minutes"]),
            urgency=data.get("urgency"),
        )
