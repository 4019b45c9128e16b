"""How Mastodon and Bluesky measure text, checked on cases whose answer is known by hand."""

from __future__ import annotations

from bot.networks.text_units import (
    grapheme_count,
    mastodon_length,
    mentioned_accounts,
    utf8_span,
)


def test_graphemes_count_what_a_person_sees() -> None:
    assert grapheme_count("José") == 4
    assert grapheme_count("Jose\u0301") == 4  # e + combining accent is one character
    assert grapheme_count("👨‍👩‍👧🇪🇸👍🏽") == 3  # a family, a flag, a toned thumb
    assert grapheme_count("") == 0


def test_mastodon_counts_links_as_23_and_remote_mentions_by_their_username() -> None:
    link = "https://example.com/" + "x" * 100
    assert mastodon_length(link) == 23
    assert mastodon_length(f"see {link}.") == 4 + 23 + 1  # the full stop is not the link's
    assert mastodon_length("@ana@far.away.example hi") == len("@ana hi")
    assert mastodon_length("@ana hi") == 7
    assert mastodon_length("mail me at ana@example.com") == len("mail me at ana@example.com")
    assert mastodon_length("👍🏽" * 10) == 10


def test_mentioned_accounts_keep_their_server() -> None:
    assert mentioned_accounts("@ana hi @bo@other.social, and x@y.z") == ["ana", "bo@other.social"]


def test_utf8_span_counts_bytes() -> None:
    text = "Hola José 👋 @ana"
    start = text.index("@")
    assert utf8_span(text, start, len(text)) == (4 + 1 + 3 + 2 + 1 + 4 + 1, 20)
    assert text.encode()[16:20].decode() == "@ana"
