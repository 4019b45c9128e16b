"""Listening end to end: X mentions become Slack threads, once each, whatever fails."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from storage.db import session_scope
from storage.models import Post


def _texts(sandbox, message):
    return " ".join(sandbox.slack.message_texts(message))


def test_five_mentions_become_five_root_messages(sandbox):
    people = [
        ("ana_r", "Ana Ruiz"),
        ("ben_k", "Ben Kim"),
        ("caro_p", "Carolina Paz"),
        ("dan_o", "Dan Osei"),
        ("eva_l", "Eva Lund"),
    ]
    tweets = []
    for i, (handle, name) in enumerate(people):
        sandbox.customer(handle, name=name, followers=100 * (i + 1))
        tweets.append(sandbox.mention(handle, f"problem number {i} with my order"))
    sandbox.start_bot()
    sandbox.cycle()
    roots = sandbox.roots()
    assert len(roots) == 5
    for (handle, name), tweet, root in zip(people, tweets, roots, strict=True):
        text = _texts(sandbox, root)
        assert name in text and f"@{handle}" in text
        assert tweet["text"] in text
        assert f"https://x.com/{handle}/status/{tweet['id']}" in text


def test_reply_in_the_same_conversation_goes_into_the_thread(sandbox):
    sandbox.customer("ana_r", name="Ana Ruiz")
    sandbox.customer("ben_k", name="Ben Kim")
    first = sandbox.mention("ana_r", "my invoice is wrong")
    sandbox.start_bot()
    sandbox.cycle()
    sandbox.mention("ana_r", "here is a screenshot", in_reply_to=first["id"])
    sandbox.mention("ben_k", "same for me!", in_reply_to=first["id"])
    sandbox.cycle()
    [root] = sandbox.roots()
    replies = sandbox.thread_of(root)
    assert [
        ("screenshot" in _texts(sandbox, r), "same for me" in _texts(sandbox, r)) for r in replies
    ] == [(True, False), (False, True)]


def test_x_rate_limit_then_outage_loses_and_duplicates_nothing(sandbox):
    sandbox.customer("ana_r")
    sandbox.mention("ana_r", "first")
    sandbox.start_bot()
    sandbox.x.rate_limit("/2/users", reset_in=3)
    polled, _ = sandbox.cycle()
    assert polled[0].skipped_until is not None and not sandbox.roots()
    # Still inside the rate-limit window: the stream is skipped without calling X.
    calls_before = len(sandbox.x.requests)
    sandbox.cycle()
    assert len(sandbox.x.requests) == calls_before
    sandbox.mention("ana_r", "second")
    with session_scope(sandbox.runtime.factory) as session:
        from storage.models import PollCheckpoint

        for checkpoint in session.scalars(select(PollCheckpoint)):
            checkpoint.paused_until = datetime.now(UTC) - timedelta(seconds=1)
    sandbox.x.server_error("/2/users", status=503)
    polled, _ = sandbox.cycle()
    assert polled[0].error and "503" in polled[0].error
    sandbox.cycle()
    sandbox.cycle()
    texts = [_texts(sandbox, m) for m in sandbox.roots()]
    texts += [_texts(sandbox, m) for root in sandbox.roots() for m in sandbox.thread_of(root)]
    assert sum("first" in t for t in texts) == 1
    assert sum("second" in t for t in texts) == 1


def test_slack_rate_limit_posts_every_case_exactly_once(sandbox):
    for i in range(6):
        sandbox.customer(f"user{i}")
        sandbox.mention(f"user{i}", f"case {i}")
    sandbox.start_bot()
    sandbox.slack.rate_limit("chat.postMessage", retry_after=1, times=3)
    sandbox.cycle()
    assert len(sandbox.roots()) < 6
    # No further poll: the publishing loop resumes by itself after each Retry-After.
    roots = sandbox.slack.wait_for(lambda: len(sandbox.roots()) == 6 and sandbox.roots(), 10)
    assert sorted(_texts(sandbox, r).split("case ")[1][0] for r in roots) == list("012345")

    def pending() -> int:
        with session_scope(sandbox.runtime.factory) as session:
            return session.scalar(select(func.count(Post.id)).where(Post.slack_ts.is_(None)))

    sandbox.slack.wait_for(lambda: pending() == 0)  # each message's ts is stored after it


def test_mentions_in_a_post_ping_nobody(sandbox):
    sandbox.customer("troll", name="<!here> Troll")
    sandbox.mention(
        "troll", "<!channel> <@U0SPOOF> <!subteam^S0ALL> click <https://evil.example|here>"
    )
    sandbox.start_bot()
    sandbox.cycle()
    [call] = sandbox.slack.calls("chat.postMessage")
    raw = json.dumps(call) + call.request.body.decode()
    for forbidden in ("<!channel>", "<@U0SPOOF>", "<!here>", "<!subteam", "<https://evil"):
        assert forbidden not in raw
    [root] = sandbox.roots()
    assert "&lt;!channel&gt;" in _texts(sandbox, root)
