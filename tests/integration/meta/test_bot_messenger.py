"""Messenger's windows through the real bot: 24 hours for a RESPONSE, up to 7 days with the
HUMAN_AGENT tag only when the operator enabled it, nothing after (SQLite and PostgreSQL).

Customers write in the past (the stand-in's clock is set back while they do), so the bot,
on the real clock, meets each window as it would days later."""

from __future__ import annotations

from bot.networks.meta.rules import HUMAN_AGENT_WINDOW, MESSAGING_WINDOW, when
from tests.integration.answer_steps import approve_from_dm
from tests.integration.harness import Sandbox
from tests.integration.meta.bot_steps import (
    APPROVER,
    answer,
    brand_messages,
    card_text,
    draft,
    modal_text,
    refusal,
    root_with,
    start_bot_with_meta,
    written_ago,
)


def sent_to(meta, person_name: str) -> list[dict]:
    person = meta.fb_person(person_name)["id"]
    return [m for m in brand_messages(meta) if m["to"]["data"][0]["id"] == person]


def test_messenger_replies_follow_the_24_hour_and_human_agent_windows(sandbox: Sandbox) -> None:
    meta = start_bot_with_meta(sandbox)
    with written_ago(meta, hours=23):
        meta.messenger("Ann Lee", "Is my order shipped?")
    with written_ago(meta, hours=30):
        late = meta.messenger("Bob Stone", "Hello? Anyone?")
    with written_ago(meta, days=8):
        meta.messenger("Cara Diaz", "Never mind")

    # 23 hours: inside the window, sent as a RESPONSE.
    recent = root_with(sandbox, "Is my order shipped?")
    assert "messaging window open until" in card_text(sandbox, recent)
    modal = answer(sandbox, recent, "It ships today, Ann", "private")
    assert "messaging window open until" in modal_text(modal)
    sandbox.slack.wait_for(lambda: sent_to(meta, "Ann Lee"), 10)
    ((sent,),) = [sent_to(meta, "Ann Lee")]
    assert (sent["message"], sent["messaging_type"], sent["tag"]) == (
        "It ships today, Ann",
        "RESPONSE",
        None,
    )

    # 30 hours, the tag not enabled: refused in the modal, saying why and what would open it.
    waiting = root_with(sandbox, "Hello? Anyone?")
    assert "messaging window closed" in card_text(sandbox, waiting)
    _, refused = draft(sandbox, waiting, "Sorry for the wait, Bob", "private")
    reason = refusal(refused)
    assert f"Messaging window closed on {when(late['created_time'] + MESSAGING_WINDOW)}" in reason
    assert "HUMAN_AGENT" in reason and "META_HUMAN_AGENT_TAG" in reason
    assert sent_to(meta, "Bob Stone") == []

    # 8 days: closed for good, tag or not.
    gone = root_with(sandbox, "Never mind")
    assert "messaging window closed: the customer must write again" in card_text(sandbox, gone)

    # The operator enables the tag (Meta granted Human Agent): the 30-hour reply goes out.
    sandbox.stop_bot()
    start_bot_with_meta(sandbox, META_HUMAN_AGENT_TAG="true")
    human = f"human agent reply possible until {when(late['created_time'] + HUMAN_AGENT_WINDOW)}"
    modal, saved = draft(sandbox, waiting, "Sorry for the wait, Bob", "private", claimed=True)
    assert human in modal_text(modal) and saved == {}
    approve_from_dm(sandbox, APPROVER, containing="Sorry for the wait")
    sandbox.slack.wait_for(lambda: sent_to(meta, "Bob Stone"), 10)
    ((tagged,),) = [sent_to(meta, "Bob Stone")]
    assert (tagged["messaging_type"], tagged["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")

    _, refused = draft(sandbox, gone, "Sorry, Cara", "private")
    assert "Messaging window closed: the customer must write again." in refusal(refused)
    assert sent_to(meta, "Cara Diaz") == []
