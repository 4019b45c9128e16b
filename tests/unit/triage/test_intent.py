import pytest

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
