"""The routing rules are read with the settings: CARETHREAD_CONFIG names the policy file,
and its problems join the other settings' problems, one line each."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from tests.unit.test_config import VALID


def test_rules_come_from_the_file_named_by_carethread_config(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[[routing.rules]]\nintent = "praise"\nchannel = "C0COMMUNITY1"\n')
    settings = load_settings({**VALID, "CARETHREAD_CONFIG": str(policy)})
    (rule,) = settings.routing.rules
    assert (rule.intents, rule.channel_id) == ({"praise"}, "C0COMMUNITY1")


def test_no_file_means_no_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./carethread.toml either
    assert not load_settings(VALID).routing.configured


def test_carethread_toml_in_the_working_directory_is_read_when_the_variable_is_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "carethread.toml").write_text('[[routing.rules]]\nchannel = "C0CARE0001"\n')
    assert load_settings(VALID).routing.rules[0].channel_id == "C0CARE0001"


def test_a_bad_rule_is_a_configuration_problem_naming_line_and_field(tmp_path: Path) -> None:
    policy = tmp_path / "carethread.toml"
    policy.write_text(
        '[[routing.rules]]\nintent = "praise"\nchannel = "C0COMMUNITY1"\n\n'
        '[[routing.rules]]\nlanguage = "fr"\nchannel = "C0CARE0001"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_settings({**VALID, "PORT": "none", "CARETHREAD_CONFIG": str(policy)})
    assert caught.value.problems[-2:] == [
        "PORT must be a whole number, got 'none'.",
        f"CARETHREAD_CONFIG: {policy} line 5: routing.rules[2].language: 'fr' is never "
        "detected: triage reports en, es (TRIAGE_LANGUAGES).",
    ]


def test_a_missing_policy_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError) as caught:
        load_settings({**VALID, "CARETHREAD_CONFIG": str(missing)})
    assert caught.value.problems == [
        f"CARETHREAD_CONFIG: {missing}: the policy file does not exist."
    ]
