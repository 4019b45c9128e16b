"""Urgent terms: fraud, theft, legal threats, outages, churn, in Spanish and English."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from bot.triage.text import fold

BUILT_IN_URGENT_TERMS: tuple[str, ...] = (
    # English
    "fraud", "fraudulent", "scam", "stolen", "hacked", "account compromised", "identity theft",
    "phishing", "unauthorized charge", "unauthorised charge", "lawsuit", "sue you", "lawyer",
    "legal action", "outage", "cancel my account", "close my account", "chargeback",
    "data breach", "data leak", "emergency", "police",
    # Spanish
    "estafa", "fraude", "me robaron", "robaron", "robada", "robado", "hackeado", "hackeada",
    "hackearon", "clonaron", "clonada", "suplantación de identidad", "denuncia", "denunciar",
    "abogado", "demanda", "profeco", "defensa del consumidor", "sin servicio", "caída del servicio",
    "dar de baja", "darme de baja", "cargo no reconocido", "cargos no reconocidos",
    "filtración de datos", "emergencia", "policía",
)  # fmt: skip


@lru_cache(maxsize=32)
def _pattern(terms: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    canonical = {" ".join(fold(t).split()): t for t in terms if t.strip()}
    alternation = "|".join(
        r"\s+".join(map(re.escape, key.split())) for key in sorted(canonical, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)"), canonical


def find_urgent_terms(text: str, extra_terms: Sequence[str] = ()) -> tuple[str, ...]:
    """Urgent terms present in `text` (accent- and case-insensitive, whole words), as listed."""
    pattern, canonical = _pattern(tuple(dict.fromkeys((*BUILT_IN_URGENT_TERMS, *extra_terms))))
    found = (" ".join(m.group().split()) for m in pattern.finditer(fold(text)))
    return tuple(dict.fromkeys(canonical[key] for key in found))
