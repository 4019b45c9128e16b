import pytest

from bot.drafting import spelling


@pytest.fixture(scope="module", autouse=True)
def dictionaries() -> None:
    spelling.warm_up(wait=True)


def flagged(text: str, language: str, known: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    found = spelling.check_spelling(text, language, known)
    assert found is not None
    return {f.word: f.suggestions for f in found}


def test_spanish_slips_are_flagged_with_the_right_word_first() -> None:
    found = flagged("Hola, tambien lamentamso la demora del tecnico q te dijo eso", "es")
    assert found["tambien"][0] == "también"
    assert found["lamentamso"][0] == "lamentamos"
    assert found["tecnico"][0] == "técnico"
    assert found["q"] == ("que",)


def test_english_slips_are_flagged_with_the_right_word_first() -> None:
    found = flagged("We recieve it and will definately send a tecnician untill friday", "en")
    assert [found[w][0] for w in ("recieve", "definately", "tecnician", "untill")] == [
        "receive",
        "definitely",
        "technician",
        "until",
    ]


def test_correct_replies_are_left_alone() -> None:
    assert (
        flagged(
            "@lucia_mtz Hola Lucía, lamentamos el doble cobro. Acreditaremos el reintegro y lo "
            "verás reflejado en tu próximo resumen. Disculpas por las molestias, {agent}",
            "es",
        )
        == {}
    )
    assert (
        flagged(
            "@mike Hi Mike, sorry about the double charge! We've refunded it; you'll see it on "
            "your next statement. See https://acme.example/help?x=1 or call 0800-555-1234.",
            "en",
        )
        == {}
    )


def test_names_acronyms_and_the_teams_own_words_are_skipped() -> None:
    assert flagged("Hola, el equipo de Conectividad AcmeFibra revisa tu ONT hoy", "es") == {}
    assert flagged("hola, acmefibra revisa tu caso", "es", known=("AcmeFibra",)) == {}


def test_no_dictionary_for_the_language_says_so() -> None:
    assert spelling.check_spelling("Bonjour", "fr") is None
