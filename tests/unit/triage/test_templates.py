import pytest
from twitter_text import parse_tweet

from bot.triage import move_to_private_texts

BRAND_ID = "1234567890123456789"


@pytest.mark.parametrize("language", ["es", "en", "und", "pt"])
def test_public_reply_fits_and_links_to_dm(language):
    public, private = move_to_private_texts(language, "@a_very_long_nam", BRAND_ID)
    assert public.startswith("@a_very_long_nam ")
    assert f"https://x.com/messages/compose?recipient_id={BRAND_ID}" in public
    parsed = parse_tweet(public)
    assert parsed.valid and parsed.weightedLength <= 280
    assert private and "@" not in private


def test_language_of_the_customer():
    es_public, es_private = move_to_private_texts("es", "ana", BRAND_ID)
    en_public, _ = move_to_private_texts("en", "ana", BRAND_ID)
    assert "mensaje privado" in es_public and "tarjeta" in es_private
    assert "private message" in en_public


@pytest.mark.parametrize(("handle", "brand"), [("", BRAND_ID), ("two words", BRAND_ID),
                                               ("ana", "@brand")])  # fmt: skip
def test_rejects_bad_input(handle, brand):
    with pytest.raises(ValueError):
        move_to_private_texts("es", handle, brand)
