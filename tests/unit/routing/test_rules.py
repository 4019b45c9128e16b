"""The routing rules file: what it accepts, and every problem named by line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.routing.rules import RoutingError, parse_routing
from storage.enums import Priority

GOOD = """\
# Support and the community manager split the work.
[targets.P1]
first_response = "15m"      # the service-level policy's part: not routing's business

[routing.channels]
care = "C0CARE0001"
community = "C0COMMUNITY1"
care-en = "C0CAREEN01"

[[routing.rules]]
name = "English to the English-speaking team"
language = "en"
channel = "care-en"

[[routing.rules]]
intent = ["praise", "other"]
channel = "#community"

[[routing.rules]]
account = "x:ar"
priority = ["P1", "p2"]
channel = "C0ARGENTINA"

[[routing.rules]]
channel = "care"
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(RoutingError) as caught:
        parse_routing(text, "carethread.toml")
    return caught.value.problems


def test_a_good_file_reads_channels_and_rules_in_order() -> None:
    config = parse_routing(GOOD, "carethread.toml")

    assert [c.label for c in config.channels] == ["#care", "#community", "#care-en"]
    english, community, argentina, rest = config.rules
    assert (english.number, english.channel_id, english.languages) == (1, "C0CAREEN01", {"en"})
    assert english.label == "rule 1 (English to the English-speaking team)"
    assert community.intents == {"praise", "other"} and community.channel_id == "C0COMMUNITY1"
    assert argentina.accounts == {"x:ar"} and argentina.priorities == {Priority.P1, Priority.P2}
    assert rest.catches_all and rest.channel_id == "C0CARE0001"
    # Each rule knows its line, for problems found once the networks are connected.
    assert [r.line for r in config.rules] == [10, 15, 19, 24]


def test_no_routing_section_is_no_rules() -> None:
    config = parse_routing('[targets.P1]\nfirst_response = "15m"\n')
    assert not config.configured and config.rules == ()


def test_an_unknown_intent_is_named_with_its_line_and_field() -> None:
    text = GOOD.replace('intent = ["praise", "other"]', 'intent = ["praise", "complaints"]')
    assert problems_of(text) == [
        "carethread.toml line 16: routing.rules[2].intent: unknown intent 'complaints' "
        "(use complaint, question, praise, other)"
    ]


def test_every_problem_is_reported_in_file_order() -> None:
    text = """\
[routing.channels]
"Care Team" = "C0CARE0001"
community = "general"

[[routing.rules]]
priority = "P4"
channel = "community"

[[routing.rules]]
language = "english"
network = "X:AR"
chanel = "C0CARE0001"

[[routing.rules]]
account = "x ar"
channel = "C0CARE0001"
intent = []
"""
    problems = problems_of(text)

    assert problems == [
        "carethread.toml line 2: routing.channels.Care Team: a channel's name must be "
        "lowercase letters, digits, -, _ or . (as Slack names channels), got 'Care Team'.",
        "carethread.toml line 3: routing.channels.community: must be a Slack channel id like "
        "C0123ABCD, got 'general'.",
        "carethread.toml line 6: routing.rules[1].priority: unknown priority 'P4' (use P1, P2, P3)",
        "carethread.toml line 7: routing.rules[1].channel: unknown channel 'community' (use a "
        "Slack channel id like C0123ABCD, or a name from [routing.channels]: none yet).",
        "carethread.toml line 9: routing.rules[2].channel: missing: say where matching cases "
        "go (a channel's name or id).",
        "carethread.toml line 10: routing.rules[2].language: 'english' is not a language code "
        "(use two letters, like es or en)",
        "carethread.toml line 11: routing.rules[2].network: 'X:AR' is not a network name (like "
        "x, mastodon, bluesky, facebook); to pick one brand account use account",
        "carethread.toml line 12: routing.rules[2].chanel: unknown key; use name, channel, "
        "account, network, intent, language, priority.",
        "carethread.toml line 15: routing.rules[3].account: 'x ar' is not an account name: "
        "write the network and the account as in X_ACCOUNTS, like x:ar (or x for the account "
        "of the X_ACCESS_TOKEN variables)",
        "carethread.toml line 17: routing.rules[3].intent: an empty list matches nothing; "
        "leave the key out to match all.",
    ]


def test_a_rule_after_a_catch_all_is_never_used() -> None:
    text = GOOD + '\n[[routing.rules]]\nintent = "praise"\nchannel = "community"\n'
    assert problems_of(text) == [
        "carethread.toml line 27: routing.rules[5]: never used: routing.rules[4] above has no "
        "conditions and matches every case; put this rule before it."
    ]


def test_unknown_keys_in_routing_and_wrong_shapes_are_named() -> None:
    problems = problems_of('[routing]\nrule = []\nrules = "everything to care"\n')
    assert problems == [
        "carethread.toml line 2: routing.rule: unknown key; use channels, rules.",
        "carethread.toml line 3: routing.rules: must be [[routing.rules]] blocks.",
    ]


def test_inline_tables_and_multi_line_arrays_keep_their_lines() -> None:
    text = """\
[routing]
rules = [
  { intent = "praise", channel = "C0COMMUNITY1" },
  { intent = "bragging", channel = "C0COMMUNITY1" },
]
"""
    # Inside an inline array the rule has the line of its key.
    assert problems_of(text) == [
        "carethread.toml line 2: routing.rules[2].intent: unknown intent 'bragging' "
        "(use complaint, question, praise, other)"
    ]


def test_invalid_toml_names_its_line() -> None:
    (problem,) = problems_of('[routing.channels]\ncare = "C0CARE0001\n')
    assert problem.startswith("carethread.toml line 2: this is not valid TOML (")


def test_rules_naming_networks_not_connected_are_found_with_their_lines() -> None:
    config = parse_routing(
        GOOD.replace('account = "x:ar"', 'account = "x:br"\nnetwork = "mastodon"')
    )
    assert config.unknown_networks(["x", "x:ar", "bluesky"]) == [
        "carethread.toml line 19: routing.rules[3].network: no connected network is called "
        "'mastodon' (connected: bluesky, x); fix the name or configure it.",
        "carethread.toml line 19: routing.rules[3].account: no connected account is called "
        "'x:br' (connected: bluesky, x, x:ar); fix the name or configure it.",
    ]
    assert config.unused_languages(["es"]) == [
        "carethread.toml line 10: routing.rules[1].language: 'en' is never detected: triage "
        "reports es (TRIAGE_LANGUAGES)."
    ]


def test_the_documented_example_is_a_valid_policy() -> None:
    example = Path(__file__).resolve().parents[3] / "carethread.example.toml"
    config = parse_routing(example.read_text(encoding="utf-8"), "carethread.example.toml")
    assert [c.name for c in config.channels] == ["care", "community", "care-en", "argentina"]
    assert len(config.rules) == 4 and all(rule.name for rule in config.rules)
