"""Text from the internet made safe and short for Slack mrkdwn."""

from bot.slack.text import compact_number, cut_escaped, escape


def test_cutting_never_splits_an_entity_or_exceeds_the_limit():
    text = "&" * 5000
    cut = cut_escaped(text, 1000)
    assert len(cut) <= 1000
    assert cut.rstrip("…").endswith("&amp;")


def test_helpers():
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"
    assert compact_number(999) == "999"
    assert compact_number(48_200) == "48.2k"
    assert compact_number(1_250_000) == "1.2M"
    assert compact_number(2_600_000) == "2.6M"
