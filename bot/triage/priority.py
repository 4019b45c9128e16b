"""Priority P1/P2/P3 from what was said, by whom, and what it exposes. Rules: docs/triage.md."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.i18n import N_
from bot.triage.records import (
    DEFAULT_RESPONSE_TARGET_MINUTES,
    CustomerContext,
    PiiMatch,
    TriageConfig,
)
from bot.triage.references import BUILT_IN_REFERENCE_LABELS

INTENT_POINTS = {"complaint": 3, "question": 1, "praise": 0, "other": 0}
P1_FROM, P2_FROM = 6, 3
# Exposed data that can be abused at once: must be hidden fast, whatever else the post says.
HIGH_RISK_PII = frozenset({"payment_card", "iban", "national_id"})
# Urgency read from the meaning of the post, in words for the card.
# Stored in English with the triage; marked (N_) so the cards can show them translated.
URGENCY_REASONS = {
    "fraud": N_("possible fraud"),
    "lost_card": N_("lost or stolen card"),
    "hacked": N_("hacked account"),
    "phishing": N_("phishing or impersonation"),
    "safety": N_("safety risk"),
    "legal": N_("legal or regulator threat"),
    "outage": N_("possible outage"),
    "press": N_("press or viral threat"),
    "churn": N_("threat to leave"),
}
# Someone may be losing money or be in danger right now: P1 even in a question or chatter.
P1_WHATEVER_INTENT = frozenset({"fraud", "phishing", "safety"})


def format_followers(followers: int) -> str:
    """48_000 → "48k followers", 1_250_000 → "1.2M followers"."""
    if followers >= 1_000_000:
        return f"{followers / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M followers"
    if followers >= 1_000:
        return f"{followers // 1_000}k followers"
    return f"{followers} followers"


def decide_priority(
    intent: str,
    sentiment: str,
    customer: CustomerContext,
    urgent_terms: Sequence[str],
    pii: Sequence[PiiMatch],
    config: TriageConfig,
    urgency: str | None = None,
) -> tuple[str, tuple[str, ...]]:
    """(priority, reasons in short words). `urgency` is the kind read by the model, if any."""
    reasons: list[str] = [intent]
    score = INTENT_POINTS.get(intent, 0)
    if sentiment == "negative":
        score += 1
    if sentiment != "neutral":
        reasons.append(sentiment)

    reach = 0
    if customer.followers >= 100_000:
        reach = 2
    elif customer.followers >= 10_000:
        reach = 1
    if reach:
        reasons.append(format_followers(customer.followers))
    if customer.verified:
        reach += 1
        reasons.append(
            f"verified {customer.verified_type}" if customer.verified_type else "verified"
        )
    score += min(reach, 2)

    handle = customer.handle.lstrip("@").lower()
    vip = bool(handle) and handle in config.vip_handles
    if vip:
        score += 2
        reasons.append("VIP")

    if customer.earlier_cases >= 2 and intent in ("complaint", "question"):
        score += 1
        reasons.append(f"repeat: {customer.earlier_cases} earlier cases")
    spammer = (customer.last_outcome or "").lower().startswith("closed: spam")
    if spammer:
        reasons.append("last case: spam")

    priority = "P1" if score >= P1_FROM else "P2" if score >= P2_FROM else "P3"

    if spammer and intent == "other":
        priority = "P3"
    if urgency or urgent_terms:
        # The model's reading says what it is about; the configured words say which words.
        words = ", ".join(urgent_terms)
        label = URGENCY_REASONS.get(urgency or "", urgency or "")
        if label and words:
            reasons.append(f"urgent: {label} ({words})")
        else:
            reasons.append(f"urgent: {label or words}")
        if urgency in P1_WHATEVER_INTENT:
            priority = "P1"
        else:
            # A legal threat or an outage inside chatter still deserves a look within the hour.
            priority = "P1" if intent != "other" else _at_least(priority, "P2")
    exposed = list(dict.fromkeys(m.label for m in pii))
    for label in exposed:
        reasons.append(f"exposed {label}")
    if any(m.type in HIGH_RISK_PII for m in pii):
        priority = "P1"
    elif any(m.label not in BUILT_IN_REFERENCE_LABELS for m in pii):
        # Built-in order/ticket/booking references are masked but do not raise priority.
        priority = _at_least(priority, "P2")
    if vip:
        priority = _at_least(priority, "P2")
    return priority, tuple(reasons)


def _at_least(priority: str, floor: str) -> str:
    return min(priority, floor)  # "P1" < "P2" < "P3"


def response_target(priority: str, config: TriageConfig) -> timedelta:
    minutes = config.response_target_minutes.get(
        priority, DEFAULT_RESPONSE_TARGET_MINUTES[priority]
    )
    return timedelta(minutes=minutes)
