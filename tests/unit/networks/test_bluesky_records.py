"""Bluesky record keys and facets built by the connector, checked against the formats the
lexicons give (TID syntax, UTF-8 byte offsets)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.networks.bluesky import SeenMark, encode_tid, mention_facets, record_key

TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def test_tids_sort_by_time() -> None:
    earlier = encode_tid(1_700_000_000_000_000, 0)
    later = encode_tid(1_700_000_000_000_001, 0)
    assert TID.match(earlier) and TID.match(later) and earlier < later
    assert encode_tid(0, 0) == "2222222222222"


def test_record_keys_are_stable_per_draft_and_differ_between_drafts() -> None:
    answered = datetime(2026, 8, 20, 10, 0, tzinfo=UTC)
    key = record_key("carethread-draft-42", answered)
    assert TID.match(key)
    assert record_key("carethread-draft-42", answered) == key
    assert record_key("carethread-draft-43", answered) != key
    # Near the answered post's time, not in the future nor at the epoch.
    assert record_key("x", answered) > encode_tid(int(answered.timestamp() * 1e6) - 1, 0)
    later = answered + timedelta(seconds=2)
    assert record_key("x", answered) < encode_tid(int(later.timestamp() * 1e6), 0)


def test_mention_facets_use_byte_offsets_and_skip_lookalikes() -> None:
    text = "¡Hola! @ana.bsky.social y @ana.bsky.social.evil y email@ana.bsky.social"
    facets = mention_facets(text, "ana.bsky.social", "did:plc:ana")
    encoded = text.encode()
    assert [encoded[f["index"]["byteStart"] : f["index"]["byteEnd"]] for f in facets] == [
        b"@ana.bsky.social"
    ]
    assert facets[0]["index"]["byteStart"] == len("¡Hola! ".encode())


def test_seen_mark_round_trips_and_fits_its_column() -> None:
    stamp = "2026-08-20T10:00:00.123Z"
    taken = [(f"at://did:plc:a/app.bsky.feed.post/{n}", stamp) for n in range(5)]
    mark = SeenMark.of([*taken, ("at://old", "2026-08-20T09:00:00Z")])
    assert mark is not None
    text = mark.render()
    assert len(text) <= 64
    again = SeenMark.parse(text)
    assert again == mark
    assert sum(again.covers(uri, at) for uri, at in taken) == 3  # at most three remembered
    assert not again.covers("at://old", "2026-08-20T09:00:00Z")
