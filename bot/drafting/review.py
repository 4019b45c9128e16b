"""All the drafting help for one text: spelling, tone, the network's length rules, and
whether it is in the customer's language."""

from __future__ import annotations

from collections.abc import Iterable

from bot.drafting.spelling import LANGUAGES, check_spelling
from bot.drafting.tone import check_tone
from bot.knowledge.views import DraftAdvice, SpellingStatus
from bot.networks.base import TEXT_FIELD, Network, ReplyContext
from bot.triage import detect_language


def review_text(
    text: str,
    visibility: str,
    *,
    network: Network,
    context: ReplyContext,
    customer_language: str | None,
    languages: tuple[str, ...],
    known_words: Iterable[str] = (),
) -> DraftAdvice:
    """The drafting help for `text`; never raises for any text."""
    if not text.strip():
        return DraftAdvice()
    detected = detect_language(text, languages)
    language = detected if detected in LANGUAGES else customer_language
    flags = check_spelling(text, language or "", known_words)
    if flags is None:
        status = SpellingStatus.UNSUPPORTED if language not in LANGUAGES else SpellingStatus.LOADING
        flags = ()
    else:
        status = SpellingStatus.CHECKED
    mismatch = detected in languages and customer_language and detected != customer_language
    return DraftAdvice(
        language=language,
        spelling=flags,
        spelling_status=status,
        tone=check_tone(text),
        length=network.reply_problems(text, visibility, context).get(TEXT_FIELD),
        customer_language=customer_language if mismatch else None,
    )
