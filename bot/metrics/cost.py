"""The network bill: what Carethread read and wrote, priced. Pure.

Since February 2026 X bills per use: each item read, each post or message created, and a
post that contains a link at about thirteen times a plain one. Usage is counted per
network, UTC day and kind (`bot.metrics.usage`); this module names the kinds, detects
links as X does, and prices a day's or a period's usage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from twitter_text import extract_urls

from bot.i18n import _
from storage.enums import Visibility

READ_PREFIX = "read:"


class UsageKind(StrEnum):
    """What was written (reads are `read:<stream kind>`, see `read_kind`)."""

    REPLY = "reply"
    REPLY_WITH_LINK = "reply_with_link"
    PRIVATE = "private"


def read_kind(stream_name: str) -> str:
    """`read:mentions`, `read:search` (a stream's name up to its first colon)."""
    return READ_PREFIX + stream_name.partition(":")[0]


def has_link(text: str) -> bool:
    """Whether `text` holds a URL as X recognises one (also bare domains like acme.com)."""
    return bool(extract_urls(text))


def write_kind(visibility: Visibility, text: str) -> UsageKind:
    if visibility == Visibility.PRIVATE:
        return UsageKind.PRIVATE
    return UsageKind.REPLY_WITH_LINK if has_link(text) else UsageKind.REPLY


_SPACES = re.compile(r"[ \t]{2,}")
_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;!?])")


def without_links(text: str) -> str:
    """`text` with its links taken out, tidied: a link that ended a sentence after a colon
    ("…write to us: https://…") leaves the sentence ending in a full stop."""
    result = text
    for url in sorted(set(extract_urls(text)), key=len, reverse=True):
        result = re.sub(r"\s*:?\s*" + re.escape(url), " ", result)
    result = _BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", result)).strip()
    if result and result[-1].isalnum():
        result += "."
    return result


@dataclass(frozen=True)
class PriceList:
    """Prices per unit of each usage kind, in US dollars, and where they come from."""

    network: str
    per_kind: Mapping[str, Decimal]
    # "X's published price list as of 2026-08" or "set in X_PRICES".
    source: str

    def price(self, kind: str) -> Decimal | None:
        return self.per_kind.get(kind)


# X's pay-per-use prices (docs.x.com "Pricing", as read in August 2026): reading the app
# owner's own mentions $0.001 per post (since April 2026), other post reads $0.005 per post,
# creating a post $0.015, a post with a URL $0.200, a DM $0.015; each resource is billed once
# per UTC day.
X_PRICES_TAKEN = "2026-08"
DEFAULT_X_PRICES = PriceList(
    network="x",
    per_kind={
        "read:mentions": Decimal("0.001"),
        "read:search": Decimal("0.005"),
        UsageKind.REPLY: Decimal("0.015"),
        UsageKind.REPLY_WITH_LINK: Decimal("0.200"),
        UsageKind.PRIVATE: Decimal("0.015"),
    },
    source=f"X's published prices as of {X_PRICES_TAKEN}",
)


@dataclass(frozen=True)
class CostLine:
    kind: str
    count: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class CostEstimate:
    network: str
    lines: list[CostLine]
    source: str
    # Kinds counted that have no price (shown, not guessed).
    unpriced: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def estimate(usage: Mapping[str, int], prices: PriceList) -> CostEstimate:
    """The spend for `usage` (kind → count) at `prices`."""
    lines, unpriced = [], {}
    for kind, count in sorted(usage.items()):
        price = prices.price(kind)
        if price is None:
            unpriced[kind] = count
            continue
        lines.append(CostLine(kind, count, price, price * count))
    return CostEstimate(prices.network, lines, prices.source, unpriced)


def link_surcharge(prices: PriceList) -> tuple[Decimal, Decimal] | None:
    """(plain reply, reply with a link) when the network prices links differently."""
    plain, linked = prices.price(UsageKind.REPLY), prices.price(UsageKind.REPLY_WITH_LINK)
    if plain is None or linked is None or linked <= plain:
        return None
    return plain, linked


def link_notice(prices: PriceList, network_label: str) -> str | None:
    """What the draft modal says about a link in a public reply, or None where links cost
    nothing extra."""
    surcharge = link_surcharge(prices)
    if surcharge is None:
        return None
    plain, linked = surcharge
    times = round(linked / plain)
    return _(
        "This public reply contains a link: on {network} a post with a link costs about "
        "{times}× a plain one ({linked} instead of {plain})."
    ).format(network=network_label, times=times, linked=f"${linked:.3f}", plain=f"${plain:.3f}")


def parse_prices(network: str, raw: str, default: PriceList) -> tuple[PriceList, list[str]]:
    """Prices from `kind=price,kind=price` over `default`; returns (prices, problems)."""
    per_kind = dict(default.per_kind)
    problems = []
    for entry in (e.strip() for e in raw.split(",") if e.strip()):
        kind, sep, price = entry.partition("=")
        try:
            value = Decimal(price.strip())
        except ArithmeticError:
            value = Decimal(-1)
        if not sep or not kind.strip() or not value.is_finite() or value < 0:
            problems.append(f"{entry!r} must look like reply=0.015 (a kind, then US dollars)")
            continue
        per_kind[kind.strip()] = value
    source = default.source if per_kind == dict(default.per_kind) else "prices set in settings"
    return PriceList(network, per_kind, source), problems
