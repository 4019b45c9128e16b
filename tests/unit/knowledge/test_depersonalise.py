from bot.knowledge.depersonalise import masked_post, reply_template
from bot.triage import TriageConfig


def test_a_past_reply_becomes_a_template_without_the_old_customers_data() -> None:
    reply = (
        "@mike_rivers Hi Mike, sorry Mike Rivers! We refunded card 4111 1111 1111 1111; "
        "write to mike@example.com if not."
    )
    template = reply_template(reply, "mike_rivers", "Mike Rivers", TriageConfig())
    assert template.startswith("{handle} Hi {first_name}, sorry {first_name} •••!")
    for secret in ("mike_rivers", "Mike", "Rivers", "4111 1111 1111 1111", "mike@example.com"):
        assert secret not in template


def test_other_handles_and_words_that_contain_the_name_are_kept() -> None:
    template = reply_template(
        "@ana and @anabel: Ana, see Anatomy of a bill", "ana", "Ana", TriageConfig()
    )
    assert template == "{handle} and @anabel: {first_name}, see Anatomy of a bill"


def test_a_past_post_masks_its_authors_handle_and_name() -> None:
    shown = masked_post("@acme soy Lucía Martínez (@lucia_mtz) y me cobraron doble", "lucia_mtz",
                        "Lucía Martínez")  # fmt: skip
    assert shown == "@acme soy ••• ••• (@•••) y me cobraron doble"
