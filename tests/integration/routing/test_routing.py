"""Routing through the real bot: each case's card lands in its team's channel, the route is
kept on the case and in its history, and a case never jumps channels by itself."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.slack.ids import Action
from storage.db import session_scope
from storage.models import Case
from tests.integration.harness import Sandbox
from tests.integration.routing.helpers import (
    CARE,
    CARE_EN,
    COMMUNITY,
    RULES,
    menu_value,
    start_routed,
    text_of,
)

AGENT = "U0AGENT1"


def test_praise_goes_to_the_community_channel_and_a_p1_complaint_to_care(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    start_routed(sandbox, tmp_path)
    slack = sandbox.slack
    sandbox.customer("fan_of_acme")
    sandbox.customer("tomasrivero_ok", followers=48_200, verified=True)
    sandbox.mention("fan_of_acme", "thank you so much, the new router is amazing! great service")
    sandbox.mention(
        "tomasrivero_ok", "llevo 3 días sin servicio en Palermo, esto es un fraude, me doy de baja"
    )

    sandbox.cycle()

    (praise,) = slack.messages(COMMUNITY)
    (complaint,) = slack.messages(CARE)
    assert "router is amazing" in text_of(slack, praise)
    assert "sin servicio" in text_of(slack, complaint) and "*P1* complaint" in str(complaint)
    # Nothing for the default channel, nor for the English team (no rule sends there).
    assert sandbox.roots() == [] and slack.messages(CARE_EN) == []
    with session_scope(sandbox.runtime.factory) as session:
        routes = {case.slack_channel: case.route_channel for case in session.scalars(select(Case))}
    assert routes == {CARE: CARE, COMMUNITY: COMMUNITY}
    # The case's history says where routing sent it, and by which rule.
    status, _ = slack.click(
        sandbox.bot_url,
        user_id=AGENT,
        channel=CARE,
        message_ts=complaint["ts"],
        action_id=Action.CASE_MORE,
        selected_option=menu_value(complaint, "History"),
    )
    assert status == 200
    (history,) = slack.wait_for(lambda: slack.ephemerals(AGENT))
    assert "*route* · to #care, rule 1" in text_of(slack, history)


def test_what_no_rule_matches_goes_to_the_default_channel(sandbox: Sandbox, tmp_path: Path) -> None:
    rules = RULES.replace('intent = ["praise", "other"]', 'intent = "praise"')
    start_routed(sandbox, tmp_path, rules)
    sandbox.customer("lucia")
    sandbox.mention("lucia", "hola, saludos desde Rosario")  # neither a complaint nor praise

    sandbox.cycle()

    (card,) = sandbox.roots()
    assert "Rosario" in text_of(sandbox.slack, card)
    assert sandbox.slack.messages(CARE) == [] and sandbox.slack.messages(COMMUNITY) == []


def test_a_follow_up_before_the_card_is_seen_reroutes_it_after_never(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    urgent_first = f"""\
[routing.channels]
urgent = "{CARE_EN}"
care = "{CARE}"

[[routing.rules]]
priority = "P1"
channel = "urgent"

[[routing.rules]]
channel = "care"
"""
    start_routed(sandbox, tmp_path, urgent_first)
    slack = sandbox.slack
    sandbox.customer("lucia")
    # Two posts in one poll: the case opens as P3 (to #care), the second makes it P1
    # before anyone has seen it, so its card goes straight to #urgent.
    first = sandbox.mention("lucia", "my invoice looks odd")
    sandbox.mention("lucia", "FRAUD! someone emptied my account", in_reply_to=first["id"])
    sandbox.customer("ana")
    calm = sandbox.mention("ana", "how do I change my plan?")

    sandbox.cycle()

    (urgent,) = slack.messages(CARE_EN)
    (care,) = slack.messages(CARE)
    assert "invoice" in text_of(slack, urgent) and "change my plan" in text_of(slack, care)
    # Once the card is in Slack, an urgent follow-up stays in its thread and channel.
    sandbox.mention("ana", "URGENT: fraud on my card, account emptied", in_reply_to=calm["id"])
    sandbox.cycle()

    assert [m["ts"] for m in slack.messages(CARE)] == [care["ts"]]
    assert len(slack.messages(CARE_EN)) == 1
    assert "fraud on my card" in text_of(slack, slack.thread(CARE, care["ts"])[-1])
    with session_scope(sandbox.runtime.factory) as session:
        ana = session.scalars(select(Case).where(Case.slack_ts == care["ts"])).one()
        assert (ana.priority, ana.route_channel, ana.slack_channel) == ("P1", CARE, CARE)


def test_without_routing_every_case_goes_to_the_default_channel_and_cannot_be_sent(
    sandbox: Sandbox,
) -> None:
    sandbox.start_bot()
    _, root = sandbox.open_case(text="my router is dead")  # its card is in CHANNEL
    actions = next(b for b in root["blocks"] if b["type"] == "actions")
    menu = next(e for e in actions["elements"] if e["action_id"] == Action.CASE_MORE)
    assert "Send to another team…" not in [o["text"]["text"] for o in menu["options"]]
