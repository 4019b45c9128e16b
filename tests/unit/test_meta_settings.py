"""The Meta settings block: off when unset, every missing or malformed variable named."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings
from bot.networks.meta import read_settings
from bot.networks.meta.blocks import FacebookSettings, InstagramSettings
from bot.networks.meta.graph import DEFAULT_BASE_URL, DEFAULT_VERSION
from bot.settings_reader import EnvReader

COMPLETE = {
    "META_APP_SECRET": "app-secret",
    "FACEBOOK_PAGE_ID": "1000000000000001",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "EAAB-page-token",
}


def test_no_meta_variable_means_meta_is_off() -> None:
    reader = EnvReader({"META_HUMAN_AGENT_TAG": "false", "META_GRAPH_VERSION": "v25.0"})
    assert read_settings(reader) is None
    assert reader.problems == []


def test_a_complete_block_with_defaults() -> None:
    reader = EnvReader(COMPLETE)
    settings = read_settings(reader)
    assert reader.problems == []
    assert settings is not None
    assert (settings.base_url, settings.version) == (DEFAULT_BASE_URL, DEFAULT_VERSION)
    assert settings.instagram_account_id is None and settings.human_agent_tag is False
    assert settings.verify_token is None
    assert "EAAB" not in repr(settings) and "app-secret" not in repr(settings)


def test_every_setting_is_read() -> None:
    reader = EnvReader(
        COMPLETE
        | {
            "META_GRAPH_BASE_URL": "http://127.0.0.1:8123/",
            "META_GRAPH_VERSION": "v24.0",
            "META_VERIFY_TOKEN": "verify-me",
            "INSTAGRAM_ACCOUNT_ID": "17841400000000001",
            "META_HUMAN_AGENT_TAG": "true",
        }
    )
    settings = read_settings(reader)
    assert reader.problems == []
    assert settings is not None
    assert settings.base_url == "http://127.0.0.1:8123"
    assert (settings.version, settings.verify_token) == ("v24.0", "verify-me")
    assert settings.instagram_account_id == "17841400000000001"
    assert settings.human_agent_tag is True


def test_a_half_set_block_names_what_is_missing() -> None:
    reader = EnvReader({"INSTAGRAM_ACCOUNT_ID": "17841400000000001"})
    read_settings(reader)
    assert [p.split(" ")[0] for p in reader.problems] == [
        "FACEBOOK_PAGE_ID",
        "FACEBOOK_PAGE_ACCESS_TOKEN",
        "META_APP_SECRET",
    ]


def test_malformed_values_are_explained() -> None:
    reader = EnvReader(
        COMPLETE
        | {
            "FACEBOOK_PAGE_ID": "carethread",
            "META_GRAPH_VERSION": "25",
            "META_HUMAN_AGENT_TAG": "sometimes",
            "META_GRAPH_BASE_URL": "graph.facebook.com",
        }
    )
    read_settings(reader)
    assert reader.problems == [
        "FACEBOOK_PAGE_ID must be a numeric Page id, got 'carethread'.",
        "META_GRAPH_VERSION must look like v25.0, got '25'.",
        "META_GRAPH_BASE_URL must be an http(s) URL, got 'graph.facebook.com'.",
        "META_HUMAN_AGENT_TAG must be true or false, got 'sometimes'.",
    ]


SLACK = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "secret",
    "SLACK_CHANNEL_ID": "C0123ABCD",
}


def test_one_meta_block_connects_facebook_and_instagram_when_its_account_is_set() -> None:
    alone = load_settings({**SLACK, **COMPLETE})
    assert [block.name for block in alone.networks] == ["facebook"]
    both = load_settings({**SLACK, **COMPLETE, "INSTAGRAM_ACCOUNT_ID": "17841400000000001"})
    facebook, instagram = both.network("facebook"), both.network("instagram")
    assert isinstance(facebook, FacebookSettings) and isinstance(instagram, InstagramSettings)
    assert facebook.meta == instagram.meta  # one app, one Page, one token
    assert instagram.meta.instagram_account_id == "17841400000000001"


def test_a_half_set_meta_block_is_reported_once_and_connects_nothing() -> None:
    env = {**SLACK, "INSTAGRAM_ACCOUNT_ID": "17841400000000001", "META_APP_SECRET": "s"}
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    problems = caught.value.problems
    assert len([p for p in problems if p.startswith("FACEBOOK_PAGE_ID")]) == 1
    assert len([p for p in problems if p.startswith("FACEBOOK_PAGE_ACCESS_TOKEN")]) == 1
    assert len(problems) == 2
