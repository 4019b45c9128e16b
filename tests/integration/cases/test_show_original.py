"""Access to the original text is explicit: approvers only, shown only to them, recorded.
And the card's menu is there from the first post, not only after a re-render."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import session_scope
from storage.models import AuditEvent, Post
from tests.integration.answer_steps import card_menu, choose_from_card_menu, sent_to_slack
from tests.integration.harness import CHANNEL, Sandbox

AGENT, APPROVER = "U0AGENT1", "U0LEAD"
CARD = "4111 1111 1111 1111"
MAIL = "ana.clara@example.com"
SHOW = "Show original (personal data)"


def _exposed_case(sandbox: Sandbox) -> dict:
    sandbox.customer("ana_clara")
    sandbox.mention("ana_clara", f"para el reembolso: tarjeta {CARD}, mail {MAIL}")
    sandbox.cycle()
    (root,) = sandbox.roots()
    return root


def _reveals(sandbox: Sandbox) -> list[AuditEvent]:
    assert sandbox.runtime
    with session_scope(sandbox.runtime.factory) as session:
        return list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal_personal_data"))
        )


def test_an_approver_sees_the_original_only_ephemerally_and_it_is_recorded(
    sandbox: Sandbox,
) -> None:
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    root = _exposed_case(sandbox)
    slack = sandbox.slack
    assert SHOW in card_menu(root)

    choose_from_card_menu(sandbox, APPROVER, SHOW)

    (shown,) = slack.wait_for(lambda: slack.ephemerals(APPROVER))
    body = " ".join(slack.message_texts(shown))
    assert CARD in body and MAIL in body
    assert "card number" in body and "Only you can see this" in body
    assert shown["channel"] == CHANNEL and shown["user"] == APPROVER
    (event,) = _reveals(sandbox)
    with session_scope(sandbox.runtime.factory) as session:
        post_id = session.scalars(select(Post.id)).one()
    assert event.actor == APPROVER and event.details == {"post": post_id}
    # Nowhere but that one ephemeral: not in the channel, a thread, a DM or any other call.
    elsewhere = sent_to_slack(slack, except_ephemeral_responses=True)
    assert CARD not in elsewhere and MAIL not in elsewhere
    assert [e["user"] for e in slack.ephemerals()] == [APPROVER]
    # The viewing shows in the case history (without the data).
    choose_from_card_menu(sandbox, AGENT, "History")
    (history,) = slack.wait_for(lambda: slack.ephemerals(AGENT))
    text = " ".join(slack.message_texts(history))
    assert "reveal_personal_data" in text and f"<@{APPROVER}>" in text
    assert CARD not in text and MAIL not in text


def test_a_non_approver_is_refused_and_nothing_is_recorded(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    _exposed_case(sandbox)
    slack = sandbox.slack

    choose_from_card_menu(sandbox, AGENT, SHOW)

    (told,) = slack.wait_for(lambda: slack.ephemerals(AGENT))
    assert "Only approvers" in told["text"]
    assert CARD not in " ".join(slack.message_texts(told))
    assert _reveals(sandbox) == []
    assert CARD not in sent_to_slack(slack)


def test_an_approver_by_user_group_may_see_it(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.slack.add_usergroup("S0APPROVE", "approvers", [APPROVER])
    sandbox.start_bot(APPROVER_USERGROUP_ID="S0APPROVE")
    _exposed_case(sandbox)

    choose_from_card_menu(sandbox, APPROVER, SHOW)

    (shown,) = sandbox.slack.wait_for(lambda: sandbox.slack.ephemerals(APPROVER))
    assert CARD in " ".join(sandbox.slack.message_texts(shown))
    assert len(_reveals(sandbox)) == 1


def test_the_first_card_has_the_menu_and_history_works_at_once(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot()
    _, root = sandbox.open_case()
    slack = sandbox.slack
    # As the publisher first posted it: never re-rendered.
    assert slack.calls("chat.update") == []
    assert list(card_menu(root)) == ["History", "Customer"]  # no personal data: nothing to reveal

    choose_from_card_menu(sandbox, "U0AGENT2", "History")

    (history,) = slack.wait_for(lambda: slack.ephemerals("U0AGENT2"))
    assert "History of case #" in history["text"]
