"""Listening edge cases: first-start backfill, keyword search, uncertain Slack posts,
long posts, Slack refusing a card, and the scheduler's job settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.jobs import POLL_JOB_ID
from bot.reports.jobs import DAILY_JOB_ID, HOME_JOB_ID, SPIKE_JOB_ID, WEEKLY_JOB_ID
from storage.db import session_scope
from storage.models import Post


def _texts(sandbox, message):
    return " ".join(sandbox.slack.message_texts(message))


def test_first_start_imports_only_the_backfill_window(sqlite_sandbox):
    box = sqlite_sandbox
    box.customer("old_timer")
    box.mention("old_timer", "from last month", created_at=datetime.now(UTC) - timedelta(days=30))
    box.mention("old_timer", "from this morning", created_at=datetime.now(UTC) - timedelta(hours=3))
    box.start_bot(BACKFILL_HOURS="24")
    box.cycle()
    texts = [_texts(box, m) for m in box.roots()]
    assert len(texts) == 1 and "this morning" in texts[0]


def test_backfill_follows_pagination_over_hundreds_of_mentions(sqlite_sandbox):
    box = sqlite_sandbox
    for i in range(5):
        box.customer(f"fan{i}")
    now = datetime.now(UTC)
    for i in range(250):
        box.mention(f"fan{i % 5}", f"message {i}", created_at=now - timedelta(minutes=250 - i))
    box.start_bot()
    polled, _ = box.cycle()
    assert polled[0].stored == 250
    with session_scope(box.runtime.factory) as session:
        assert len(session.scalars(select(Post)).all()) == 250


def test_keyword_search_posts_are_marked_private_only(sqlite_sandbox):
    box = sqlite_sandbox
    box.customer("curious")
    box.x.post("curious", "does anyone know if acme conecta has fibre in Rosario?")
    box.start_bot(X_SEARCH_QUERY="acme conecta")
    box.cycle()
    [root] = box.roots()
    assert "private reply" in _texts(box, root)
    with session_scope(box.runtime.factory) as session:
        post = session.scalars(select(Post)).one()
        assert post.source == "search" and post.publicly_replyable is False


def test_slack_timeout_after_posting_is_reconciled_not_reposted(sqlite_sandbox):
    """Slack accepted the message but the answer never reached us (client timeout)."""
    box = sqlite_sandbox
    box.customer("ana_r")
    box.mention("ana_r", "where is my refund")
    box.start_bot()
    box.slack.slow("chat.postMessage", seconds=6)  # longer than the bot's 5 s timeout
    box.cycle()
    box.slack.wait_for(lambda: box.roots(), timeout=5)  # Slack did post it
    box.cycle()  # the publishing loop retries by itself too; either way it looks first

    def stored_ts() -> tuple[str | None, int]:
        with session_scope(box.runtime.factory) as session:
            post = session.scalars(select(Post)).one()
            return post.slack_ts, post.slack_attempts

    box.slack.wait_for(lambda: stored_ts()[0], 15)
    assert len(box.roots()) == 1
    assert len(box.slack.calls("chat.postMessage")) == 1
    # Two attempts, one message: the second found the first's message by its metadata.
    assert stored_ts() == (box.roots()[0]["ts"], 2)


def test_a_25000_character_post_is_cut_with_a_link(sqlite_sandbox):
    box = sqlite_sandbox
    box.customer("novelist")
    tweet = box.mention(
        "novelist", "Let me tell you everything. " + "Lorem ipsum dolor sit amet. " * 890
    )
    box.start_bot()
    box.cycle()
    [root] = box.roots()
    post_block = next(b for b in root["blocks"] if b.get("block_id") == "post")
    assert len(post_block["text"]["text"]) <= 3000
    assert f"status/{tweet['id']}|see full post>" in post_block["text"]["text"]


def test_channel_setup_errors_keep_posts_pending_and_say_why(sqlite_sandbox):
    box = sqlite_sandbox
    box.slack.add_channel("C0ELSEWHERE", "elsewhere", is_member=False)
    box.customer("ana_r")
    box.mention("ana_r", "hello?")
    box.start_bot(SLACK_CHANNEL_ID="C0ELSEWHERE")
    _, published = box.cycle()
    assert published.posted == 0 and published.pending == 1
    assert "/invite" in published.error
    status, health = box.runtime.health()
    assert "/invite" in health["slack_error"]


def test_poll_job_is_registered_once_with_overlap_protection(sqlite_sandbox):
    box = sqlite_sandbox
    runtime = box.start_bot(scheduler=True)
    job = runtime.scheduler.get_job(POLL_JOB_ID)
    assert job.max_instances == 1 and job.coalesce is True
    assert job.trigger.interval == timedelta(seconds=1)
    # Beside the poll: the deadline watcher, listening health, the daily summary, the
    # weekly report, spike checks and App Home, each registered once.
    jobs = runtime.scheduler.get_jobs()
    assert sorted(j.id for j in jobs) == sorted(
        [
            "carethread.deadlines",
            "carethread.listening",
            POLL_JOB_ID,
            DAILY_JOB_ID,
            WEEKLY_JOB_ID,
            SPIKE_JOB_ID,
            HOME_JOB_ID,
        ]
    )
    assert all(j.max_instances == 1 and j.coalesce is True for j in jobs)


def test_two_processes_on_one_database_never_poll_at_once(sandbox):
    """A rolling deploy: the old process still holds the worker lease while the new one
    starts; the new one polls only once the old one gave it up."""
    from bot.lease import Lease

    sandbox.customer("ana_r")
    sandbox.mention("ana_r", "hello from the deploy window")
    runtime = sandbox.start_bot()
    other = Lease(runtime.factory, "the-old-process", 30.0)
    runtime.lease.release()  # the old process had it first
    assert other.tick()
    assert not runtime.lease.tick()
    polled, published = sandbox.cycle()
    assert polled == [] and published.posted == 0 and not sandbox.roots()
    other.release()
    assert runtime.lease.tick()
    sandbox.cycle()
    assert len(sandbox.roots()) == 1
