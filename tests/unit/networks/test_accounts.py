"""Several brand accounts per network in the settings: X_ACCOUNTS and X_<ACCOUNT>_…, with
the single-account variables working exactly as before."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings
from bot.networks.x import X_VARIABLES, XSettings

SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_CHANNEL_ID": "C0123ABCD"}
APP = {"X_BEARER_TOKEN": "bearer", "X_API_KEY": "key", "X_API_SECRET": "key-secret"}
FIRST = {"X_ACCESS_TOKEN": "1-es", "X_ACCESS_TOKEN_SECRET": "es-secret"}


def x_blocks(**env: str) -> dict[str, XSettings]:
    settings = load_settings({**SLACK, **env})
    return {block.name: block for block in settings.networks if isinstance(block, XSettings)}


def problems(**env: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings({**SLACK, **env})
    return "\n".join(caught.value.problems)


def test_the_single_account_variables_work_unchanged() -> None:
    (block,) = x_blocks(**APP, **FIRST).values()
    assert (block.name, block.access_token, block.bearer_token) == ("x", "1-es", "bearer")
    assert block.credentials == X_VARIABLES


def test_each_listed_account_is_a_network_of_its_own_sharing_the_app_keys() -> None:
    blocks = x_blocks(
        **APP,
        **FIRST,
        X_ACCOUNTS="ar, MX",
        X_AR_ACCESS_TOKEN="2-ar",
        X_AR_ACCESS_TOKEN_SECRET="ar-secret",
        X_AR_SEARCH_QUERY="acme argentina",
        X_MX_ACCESS_TOKEN="3-mx",
        X_MX_ACCESS_TOKEN_SECRET="mx-secret",
        X_MX_BEARER_TOKEN="mx-bearer",
        X_MX_API_BASE_URL="http://127.0.0.1:9/",
    )

    assert list(blocks) == ["x", "x:ar", "x:mx"]
    ar, mx = blocks["x:ar"], blocks["x:mx"]
    assert (ar.access_token, ar.bearer_token, ar.api_key, ar.search_query) == (
        "2-ar",
        "bearer",
        "key",
        "acme argentina",
    )
    # A search query is the account's own: never inherited.
    assert blocks["x"].search_query is None
    assert (mx.bearer_token, mx.api_base_url) == ("mx-bearer", "http://127.0.0.1:9")
    assert ar.credentials == (
        "X_BEARER_TOKEN, X_API_KEY, X_API_SECRET, X_AR_ACCESS_TOKEN and X_AR_ACCESS_TOKEN_SECRET"
    )
    assert mx.credentials.startswith("X_MX_BEARER_TOKEN, X_API_KEY")


def test_listed_accounts_alone_need_no_unsuffixed_account() -> None:
    blocks = x_blocks(
        **APP,
        X_ACCOUNTS="es,ar",
        X_ES_ACCESS_TOKEN="1-es",
        X_ES_ACCESS_TOKEN_SECRET="es-secret",
        X_AR_ACCESS_TOKEN="2-ar",
        X_AR_ACCESS_TOKEN_SECRET="ar-secret",
    )
    assert list(blocks) == ["x:es", "x:ar"]


def test_a_half_configured_account_is_named_by_its_own_variables() -> None:
    found = problems(X_ACCOUNTS="ar", X_AR_ACCESS_TOKEN="2-ar")
    assert "X_AR_ACCESS_TOKEN_SECRET is not set" in found
    assert (
        "X_AR_BEARER_TOKEN is not set: the X app's bearer token (or X_BEARER_TOKEN, shared "
        "by every account)." in found
    )
    assert "X_ACCESS_TOKEN " not in found  # the unsuffixed account is not configured


def test_bad_account_names_are_refused() -> None:
    found = problems(**APP, **FIRST, X_ACCOUNTS="a-r,es,es")
    assert "X_ACCOUNTS entry 'a-r' must be a short name" in found
    assert "X_ACCOUNTS names the account 'es' twice." in found
