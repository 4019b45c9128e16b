"""What only the clicking person sees: lost claim races, Move to private, the unmasked
original, the history."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.slack.builders.common import blocks_as_dicts
from bot.slack.builders.ephemerals import (
    build_claimed_elsewhere,
    build_history,
    build_moved_to_private,
    build_original_posts,
)
from bot.slack.ids import Action
from bot.slack.views import HistoryEntry, OriginalPost
from tests.unit.slack.builders.examples import CARD, EVIL, WHEN, X
from tests.unit.slack.builders.test_thread import buttons, rendered


def test_claimed_elsewhere_offers_take_over() -> None:
    text, blocks = build_claimed_elsewhere(7, "U0AGENT1")
    assert text == "Already claimed by <@U0AGENT1>."
    assert buttons(blocks) == [Action.TAKE_OVER]


def test_history_cannot_ping() -> None:
    entry = HistoryEntry(datetime(2026, 1, 1, tzinfo=UTC), "U0A", "reject", "reason " + EVIL)
    shown = rendered(build_history(7, [entry])[1])
    assert "<!channel>" not in shown and "<@U0SPOOF>" not in shown
    assert "<https://evil" not in shown


def test_the_original_is_shown_escaped_with_a_warning() -> None:
    original = OriginalPost(
        at=WHEN,
        url="https://x.com/ana_clara/status/1",
        text=f"<!channel> mi tarjeta {CARD}",
        found=("card number",),
        network=X,
    )
    text, blocks = build_original_posts(9, [original])
    shown = json.dumps(blocks_as_dicts(blocks), ensure_ascii=False)
    assert CARD in shown and "card number" in shown and "View on X" in shown
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    assert "Only you can see this" in shown and "recorded" in shown
    assert CARD not in text  # the notification text never carries it
    huge = OriginalPost(at=WHEN, url="https://x.com/a/status/1", text="x " * 5000, found=("IBAN",))
    blocks_as_dicts(build_original_posts(9, [huge])[1])  # raises if a section is too long


def test_moved_to_private_says_what_was_drafted_and_why_not_more() -> None:
    both, _ = build_moved_to_private(3, 4, None)
    assert "#3" in both and "#4" in both and "public reply" in both
    only, _ = build_moved_to_private(None, 4, "X does not allow a public reply to this post.")
    assert "only a private message (#4)" in only and "does not allow" in only
