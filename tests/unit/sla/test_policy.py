"""The policy file: every key of the example works, every problem is named with its line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.sla.policy import (
    OnMiss,
    PolicyError,
    TargetKind,
    default_policy,
    load_policy,
    parse_policy,
)
from bot.toml_lines import key_lines
from storage.enums import Priority

EXAMPLE = Path(__file__).parents[3] / "carethread.example.toml"


def problems_of(text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "policy.toml")
    return caught.value.problems


def test_the_contract_keys_work_as_written():
    policy = parse_policy(
        """
[targets.P1]              # also P2, P3
first_response = "15m"    # durations: "90s", "15m", "2h", "1d"
next_response = "15m"
resolution = "1d"         # optional
[escalation]
on_duty = "S0ONDUTY"
leads = ["U0LEAD1"]
[alerts]
admins = ["U0ADMIN1"]
"""
    )
    first = policy.target(TargetKind.FIRST_RESPONSE, Priority.P1, "x", None)
    assert first.duration == timedelta(minutes=15) and first.hours is None
    assert policy.target(TargetKind.RESOLUTION, Priority.P1, "x", None).duration == timedelta(
        days=1
    )
    # Unset priorities keep the defaults; resolution is off unless set.
    assert policy.target(TargetKind.FIRST_RESPONSE, Priority.P2, "x", None).duration == timedelta(
        hours=1
    )
    assert policy.target(TargetKind.RESOLUTION, Priority.P2, "x", None) is None
    assert policy.on_duty == ("S0ONDUTY",)
    assert policy.leads == ("U0LEAD1",) and policy.admins == ("U0ADMIN1",)


def test_on_duty_may_be_comma_separated_users():
    policy = parse_policy('[escalation]\non_duty = "U0ONE, U0TWO"\n')
    assert policy.on_duty == ("U0ONE", "U0TWO")


def test_durations_in_every_unit_and_bare_minutes():
    policy = parse_policy(
        '[targets.P1]\nfirst_response = "90s"\nnext_response = 20\nresolution = "1h30m"\n'
    )
    get = lambda kind: policy.target(kind, Priority.P1, "x", None).duration  # noqa: E731
    assert get(TargetKind.FIRST_RESPONSE) == timedelta(seconds=90)
    assert get(TargetKind.NEXT_RESPONSE) == timedelta(minutes=20)
    assert get(TargetKind.RESOLUTION) == timedelta(hours=1, minutes=30)


def test_network_and_intent_overrides_and_actions():
    policy = parse_policy(
        """
[targets.P2]
first_response = "1h"
[targets.P2.networks.rss]
first_response = "off"
[targets.P2.intents.complaint]
first_response = "30m"
[actions.P3]
remind = false
on_miss = "summary"
"""
    )
    target = policy.target
    assert target(TargetKind.FIRST_RESPONSE, Priority.P2, "rss", None) is None
    assert target(TargetKind.FIRST_RESPONSE, Priority.P2, "x", "complaint").duration == timedelta(
        minutes=30
    )
    assert target(TargetKind.NEXT_RESPONSE, Priority.P2, "rss", None).duration == timedelta(hours=1)
    assert policy.actions_for(Priority.P3).on_miss == OnMiss.SUMMARY
    assert not policy.actions_for(Priority.P3).remind
    assert policy.actions_for(Priority.P1).on_miss == OnMiss.ESCALATE


def test_the_issue_s_malformed_policy_names_each_problem_with_its_line():
    problems = problems_of(
        """[targets.P4]
first_response = "15m"

[targets.P1]
first_response = "-5m"
next_response = -3

[teams.support]
time_zone = "Mars/Olympus_Mons"
weekdays = "09:00-25:00"
"""
    )
    text = "\n".join(problems)
    assert "policy.toml line 1: targets.P4: unknown priority 'P4'; use P1, P2 or P3." in problems
    assert "policy.toml line 5: targets.P1.first_response:" in text and "negative" in text
    assert "policy.toml line 6: targets.P1.next_response:" in text
    assert "policy.toml line 9: teams.support.time_zone:" in text and "Mars/Olympus_Mons" in text
    assert "policy.toml line 10: teams.support.weekdays: '09:00-25:00'" in text
    assert len(problems) == 5


def test_unknown_keys_and_sections_are_named():
    problems = problems_of('[escalation]\non_dutty = "S0X"\n\n[targetz]\n')
    assert problems[0].startswith("policy.toml line 2: escalation.on_dutty: unknown key")
    assert problems[1].startswith("policy.toml line 4: targetz: unknown key")


def test_bad_ids_ranges_and_references():
    problems = problems_of(
        """[escalation]
leads = ["lead@example.com"]
[targets.P3]
hours = "nobody"
[teams.night]
time_zone = "UTC"
monday = "22:00-06:00"
"""
    )
    assert problems[0].startswith("policy.toml line 2: escalation.leads: 'lead@example.com'")
    assert any(p.startswith("policy.toml line 4: targets.P3.hours: 'nobody'") for p in problems)
    assert any("line 7: teams.night.monday" in p and "ends before it starts" in p for p in problems)


def test_a_syntax_error_names_line_and_column():
    problems = problems_of('[targets.P1]\nfirst_response = 15m"\n')
    assert len(problems) == 1 and problems[0].startswith("policy.toml line 2, column")


def test_a_missing_file_is_a_problem_naming_it(tmp_path):
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path / "nope.toml")
    assert "nope.toml" in caught.value.problems[0]


def test_defaults_follow_the_minutes_given():
    policy = default_policy({"P1": 5, "P2": 60, "P3": 1440})
    assert policy.target(TargetKind.NEXT_RESPONSE, Priority.P1, "x", None).duration == timedelta(
        minutes=5
    )


def test_key_lines_skip_multiline_values_and_read_dotted_keys():
    lines = key_lines(
        'a = """\n[not.a.table]\n"""\nlist = [\n  "x = 1",\n]\ntargets.P1.first_response = "1m"\n'
    )
    assert lines[("targets", "P1", "first_response")] == 7
    assert ("not", "a", "table") not in lines


def test_the_commented_example_in_the_repository_is_valid():
    policy = load_policy(EXAMPLE)
    assert policy.teams and policy.on_duty and policy.leads and policy.admins
