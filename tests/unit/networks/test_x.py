"""X's own rules: how it counts a public reply, whom it lets the brand answer publicly, its
DM link."""

from __future__ import annotations

import pytest
from twitter_text import parse_tweet

from bot.cases.invitations import invitation_texts
from bot.networks.x import dm_link, reply_problems
from tests.unit.networks.examples import context, x_network

BRAND_ID = "1234567890123456789"


def test_public_reply_counts_as_x_does() -> None:
    assert reply_problems("a" * 280, "public", True) == {}
    assert "281/280" in reply_problems("a" * 281, "public", True)["text"]
    # A URL counts 23 whatever its length; emoji and CJK count 2.
    url = "https://example.com/" + "x" * 200
    assert reply_problems(url + " " + "a" * 256, "public", True) == {}
    assert "282/280" in reply_problems("😀" * 141, "public", True)["text"]
    assert "282/280" in reply_problems("漢" * 141, "public", True)["text"]


def test_private_message_allows_10000_characters() -> None:
    assert reply_problems("a" * 10_000, "private", False) == {}
    assert "10,001/10,000" in reply_problems("a" * 10_001, "private", False)["text"]


def test_a_search_result_cannot_be_answered_publicly() -> None:
    errors = x_network().reply_problems("hello", "public", context(publicly_replyable=False))
    assert "did not mention" in errors["visibility"] and "text" not in errors


@pytest.mark.parametrize("language", ["es", "en", "und", "pt"])
def test_the_invitation_fits_one_post_and_links_to_a_dm(language):
    public, private = invitation_texts(language, "@a_very_long_nam", dm_link(BRAND_ID))
    assert public.startswith("@a_very_long_nam ")
    assert f"https://x.com/messages/compose?recipient_id={BRAND_ID}" in public
    parsed = parse_tweet(public)
    assert parsed.valid and parsed.weightedLength <= 280
    assert reply_problems(public, "public", True) == {}
    assert private and "@" not in private


def test_the_dm_link_needs_the_numeric_brand_id():
    with pytest.raises(ValueError):
        dm_link("@brand")
