"""Sending a case to another team: its card and a summary are re-posted in the new channel,
a link stays behind, later messages go to the new thread, it happens once however many
clicks, and a channel Carethread cannot post in leaves the case where it was."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.slack.ids import Action, Callback, MessageKind
from sandbox.agent_story import claim, open_draft_modal, submit_draft, wait_for_draft
from storage.db import session_scope
from storage.enums import AuditAction
from storage.models import AuditEvent, Case
from tests.integration.harness import Sandbox
from tests.integration.routing.helpers import CARE, COMMUNITY, menu_value, start_routed, text_of

AGENT, OTHER = "U0AGENT1", "U0AGENT2"
MOVE = "Send to another team…"


def complaint_in_care(sandbox: Sandbox, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """A routed bot, and a complaint whose card is in #care: (the post on X, the card)."""
    start_routed(sandbox, tmp_path)
    sandbox.customer("lucia")
    post = sandbox.mention("lucia", "I was charged twice for November!")
    sandbox.cycle()
    (card,) = sandbox.slack.messages(CARE)
    return post, card


def open_move_modal(sandbox: Sandbox, card: dict[str, Any], user: str) -> dict[str, Any]:
    slack = sandbox.slack
    before = {v["id"] for v in slack.open_views(user)}
    status, body = slack.click(
        sandbox.bot_url,
        user_id=user,
        channel=CARE,
        message_ts=card["ts"],
        action_id=Action.CASE_MORE,
        selected_option=menu_value(card, MOVE),
    )
    assert status == 200, body
    return slack.wait_for(
        lambda: next(
            (
                v
                for v in slack.open_views(user)
                if v["id"] not in before and v["callback_id"] == Callback.MOVE
            ),
            None,
        )
    )


def submit_move(
    sandbox: Sandbox, user: str, view: dict[str, Any], channel: str, note: str = ""
) -> dict[str, Any]:
    values: dict[str, dict[str, dict]] = {
        "channel": {"channel": {"type": "static_select", "selected_option": {"value": channel}}},
        "note": {"note": {"type": "plain_text_input", "value": note or None}},
    }
    status, answer = sandbox.slack.submit_view(
        sandbox.bot_url, user_id=user, view_id=view["id"], values=values
    )
    assert status == 200
    return answer


def move_events(sandbox: Sandbox) -> list[AuditEvent]:
    assert sandbox.runtime
    with session_scope(sandbox.runtime.factory) as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_([AuditAction.MOVE, AuditAction.MOVE_FAILED]))
            .order_by(AuditEvent.id)
        ).all()
        session.expunge_all()
        return list(events)


def the_case(sandbox: Sandbox) -> Case:
    assert sandbox.runtime
    with session_scope(sandbox.runtime.factory) as session:
        case = session.scalars(select(Case)).one()
        session.expunge(case)
        return case


def test_moving_a_case_reposts_its_card_and_summary_and_leaves_a_link(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    post, card = complaint_in_care(sandbox, tmp_path)
    slack, url = sandbox.slack, sandbox.bot_url
    claim(slack, url, CARE, card["ts"], AGENT)
    modal = open_draft_modal(slack, url, CARE, card["ts"], AGENT)
    assert submit_draft(slack, url, AGENT, modal["id"], "@lucia We are on it.", "public") == {}
    wait_for_draft(slack, CARE, card["ts"])
    sandbox.mention("lucia", "and my card was blocked too", in_reply_to=post["id"])
    sandbox.cycle()

    view = open_move_modal(sandbox, card, AGENT)
    # The modal offers the other teams, never the channel the case is in.
    options = next(b for b in view["blocks"] if b.get("block_id") == "channel")["element"]
    labels = [o["text"]["text"] for o in options["options"]]
    assert labels == ["#default", "#community", "#care-en"]
    assert submit_move(sandbox, AGENT, view, COMMUNITY, "billing praise? <!channel>") == {}

    (moved,) = slack.wait_for(lambda: slack.messages(COMMUNITY))
    assert "charged twice" in text_of(slack, moved)
    assert (moved.get("metadata") or {}).get("event_type") == MessageKind.MOVE
    summary = slack.wait_for(lambda: slack.thread(COMMUNITY, moved["ts"]))[0]
    said = text_of(slack, summary)
    assert f"Sent here from <#{CARE}>* by <@{AGENT}>" in said
    assert "&lt;!channel&gt;" in said and "<!channel>" not in said
    assert f"archives/{CARE}/p{card['ts'].replace('.', '')}" in said  # the old thread
    assert "2 messages from the customer" in said and "1 draft waiting for approval" in said
    assert "card was blocked too" in said
    # Left behind: a link in the old thread, and the old card now only points there.
    left = slack.wait_for(
        lambda: [m for m in slack.thread(CARE, card["ts"]) if "sent this case" in text_of(slack, m)]
    )
    assert f"<#{COMMUNITY}>" in text_of(slack, left[0])
    assert f"archives/{COMMUNITY}/p{moved['ts'].replace('.', '')}" in text_of(slack, left[0])
    old_card = slack.wait_for(
        lambda: next((m for m in slack.messages(CARE) if "Moved to" in text_of(slack, m)), None)
    )
    assert not [b for b in old_card["blocks"] if b["type"] == "actions"]
    case = slack.wait_for(lambda: (c := the_case(sandbox)).slack_ts == moved["ts"] and c)
    assert (case.slack_channel, case.slack_ts, case.route_channel) == (
        COMMUNITY,
        moved["ts"],
        COMMUNITY,
    )
    (event,) = move_events(sandbox)
    assert (event.actor, event.details["from"], event.details["to"]) == (
        AGENT,
        "#care",
        "#community",
    )

    # From now on the customer's messages and the case's outcomes go to the new thread.
    sandbox.mention("lucia", "any news?", in_reply_to=post["id"])
    sandbox.cycle()
    assert "any news?" in text_of(slack, slack.thread(COMMUNITY, moved["ts"])[-1])
    assert not [m for m in slack.thread(CARE, card["ts"]) if "any news?" in text_of(slack, m)]
    new_card = slack.messages(COMMUNITY)[0]
    slack.click(
        url, user_id=AGENT, channel=COMMUNITY, message_ts=new_card["ts"], action_id=Action.CLOSE
    )
    (close,) = slack.wait_for(
        lambda: [v for v in slack.open_views(AGENT) if v["callback_id"] == Callback.CLOSE]
    )
    slack.submit_view(
        url,
        user_id=AGENT,
        view_id=close["id"],
        values={
            "reason": {
                "reason": {"type": "radio_buttons", "selected_option": {"value": "answered"}}
            }
        },
    )
    slack.wait_for(
        lambda: "closed the case" in text_of(slack, slack.thread(COMMUNITY, moved["ts"])[-1])
    )
    slack.wait_for(lambda: "Closed" in text_of(slack, slack.messages(COMMUNITY)[0]))


def test_a_double_click_moves_the_case_once(sandbox: Sandbox, tmp_path: Path) -> None:
    _, card = complaint_in_care(sandbox, tmp_path)
    slack = sandbox.slack
    first, second = open_move_modal(sandbox, card, AGENT), open_move_modal(sandbox, card, OTHER)
    start = threading.Barrier(2)
    answers: list[dict[str, Any]] = []

    def send(user: str, view: dict[str, Any]) -> None:
        start.wait()
        answers.append(submit_move(sandbox, user, view, COMMUNITY))

    clicks = [
        threading.Thread(target=send, args=(AGENT, first)),
        threading.Thread(target=send, args=(OTHER, second)),
    ]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join(30)

    (moved,) = slack.wait_for(lambda: slack.messages(COMMUNITY))
    slack.wait_for(lambda: the_case(sandbox).slack_ts == moved["ts"])
    assert len(move_events(sandbox)) == 1

    # The losing click is told: in its modal if the move was done when it was submitted,
    # else by a direct message.
    def told() -> int:
        inline = [a for a in answers if a.get("response_action") == "errors"]
        dms = [
            m
            for user in (AGENT, OTHER)
            for m in slack.dms(user)
            if "being sent to another team" in text_of(slack, m)
            or "already in #community" in text_of(slack, m)
        ]
        return len(inline) + len(dms)

    slack.wait_for(lambda: told() == 1)
    assert len(slack.messages(COMMUNITY)) == 1 and len(slack.messages(CARE)) == 1


def test_a_second_click_after_the_move_is_answered_in_its_modal(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    _, card = complaint_in_care(sandbox, tmp_path)
    first, second = open_move_modal(sandbox, card, AGENT), open_move_modal(sandbox, card, OTHER)
    assert submit_move(sandbox, AGENT, first, COMMUNITY) == {}
    sandbox.slack.wait_for(lambda: the_case(sandbox).slack_channel == COMMUNITY)

    answer = submit_move(sandbox, OTHER, second, COMMUNITY)

    assert answer == {
        "response_action": "errors",
        "errors": {"channel": "This case is already in #community."},
    }
    assert len(sandbox.slack.messages(COMMUNITY)) == 1 and len(move_events(sandbox)) == 1


def test_a_channel_carethread_is_not_in_leaves_the_case_where_it_was(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.slack.add_channel(COMMUNITY, "community", is_member=False)
    _, card = complaint_in_care(sandbox, tmp_path)
    slack = sandbox.slack

    assert submit_move(sandbox, AGENT, open_move_modal(sandbox, card, AGENT), COMMUNITY) == {}

    (dm,) = slack.wait_for(lambda: slack.dms(AGENT))
    assert "not a member of" in text_of(slack, dm) and "/invite @Carethread" in text_of(slack, dm)
    assert slack.messages(COMMUNITY) == []
    case = the_case(sandbox)
    assert (case.slack_channel, case.slack_ts, case.moving_since) == (CARE, card["ts"], None)
    assert [e.action for e in move_events(sandbox)] == [AuditAction.MOVE, AuditAction.MOVE_FAILED]
    assert move_events(sandbox)[1].details["error"] == "not_in_channel"
    # The card is untouched and can still be sent elsewhere.
    assert MOVE in str(slack.messages(CARE)[0]["blocks"])
