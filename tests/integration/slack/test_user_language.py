"""A person's interface language comes from Slack's users.info (include_locale), through the
real slack_sdk against the Slack stand-in: cached, with the workspace's language for locales
we do not speak and when Slack cannot tell."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.i18n import language_of_locale, set_workspace_language
from bot.slack.directory import Directory
from sandbox.slack_api import SlackStandIn


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn()
    stand_in.start()
    stand_in.add_user("U0ES", "carmen", locale="es-LA")
    stand_in.add_user("U0EN", "ellen", locale="en-GB")
    stand_in.add_user("U0FR", "francoise", locale="fr-FR")
    yield stand_in
    stand_in.stop()
    set_workspace_language("en")


def directory(slack: SlackStandIn) -> Directory:
    return Directory(WebClient(token=slack.bot_token, base_url=slack.base_url))


def test_users_info_shows_the_locale_only_when_asked(slack: SlackStandIn) -> None:
    client = WebClient(token=slack.bot_token, base_url=slack.base_url)
    assert client.users_info(user="U0ES", include_locale=True)["user"]["locale"] == "es-LA"
    assert "locale" not in client.users_info(user="U0ES")["user"]


def test_each_person_gets_their_slack_language_asked_once(slack: SlackStandIn) -> None:
    people = directory(slack)
    assert [people.language(u) for u in ("U0ES", "U0EN", "U0ES", "U0EN")] == [
        "es",
        "en",
        "es",
        "en",
    ]
    assert sorted(call["user"] for call in slack.calls("users.info")) == ["U0EN", "U0ES"]


def test_other_locales_and_failures_get_the_workspace_language(slack: SlackStandIn) -> None:
    set_workspace_language("es")
    people = directory(slack)
    assert people.language("U0FR") == "es"
    # Slack cannot tell (no such user): the default, and asked again next time.
    assert people.language("U0GONE") == "es"
    assert people.language("U0GONE") == "es"
    assert [c["user"] for c in slack.calls("users.info")].count("U0GONE") == 2


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("es-ES", "es"),
        ("es-LA", "es"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("pt-BR", None),
        ("", None),
    ],
)
def test_slack_locales_map_to_interface_languages(locale: str, language: str | None) -> None:
    assert language_of_locale(locale) == language
