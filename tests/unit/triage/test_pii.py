import pytest

from bot.triage import PiiMatch, TriageConfig, find_pii, mask_pii, outbound_pii


def kinds(text, config=None):
    return [(m.type, m.value) for m in find_pii(text, config or TriageConfig())]


@pytest.mark.parametrize(
    "value",
    [
        "4111 1111 1111 1111",  # Visa
        "5555-5555-5555-4444",  # Mastercard
        "2223 0031 2200 3222",  # Mastercard 2-series
        "3782 822463 10005",  # Amex
        "6011111111111117",  # Discover
        "3056 9309 0259 04",  # Diners
        "3530 1113 3330 0000",  # JCB
        "6200 0000 0000 0005",  # UnionPay
        "6759 6498 2643 8453",  # Maestro
    ],
)
def test_payment_cards(value):
    assert kinds(f"mi tarjeta {value} no funciona") == [("payment_card", value)]


def test_card_followed_by_expiry_is_still_found():
    assert kinds("card 4111 1111 1111 1111 12/27")[0] == ("payment_card", "4111 1111 1111 1111")


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("write to maria.lopez88@gmail.com please", "email", "maria.lopez88@gmail.com"),
        ("llamenme al 612 34 56 78", "phone", "612 34 56 78"),
        ("mi celu es 11 5555-1234", "phone", "11 5555-1234"),
        ("háblenme al 55 1234 5678", "phone", "55 1234 5678"),
        ("call me on (415) 555-2671", "phone", "(415) 555-2671"),
        ("mobile 07911 123456", "phone", "07911 123456"),
        ("intl +54 9 11 4567-8901", "phone", "+54 9 11 4567-8901"),
        ("IBAN ES91 2100 0418 4502 0005 1332 gracias", "iban", "ES91 2100 0418 4502 0005 1332"),
        ("to DE89370400440532013000 pls", "iban", "DE89370400440532013000"),
        ("mi DNI es 12345678Z", "national_id", "12345678Z"),
        ("NIE X1234567L", "national_id", "X1234567L"),
        ("CUIT 20-12345678-6", "national_id", "20-12345678-6"),
        ("mi DNI 30.123.456", "national_id", "30.123.456"),
        ("CURP BOXW310820HNERXN09", "national_id", "BOXW310820HNERXN09"),
        ("RUT 12.345.678-5", "national_id", "12.345.678-5"),
        ("my SSN 536-22-1234", "national_id", "536-22-1234"),
    ],
)
def test_detectors(text, kind, value):
    assert kinds(text) == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "is the laptop really $1,299.00?",
        "me cobraron 1.299 € por un móvil",
        "el técnico vendría el 12/03/2024 a las 14:30",
        "delivery booked for 2024-03-12 at 18:00",
        "UPS tracking 1Z999AA10123456784 hasn't moved",
        "seguimiento 123456789012345678 no se actualiza",
        "tracking 9400111899223344556677 stuck",
        "¿el SM-G991B es compatible? y el iPhone 15?",
        "mi pedido ORD-20240312 sigue sin llegar",
        "card 4111 1111 1111 1112 keeps failing",
        "mi número de pedido es 4567891234",
        "order #88812345 not shipped",
        "invalid dni 12345678A",
        "pagué 25.000 pesos",
        "version 12.345.678 of the app",
        "numero 23456789 sin palabra clave",
        "@oliver@fosstodon.example me too, same router",
    ],
)
def test_hard_negatives(text):
    assert kinds(text) == []


def test_allowlisted_hotline_is_not_flagged_in_any_format():
    config = TriageConfig(pii_allowlist=("+34 900 123 456", "ayuda@marca.com"))
    assert kinds("llamé al 900 123 456 y a +34 900 123 456, ayuda@marca.com", config) == []
    assert kinds("llamé al 900 123 456") == [("phone", "900 123 456")]


def test_custom_pattern():
    config = TriageConfig(pii_custom_patterns=(("order_number", r"ORD-\d{8}"),))
    (match,) = find_pii("pedido ORD-20240312 sin llegar", config)
    assert (match.type, match.label, match.value) == ("custom", "order_number", "ORD-20240312")


def test_bad_custom_pattern_names_the_pattern():
    with pytest.raises(ValueError, match="order_number"):
        find_pii("x", TriageConfig(pii_custom_patterns=(("order_number", "ORD-("),)))


def test_offsets_sorted_non_overlapping_and_exact():
    text = "📦 Ñandú: 4111-1111-1111-1111, jane@x.com, +44 7911 123456, DNI 12345678Z"
    matches = find_pii(text)
    assert [m.type for m in matches] == ["payment_card", "email", "phone", "national_id"]
    for m in matches:
        assert text[m.start : m.end] == m.value
    assert all(a.end <= b.start for a, b in zip(matches, matches[1:], strict=False))


def test_mask_keeps_only_the_tail():
    text = "card 4111 1111 1111 1111, mail jane@example.com, tel 612 34 56 78, DNI 12345678Z"
    masked = mask_pii(text, find_pii(text))
    assert masked == (
        "card •••• •••• •••• 1111, mail j•••@•••.com, tel ••• ••• •• 78, DNI •••••78Z"
    )
    assert "4111" not in masked and "jane" not in masked


def test_mask_refuses_matches_from_another_text():
    with pytest.raises(ValueError):
        mask_pii("hello", [PiiMatch("email", 0, 5, "a@b.co", "email address")])


def test_outbound_guard_blocks_personal_data_but_not_the_brand():
    config = TriageConfig(pii_allowlist=("900 123 456",))
    assert outbound_pii("Llámanos al 900 123 456", config) == []
    assert [m.type for m in outbound_pii("Your card 4111111111111111 is fine", config)] == [
        "payment_card"
    ]
