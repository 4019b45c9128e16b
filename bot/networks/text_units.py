"""How networks measure text: graphemes, Mastodon's weighted length, UTF-8 byte spans.

None of them is `len(text)`. Bluesky limits posts to 300 extended grapheme clusters
(a flag or a family emoji is one) and indexes facets by UTF-8 bytes. Mastodon counts
grapheme clusters too, after rewriting every URL to 23 characters and every
`@user@domain` mention to `@user` (its `StatusLengthValidator`).
"""

from __future__ import annotations

import regex

# \X is an extended grapheme cluster (Unicode UAX #29), as Bluesky and Mastodon count.
_GRAPHEME = regex.compile(r"\X")

# Mastodon gives every link the same weight, whatever its real length.
MASTODON_URL_WEIGHT = 23
# Links Mastodon recognises when counting: only with a scheme (extract_url_without_protocol
# is false), up to whitespace, without trailing punctuation.
LINK_PATTERN = regex.compile(r"https?://[^\s<>\"]+?(?=[.,;:!?)\]'\"]*(?:\s|$))", regex.IGNORECASE)
# A mention as Mastodon extracts it: not preceded by a word character, "=" or "/".
MENTION_PATTERN = regex.compile(
    r"(?<![=/\w])@(?P<user>[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)"
    r"(?:@(?P<domain>[\w-]+(?:\.[\w-]+)+))?",
    regex.IGNORECASE,
)


def grapheme_count(text: str) -> int:
    """The number of user-perceived characters (extended grapheme clusters)."""
    return len(_GRAPHEME.findall(text))


def mastodon_length(text: str) -> int:
    """A status's length as Mastodon counts it against `max_characters`."""
    rewritten = LINK_PATTERN.sub("x" * MASTODON_URL_WEIGHT, text)
    rewritten = MENTION_PATTERN.sub(lambda m: "@" + m.group("user"), rewritten)
    return grapheme_count(rewritten)


def mentioned_accounts(text: str) -> list[str]:
    """The accounts mentioned in `text`, as written (`user` or `user@domain`), in order."""
    return [m.group(0)[1:] for m in MENTION_PATTERN.finditer(text)]


def utf8_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The UTF-8 byte offsets of the characters `text[start:end]`."""
    byte_start = len(text[:start].encode("utf-8"))
    return byte_start, byte_start + len(text[start:end].encode("utf-8"))
