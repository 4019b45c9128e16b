"""A one-tap holding reply: in the customer's language, on their network, sent once; it is the
first response, and the case stays open for the full answer."""

from __future__ import annotations

from bot.slack.ids import Action
from sandbox.agent_story import click_card
from sandbox.scenarios.knowledge import add_saved_reply, set_one_tap
from storage.enums import AuditAction, CaseStatus
from tests.integration.answer_steps import approve_from_dm
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.knowledge.steps import (
    AGENT,
    LEAD,
    OTHER_AGENT,
    TEAM,
    audit_events,
    case_id_of,
    load_case,
    mention_case,
    new_case,
)

HOLDING_ES = "{handle} Hola {first_name}, ya lo estamos revisando. Te escribimos en breve ({case})."
HOLDING_EN = "{handle} Hi {first_name}, we're on it and will be back shortly ({case})."


def _holding_library(sandbox: Sandbox) -> None:
    for title, language, text in (("En eso", "es", HOLDING_ES), ("On it", "en", HOLDING_EN)):
        answer = add_saved_reply(
            sandbox.slack,
            sandbox.bot_url,
            LEAD,
            CHANNEL,
            title=title,
            language=language,
            kind="holding",
            text=text,
        )
        assert answer == {}


def test_one_tap_holding_reply_is_sent_once_and_counts_as_first_response(
    sandbox: Sandbox,
) -> None:
    sandbox.start_bot(**TEAM)
    _holding_library(sandbox)
    set_one_tap(sandbox.slack, sandbox.bot_url, LEAD, CHANNEL, on=True)
    slack, url = sandbox.slack, sandbox.bot_url
    post, card = mention_case(sandbox, "lucia_mtz", "Lucía Martínez", "no tengo internet!!")
    case_id = case_id_of(card)

    click_card(slack, url, CHANNEL, card["ts"], AGENT, Action.HOLDING_REPLY)
    (reply,) = slack.wait_for(lambda: sandbox.x.replies_to(post["id"]), 10)
    # A second tap (the same agent again, or a colleague) sends nothing more.
    click_card(slack, url, CHANNEL, card["ts"], OTHER_AGENT, Action.HOLDING_REPLY)
    told = slack.wait_for(lambda: slack.ephemerals(OTHER_AGENT))

    assert reply["text"] == (
        f"@lucia_mtz Hola Lucía, ya lo estamos revisando. Te escribimos en breve (#{case_id})."
    )
    # "…already approved" while it is being sent, "…already sent" once posted.
    assert told[-1]["text"].startswith("A holding reply was already ")
    assert len(sandbox.x.replies_to(post["id"])) == 1
    # What the response clocks read: the first response, the events, the case still open.
    case = slack.wait_for(lambda: (c := load_case(sandbox, case_id)).first_response_at and c)
    assert case.status == CaseStatus.REPLIED and case.closed_at is None
    (holding,) = [
        e for e in audit_events(sandbox, AuditAction.HOLDING_REPLY) if e.case_id == case_id
    ]
    (posted,) = [e for e in audit_events(sandbox, AuditAction.POST) if e.case_id == case_id]
    approvals = [e for e in audit_events(sandbox, AuditAction.APPROVE) if e.case_id == case_id]
    assert holding.actor == AGENT and holding.details["one_tap"] is True
    assert posted.details["draft"] == holding.details["draft"]
    assert [a.details for a in approvals] == [{"draft": holding.details["draft"], "one_tap": True}]
    assert case.first_response_at <= posted.created_at
    # Leads allowed it, and that change is on the record.
    (setting,) = audit_events(sandbox, AuditAction.TEAM_SETTING)
    assert setting.actor == LEAD and setting.details["after"] == "true"


def test_a_holding_reply_goes_through_approval_unless_leads_allow_one_tap(
    sandbox: Sandbox,
) -> None:
    sandbox.start_bot(**TEAM)
    _holding_library(sandbox)
    slack, url = sandbox.slack, sandbox.bot_url
    post, card = mention_case(sandbox, "mike_rivers", "Mike Rivers", "my internet is down")

    click_card(slack, url, CHANNEL, card["ts"], AGENT, Action.HOLDING_REPLY)
    approve_from_dm(sandbox, LEAD, containing="we're on it")

    (reply,) = slack.wait_for(lambda: sandbox.x.replies_to(post["id"]), 10)
    assert reply["text"].startswith("@mike_rivers Hi Mike, we're on it")
    case = slack.wait_for(
        lambda: (c := load_case(sandbox, case_id_of(card))).first_response_at and c
    )
    assert case.status == CaseStatus.REPLIED
    (holding,) = audit_events(sandbox, AuditAction.HOLDING_REPLY)
    assert "one_tap" not in holding.details
    (approval,) = audit_events(sandbox, AuditAction.APPROVE)
    assert approval.actor == LEAD and approval.details == {"draft": holding.details["draft"]}


def test_without_a_holding_reply_in_the_customers_language_the_agent_is_told(
    sandbox: Sandbox,
) -> None:
    sandbox.start_bot(**TEAM)
    slack, url = sandbox.slack, sandbox.bot_url
    card = new_case(sandbox, "lucia_mtz", "Lucía Martínez", "no tengo internet desde ayer!!")

    click_card(slack, url, CHANNEL, card["ts"], AGENT, Action.HOLDING_REPLY)

    told = slack.wait_for(lambda: slack.ephemerals(AGENT))
    assert "no holding reply in Spanish" in told[-1]["text"]
    assert audit_events(sandbox, AuditAction.HOLDING_REPLY) == []
