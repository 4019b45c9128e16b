"""Text clean-up shared by language detection, intent scoring and urgent-term matching."""

from __future__ import annotations

import re
import unicodedata

_MENTION = re.compile(r"(?<!\w)[@＠]\w{1,15}")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<!\w)#\w+")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[a-zñ0-9]+(?:'[a-z]+)?")


def strip_noise(text: str) -> str:
    """Remove @mentions, URLs and hashtags: they say nothing about language or intent."""
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _HASHTAG.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lowercase and drop accents (keeping ñ), so "Fraude", "fráude" and "FRAUDE" compare equal."""
    text = text.lower().replace("ñ", "\0")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("\0", "ñ").replace("’", "'")


def words(folded: str) -> list[str]:
    """Word tokens of already folded text."""
    return _WORD.findall(folded)


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
