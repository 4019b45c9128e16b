"""Triage of a customer's post: language, intent, sentiment, personal data, priority.

Pure functions: the only I/O is reading the model shipped in `bot/triage/data/` on first use.
"""

from __future__ import annotations

from bot.triage.intent import classify_intent
from bot.triage.language import detect_language
from bot.triage.pii import find_pii, mask_pii, outbound_pii
from bot.triage.priority import decide_priority, response_target
from bot.triage.records import (
    DEFAULT_CONFIG,
    NO_CUSTOMER,
    CustomerContext,
    PiiMatch,
    Triage,
    TriageConfig,
)
from bot.triage.urgency import BUILT_IN_URGENT_TERMS, find_urgent_terms

__all__ = [
    "BUILT_IN_URGENT_TERMS",
    "CustomerContext",
    "PiiMatch",
    "Triage",
    "TriageConfig",
    "detect_language",
    "find_pii",
    "mask_pii",
    "outbound_pii",
    "triage_post",
]


def triage_post(
    text: str,
    customer: CustomerContext = NO_CUSTOMER,
    config: TriageConfig = DEFAULT_CONFIG,
) -> Triage:
    """Everything an agent needs at a glance about one post."""
    language = detect_language(text, config.languages)
    intent, sentiment = classify_intent(text)
    urgent = find_urgent_terms(text, config.urgent_terms)
    pii = tuple(find_pii(text, config))
    priority, reasons = decide_priority(intent, sentiment, customer, urgent, pii, config)
    return Triage(
        language=language,
        intent=intent,
        sentiment=sentiment,
        priority=priority,
        reasons=reasons,
        pii=pii,
        urgent_terms=urgent,
        response_target=response_target(priority, config),
    )
