"""Language of a post: py3langid restricted to the configured languages, nudged by strong cues.

Posts are short and messy, so @mentions, URLs, hashtags and emoji are removed first, and
unmistakable Spanish marks (ñ, ¿, ¡, voseo) tip close calls towards Spanish.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from bot.triage.text import fold, has_letters, strip_noise

UNDETERMINED = "und"

_SPANISH_MARKS = re.compile(r"[ñ¿¡]", re.IGNORECASE)
# Voseo and other words that are Spanish and never English.
_SPANISH_WORDS = frozenset(
    [
        "vos",
        "sos",
        "tenes",
        "podes",
        "queres",
        "sabes",
        "decime",
        "escribime",
        "mira",
        "che",
        "boludo",
        "vieja",
        "que",
        "por",
        "para",
        "como",
        "pero",
        "porque",
        "gracias",
        "hola",
        "buenas",
        "tengo",
        "pedido",
        "nada",
        "esta",
        "muy",
        "los",
        "las",
        "del",
        "una",
        "mi",
        "me",
        "le",
        "se",
        "ya",
    ]
)
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "you",
        "your",
        "my",
        "is",
        "are",
        "was",
        "it",
        "this",
        "that",
        "with",
        "for",
        "not",
        "can",
        "why",
        "what",
        "how",
        "thanks",
        "please",
        "i",
        "i'm",
        "don't",
        "still",
        "been",
        "have",
    ]
)
_WORD = re.compile(r"[a-zñ']+")


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    # A private identifier: py3langid's module-level set_languages would change it process-wide.
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def detect_language(text: str, languages: Sequence[str] = ("es", "en")) -> str:
    """ISO 639-1 code of the post's language among `languages`, or "und" if no letters remain."""
    cleaned = strip_noise(text)
    if not has_letters(cleaned):
        return UNDETERMINED
    langs = tuple(dict.fromkeys(lang.lower() for lang in languages))
    if len(langs) == 1:
        return langs[0]
    scores = dict(_identifier(langs).rank(cleaned))
    tokens = _WORD.findall(fold(cleaned))
    # Cue words weigh more in short posts, where the character model has little to go on.
    weight = 0.6 if len(tokens) <= 6 else 0.3
    if "es" in scores:
        cues = len(_SPANISH_MARKS.findall(cleaned)) + sum(t in _SPANISH_WORDS for t in tokens)
        scores["es"] += weight * min(cues, 3)
    if "en" in scores:
        cues = sum(t in _ENGLISH_WORDS for t in tokens)
        scores["en"] += weight * min(cues, 3)
    best: str = max(scores, key=scores.__getitem__)
    return best
