"""The customer in one place: the card's line about their history, their profile with cases,
tags and notes, and accounts linked only by an agent (audited, reversible)."""

from __future__ import annotations

from bot.slack.ids import Action, Callback
from sandbox.scenarios.knowledge import COMMAND, answer_case, close_case
from storage.enums import AuditAction
from tests.integration.answer_steps import card_menu
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.knowledge.steps import (
    AGENT,
    LEAD,
    TEAM,
    audit_events,
    new_case,
)


def _history_line(card: dict) -> str:
    block = next((b for b in card["blocks"] if b.get("block_id") == "customer_history"), None)
    return block["elements"][0]["text"] if block else ""


def test_the_card_says_which_case_this_is_and_how_the_last_one_ended(sandbox: Sandbox) -> None:
    sandbox.start_bot(**TEAM)
    slack, url = sandbox.slack, sandbox.bot_url
    first = new_case(sandbox, "mike_rivers", "Mike Rivers", "you charged me twice this month")
    assert _history_line(first) == ""  # a first-time customer has no history line
    answer_case(
        slack,
        url,
        CHANNEL,
        first["ts"],
        agent=AGENT,
        approver=LEAD,
        text="@mike_rivers Hi Mike, sorry about that, it is refunded.",
    )
    close_case(slack, url, CHANNEL, first["ts"], AGENT)
    second = new_case(sandbox, "mike_rivers", "Mike Rivers", "still charged twice, awful service")
    # He wrote again angry after our reply: the first case ended unhappy.
    assert _history_line(second) == "👤 2nd case in 30 days · last one: closed unhappy"
    close_case(slack, url, CHANNEL, second["ts"], AGENT, reason="no_reply_needed")
    third = new_case(sandbox, "mike_rivers", "Mike Rivers", "and now my internet is down too")

    assert _history_line(third) == "👤 3rd case in 30 days · last one: closed unhappy"


def _open_profile(sandbox: Sandbox, card: dict, user: str) -> dict:
    slack = sandbox.slack
    status, _ = slack.click(
        sandbox.bot_url,
        user_id=user,
        channel=CHANNEL,
        message_ts=card["ts"],
        action_id=Action.CASE_MORE,
        selected_option=card_menu(card)["Customer"],
    )
    assert status == 200
    return slack.wait_for(
        lambda: next(
            (v for v in slack.open_views(user) if v["callback_id"] == Callback.CUSTOMER), None
        )
    )


def test_accounts_are_linked_only_by_an_agent_audited_and_reversible(sandbox: Sandbox) -> None:
    sandbox.start_bot(**TEAM)
    slack, url = sandbox.slack, sandbox.bot_url
    new_case(sandbox, "ana_fb_style", "Ana García", "hola, consulta por mi plan")
    card = new_case(sandbox, "ana_x", "Ana G", "me cobraron doble!!")
    profile = _open_profile(sandbox, card, AGENT)
    assert "ana_fb_style" not in str(profile["blocks"])  # never guessed from the name

    slack.act_in_view(
        url,
        user_id=AGENT,
        view_id=profile["id"],
        action_id=Action.CUSTOMER_LINK,
    )
    picker = slack.wait_for(
        lambda: next(
            (v for v in slack.open_views(AGENT) if v["callback_id"] == Callback.LINK_IDENTITY),
            None,
        )
    )
    options = slack.suggest(
        url, user_id=AGENT, view_id=picker["id"], action_id=Action.CUSTOMER_PICK, typed="ana_fb"
    )["options"]
    assert [o["text"]["text"] for o in options] == ["@ana_fb_style on X (Ana García)"]
    status, answer = slack.submit_view(
        url,
        user_id=AGENT,
        view_id=picker["id"],
        values={
            "other_customer": {
                "customer_pick": {"type": "external_select", "selected_option": options[0]}
            }
        },
    )
    assert (status, answer) == (200, {})
    linked = slack.wait_for(lambda: "Same person" in str(v := slack.view(profile["id"])) and v)
    assert "@ana_fb_style" in str(linked["blocks"])
    # Both accounts' cases show in one place.
    assert "consulta" not in str(linked["blocks"])  # texts are not repeated, cases are listed
    cases = next(b for b in linked["blocks"] if b["block_id"] == "cases")["text"]["text"]
    assert cases.count("• #") == 2
    (event,) = audit_events(sandbox, AuditAction.LINK_IDENTITY)
    assert event.actor == AGENT and event.details["other"] == "x:ana_fb_style"

    unlink = next(
        b["accessory"]["value"]
        for b in linked["blocks"]
        if (b.get("accessory") or {}).get("action_id") == Action.CUSTOMER_UNLINK
    )
    slack.act_in_view(
        url, user_id=AGENT, view_id=profile["id"], action_id=Action.CUSTOMER_UNLINK, value=unlink
    )
    slack.wait_for(lambda: "Same person" not in str(slack.view(profile["id"])["blocks"]))
    (undone,) = audit_events(sandbox, AuditAction.UNLINK_IDENTITY)
    assert undone.actor == AGENT


def test_tags_and_notes_are_saved_and_shown_on_the_next_card(sandbox: Sandbox) -> None:
    sandbox.start_bot(**TEAM)
    slack, url = sandbox.slack, sandbox.bot_url
    card = new_case(sandbox, "tomas_press", "Tomás Rivero", "llevo 3 días sin servicio")
    profile = _open_profile(sandbox, card, AGENT)
    status, answer = slack.submit_view(
        url,
        user_id=AGENT,
        view_id=profile["id"],
        values={
            "tags": {
                "tags": {
                    "type": "checkboxes",
                    "selected_options": [{"value": "press"}, {"value": "vip"}],
                }
            },
            "note": {"note": {"type": "plain_text_input", "value": "Journalist at La Voz."}},
        },
    )
    assert (status, answer) == (200, {})
    tagged = sorted(e.details["tag"] for e in audit_events(sandbox, AuditAction.TAG_CUSTOMER))
    assert tagged == ["press", "vip"]
    assert len(audit_events(sandbox, AuditAction.NOTE_CUSTOMER)) == 1

    again = _open_profile(sandbox, card, AGENT)
    assert "Journalist at La Voz." in str(again["blocks"])
    close_case(slack, url, CHANNEL, card["ts"], AGENT, reason="no_reply_needed")
    nxt = new_case(sandbox, "tomas_press", "Tomás Rivero", "sigo sin servicio, voy a publicarlo")
    assert _history_line(nxt).endswith("· ⭐ VIP · 📰 press")


def test_find_by_handle_opens_the_customer(sandbox: Sandbox) -> None:
    sandbox.start_bot(**TEAM)
    slack, url = sandbox.slack, sandbox.bot_url
    new_case(sandbox, "lucia_mtz", "Lucía Martínez", "me cobraron doble")

    status, _ = slack.command(
        url, user_id=AGENT, command=COMMAND, text="find @Lucia_MTZ", channel=CHANNEL
    )
    assert status == 200
    view = slack.wait_for(
        lambda: next(
            (v for v in slack.open_views(AGENT) if v["callback_id"] == Callback.CUSTOMER), None
        )
    )
    assert "Lucía Martínez" in str(view["blocks"])

    slack.command(url, user_id=AGENT, command=COMMAND, text="find @nobody", channel=CHANNEL)
    told = slack.wait_for(lambda: [e for e in slack.ephemerals(AGENT) if "@nobody" in str(e)])
    assert "No cases from that handle" in str(told[-1])
