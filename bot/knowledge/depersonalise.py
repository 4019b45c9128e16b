"""A past case as another customer's agent may see it: no names, handles or personal data.

A past reply becomes a template: the old customer's @handle turns into `{handle}` and their
first name into `{first_name}`, so copying it into a new draft fills in the new customer
(bot.knowledge.placeholders). Other personal data (cards, phones, e-mail addresses, ids) is
masked with the triage's detectors.
"""

from __future__ import annotations

import re

from bot.knowledge.placeholders import FIRST_NAME, HANDLE, first_name_of
from bot.triage import TriageConfig, mask_pii, outbound_pii

MASK = "•••"


def _name_words(name: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]{2,}", name)]


def _replace_word(text: str, word: str, by: str) -> str:
    return re.sub(rf"(?<![\w@]){re.escape(word)}(?!\w)", by, text, flags=re.IGNORECASE)


def _replace_handle(text: str, handle: str, by: str) -> str:
    if not handle:
        return text
    return re.sub(rf"(?<!\w)@{re.escape(handle)}(?!\w)", by, text, flags=re.IGNORECASE)


def reply_template(text: str, handle: str, name: str, config: TriageConfig) -> str:
    """A reply sent to one customer, as a template for another: their @handle and first
    name become placeholders, any other word of their name and any personal data masked."""
    out = _replace_handle(text, handle, "{" + HANDLE + "}")
    first = first_name_of(name, "")
    for word in _name_words(name):
        by = "{" + FIRST_NAME + "}" if first and word.lower() == first.lower() else MASK
        out = _replace_word(out, word, by)
    found = outbound_pii(out, config)
    return mask_pii(out, found) if found else out


def masked_post(text: str, handle: str, name: str) -> str:
    """A customer's (already PII-masked) post with their own handle and name masked too."""
    out = _replace_handle(text, handle, "@" + MASK)
    for word in _name_words(name):
        out = _replace_word(out, word, MASK)
    return out
