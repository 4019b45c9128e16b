"""What the end-to-end tests of the networks share: opening a sandbox with chosen networks,
answering through the real Slack flow (claim → draft modal → approve), and the faults each
stand-in can play when a send's answer is lost."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.outbound import SEND_LEASE
from sandbox.agent_story import (
    card_status,
    claim,
    draft_messages,
    open_draft_modal,
    submit_draft,
    thread_text,
    wait_for_draft,
)
from sandbox.scenarios.networks import RunningNetwork, TimelinePost
from storage.db import session_scope
from storage.models import Draft, PollCheckpoint, utcnow
from tests.integration.answer_steps import approve_from_dm
from tests.integration.harness import CHANNEL, Sandbox, close_sandbox, open_sandbox

AGENT, APPROVER = "U0AGENT1", "U0LEAD"
WAIT = 15.0


@contextmanager
def sandbox_with(database_url: str, *networks: str) -> Iterator[Sandbox]:
    box = open_sandbox(database_url, networks=networks)
    try:
        yield box
    finally:
        close_sandbox(box)


def card_texts(box: Sandbox) -> list[str]:
    return [" ".join(box.slack.message_texts(m)) for m in box.roots()]


def posted_count(box: Sandbox) -> int:
    """Messages the bot posted to the channel so far (cards and thread replies)."""
    return len(box.slack.calls("chat.postMessage"))


def modal_prefill(modal: dict[str, Any]) -> str:
    """What the draft modal's text box holds when it opens."""
    block = next(b for b in modal["blocks"] if b.get("block_id") == "text")
    return str(block["element"].get("initial_value") or "")


def modal_text(modal: dict[str, Any]) -> str:
    return str(modal["blocks"])


def draft_and_approve(
    box: Sandbox,
    root: dict[str, Any],
    words: str,
    visibility: str,
    *,
    claim_first: bool = True,
    compose: Callable[[str, str], str] = lambda prefill, words: prefill + words,
) -> tuple[str, dict[str, Any]]:
    """The agent opens the draft modal on the card, writes `words` after what the modal
    prefilled (or as `compose` puts them together), saves it as `visibility`, and the
    approver approves it from their DM. Returns (the text sent for approval, the modal)."""
    slack, url = box.slack, box.bot_url
    if claim_first:
        claim(slack, url, CHANNEL, root["ts"], AGENT)
    drafts_before = len(draft_messages(slack, CHANNEL, root["ts"]))
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT)
    text = compose(modal_prefill(modal), words)
    answer = submit_draft(slack, url, AGENT, modal["id"], text, visibility)
    assert answer == {}, answer
    wait_for_draft(slack, CHANNEL, root["ts"], count=drafts_before + 1)
    approve_from_dm(box, APPROVER, containing=words[:40])
    return text, modal


def wait_for_thread(box: Sandbox, root: dict[str, Any], words: str) -> str:
    slack = box.slack

    def said() -> str | None:
        text = thread_text(slack, CHANNEL, root["ts"])
        return text if words in text else None

    return slack.wait_for(said, WAIT)


def wait_for_card(box: Sandbox, root: dict[str, Any], words: str) -> str:
    """The card's status line once it says `words` (it is refreshed after the thread)."""
    slack = box.slack
    return slack.wait_for(
        lambda: status if words in (status := card_status(slack, CHANNEL, root["ts"])) else None,
        WAIT,
    )


def brand_replies_to(world: RunningNetwork, post: TimelinePost) -> list[TimelinePost]:
    return [p for p in world.timeline.timeline() if p.from_brand and p.reply_to == post.id]


def brand_private_messages(world: RunningNetwork) -> list[Any]:
    return [m for m in world.timeline.private_messages() if m.from_brand]


def restart_after_the_send_lease(box: Sandbox) -> None:
    """The process dies with a send claimed and no outcome; the next one starts after the
    send lease, when such a claim counts as abandoned, and runs a cycle."""
    runtime = box.runtime
    assert runtime is not None
    long_ago = utcnow() - SEND_LEASE - timedelta(seconds=30)
    with session_scope(runtime.factory) as session:
        session.execute(
            update(Draft)
            .where(Draft.send_started_at.is_not(None), Draft.posted_at.is_(None))
            .values(send_started_at=long_ago, approved_at=long_ago)
        )
    box.stop_bot()
    box.start_bot(APPROVER_USER_IDS=APPROVER)
    box.cycle()


def checkpoints(box: Sandbox, network: str) -> dict[str, PollCheckpoint]:
    assert box.runtime is not None
    with session_scope(box.runtime.factory) as session:
        rows = session.scalars(select(PollCheckpoint).where(PollCheckpoint.network == network))
        return {row.stream: row for row in rows}


# -- a send whose answer is lost, and a look-up that cannot tell yet -----------------------------
def lose_the_next_private_send(world: RunningNetwork) -> None:
    """The stand-in performs the next private send, then drops the connection; the
    look-up the bot makes right after fails too, so the outcome stays unknown."""
    server: Any = world.stand_in
    if world.name == "mastodon":
        server.drop_after_posting()
        server.server_error("/api/v1/accounts/", status=503)  # the brand's own statuses
    elif world.name == "bluesky":
        server.drop_after_writing("chat.bsky.convo.sendMessage")
        server.server_error("chat.bsky.convo.getMessages", status=502)
    elif world.name == "discourse":
        server.drop_after_commit("POST", "/posts.json")
        server.server_error("/t/external_id/", status=502)
    else:
        raise ValueError(f"{world.name} sends nothing")
