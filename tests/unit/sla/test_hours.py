"""Business-time arithmetic across closing times, weekends, holidays and DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.sla.hours import BusinessHours, add_time, time_between

MADRID = ZoneInfo("Europe/Madrid")
NINE_TO_SEVEN = ((9 * 60, 19 * 60),)


def team(week=None, holidays=()) -> BusinessHours:
    week = week or (NINE_TO_SEVEN,) * 5 + ((), ())
    return BusinessHours("support", MADRID, week, frozenset(holidays))


def local(*args) -> datetime:
    return datetime(*args, tzinfo=MADRID)


def test_friday_evening_post_is_due_monday_morning():
    friday = local(2026, 11, 20, 18, 55)
    due = team().add(friday, timedelta(minutes=15))
    assert due.astimezone(MADRID) == local(2026, 11, 23, 9, 10)


def test_a_holiday_skips_a_day():
    friday = local(2026, 11, 20, 18, 55)
    due = team(holidays=[date(2026, 11, 23)]).add(friday, timedelta(minutes=15))
    assert due.astimezone(MADRID) == local(2026, 11, 24, 9, 10)


def test_a_post_before_opening_counts_from_opening():
    early = local(2026, 11, 24, 7, 30)
    assert team().add(early, timedelta(hours=1)).astimezone(MADRID) == local(2026, 11, 24, 10, 0)


def test_spring_forward_keeps_local_opening_times():
    every_day = team(week=(NINE_TO_SEVEN,) * 7)
    saturday = local(2026, 3, 28, 18, 0)  # CET, UTC+1
    due = every_day.add(saturday, timedelta(hours=2))
    # One hour on Saturday, one on Sunday from 09:00 local, which is now CEST (UTC+2).
    assert due.astimezone(MADRID) == local(2026, 3, 29, 10, 0)
    assert due == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)


def test_fall_back_day_has_an_extra_real_hour_in_a_window_spanning_it():
    night = team(week=(((0, 6 * 60),),) * 7)
    start = local(2026, 10, 25, 0, 0)
    end = local(2026, 10, 25, 6, 0)
    assert night.between(start, end) == timedelta(hours=7)


def test_between_counts_only_open_time():
    friday_noon = local(2026, 11, 20, 12, 0)
    monday_ten = local(2026, 11, 23, 10, 0)
    assert team().between(friday_noon, monday_ten) == timedelta(hours=8)


def test_several_windows_a_day_and_the_lunch_break():
    split = team(week=(((9 * 60, 13 * 60), (14 * 60, 18 * 60)),) * 5 + ((), ()))
    due = split.add(local(2026, 11, 24, 12, 30), timedelta(hours=1))
    assert due.astimezone(MADRID) == local(2026, 11, 24, 14, 30)


def test_calendar_time_is_plain_arithmetic():
    start = datetime(2026, 11, 20, 18, 55, tzinfo=UTC)
    assert add_time(None, start, timedelta(minutes=15)) == start + timedelta(minutes=15)
    assert time_between(None, start, start - timedelta(hours=1)) == timedelta()
