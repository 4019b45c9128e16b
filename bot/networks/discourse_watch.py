"""What to read on a Discourse forum besides mentions of the brand: `DISCOURSE_WATCH`.

Syntax (comma-separated items; order does not matter):

    category:<slug>   posts in that category and its subcategories (a numeric id works too)
    term:<words>      posts whose text or topic title contain these words, whole words,
                      ignoring case (`term:acme app` matches "ACME app", not "acmeapp")

Example: `DISCOURSE_WATCH=category:support,category:billing,term:acme,term:acme app`.
Posts that mention the API user (`@acme_support`) are always read, and so are later
posts in a topic the brand took part in; `DISCOURSE_WATCH` may be empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SETTING = "DISCOURSE_WATCH"
SYNTAX = "category:<slug> or term:<words>"


@dataclass(frozen=True)
class Watch:
    categories: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()

    def matches_term(self, text: str) -> bool:
        return any(term_pattern(term).search(text) for term in self.terms)


def parse_watch(items: list[str]) -> tuple[Watch, list[str]]:
    """The watch list from `DISCOURSE_WATCH` items, and one problem per item it cannot read."""
    categories: list[str] = []
    terms: list[str] = []
    problems: list[str] = []
    for item in items:
        kind, _, value = item.partition(":")
        value = " ".join(value.split())
        if kind.strip().lower() == "category" and value:
            categories.append(value.lower())
        elif kind.strip().lower() == "term" and value:
            terms.append(value)
        else:
            problems.append(
                f"{SETTING} items are {SYNTAX} separated by commas; {item!r} is neither."
            )
    return Watch(tuple(dict.fromkeys(categories)), tuple(dict.fromkeys(terms))), problems


def term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def mention_pattern(username: str) -> re.Pattern[str]:
    """`@username` as Discourse links it: not inside a word or an e-mail address, and not
    the start of a longer username (`@acme.support` is someone else than `@acme`)."""
    return re.compile(r"(?<![\w@.-])@" + re.escape(username) + r"(?![\w-]|\.[\w-])", re.IGNORECASE)
