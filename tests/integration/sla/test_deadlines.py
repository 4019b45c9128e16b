"""Response targets chased through the real bot and the stand-ins: reminders, misses,
escalation, business hours, the pause while waiting on the customer, and silence for
cases answered or closed in time. The deadline watcher's clock is moved by the tests."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from sandbox.agent_story import card_status, play_agent_story
from storage.db import session_scope
from storage.models import SlaEvent
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.sla.steps import (
    FRAUD,
    LEADS,
    ON_DUTY,
    MovableClock,
    claim_and_wait,
    close_case,
    deadline_line,
    dm_texts,
    policy_text,
    seed_people,
    sla_messages,
    token_time,
    write_policy,
)

AGENT, APPROVER = "U0AGENT1", "U0LEAD"
MADRID = ZoneInfo("Europe/Madrid")


def _start(sandbox: Sandbox, tmp_path, clock: MovableClock, policy: str | None = None, **env):
    seed_people(sandbox)
    path = write_policy(tmp_path, policy or policy_text("2m"))
    return sandbox.start_bot(clock=clock, CARETHREAD_CONFIG=path, **env)


def _watch(sandbox: Sandbox):
    assert sandbox.runtime and sandbox.runtime.publish_loop
    outcome = sandbox.runtime.deadlines.run()
    # Cards are re-rendered by the publishing loop (coalesced): wait for it.
    sandbox.runtime.publish_loop.wait_idle(10)
    return outcome


def test_reminder_then_miss_with_escalation_once_each_across_a_restart(sandbox, tmp_path):
    clock = MovableClock()
    _start(sandbox, tmp_path, clock)
    _, root = sandbox.open_case("lucia", FRAUD)
    assert "P1" in deadline_line(sandbox)
    assert "⏱ first response due <!date^" in deadline_line(sandbox)
    claim_and_wait(sandbox, root, AGENT)

    clock.advance(seconds=65)  # past 50 % of the 2-minute target
    _watch(sandbox)
    (reminder,) = sla_messages(sandbox, root, "sla_due_soon")
    assert f"<@{AGENT}>" in reminder and "first response" in reminder
    assert "🟠 *first response due soon*" in deadline_line(sandbox)

    # A restart in between: the new process announces nothing again.
    _start(sandbox, tmp_path, clock)
    _watch(sandbox)
    sandbox.cycle()
    assert len(sla_messages(sandbox, root, "sla_due_soon")) == 1

    clock.advance(seconds=60)  # past the deadline
    _watch(sandbox)
    (miss,) = sla_messages(sandbox, root, "sla_missed")
    assert f"<!subteam^{ON_DUTY}>" in miss and f"<@{AGENT}>" in miss
    assert "🔴 *first response overdue*" in deadline_line(sandbox)
    for lead in LEADS:
        (dm,) = dm_texts(sandbox, lead)
        assert "missed its first response target" in dm and "Open the thread" in dm

    _start(sandbox, tmp_path, clock)
    clock.advance(minutes=30)
    _watch(sandbox)
    sandbox.cycle()
    assert len(sla_messages(sandbox, root, "sla_missed")) == 1
    assert [len(dm_texts(sandbox, lead)) for lead in LEADS] == [1, 1]
    assert len(sla_messages(sandbox, root, "sla_due_soon")) == 1


def test_an_unclaimed_case_reminds_the_on_duty_group(sqlite_sandbox, tmp_path):
    clock = MovableClock()
    _start(sqlite_sandbox, tmp_path, clock)
    _, root = sqlite_sandbox.open_case("lucia", FRAUD)
    clock.advance(seconds=65)
    _watch(sqlite_sandbox)
    (reminder,) = sla_messages(sqlite_sandbox, root, "sla_due_soon")
    assert f"<!subteam^{ON_DUTY}>" in reminder and "nobody has claimed" in reminder


def test_two_watchers_at_once_announce_each_miss_once(sandbox, tmp_path):
    clock = MovableClock()
    runtime = _start(sandbox, tmp_path, clock)
    for name in ("ana", "ben", "cleo"):
        sandbox.customer(name)
        sandbox.mention(name, FRAUD)
    sandbox.cycle()
    clock.advance(minutes=5)
    # Two sweeps racing (no process lock): only the database decides who announces.
    barrier = threading.Barrier(2)

    def sweep() -> None:
        barrier.wait()
        runtime.deadlines.sweep()

    racers = [threading.Thread(target=sweep) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(30)
    for root in sandbox.roots():
        assert len(sla_messages(sandbox, root, "sla_missed")) == 1
    assert [len(dm_texts(sandbox, lead)) for lead in LEADS] == [3, 3]
    with session_scope(runtime.factory) as session:
        assert session.scalar(select(func.count(SlaEvent.id))) == 3


def _last_friday_evening() -> datetime:
    now = datetime.now(MADRID)
    friday = now - timedelta(days=(now.weekday() - 4) % 7)
    at = friday.replace(hour=18, minute=55, second=0, microsecond=0)
    return at if at < now else at - timedelta(days=7)


def test_business_hours_friday_evening_is_due_monday_and_a_holiday_skips_a_day(sandbox, tmp_path):
    friday = _last_friday_evening()
    monday = (friday + timedelta(days=3)).date()
    teams = f"""
[targets.P1]
first_response = "15m"
hours = "office"
[targets.P3]
first_response = "15m"
hours = "office_with_holiday"
[teams.office]
time_zone = "Europe/Madrid"
weekdays = "09:00-19:00"
[teams.office_with_holiday]
time_zone = "Europe/Madrid"
weekdays = "09:00-19:00"
holidays = ["{monday.isoformat()}"]
"""
    clock = MovableClock()
    clock.now = friday + timedelta(minutes=1)
    _start(sandbox, tmp_path, clock, policy=teams, BACKFILL_HOURS="168")
    sandbox.customer("urgent")
    sandbox.customer("calm")
    sandbox.mention("urgent", FRAUD, created_at=friday)
    sandbox.mention("calm", "my router is dead", created_at=friday)
    sandbox.cycle()
    lines = [deadline_line(sandbox, i) for i in range(2)]
    due = {("P1" if "*P1*" in line else "P3"): token_time(line) for line in lines}
    assert due["P1"].astimezone(MADRID).replace(tzinfo=None) == datetime.combine(
        monday, datetime.min.time()
    ).replace(hour=9, minute=10)
    assert due["P3"].astimezone(MADRID).replace(tzinfo=None) == datetime.combine(
        monday + timedelta(days=1), datetime.min.time()
    ).replace(hour=9, minute=10)


def test_a_reply_that_asks_pauses_the_next_response_until_the_customer_answers(sandbox, tmp_path):
    clock = MovableClock()
    _start(sandbox, tmp_path, clock, APPROVER_USER_IDS=APPROVER)
    post, root = sandbox.open_case("lucia", FRAUD)
    play_agent_story(
        sandbox.slack,
        sandbox.bot_url,
        CHANNEL,
        root["ts"],
        agent=AGENT,
        approver=APPROVER,
        text="@lucia Sorry! Which card was it, the one ending in 11?",
        pause=0,
    )
    # The card says so once the reply is recorded (after X took it).
    sandbox.slack.wait_for(
        lambda: "waiting on the customer" in card_status(sandbox.slack, CHANNEL, root["ts"]), 10
    )
    _watch(sandbox)

    clock.advance(minutes=30)  # far past any 2-minute target: paused, nothing is owed
    _watch(sandbox)
    assert sla_messages(sandbox, root, "sla_due_soon") == []
    assert sla_messages(sandbox, root, "sla_missed") == []

    sandbox.mention(
        "lucia", "yes, the one ending in 11", in_reply_to=post["id"], created_at=clock.now
    )
    sandbox.cycle()
    line = deadline_line(sandbox)
    assert "next response due" in line
    assert token_time(line) == (clock.now + timedelta(minutes=2)).replace(microsecond=0)
    clock.advance(minutes=3)
    _watch(sandbox)
    (miss,) = sla_messages(sandbox, root, "sla_missed")
    assert "Next response target missed" in miss


def test_answered_or_closed_before_the_deadline_sends_nothing(sandbox, tmp_path):
    clock = MovableClock()
    _start(sandbox, tmp_path, clock, APPROVER_USER_IDS=APPROVER)
    sandbox.customer("answered")
    sandbox.customer("closed")
    sandbox.mention("answered", FRAUD)
    sandbox.mention("closed", FRAUD)
    sandbox.cycle()
    answered_root, closed_root = sandbox.roots()
    play_agent_story(
        sandbox.slack,
        sandbox.bot_url,
        CHANNEL,
        answered_root["ts"],
        agent=AGENT,
        approver=APPROVER,
        text="@answered We have blocked the card and a refund is on its way.",
        pause=0,
    )
    sandbox.slack.wait_for(
        lambda: "Replied" in card_status(sandbox.slack, CHANNEL, answered_root["ts"]), 10
    )
    close_case(sandbox, closed_root, AGENT)

    clock.advance(minutes=30)
    _watch(sandbox)
    for root in (answered_root, closed_root):
        assert sla_messages(sandbox, root, "sla_due_soon") == []
        assert sla_messages(sandbox, root, "sla_missed") == []
    assert [dm_texts(sandbox, lead) for lead in LEADS[1:]] == [[]]
    assert not [d for d in dm_texts(sandbox, APPROVER) if "missed" in d]


def test_the_author_can_say_a_reply_leaves_us_waiting_on_the_customer(sqlite_sandbox, tmp_path):
    from sandbox.agent_story import draft_values, open_draft_modal, wait_for_draft
    from tests.integration.answer_steps import approve_from_dm

    box = sqlite_sandbox
    _start(box, tmp_path, MovableClock(), APPROVER_USER_IDS=APPROVER)
    _, root = box.open_case("lucia", FRAUD)
    claim_and_wait(box, root, AGENT)
    modal = open_draft_modal(box.slack, box.bot_url, CHANNEL, root["ts"], AGENT)
    values = draft_values("@lucia Send us a photo of the receipt, please.", "public")
    values["waiting"] = {
        "waiting": {"type": "radio_buttons", "selected_option": {"value": "waiting"}}
    }
    status, answer = box.slack.submit_view(
        box.bot_url, user_id=AGENT, view_id=modal["id"], values=values
    )
    assert status == 200 and answer == {}
    wait_for_draft(box.slack, CHANNEL, root["ts"])
    approve_from_dm(box, APPROVER)
    box.slack.wait_for(
        lambda: "waiting on the customer" in card_status(box.slack, CHANNEL, root["ts"]), 10
    )
