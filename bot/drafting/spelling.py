"""Spelling check of a reply in Spanish or English, offline.

The dictionaries are wordfreq's word-frequency lists (342k Spanish and 321k English words,
from subtitles, Wikipedia, books, news and social media; code Apache-2.0, data CC BY-SA
4.0, inside the wheel). Because the lists come partly from social media they also hold
common misspellings ("tambien", "recieve"), so a known word is still flagged when a
variant one edit away is far more frequent: an accent added ("tambien" → "también", the
usual slip in Spanish) or, for longer words, any single edit ("recieve" → "receive").
Unknown words get up to three suggestions one edit away, most frequent first; regular
Spanish verb forms and English inflections of known words are not flagged. Names,
@handles, links, placeholders and acronyms are skipped. docs/drafting-help.md has the
measured precision and timings.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.knowledge.views import SpellingFlag

LANGUAGES = ("es", "en")
_ALPHABET = {
    "es": "abcdefghijklmnopqrstuvwxyzáéíóúñü",
    "en": "abcdefghijklmnopqrstuvwxyz",
}
_ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "úü", "n": "ñ"}
# Ratios of frequency from which a known word is taken for a slip of a far commoner one.
ACCENT_RATIO = 8.0
EDIT_RATIO = 30.0
# A variant must itself be a common word: zipf ≥ 4 (once per 100,000 words) for any edit,
# zipf ≥ 3 for an added accent ("facturacion" → "facturación").
COMMON = 1e-5
COMMON_ACCENTED = 1e-6
# Only a rare word (zipf < 3) is taken for a slip of any other: "recieve" (2.75) is one of
# "receive", while "fibre" (British, zipf 3.6) is not one of "fire".
RARE = 1e-6
# Words rarer than this count as unknown (wordfreq's floor is 1e-8).
KNOWN = 3e-8
MAX_FLAGS = 8
# Texting shortcuts a public reply should spell out.
_SHORTCUTS = {
    "es": {"q": "que", "xq": "porque", "pq": "porque", "tb": "también", "tmb": "también",
           "xfa": "por favor", "porfa": "por favor", "msj": "mensaje", "bn": "bien"},
    "en": {"u": "you", "ur": "your", "pls": "please", "plz": "please", "thx": "thanks",
           "tks": "thanks", "bc": "because", "b4": "before", "msg": "message"},
}  # fmt: skip
# Regular inflections: (ending of the form, ending of the dictionary word). Spanish verbs
# include the voseo of Argentina and Uruguay ("disculpá", "escribinos", "contanos").
_ES_VERB_ENDINGS = tuple(
    (form, infinitive)
    for infinitive, forms in {
        "ar": "aré arás ará aremos aréis arán aría arías aríamos aríais arían ando ado ada "
        "ados adas amos ábamos aban aste asteis aron emos en é ó á ás anos ame alo ala "
        "ales alos ándote ándole o as a áis an e es éis aba abas ara aras ase ases",
        "er": "eré erás erá eremos eréis erán ería erías eríamos eríais erían iendo ido ida "
        "idos idas emos íamos ían iste isteis ieron amos an imos ió é és enos eme elo "
        "iéndote o es e éis en a as áis ía ías iera ieras",
        "ir": "iré irás irá iremos iréis irán iría irías iríamos iríais irían iendo ido ida "
        "idos idas imos íamos ían iste isteis ieron amos an ió í ís inos ime ilo iéndote "
        "o es e en a as ía ías iera ieras",
    }.items()
    for form in forms.split()
)
_EN_ENDINGS = (
    ("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
    ("ing", ""), ("ing", "e"), ("ly", ""), ("er", ""), ("est", ""), ("'s", ""),
)  # fmt: skip
# Links, e-mail addresses, @handles (also "@ana.bsky.social" and "@ana@server.example"),
# hashtags, placeholders and anything with a digit.
_SKIP = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+\.\S+|[@#][\w.@-]*\w|\{\w+\}|\S*\d\S*", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SENTENCE_END = re.compile(r"[.!?¡¿…:\n]\s*$")


@dataclass
class _Dictionaries:
    words: dict[str, Mapping[str, float]]


_lock = threading.Lock()
_loaded: _Dictionaries | None = None
_loading = False


def _load() -> None:
    global _loaded, _loading
    from wordfreq import get_frequency_dict

    words: dict[str, Mapping[str, float]] = {
        lang: get_frequency_dict(lang, wordlist="large") for lang in LANGUAGES
    }
    with _lock:
        _loaded = _Dictionaries(words)
        _loading = False


def warm_up(wait: bool = False) -> bool:
    """Start loading the dictionaries in the background (about 0.6 s); True when ready.

    The draft modal calls this when it opens, so that the first check a few seconds later
    finds them loaded; `wait=True` loads in the caller's thread (tests, benchmarks).
    """
    global _loading
    with _lock:
        if _loaded is not None:
            return True
        start = not _loading
        _loading = True
    if wait:
        if start:
            _load()
        else:
            while not ready():
                time.sleep(0.02)
        return True
    if start:
        threading.Thread(target=_load, name="spelling-dictionaries", daemon=True).start()
    return False


def wait_until_ready(seconds: float) -> bool:
    """Start loading if needed and wait up to `seconds` for the dictionaries."""
    if warm_up():
        return True
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return True
        time.sleep(0.02)
    return ready()


def ready() -> bool:
    with _lock:
        return _loaded is not None


def _words(language: str) -> Mapping[str, float] | None:
    with _lock:
        return _loaded.words.get(language) if _loaded else None


def _edits1(word: str, alphabet: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in alphabet}
    inserts = {a + c + b for a, b in splits for c in alphabet}
    return deletes | transposes | replaces | inserts


def _accented(word: str) -> set[str]:
    """`word` with one more accent or tilde."""
    out = set()
    for i, ch in enumerate(word):
        for accented in _ACCENTED.get(ch, ""):
            out.add(word[:i] + accented + word[i + 1 :])
    return out


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.replace("ñ", "\0"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("\0", "ñ")


def _inflected_known(word: str, language: str, words: Mapping[str, float]) -> bool:
    endings = _ES_VERB_ENDINGS if language == "es" else _EN_ENDINGS
    for form, base in endings:
        if word.endswith(form) and len(word) > len(form) + 1:
            stem = word[: -len(form)]
            if words.get(stem + base, 0.0) >= KNOWN:
                return True
            doubled = language == "en" and len(stem) > 2 and stem[-1] == stem[-2]
            if doubled and words.get(stem[:-1] + base, 0.0) >= KNOWN:  # "stopped" → "stop"
                return True
    return False


def _suggestions(word: str, language: str, words: Mapping[str, float]) -> list[str]:
    candidates = _edits1(word, _ALPHABET[language]) | _accented(word)
    scored = [(words.get(c, 0.0), c) for c in candidates if c != word]
    return [c for f, c in sorted(scored, reverse=True) if f >= KNOWN][:3]


def check_word(word: str, language: str, words: Mapping[str, float]) -> SpellingFlag | None:
    """Whether one lowercase word looks misspelt, with suggestions. Pure."""
    shortcut = _SHORTCUTS[language].get(word)
    if shortcut:
        return SpellingFlag(word, (shortcut,))
    frequency = words.get(word, 0.0)
    if frequency < KNOWN:
        if _inflected_known(word, language, words):
            return None
        return SpellingFlag(word, tuple(_suggestions(word, language, words)))
    if language == "es" and len(word) >= 3 and _strip_accents(word) == word:
        best = max(_accented(word), key=lambda c: words.get(c, 0.0), default=None)
        if best and words.get(best, 0.0) >= max(COMMON_ACCENTED, frequency * ACCENT_RATIO):
            return SpellingFlag(word, (best,))
    if language == "es" and _inflected_known(word, language, words):
        return None  # a rarer but regular verb form ("disculpá" beside "disculpa")
    if len(word) >= 5 and frequency < RARE:
        top = _suggestions(word, language, words)
        if top and words.get(top[0], 0.0) >= max(COMMON, frequency * EDIT_RATIO):
            return SpellingFlag(word, (top[0],))
    return None


def _candidates(text: str) -> Iterable[str]:
    """Lowercase words worth checking: not names (capitalised inside a sentence), not
    acronyms, not inside links, @handles, #tags, {placeholders} or anything with digits."""
    cleaned = _SKIP.sub(lambda m: " " * len(m.group(0)), text)
    for match in _WORD.finditer(cleaned):
        word = match.group(0).replace("’", "'")
        if word.isupper() and len(word) > 1:
            continue
        starts_sentence = match.start() == 0 or bool(
            _SENTENCE_END.search(cleaned[: match.start()]) or not cleaned[: match.start()].strip()
        )
        if word[0].isupper() and not starts_sentence:
            continue
        yield word.lower()


def check_spelling(
    text: str, language: str, known: Iterable[str] = ()
) -> tuple[SpellingFlag, ...] | None:
    """Misspelt-looking words of `text` (at most MAX_FLAGS, each once), or None when the
    dictionaries are not loaded yet or `language` has none. `known` adds the team's own
    words (brand and product names, words of the saved replies)."""
    if language not in LANGUAGES:
        return None
    words = _words(language)
    if words is None:
        return None
    extra = {w.lower() for w in known}
    flags: list[SpellingFlag] = []
    seen: set[str] = set()
    for word in _candidates(text):
        if word in seen or word in extra:
            continue
        seen.add(word)
        flag = check_word(word, language, words)
        if flag is not None:
            flags.append(flag)
            if len(flags) >= MAX_FLAGS:
                break
    return tuple(flags)
