"""The Meta settings block: one Meta app, one Facebook Page, optionally its Instagram account.

The variable names are a contract (issue 14). The block is off when none of them is set;
a half-set block is a list of problems naming what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.networks.meta.graph import DEFAULT_BASE_URL, DEFAULT_VERSION
from bot.settings_reader import EnvReader

VARIABLES = (
    "META_GRAPH_BASE_URL",
    "META_GRAPH_VERSION",
    "META_APP_SECRET",
    "META_VERIFY_TOKEN",
    "FACEBOOK_PAGE_ID",
    "FACEBOOK_PAGE_ACCESS_TOKEN",
    "INSTAGRAM_ACCOUNT_ID",
    "META_HUMAN_AGENT_TAG",
)
# Any of these means the operator is connecting Meta; the tuning variables alone
# (a template's META_HUMAN_AGENT_TAG=false) do not switch it on.
_ENABLING = (
    "META_APP_SECRET",
    "META_VERIFY_TOKEN",
    "FACEBOOK_PAGE_ID",
    "FACEBOOK_PAGE_ACCESS_TOKEN",
    "INSTAGRAM_ACCOUNT_ID",
)
_VERSION = re.compile(r"^v\d+\.\d+$")
_NUMERIC_ID = re.compile(r"^\d{1,30}$")


@dataclass(frozen=True)
class MetaSettings:
    app_secret: str
    page_id: str
    page_access_token: str
    base_url: str = DEFAULT_BASE_URL
    version: str = DEFAULT_VERSION
    # Only needed for webhooks: without it `GET /webhooks/meta` refuses every handshake.
    verify_token: str | None = None
    # Set: the Instagram professional account linked to the Page is served too.
    instagram_account_id: str | None = None
    # Meta grants the HUMAN_AGENT tag through App Review; off unless the operator has it.
    human_agent_tag: bool = False

    def __repr__(self) -> str:  # keep secrets out of logs and tracebacks
        return (
            f"MetaSettings(page_id={self.page_id!r}, instagram_account_id="
            f"{self.instagram_account_id!r}, base_url={self.base_url!r}, "
            f"version={self.version!r}, human_agent_tag={self.human_agent_tag})"
        )


def read_settings(reader: EnvReader) -> MetaSettings | None:
    """The Meta block, or None when Meta is not being connected (problems go to `reader`)."""
    if not any(reader.raw(name) for name in _ENABLING):
        return None
    page_id = reader.required("FACEBOOK_PAGE_ID", "the numeric id of the Facebook Page")
    if page_id and not _NUMERIC_ID.match(page_id):
        reader.problems.append(f"FACEBOOK_PAGE_ID must be a numeric Page id, got {page_id!r}.")
    token = reader.required(
        "FACEBOOK_PAGE_ACCESS_TOKEN", "a long-lived Page access token for that Page"
    )
    secret = reader.required(
        "META_APP_SECRET", "the Meta app's secret (App settings → Basic), for appsecret_proof"
    )
    version = reader.raw("META_GRAPH_VERSION") or DEFAULT_VERSION
    if not _VERSION.match(version):
        reader.problems.append(
            f"META_GRAPH_VERSION must look like {DEFAULT_VERSION}, got {version!r}."
        )
        version = DEFAULT_VERSION
    instagram = reader.raw("INSTAGRAM_ACCOUNT_ID")
    if instagram and not _NUMERIC_ID.match(instagram):
        reader.problems.append(
            f"INSTAGRAM_ACCOUNT_ID must be a numeric Instagram account id, got {instagram!r}."
        )
    base_url = (reader.url("META_GRAPH_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    return MetaSettings(
        app_secret=secret,
        page_id=page_id,
        page_access_token=token,
        base_url=base_url,
        version=version,
        verify_token=reader.raw("META_VERIFY_TOKEN"),
        instagram_account_id=instagram,
        human_agent_tag=reader.boolean("META_HUMAN_AGENT_TAG", False),
    )
