"""Triage of a customer's post: language, intent, sentiment, urgency, personal data, priority.

Pure functions: the only I/O is reading the models shipped in `bot/triage/data/` and in the
sentence-encoder package on first use (about a second, once per process).
`embed_text` gives the post's multilingual sentence embedding (512 float32, unit length) for
finding similar cases across languages.
"""

from __future__ import annotations

from bot.triage.embedding import EMBEDDING_DIM, Embedder, embed_text
from bot.triage.intent import read_post
from bot.triage.language import detect_language
from bot.triage.pii import find_pii, mask_pii, outbound_pii
from bot.triage.priority import decide_priority, response_target
from bot.triage.records import (
    BUILT_IN_REFERENCE_DETECTORS,
    DEFAULT_CONFIG,
    NO_CUSTOMER,
    URGENCY_KINDS,
    CustomerContext,
    PiiMatch,
    Triage,
    TriageConfig,
)
from bot.triage.urgency import BUILT_IN_URGENT_TERMS, find_urgent_terms

__all__ = [
    "BUILT_IN_REFERENCE_DETECTORS",
    "BUILT_IN_URGENT_TERMS",
    "EMBEDDING_DIM",
    "URGENCY_KINDS",
    "CustomerContext",
    "Embedder",
    "PiiMatch",
    "Triage",
    "TriageConfig",
    "detect_language",
    "embed_text",
    "find_pii",
    "find_urgent_terms",
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
    reading = read_post(text)
    urgent = find_urgent_terms(text, config.urgent_terms)
    pii = tuple(find_pii(text, config))
    priority, reasons = decide_priority(
        reading.intent, reading.sentiment, customer, urgent, pii, config, reading.urgency
    )
    return Triage(
        language=language,
        intent=reading.intent,
        sentiment=reading.sentiment,
        priority=priority,
        reasons=reasons,
        pii=pii,
        urgent_terms=urgent,
        response_target=response_target(priority, config),
        urgency=reading.urgency,
    )
