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
        "card 4111 1111 1111 1112 keeps failing",
        "invalid dni 12345678A",
        "pagué 25.000 pesos",
        "version 12.345.678 of the app",
        "numero 23456789 sin palabra clave",
        "tracking link https://track.example.com/orders/88812345 stuck",
        "order 2 pizzas and got 1",
        "reserva para 4 personas el 15 de marzo",
        "por ejemplo pedido 123456 en la ayuda",
        "ticket de 15000 pesos por la multa",
        "CBU 2850590940090418135202 me lo rechaza",
        "serial 1234 5678 on the box",
    ],
)
def test_hard_negatives(text):
    assert kinds(text) == []


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("mi pedido ORD-20240312 sigue sin llegar", "ORD-20240312", "order number"),
        ("mi número de pedido es 4567891234", "4567891234", "order number"),
        ("order #88812345 not shipped", "88812345", "order number"),
        ("nro de cuenta 0012345678 bloqueada", "0012345678", "account number"),
        ("customer ID C-5567123", "C-5567123", "customer number"),
        ("póliza 88123456, ¿me confirman?", "88123456", "contract number"),
        ("número de servicio 30044556 sin luz", "30044556", "service number"),
        ("radicado 20241234567 sin respuesta", "20241234567", "ticket number"),
        ("booking ref X7K2QP, can I add a bag?", "X7K2QP", "booking reference"),
        ("transferime al CBU 2850590940090418135201", "2850590940090418135201", "CBU/CVU"),
    ],
)
def test_built_in_reference_detectors_need_no_configuration(text, value, label):
    (match,) = find_pii(text)
    assert (match.type, match.value, match.label) == ("custom", value, label)
    assert text[match.start : match.end] == value


def test_reference_detectors_can_be_switched_off():
    text = "mi pedido ORD-20240312 sigue sin llegar, CBU 2850590940090418135201"
    assert kinds(text, TriageConfig(pii_reference_detectors=())) == []
    only_orders = TriageConfig(pii_reference_detectors=("order_number",))
    assert kinds(text, only_orders) == [("custom", "ORD-20240312")]


def test_reference_detector_names_match_the_detectors():
    from bot.triage.records import BUILT_IN_REFERENCE_DETECTORS
    from bot.triage.references import CBU_CVU, DETECTORS

    assert (*(d.name for d in DETECTORS), CBU_CVU) == BUILT_IN_REFERENCE_DETECTORS


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("mi celu 15 5555-1234", "15 5555-1234"),  # Argentine mobile without area code
        ("cel 011 15-4567-8901", "011 15-4567-8901"),
        ("whatsapp 044 55 1234 5678", "044 55 1234 5678"),  # Mexican old mobile prefix
        ("llamame al 300 123 4567", "300 123 4567"),  # Colombia
        ("mi número 9 8765 4321", "9 8765 4321"),  # Chile
        ("tel 987 654 321", "987 654 321"),  # Peru
        ("llámenme al 0414-1234567", "0414-1234567"),  # Venezuela
        ("mi número 8812-3456", "8812-3456"),  # Costa Rica, grouped
        ("call me on 809-555-1234", "809-555-1234"),  # Dominican Republic
        ("tel 0981 123456", "0981 123456"),  # Paraguay
        ("00 34 612 34 56 78 es mi móvil", "00 34 612 34 56 78"),
        ("my mobile (2) 2123 8137", "(2) 2123 8137"),  # Santiago landline
    ],
)
def test_phones_of_every_market(text, value):
    assert kinds(text) == [("phone", value)]


def test_default_region_adds_short_local_numbers():
    assert kinds("escribime 88123456") == []
    assert kinds("escribime 88123456", TriageConfig(default_region="CR")) == [("phone", "88123456")]


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
