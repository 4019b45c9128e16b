from bot.drafting.tone import check_tone


def kinds(text: str) -> list[tuple[str, str | None]]:
    return [(r.kind, r.phrase) for r in check_tone(text)]


def test_blaming_and_sarcastic_phrases_are_remarked_in_both_languages() -> None:
    assert ("blaming", "como ya te dijimos") in kinds("Como ya te dijimos, revisá la factura.")
    assert ("blaming", "you should have") in kinds("You should have read the terms.")
    assert ("sarcastic", "gracias por nada") in kinds("Gracias por nada, de verdad")
    assert ("sarcastic", "🙄") in kinds("Sure it was our fault 🙄")


def test_a_kind_apology_reads_fine() -> None:
    assert kinds("Hi Mike, sorry about the double charge! We've refunded it.") == []
    assert kinds("Hola Lucía, lamentamos el doble cobro; ya pedimos el reintegro.") == []
