import pytest

from bot.config import ConfigError, load_database_url, load_settings

VALID = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "secret",
    "SLACK_CHANNEL_ID": "C0123ABCD",
    "X_BEARER_TOKEN": "bearer",
    "X_API_KEY": "key",
    "X_API_SECRET": "key-secret",
    "X_ACCESS_TOKEN": "1-token",
    "X_ACCESS_TOKEN_SECRET": "token-secret",
}


def test_defaults_when_only_required_values_are_set():
    settings = load_settings(VALID)
    assert settings.poll_interval_seconds == 30
    assert settings.backfill_hours == 24
    assert settings.port == 3000
    assert settings.socket_mode is False
    assert settings.slack_api_base_url == "https://slack.com/api/"
    x = settings.network("x")
    assert x is not None and x.api_base_url is None
    assert settings.database_url == "sqlite:///carethread.db"


def test_every_problem_is_reported_with_its_variable():
    env = {**VALID, "POLL_INTERVAL_SECONDS": "soon", "PORT": "70000"}
    del env["SLACK_CHANNEL_ID"]
    del env["X_API_KEY"]
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    problems = "\n".join(caught.value.problems)
    for name in ("SLACK_CHANNEL_ID", "X_API_KEY", "POLL_INTERVAL_SECONDS", "PORT"):
        assert name in problems
    assert len(caught.value.problems) == 4


def test_a_network_must_be_configured_and_a_half_configured_one_is_named():
    no_network = {k: v for k, v in VALID.items() if not k.startswith("X_")}
    with pytest.raises(ConfigError, match="No network to listen on is configured"):
        load_settings(no_network)
    with pytest.raises(ConfigError) as caught:
        load_settings({**no_network, "X_API_KEY": "key"})
    problems = "\n".join(caught.value.problems)
    assert "X_BEARER_TOKEN" in problems and "X_API_KEY" not in problems


def test_blank_values_count_as_missing():
    with pytest.raises(ConfigError, match="SLACK_CHANNEL_ID"):
        load_settings({**VALID, "SLACK_CHANNEL_ID": "   "})


def test_malformed_ids_and_tokens_are_named():
    env = {
        **VALID,
        "SLACK_CHANNEL_ID": "general",
        "SLACK_BOT_TOKEN": "xoxp-user",
        "SLACK_APP_TOKEN": "abc",
    }
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    text = "\n".join(caught.value.problems)
    assert "SLACK_CHANNEL_ID" in text and "SLACK_BOT_TOKEN" in text and "SLACK_APP_TOKEN" in text


def test_socket_mode_and_base_urls():
    settings = load_settings(
        {
            **VALID,
            "SLACK_APP_TOKEN": "xapp-1",
            "SLACK_API_BASE_URL": "http://127.0.0.1:9/api",
            "X_API_BASE_URL": "http://127.0.0.1:8/",
        }
    )
    assert settings.socket_mode
    assert settings.slack_api_base_url == "http://127.0.0.1:9/api/"
    assert settings.network("x").api_base_url == "http://127.0.0.1:8"


@pytest.mark.parametrize(
    ("given", "expected_prefix"),
    [
        ("postgres://u:p@db.example.com:5432/app", "postgresql+psycopg://u:p@db.example.com"),
        ("postgresql://u@localhost/app", "postgresql+psycopg://u@localhost/app"),
        ("sqlite:///data/carethread.db", "sqlite:///data/carethread.db"),
    ],
)
def test_database_url_forms_hosts_hand_out(given, expected_prefix):
    from storage.db import normalize_database_url

    assert normalize_database_url(given).startswith(expected_prefix)
    assert load_database_url({"DATABASE_URL": given}) == given


def test_unsupported_database_is_a_config_error():
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_settings({**VALID, "DATABASE_URL": "mysql://root@localhost/x"})


def test_escalation_teams_and_approvers():
    settings = load_settings(
        {
            **VALID,
            "ESCALATION_TEAMS": "billing=S01BILL+U01ANA, legal=W02LEX",
            "APPROVER_USER_IDS": "U01LEAD,U02LEAD",
            "ALLOW_SELF_APPROVAL": "yes",
        }
    )
    billing, legal = settings.escalation_teams
    assert billing.name == "billing" and billing.usergroups == ("S01BILL",)
    assert billing.users == ("U01ANA",)
    assert legal.users == ("W02LEX",)
    assert settings.approver_user_ids == {"U01LEAD", "U02LEAD"}
    assert settings.allow_self_approval is True


def test_bad_escalation_entry_is_named():
    with pytest.raises(ConfigError, match="ESCALATION_TEAMS entry 'billing'"):
        load_settings({**VALID, "ESCALATION_TEAMS": "billing"})


def test_the_workspace_language_is_english_or_spanish():
    assert load_settings(VALID).slack_default_language == "en"
    assert load_settings({**VALID, "SLACK_DEFAULT_LANGUAGE": "ES"}).slack_default_language == "es"
    with pytest.raises(ConfigError) as raised:
        load_settings({**VALID, "SLACK_DEFAULT_LANGUAGE": "fr"})
    assert "SLACK_DEFAULT_LANGUAGE must be one of en, es" in str(raised.value)
