"""One `sandbox.web.networks.NetworkPanel` per network besides X (which lives in
`sandbox.web.networks`): Mastodon, Bluesky, Discourse, RSS/Atom feeds here; Facebook (with
Messenger) and Instagram in `sandbox.scenarios.meta_panels`, beside the Meta scenario.

Each panel draws the network from its stand-in's state as a customer's app shows it, and
posts as a customer on it (creating or updating the account the composer describes)."""

from __future__ import annotations

from sandbox.scenarios.meta_panels import FacebookPanel, InstagramPanel
from sandbox.web.panels.bluesky import BlueskyPanel
from sandbox.web.panels.discourse import DiscoursePanel
from sandbox.web.panels.feeds import FeedsPanel
from sandbox.web.panels.mastodon import MastodonPanel

__all__ = [
    "BlueskyPanel",
    "DiscoursePanel",
    "FacebookPanel",
    "FeedsPanel",
    "InstagramPanel",
    "MastodonPanel",
]
