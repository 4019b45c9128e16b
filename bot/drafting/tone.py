"""Tone of a reply: the triage's own reading of it, and words that read as blaming or
sarcastic. Gentle remarks only; the author decides.

The triage model is trained on customers' posts, so it reads an apology that names the
problem ("sorry about the double charge") as negative. A negative reading is therefore
only remarked on when the reply shows no empathy at all.
"""

from __future__ import annotations

import re

from bot.knowledge.views import ToneRemark
from bot.triage.intent import classify_intent
from bot.triage.text import fold

NEGATIVE, BLAMING, SARCASTIC = "negative", "blaming", "sarcastic"

# Folded (lowercase, no accents): "deberias" matches "deberías".
_BLAMING = (
    # Spanish
    "como ya te dijimos", "como ya le dijimos", "como ya te explicamos", "como te dije",
    "deberias haber", "deberia haber", "tendrias que haber", "tendria que haber",
    "no es nuestra culpa", "no es culpa nuestra", "es tu culpa", "es su culpa",
    "fue tu culpa", "fue su culpa", "por no leer", "lee las condiciones",
    "lea las condiciones", "calmate", "tranquilizate", "no es nuestro problema",
    "obviamente", "evidentemente", "ya deberias saber",
    # English
    "as we already told you", "as i already said", "as we said", "as stated before",
    "you should have", "you should've", "you need to read", "read the terms",
    "not our fault", "your fault", "your mistake", "you failed to", "calm down",
    "not our problem", "obviously", "clearly you", "you must have", "user error",
)  # fmt: skip
_SARCASTIC = (
    "gracias por nada", "que sorpresa", "si, claro", "si claro",
    "buena suerte con eso", "suerte con eso",
    "thanks for nothing", "what a surprise", "yeah right", "sure, because", "good luck with that",
    "congrats on", "nice try", "big surprise", "wow, just wow",
    "🙄", "😒", "🤦", "😏", "🙃",
)  # fmt: skip
_EMPATHY = re.compile(
    r"\b(sorry|apolog|regret|understand|lament|disculp|perd[oó]n|sentimos|entendemos|"
    r"comprendemos)",
    re.IGNORECASE,
)


def _found(folded: str, phrases: tuple[str, ...]) -> str | None:
    for phrase in phrases:
        if phrase.isascii():
            if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded):
                return phrase
        elif phrase in folded:
            return phrase
    return None


def check_tone(text: str) -> tuple[ToneRemark, ...]:
    """Remarks on how `text` may read to the customer (empty when it reads fine)."""
    folded = fold(text)
    remarks = []
    if blaming := _found(folded, _BLAMING):
        remarks.append(ToneRemark(BLAMING, blaming))
    if sarcastic := _found(folded, _SARCASTIC):
        remarks.append(ToneRemark(SARCASTIC, sarcastic))
    if any(ch.isalpha() for ch in text):
        _, sentiment = classify_intent(text)
        if sentiment == NEGATIVE and not _EMPATHY.search(text):
            remarks.append(ToneRemark(NEGATIVE))
    return tuple(remarks)
