from datetime import timedelta

from bot.triage import CustomerContext, Triage, TriageConfig, triage_post
from bot.triage.priority import decide_priority, format_followers
from bot.triage.records import PiiMatch

CONFIG = TriageConfig(vip_handles=frozenset({"famosa"}))


def prio(intent, sentiment="neutral", customer=None, urgent=(), pii=()):
    customer = customer or CustomerContext()
    return decide_priority(intent, sentiment, customer, urgent, pii, CONFIG)


def test_plain_complaint_is_p2_and_question_praise_other_p3():
    assert prio("complaint", "negative") == ("P2", ("complaint", "negative"))
    assert prio("question")[0] == "P3"
    assert prio("praise", "positive")[0] == "P3"
    assert prio("other")[0] == "P3"


def test_reach_raises_a_complaint_to_p1():
    priority, reasons = prio("complaint", "negative", CustomerContext(followers=150_000))
    assert priority == "P1" and "150k followers" in reasons
    assert prio("complaint", "negative", CustomerContext(followers=48_000))[0] == "P2"
    assert (
        prio("complaint", "negative", CustomerContext(followers=48_000, verified=True))[0] == "P1"
    )


def test_urgent_terms_make_p1_except_in_chatter():
    priority, reasons = prio("question", urgent=("fraude",))
    assert priority == "P1" and "urgent: fraude" in reasons
    assert prio("other", urgent=("scam",))[0] == "P2"


def test_exposed_card_is_p1_and_phone_at_least_p2():
    card = PiiMatch("payment_card", 0, 16, "4111111111111111", "card number")
    phone = PiiMatch("phone", 0, 12, "612 34 56 78", "phone number")
    assert prio("praise", "positive", pii=(card,)) == (
        "P1",
        ("praise", "positive", "exposed card number"),
    )
    assert prio("praise", "positive", pii=(phone,))[0] == "P2"


def test_vip_and_repeat_complainer():
    assert prio("question", customer=CustomerContext(handle="@Famosa"))[0] == "P2"
    priority, reasons = prio(
        "complaint", "negative", CustomerContext(followers=20_000, earlier_cases=3)
    )
    assert priority == "P1" and "repeat: 3 earlier cases" in reasons


def test_known_spammer_chatter_stays_p3():
    customer = CustomerContext(followers=500_000, last_outcome="closed: spam")
    assert prio("other", customer=customer)[0] == "P3"


def test_followers_in_words():
    assert format_followers(48_213) == "48k followers"
    assert format_followers(1_250_000) == "1.2M followers"
    assert format_followers(950) == "950 followers"


def test_triage_post_end_to_end_and_json_round_trip():
    config = TriageConfig(response_target_minutes={"P1": 5, "P2": 30, "P3": 600})
    result = triage_post(
        "@Banco me clonaron la tarjeta 4111 1111 1111 1111, es un fraude",
        CustomerContext(handle="ana", followers=48_000),
        config,
    )
    assert (result.language, result.intent, result.sentiment) == ("es", "complaint", "negative")
    assert result.priority == "P1"
    assert result.response_target == timedelta(minutes=5)
    assert result.reasons[:3] == ("complaint", "negative", "48k followers")
    assert result.urgency == "fraud"
    assert "urgent: possible fraud (clonaron, fraude)" in result.reasons
    assert "exposed card number" in result.reasons
    assert Triage.from_json(result.to_json()) == result


def test_urgent_terms_accent_insensitive_and_whole_word():
    result = triage_post(
        "Me dejaron SIN SERVICIO, es una ESTAFA, llamo a la POLICIA", config=CONFIG
    )
    assert result.urgent_terms == ("sin servicio", "estafa", "policía")
    assert triage_post("the scammers movie was fun").urgent_terms == ()
    extra = TriageConfig(urgent_terms=("ombudsman",))
    assert triage_post("I'm going to the Ombudsman", config=extra).urgent_terms == ("ombudsman",)


def test_fraud_phishing_and_safety_read_from_meaning_are_p1_whatever_the_intent():
    for urgency in ("fraud", "phishing", "safety"):
        priority, reasons = decide_priority(
            "other", "neutral", CustomerContext(), (), (), CONFIG, urgency
        )
        assert priority == "P1"
        assert any(r.startswith("urgent: ") for r in reasons)
    priority, reasons = decide_priority(
        "question", "neutral", CustomerContext(), (), (), CONFIG, "phishing"
    )
    assert (priority, reasons[-1]) == ("P1", "urgent: phishing or impersonation")


def test_other_urgency_kinds_are_p1_in_a_complaint_and_p2_in_chatter():
    assert (
        decide_priority("complaint", "negative", CustomerContext(), (), (), CONFIG, "legal")[0]
        == "P1"
    )
    assert decide_priority("other", "neutral", CustomerContext(), (), (), CONFIG, "outage")[0] == (
        "P2"
    )


def test_word_list_keeps_its_explanation_next_to_the_meaning():
    _, reasons = decide_priority(
        "complaint", "negative", CustomerContext(), ("estafa",), (), CONFIG, "fraud"
    )
    assert "urgent: possible fraud (estafa)" in reasons


def test_built_in_references_are_shown_but_do_not_raise_priority():
    order = PiiMatch("custom", 7, 19, "ORD-20240312", "order number")
    priority, reasons = prio("question", pii=(order,))
    assert priority == "P3" and "exposed order number" in reasons
    configured = PiiMatch("custom", 0, 8, "AB123456", "loyalty_card")
    assert prio("question", pii=(configured,))[0] == "P2"


def test_stored_triage_without_urgency_still_loads():
    stored = {
        "language": "es",
        "intent": "complaint",
        "sentiment": "negative",
        "priority": "P2",
        "reasons": ["complaint", "negative"],
        "pii": [],
        "urgent_terms": [],
        "response_target_minutes": 60,
    }
    triage = Triage.from_json(stored)
    assert triage.urgency is None and triage.priority == "P2"
    assert Triage.from_json(triage.to_json()) == triage
