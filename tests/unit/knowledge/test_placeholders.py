from bot.knowledge.placeholders import (
    PlaceholderValues,
    fill,
    first_name_of,
    unknown_placeholders,
)

LUCIA = PlaceholderValues(first_name="Lucía", handle="@lucia_mtz", agent="María", case="#12")


def test_fill_replaces_every_known_placeholder_in_spanish_and_english() -> None:
    spanish = "{handle} Hola {first_name}, soy {agent} (caso {case})."
    english = "{handle} Hi {first_name}, {agent} here ({case})."
    assert fill(spanish, LUCIA) == "@lucia_mtz Hola Lucía, soy María (caso #12)."
    assert fill(english, LUCIA) == "@lucia_mtz Hi Lucía, María here (#12)."


def test_unknown_placeholders_stay_as_written_and_are_reported() -> None:
    assert fill("Hola {nombre}", LUCIA) == "Hola {nombre}"
    assert unknown_placeholders("Hola {nombre}, {first_name} {x}") == ["{nombre}", "{x}"]
    assert unknown_placeholders("{handle} {agent} {case} {first_name}") == []


def test_first_name_is_the_first_word_that_reads_as_a_name() -> None:
    assert first_name_of("Lucía Martínez", "@lucia") == "Lucía"
    assert first_name_of("🌵 Ana-Clara Suárez", "@ana") == "Ana-Clara"
    assert first_name_of("ACME_fan_99", "@fan") == "@fan"
    assert first_name_of("", "@x") == "@x"
