"""The cost meter's pieces and the spike test's arithmetic, without I/O."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bot.cases.invitations import invitation_texts
from bot.metrics.cost import (
    DEFAULT_X_PRICES,
    UsageKind,
    has_link,
    link_notice,
    parse_prices,
    read_kind,
    without_links,
    write_kind,
)
from bot.metrics.spike import (
    SpikeThresholds,
    WindowCounts,
    assess,
    baseline_windows,
    poisson_tail,
    top_terms,
)
from storage.enums import Visibility

LINK = "https://x.com/messages/compose?recipient_id=123"


def test_links_as_x_counts_them() -> None:
    assert has_link("see acme.com/status") and has_link(f"write to us: {LINK}")
    assert not has_link("it costs 3.50 today. ok.")
    assert write_kind(Visibility.PUBLIC, "hi acme.com") == UsageKind.REPLY_WITH_LINK
    assert write_kind(Visibility.PUBLIC, "hi") == UsageKind.REPLY
    assert write_kind(Visibility.PRIVATE, "hi acme.com") == UsageKind.PRIVATE
    assert read_kind("search:acme OR @acme") == "read:search"


def test_the_link_free_wording_of_the_move_to_private_invitation() -> None:
    for language in ("es", "en"):
        with_link, _ = invitation_texts(language, "lucia", LINK)
        plain, _ = invitation_texts(language, "lucia", None)
        assert without_links(with_link) == plain


def test_the_link_notice_states_the_surcharge() -> None:
    notice = link_notice(DEFAULT_X_PRICES, "X")
    assert notice and "about 13×" in notice and "$0.200 instead of $0.015" in notice


def test_prices_from_settings() -> None:
    prices, problems = parse_prices("x", "reply=0.02, private=abc, =1", DEFAULT_X_PRICES)
    assert prices.price("reply") == Decimal("0.02")
    assert prices.price("read:mentions") == Decimal("0.001")
    assert len(problems) == 2 and prices.source == "prices set in settings"


def test_poisson_tail() -> None:
    assert math.isclose(poisson_tail(3, 1.0), 1 - math.exp(-1) * 2.5, rel_tol=1e-12)
    assert poisson_tail(0, 5.0) == 1.0
    # Far in the tail: no cancellation to zero.
    assert 0 < poisson_tail(40, 1.0) < 1e-40


def test_assess_needs_ratio_improbability_and_negatives() -> None:
    t = SpikeThresholds()
    quiet = [WindowCounts(2, 1)] * 4
    assert assess(WindowCounts(40, 40), quiet, t).severity == "crisis"
    assert assess(WindowCounts(3, 3), quiet, t).severity is None  # a quiet night
    assert assess(WindowCounts(40, 9), quiet, t).severity is None  # too few negative
    busy = [WindowCounts(100, 15)] * 4
    assert assess(WindowCounts(108, 17), busy, t).severity is None
    assert assess(WindowCounts(5, 5), [], t).severity is None  # no history, no baseline


def test_baseline_windows() -> None:
    now = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
    t = SpikeThresholds()
    weekly = baseline_windows(now, now - timedelta(days=60), t)
    assert weekly == [now - timedelta(weeks=k) for k in range(1, 5)]
    daily = baseline_windows(now, now - timedelta(days=3), t)
    assert daily == [now - timedelta(days=k) for k in range(1, 3)]
    assert baseline_windows(now, now - timedelta(minutes=30), t) == []


def test_top_terms_skip_mentions_links_and_common_words() -> None:
    texts = ["@acme la fibra caida https://t.co/x", "fibra caida otra vez", "para fibra"]
    assert top_terms(texts, exclude=["acme"]) == ["fibra", "caida"]
