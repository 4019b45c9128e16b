"""Which networks exist, and the ones this deployment connected.

Adding a network: its module in `bot/networks/` (settings block with `read_settings`, a
class implementing `Network`), its stand-in in `sandbox/`, and one line in `SETTINGS_READERS`.
Nothing in `bot/cases/` or `bot/slack/` changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.i18n import _
from bot.networks import bluesky, discourse, mastodon, rss, x
from bot.networks.base import FetchedPost, Network, ReplyContext
from bot.networks.meta.blocks import read_facebook_settings, read_instagram_settings
from bot.networks.meta.route import meta_webhook_routes
from bot.settings_reader import EnvReader


class NetworkSettings(Protocol):
    """One network's block of the settings; it knows how to connect."""

    @property
    def name(self) -> str: ...

    def connect(self) -> Network: ...


# What a network's settings reader returns: its block, None when the network is not
# configured, or one block per brand account (bot/networks/accounts.py).
SettingsRead = NetworkSettings | tuple[NetworkSettings, ...] | None

# One line per network: reads its block (None when the network is not configured).
SETTINGS_READERS: tuple[Callable[[EnvReader], SettingsRead], ...] = (
    x.read_settings,
    mastodon.read_settings,
    bluesky.read_settings,
    rss.read_settings,
    discourse.read_settings,
    # One Meta app and Page serve two networks: the same variables, two blocks.
    read_facebook_settings,
    read_instagram_settings,
)

# Webhooks: a network that pushes posts serves HTTP routes beside Slack's. The request
# thread answers at once and `Submit`s the work; the core runs it off the request thread
# and stores its posts exactly as a poll would (`bot.intake`).
PushedWork = Callable[[], list[FetchedPost]]
Submit = Callable[[PushedWork], None]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# (the configured blocks, the connected networks, submit) → {path: WSGI app}
WebhookRoutes = Callable[[Sequence[NetworkSettings], "Networks", Submit], Mapping[str, WSGIApp]]
WEBHOOK_ROUTES: tuple[WebhookRoutes, ...] = (meta_webhook_routes,)


def read_network_blocks(reader: EnvReader) -> tuple[NetworkSettings, ...]:
    """Every configured network's block, one per brand account, in registry order."""
    blocks: list[NetworkSettings] = []
    for read in SETTINGS_READERS:
        found = read(reader)
        if isinstance(found, tuple):
            blocks.extend(found)
        elif found is not None:
            blocks.append(found)
    return tuple(blocks)


@dataclass(frozen=True)
class NetworkLook:
    """How a network shows on cards and in messages, even when it is not connected now."""

    name: str
    label: str
    icon: str = "💬"
    # Whether Carethread can answer there at all (a feed of blog posts is read-only).
    can_reply: bool = True
    # The connected network's `reply_window` (the card's window line); None when it is
    # not connected now.
    reply_window: Callable[[ReplyContext], str | None] | None = field(
        default=None, compare=False, repr=False
    )
    # Another brand account of the same network is connected too: cards name the account
    # a case came to (bot/networks/accounts.py).
    several_accounts: bool = False

    @property
    def link_label(self) -> str:
        # A read-only source is a web page (a blog post, a news item): opened, not visited.
        if self.can_reply:
            return _("View on {network}").format(network=self.label)
        return _("Open in browser")


class NetworkNotConfigured(KeyError):
    """A case came from a network this deployment no longer connects to."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name
        self.reason = (
            f"{name} is not configured in this deployment any more, so nothing can be sent "
            "there from Carethread. Answer on the network directly, or configure it again."
        )

    def __str__(self) -> str:
        return self.reason


class Networks(Mapping[str, Network]):
    """The connected networks, keyed by name (`Case.network`)."""

    def __init__(self, networks: Iterable[Network]):
        self._by_name = {network.name: network for network in networks}

    def __getitem__(self, name: str) -> Network:
        try:
            return self._by_name[name]
        except KeyError:
            raise NetworkNotConfigured(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def look(self, name: str) -> NetworkLook:
        """Label and icon of `name`, also for a network no longer connected."""
        network = self._by_name.get(name)
        if network is None:
            return NetworkLook(name=name, label=name.title())
        kind = name.partition(":")[0]
        return NetworkLook(
            name=name,
            label=network.label,
            icon=network.icon,
            can_reply=network.can_reply_publicly or network.can_send_private,
            reply_window=network.reply_window,
            several_accounts=any(
                other != name and other.partition(":")[0] == kind for other in self._by_name
            ),
        )
