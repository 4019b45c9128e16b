import pytest

from bot.triage import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("@TelcoMax llevo 3 días sin internet https://t.co/x #fail", "es"),
        ("vos sabés si anda?", "es"),
        ("¿y ahora?", "es"),
        ("q onda con el internet hoy", "es"),
        ("great, third outage this week 🙃", "en"),
        ("@FastShip where is my parcel", "en"),
    ],
)
def test_detects_spanish_and_english(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "@brand @other", "🙏🙏 #tag https://x.co", "123 456"])
def test_undetermined_without_letters(text):
    assert detect_language(text) == "und"


def test_restricted_to_configured_languages():
    assert detect_language("Obrigado pela ajuda", ("es", "pt")) == "pt"
    assert detect_language("anything at all", ("es",)) == "es"
