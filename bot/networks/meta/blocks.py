"""The registry's view of Meta: one settings block per network, both read from the same
variables.

The registry connects one network per block (`name` + `connect()`), while Meta's settings
describe one app and one Page serving two networks. So the Meta variables are parsed once
per reader (`read_settings`) and yield two blocks: `facebook` always, `instagram` when
`INSTAGRAM_ACCOUNT_ID` is set. Problems are reported once, by the Facebook reader; the
Instagram reader stays silent and yields nothing when the block is not sound (the
settings fail to load anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.networks.meta.facebook import FacebookNetwork, connect_facebook
from bot.networks.meta.graph import DEFAULT_TIMEOUT
from bot.networks.meta.instagram import InstagramNetwork, connect_instagram
from bot.networks.meta.objects import FACEBOOK, INSTAGRAM
from bot.networks.meta.settings import MetaSettings, read_settings
from bot.settings_reader import EnvReader


@dataclass(frozen=True)
class FacebookSettings:
    """The Facebook Page (feed, comments, Messenger) of the Meta settings."""

    name: ClassVar[str] = FACEBOOK
    meta: MetaSettings

    def connect(self) -> FacebookNetwork:
        return connect_facebook(self.meta, DEFAULT_TIMEOUT)


@dataclass(frozen=True)
class InstagramSettings:
    """The Instagram professional account linked to the same Page."""

    name: ClassVar[str] = INSTAGRAM
    meta: MetaSettings

    def connect(self) -> InstagramNetwork:
        return connect_instagram(self.meta, DEFAULT_TIMEOUT)


def read_facebook_settings(reader: EnvReader) -> FacebookSettings | None:
    """The Facebook block, or None when no Meta variable is set; reports every problem."""
    settings = read_settings(reader)
    return FacebookSettings(settings) if settings is not None else None


def read_instagram_settings(reader: EnvReader) -> InstagramSettings | None:
    """The Instagram block when `INSTAGRAM_ACCOUNT_ID` is set and the Meta block is sound.

    Reads with a scratch reader: the Facebook reader already reported the problems."""
    scratch = EnvReader(reader.env)
    settings = read_settings(scratch)
    if settings is None or scratch.problems or not settings.instagram_account_id:
        return None
    return InstagramSettings(settings)
