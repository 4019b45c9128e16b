"""A process killed between "approved" and "posted": after a restart the reply is on X
exactly once, and the thread says so.

The crashed process is reproduced faithfully: the bot records the approval and its send
claim, calls X through its real client, and dies before writing the outcome. The restart
comes after the send lease (SEND_LEASE), which is when a claim counts as abandoned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.outbound import SEND_LEASE
from sandbox.agent_story import (
    card_status,
    claim,
    open_draft_modal,
    submit_draft,
    thread_text,
    wait_for_draft,
)
from storage.db import make_session_factory, session_scope
from storage.models import Draft, DraftStatus, utcnow
from tests.integration.harness import CHANNEL, Sandbox

AGENT, APPROVER = "U0AGENT1", "U0LEAD"


@pytest.fixture
def box(sandbox: Sandbox) -> Sandbox:
    return sandbox


def _crash_mid_send(sandbox: Sandbox, visibility: str, *, reached_x: bool) -> tuple[dict, dict]:
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    post, root = sandbox.open_case()
    slack, url = sandbox.slack, sandbox.bot_url
    claim(slack, url, CHANNEL, root["ts"], AGENT)
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT)
    submit_draft(slack, url, AGENT, modal["id"], "@lucia A technician comes today.", visibility)
    wait_for_draft(slack, CHANNEL, root["ts"])
    slack.wait_for(lambda: slack.dms(APPROVER))
    runtime = sandbox.runtime
    assert runtime is not None
    # What the process had written before dying: approved, send claimed, no outcome.
    started = utcnow() - SEND_LEASE - timedelta(seconds=30)
    customer_id = sandbox.x.user("lucia")["id"]
    target = post["id"] if visibility == "public" else customer_id
    with session_scope(runtime.factory) as session:
        session.execute(
            update(Draft).values(
                status=DraftStatus.APPROVED,
                approved_by=APPROVER,
                approved_at=started,
                send_started_at=started,
                send_attempts=1,
                target_id=target,
            )
        )
    if reached_x:  # the request got through before the process died
        if visibility == "public":
            runtime.networks["x"].reply_publicly(post["id"], "@lucia A technician comes today.")
        else:
            runtime.networks["x"].send_private(customer_id, "@lucia A technician comes today.")
    sandbox.stop_bot()
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    sandbox.cycle()
    return post, root


def _sent(sandbox: Sandbox, post: dict, visibility: str) -> list:
    if visibility == "public":
        return sandbox.x.replies_to(post["id"])
    return sandbox.x.dms_to("lucia")


@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("reached_x", [True, False], ids=["reached-x", "never-sent"])
def test_restart_posts_once_never_twice(box: Sandbox, visibility: str, reached_x: bool) -> None:
    post, root = _crash_mid_send(box, visibility, reached_x=reached_x)

    assert len(_sent(box, post, visibility)) == 1
    slack = box.slack
    slack.wait_for(lambda: "posted" in thread_text(slack, CHANNEL, root["ts"]), 10)
    assert "Replied" in card_status(slack, CHANNEL, root["ts"])
    # Another cycle (or another restart) changes nothing.
    box.cycle()
    assert len(_sent(box, post, visibility)) == 1
    with session_scope(make_session_factory(box.runtime.engine)) as session:
        (draft,) = session.query(Draft).all()
        assert draft.status == DraftStatus.POSTED and draft.external_id
