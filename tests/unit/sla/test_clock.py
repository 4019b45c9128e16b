"""The pure clock: target states from a case's events, the policy and `now`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.sla.clock import Closed, CustomerPost, OurReply, TargetStatus, derive
from bot.sla.policy import TargetKind, parse_policy
from storage.enums import Priority

MADRID = ZoneInfo("Europe/Madrid")
T0 = datetime(2026, 11, 24, 10, 0, tzinfo=MADRID)  # a Tuesday
FIRST, NEXT, RESOLUTION = TargetKind.FIRST_RESPONSE, TargetKind.NEXT_RESPONSE, TargetKind.RESOLUTION
P1, P2, P3 = Priority.P1, Priority.P2, Priority.P3
POLICY = parse_policy(
    """
[targets.P1]
first_response = "2m"
next_response = "10m"
resolution = "1h"
[targets.P2]
first_response = "15m"
hours = "support"
[targets.P3]
first_response = "1d"
[targets.P3.intents.praise]
first_response = "off"
[teams.support]
time_zone = "Europe/Madrid"
weekdays = "09:00-19:00"
holidays = ["2026-11-30"]
"""
)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def post(minutes: float, priority=P1, intent=None) -> CustomerPost:
    return CustomerPost(at(minutes), priority, intent)


def clock(events, now_minutes, network="x"):
    return derive(events, POLICY, network, at(now_minutes))


def test_a_new_case_runs_its_first_response_target_then_turns_due_soon_then_missed():
    events = [post(0)]
    state = clock(events, 0.5).current(FIRST)
    assert state.status == TargetStatus.ACTIVE and not state.due_soon(at(0.5))
    assert state.due_at == at(2) and state.due_soon_at == at(1)  # 50 % of a 2-minute target
    assert clock(events, 1.2).current(FIRST).due_soon(at(1.2))
    missed = clock(events, 3).current(FIRST)
    assert missed.status == TargetStatus.MISSED and missed.ended_at is None and missed.running


def test_long_targets_turn_due_soon_fifteen_minutes_before():
    state = clock([post(0, P3)], 0).current(FIRST)
    assert state.due_at == at(24 * 60)
    assert state.due_soon_at == at(24 * 60 - 15)


def test_our_reply_in_time_is_a_hit_and_nothing_runs_after_it():
    result = clock([post(0), OurReply(at(1.5))], 5)
    state = result.current(FIRST)
    assert state.status == TargetStatus.HIT and state.ended_at == at(1.5)
    assert [s.kind for s in result.running()] == [RESOLUTION]


def test_a_late_reply_is_a_miss_that_no_longer_runs():
    state = clock([post(0), OurReply(at(3))], 5).current(FIRST)
    assert state.status == TargetStatus.MISSED and not state.running


def test_a_customer_post_after_our_reply_starts_a_next_response():
    result = clock([post(0), OurReply(at(1)), post(4)], 5)
    nxt = result.current(NEXT)
    assert nxt.status == TargetStatus.ACTIVE and nxt.occurrence == 1
    assert nxt.due_at == at(14)


def test_a_reply_that_asks_pauses_the_next_response_until_the_customer_answers():
    asked = [post(0), OurReply(at(1), asks_customer=True)]
    waiting = clock(asked, 30)
    assert waiting.waiting_on_customer
    assert waiting.current(NEXT).status == TargetStatus.PAUSED
    assert waiting.current(NEXT).due_at is None
    # Resolution does not count the time the customer takes to answer.
    assert waiting.current(RESOLUTION).status == TargetStatus.PAUSED
    answered = clock([*asked, post(40)], 41)
    nxt = answered.current(NEXT)
    assert nxt.status == TargetStatus.ACTIVE and nxt.due_at == at(50)
    assert not answered.waiting_on_customer
    # 1 minute counted before the question, then from the answer: 59 minutes left at 40.
    assert answered.current(RESOLUTION).due_at == at(99)


def test_closing_before_the_deadline_ends_everything_as_hit():
    result = clock([post(0), Closed(at(1))], 10)
    assert result.running() == []
    assert result.current(FIRST).status == TargetStatus.HIT
    assert result.next_change_at is None


def test_a_reopening_starts_a_new_first_response_occurrence():
    events = [post(0), OurReply(at(1)), Closed(at(2)), post(30)]
    result = clock(events, 31)
    firsts = [s for s in result.states if s.kind == FIRST]
    assert [(s.occurrence, s.status) for s in firsts] == [
        (0, TargetStatus.HIT),
        (1, TargetStatus.ACTIVE),
    ]
    assert firsts[1].due_at == at(32)


def test_a_more_urgent_message_brings_the_deadline_forward():
    result = clock([post(0, P3), post(10, P1)], 11)
    state = result.current(FIRST)
    assert state.due_at == at(12) and state.priority == P1


def test_business_hours_target_skips_the_weekend_and_a_holiday():
    friday = datetime(2026, 11, 27, 18, 55, tzinfo=MADRID)
    events = [CustomerPost(friday, P2)]
    state = derive(events, POLICY, "x", friday).current(FIRST)
    # Monday 30 November is a holiday: due Tuesday 09:10.
    assert state.due_at.astimezone(MADRID) == datetime(2026, 12, 1, 9, 10, tzinfo=MADRID)
    # 50 % of 15 business minutes: 7.5 minutes, five of them on Friday.
    assert state.due_soon_at.astimezone(MADRID) == datetime(2026, 12, 1, 9, 2, 30, tzinfo=MADRID)


def test_an_intent_override_can_switch_a_target_off():
    result = clock([post(0, P3, intent="praise")], 1)
    assert result.current(FIRST) is None
    assert result.next_change_at is None


def test_next_change_is_the_next_reminder_or_deadline():
    assert clock([post(0)], 0).next_change_at == at(1)
    assert clock([post(0)], 1.5).next_change_at == at(2)


def test_across_a_dst_change_the_deadline_counts_real_time():
    before_change = datetime(2026, 10, 25, 1, 50, tzinfo=MADRID)  # 25 Oct: clocks go back at 3:00
    state = derive([CustomerPost(before_change, P3)], POLICY, "x", before_change).current(FIRST)
    real = state.due_at.astimezone(UTC) - before_change.astimezone(UTC)
    assert real == timedelta(days=1)
    assert state.due_at.astimezone(MADRID).hour == 0  # 24 real hours later is 00:50 local


def test_holiday_dates_are_dates_in_the_team_time_zone():
    team = POLICY.teams["support"]
    assert date(2026, 11, 30) in team.holidays
