"""Slack's pace as token buckets: a burst goes at once, then one message per interval."""

from bot.slack.pacing import ChannelPace, TokenBucket


def test_a_full_bucket_lets_a_burst_through_then_keeps_the_rate() -> None:
    bucket = TokenBucket(rate=1.0, burst=4)
    for _ in range(4):
        assert bucket.wait(0.0) == 0.0
        bucket.take(0.0)
    assert bucket.wait(0.0) == 1.0  # the fifth message waits a second
    assert bucket.wait(0.5) == 0.5
    assert bucket.wait(1.0) == 0.0


def test_tokens_come_back_up_to_the_burst_only() -> None:
    bucket = TokenBucket(rate=2.0, burst=3)
    bucket.take(0.0)
    assert bucket.wait(100.0) == 0.0
    for _ in range(3):
        bucket.take(100.0)
    assert bucket.wait(100.0) == 0.5


def test_a_429_empties_the_bucket_whatever_was_counted() -> None:
    bucket = TokenBucket(rate=1.0, burst=4)
    bucket.empty(0.0)
    assert bucket.wait(0.0) == 1.0


def test_each_channel_has_its_own_pace() -> None:
    pace = ChannelPace(rate=1.0, burst=1)
    pace.bucket("C1").take(0.0)
    assert pace.bucket("C1").wait(0.0) == 1.0
    assert pace.bucket("C2").wait(0.0) == 0.0
