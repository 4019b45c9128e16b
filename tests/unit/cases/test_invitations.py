"""What Move to private drafts, in the customer's language."""

import pytest

from bot.cases.invitations import invitation_texts

LINK = "https://x.com/messages/compose?recipient_id=1234567890123456789"


def test_language_of_the_customer():
    es_public, es_private = invitation_texts("es", "ana", LINK)
    en_public, _ = invitation_texts("en", "ana", LINK)
    assert "mensaje privado" in es_public and "tarjeta" in es_private
    assert "private message" in en_public


def test_networks_without_a_dm_link_get_an_invitation_without_one():
    public, _ = invitation_texts("en", "ana", None)
    assert public.startswith("@ana ") and "http" not in public and public.endswith(".")


@pytest.mark.parametrize("handle", ["", "two words"])
def test_rejects_bad_handles(handle):
    with pytest.raises(ValueError):
        invitation_texts("es", handle, LINK)
