"""What a draft may say: the network's rules plus the personal-data guard (pure pieces; the
end-to-end stories are in tests/integration)."""

from __future__ import annotations

from bot.cases.drafts import describe_personal_data, draft_problems, guard_config
from bot.cases.invitations import invitation_texts
from bot.networks.x import dm_link
from bot.triage import TriageConfig, find_pii
from tests.fake_network import FakeNetwork
from tests.unit.networks.examples import context, x_network

CARD = "4111 1111 1111 1111"
X = x_network()


def validate(text: str, visibility: str, replyable: bool, config=None) -> dict[str, str]:
    return draft_problems(text, visibility, X, context(replyable), config or TriageConfig())


def test_empty_and_unknown_visibility() -> None:
    assert "empty" in validate(" \n ", "private", True)["text"]
    assert validate("hello", "sideways", True)["visibility"]


def test_the_network_judges_in_its_own_words() -> None:
    fake = FakeNetwork()
    errors = draft_problems("x" * 101, "public", fake, context(), TriageConfig())
    assert errors == {"text": "Fakebook allows 100 characters, this is 101."}
    assert draft_problems("x" * 101, "private", fake, context(), TriageConfig()) == {}
    read_only = FakeNetwork(can_reply_publicly=False, can_send_private=False, label="Feeds")
    assert (
        "cannot answer publicly on Feeds"
        in draft_problems("hi", "public", read_only, context(), TriageConfig())["visibility"]
    )


def test_a_public_reply_with_personal_data_is_refused_naming_it_masked() -> None:
    for text, named, raw in (
        (f"@ana tu tarjeta {CARD} está bloqueada", "card number •••• •••• •••• 1111", CARD),
        ("@ana te escribimos a ana.clara@example.com", "email address a•••@•••.com", "ana.clara@"),
        ("@ana tu DNI 12345678Z figura", "Spanish DNI •••••78Z", "12345678Z"),
    ):
        error = validate(text, "public", True)["text"]
        assert "personal data" in error and named in error, error
        assert raw not in error
        assert "Private message" in error
        assert validate(text, "private", True) == {}  # a DM may carry it


def test_describing_many_matches_stays_short() -> None:
    text = " ".join(f"{c}ana@example.com" for c in "bcdefg")
    described = describe_personal_data(find_pii(text))
    assert described.endswith("and 3 more") and "example" not in described


def test_the_brands_own_dm_link_is_not_personal_data() -> None:
    # An old, 10-digit X id reads like a US phone number to the phone detector.
    brand = "2461513966"
    public, _ = invitation_texts("es", "ana_clara", dm_link(brand))
    config = TriageConfig()
    assert validate(public, "public", True, guard_config(config, brand)) == {}
    # Knowing the brand's id does not let a customer's phone number through.
    other = public + " o llámanos al +34 612 345 678"
    assert "phone number" in validate(other, "public", True, guard_config(config, brand))["text"]
