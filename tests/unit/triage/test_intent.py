import pytest

from bot.triage import triage_post
from bot.triage.intent import classify_intent
from bot.triage.lexicon import classify_by_lexicon


@pytest.mark.parametrize(
    ("text", "intent", "sentiment"),
    [
        ("¿alguien me explica por qué mi pedido lleva 2 semanas?", "complaint", "negative"),
        ("great, third outage this week 🙃", "complaint", "negative"),
        ("me cobraron dos veces, ¿me lo pueden devolver? no anda nada, vieja", "complaint",
         "negative"),
        ("gracias por nada, otra vez sin señal", "complaint", "negative"),
        ("Qué servicio tan chafa, nunca llega nada", "complaint", "negative"),
        ("¿Tienen envíos a Tenerife?", "question", "neutral"),
        ("how do I reset my PIN?", "question", "neutral"),
        ("Mil gracias, el técnico fue un crack 🙌", "praise", "positive"),
        ("the delivery guy was lovely, thank you ❤️", "praise", "positive"),
        ("Gana 1000€ al día desde casa, link en bio", "other", "neutral"),
    ],
)  # fmt: skip
def test_tricky_posts(text, intent, sentiment):
    assert classify_intent(text) == (intent, sentiment)


def test_lexicon_baseline_reads_sarcasm():
    assert classify_by_lexicon("Genial, otra vez sin internet 🙃")[0] == "complaint"


def test_emoji_only_post_does_not_crash():
    assert classify_intent("🙏")[0] in {"complaint", "question", "praise", "other"}


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        # None of these uses a word of the configured list: the meaning carries them.
        ("alguien sacó un chip con mi número y ahora tengo transferencias que no hice", "fraud"),
        ("there's a £400 payment on my account I never made, please help", "fraud"),
        ("me llegó un SMS de ustedes pidiendo la clave del banco, ¿es real?", "phishing"),
        ("the whole street has had no broadband since 8am, nobody can work", "outage"),
        ("el cargador se prendió fuego anoche, casi se quema la casa", "safety"),
        ("ya presenté la queja en el SERNAC", "legal"),
        ("I'm reporting this to Ofcom tomorrow", "legal"),
    ],
)
def test_urgency_is_read_from_meaning_and_reaches_p1(text, urgency):
    result = triage_post(text)
    assert (result.urgency, result.priority) == (urgency, "P1")
    assert any(reason.startswith("urgent: ") for reason in result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "qué buena la película sobre estafas que vi anoche",
        "¿a qué hora abren los sábados?",
        "thanks for the quick fix yesterday, great service!",
    ],
)
def test_chatter_questions_and_praise_are_not_urgent(text):
    result = triage_post(text)
    assert result.urgency is None and result.priority == "P3"
