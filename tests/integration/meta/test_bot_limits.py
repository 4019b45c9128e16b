"""Meta's limits and failures through the real bot (SQLite and PostgreSQL): high usage pauses
only that Page's streams, a rejected token is recorded in plain words naming the setting
(what the admins' alert reads), and a send whose answer was lost is never sent twice, even
across a restart."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.outbound import SEND_LEASE
from sandbox.agent_story import thread_text
from sandbox.httpserver import Response
from sandbox.meta_state import GraphFault
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Draft, DraftStatus, PollCheckpoint, utcnow
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.meta.bot_steps import (
    APPROVER,
    answer,
    root_with,
    start_bot_with_meta,
    stored_posts,
)


def checkpoints(sandbox: Sandbox) -> dict[str, PollCheckpoint]:
    assert sandbox.runtime
    with session_scope(sandbox.runtime.factory) as session:
        found = session.scalars(select(PollCheckpoint)).all()
        session.expunge_all()
        return {f"{c.network}:{c.stream}": c for c in found}


def test_high_usage_pauses_the_pages_streams_while_instagram_and_x_keep_polling(
    sandbox: Sandbox,
) -> None:
    meta = sandbox.start_meta()  # no webhooks here: polling alone
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    sandbox.cycle()
    meta.set_usage(95, meta.page["id"], regain_minutes=20)
    brand_post = meta.page_post("New opening hours")
    meta.comment("Bob Stone", brand_post["id"], "Open on Sunday?")

    sandbox.cycle()  # reads the comment; Meta says the Page is at 95 %

    paused = checkpoints(sandbox)
    for stream in ("facebook:feed", "facebook:messenger"):
        assert paused[stream].paused_until is not None, stream
        assert paused[stream].paused_until > utcnow() + timedelta(minutes=15), stream
    assert all(c.paused_until is None for k, c in paused.items() if not k.startswith("facebook"))
    meta.comment("Cara Diaz", brand_post["id"], "And on holidays?")
    media = meta.ig_media("Holiday hours")
    meta.ig_comment("dana", media["id"], "Open on the 25th?")
    sandbox.customer("lucia")
    sandbox.mention("lucia", "are you open on Sunday?")
    requests_before = len(meta.requests)

    outcomes, _ = sandbox.cycle()

    skipped = {o.stream for o in outcomes if o.skipped_until and o.stored == 0}
    assert {"feed", "messenger"} <= skipped
    root_with(sandbox, "Open on the 25th?")
    root_with(sandbox, "are you open on Sunday?")
    texts = " ".join(" ".join(sandbox.slack.message_texts(r)) for r in sandbox.roots())
    assert "And on holidays?" not in texts
    # Not one call for the paused streams: the Page's feed and its Messenger conversations.
    later = meta.requests[requests_before:]
    assert [r.path for r in later if r.path.endswith("/feed")] == []
    messenger = [r for r in later if r.query.get("platform") == ["messenger"]]
    assert messenger == [] and [r for r in later if r.query.get("platform") == ["instagram"]]


def test_a_rejected_token_is_recorded_in_plain_words_and_x_keeps_polling(
    sandbox: Sandbox,
) -> None:
    meta = sandbox.start_meta()
    # Meta is unreachable at start-up (the bot starts anyway); the token is revoked after.
    fault = GraphFault(2, "An unexpected error has occurred. Please retry your request later.")
    meta.inject(lambda r: r.path.endswith(meta.page["id"]), Response(500, fault.body("t")))
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    meta.revoke_token()
    sandbox.customer("lucia")
    sandbox.mention("lucia", "is the app down?")

    outcomes, _ = sandbox.cycle()

    root_with(sandbox, "is the app down?")
    recorded = checkpoints(sandbox)
    for stream in ("facebook:feed", "facebook:messenger", "instagram:comments", "instagram:direct"):
        error = recorded[stream].last_error or ""
        assert "Meta rejected the Page access token (error 190" in error, stream
        assert "FACEBOOK_PAGE_ACCESS_TOKEN" in error, stream
    assert recorded["x:mentions"].last_error is None
    assert recorded["x:mentions"].last_success_at is not None
    assert any(o.stream == "whoami" for o in outcomes)  # Facebook never learnt who it is


def test_a_send_whose_answer_was_lost_is_not_sent_again_after_a_restart(sandbox: Sandbox) -> None:
    meta = start_bot_with_meta(sandbox)
    brand_post = meta.page_post("Price update")
    comment = meta.comment("Bob Stone", brand_post["id"], "Charged twice")
    root = root_with(sandbox, "Charged twice")
    # Meta takes the comment, the connection drops before the answer; the lookup that would
    # tell fails too, so the outcome is unknown when the process stops.
    meta.drop_after_commit("POST", "/comments")
    busy = GraphFault(2, "An unexpected error has occurred. Please retry your request later.")
    meta.inject(
        lambda r: r.method == "GET" and r.path.endswith("/comments"), Response(500, busy.body("t"))
    )

    answer(sandbox, root, "We're refunding it, Bob", "public")

    slack = sandbox.slack
    slack.wait_for(lambda: "did not answer" in thread_text(slack, CHANNEL, root["ts"]), 10)
    sandbox.stop_bot()
    assert sandbox.runtime is None
    # The restart comes after the send lease, when an unsettled send counts as abandoned.
    engine = make_engine(sandbox.database_url)
    with session_scope(make_session_factory(engine)) as session:
        session.execute(
            update(Draft).values(send_started_at=utcnow() - SEND_LEASE - timedelta(seconds=30))
        )
    engine.dispose()
    start_bot_with_meta(sandbox)
    sandbox.cycle()
    sandbox.cycle()

    ours = [c for c in meta.comments.values() if c["from"]["id"] == meta.page["id"]]
    assert [(c["message"], c["parent_id"]) for c in ours] == [
        ("We're refunding it, Bob", comment["id"])
    ]
    slack.wait_for(lambda: "posted" in thread_text(slack, CHANNEL, root["ts"]), 10)
    assert sandbox.runtime
    with session_scope(sandbox.runtime.factory) as session:
        (stored,) = session.scalars(select(Draft)).all()
        assert (stored.status, stored.external_id) == (DraftStatus.POSTED, ours[0]["id"])
    assert len(stored_posts(sandbox)) == 1
