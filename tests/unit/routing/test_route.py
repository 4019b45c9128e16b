"""The routing decision: first matching rule wins, the default channel catches the rest."""

from __future__ import annotations

from bot.routing.route import CaseFacts, Router, route
from bot.routing.rules import parse_routing
from storage.enums import Priority

DEFAULT = "C0DEFAULT1"
RULES = parse_routing(
    """\
[routing.channels]
care = "C0CARE0001"
community = "C0COMMUNITY1"
care-en = "C0CAREEN01"
argentina = "C0ARGENTINA"

[[routing.rules]]
account = "x:ar"
channel = "argentina"

[[routing.rules]]
language = "en"
channel = "care-en"

[[routing.rules]]
intent = ["complaint", "question"]
channel = "care"

[[routing.rules]]
intent = ["praise", "other"]
priority = ["P2", "P3"]
channel = "community"

[[routing.rules]]
network = "mastodon"
channel = "community"
"""
)


def where(
    intent: str | None,
    priority: Priority = Priority.P3,
    *,
    language: str | None = "es",
    account: str = "x",
) -> str:
    facts = CaseFacts(account=account, priority=priority, intent=intent, language=language)
    return route(facts, RULES, DEFAULT).channel_id


def test_praise_goes_to_the_community_channel_and_a_p1_complaint_to_care() -> None:
    assert where("praise") == "C0COMMUNITY1"
    assert where("other", Priority.P2) == "C0COMMUNITY1"
    assert where("complaint", Priority.P1) == "C0CARE0001"
    assert where("question") == "C0CARE0001"


def test_the_first_matching_rule_wins() -> None:
    # English comes before intent; the Argentinian account before everything.
    assert where("complaint", language="en") == "C0CAREEN01"
    assert where("praise", language="en", account="x:ar") == "C0ARGENTINA"


def test_a_network_rule_covers_every_account_of_that_network() -> None:
    assert where(None, account="mastodon") == "C0COMMUNITY1"
    assert where(None, account="mastodon:support") == "C0COMMUNITY1"
    assert where(None, account="x:mx") == DEFAULT


def test_what_no_rule_matches_goes_to_the_default_channel() -> None:
    # Urgent praise is no community matter here (rule 4 wants P2/P3), nor unknown intent.
    decision = route(CaseFacts("x", Priority.P1, "praise", "es"), RULES, DEFAULT)
    assert (decision.channel_id, decision.rule, decision.reason) == (
        DEFAULT,
        None,
        "default channel",
    )
    assert where(None) == DEFAULT


def test_the_router_offers_every_team_channel_and_names_them() -> None:
    router = Router(RULES, DEFAULT)
    assert [t.label for t in router.targets()] == [
        "#default",
        "#care",
        "#community",
        "#care-en",
        "#argentina",
    ]
    assert router.label("C0CARE0001") == "#care" and router.label("C0ELSEWHERE") == "C0ELSEWHERE"
    # A default channel that is one of the named channels is offered once, by its name.
    named_default = Router(RULES, "C0CARE0001")
    assert [t.label for t in named_default.targets()][:2] == ["#care", "#community"]
