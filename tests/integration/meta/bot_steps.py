"""Steps for the Meta tests that run the real bot: Slack, X and the Graph stand-in, webhooks
delivered to the bot's own HTTP server, people clicking through the Slack stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from sandbox.agent_story import claim, open_draft_modal, submit_draft
from sandbox.meta_graph import MetaGraphStandIn
from storage.db import session_scope
from storage.models import Case, Post
from tests.integration.answer_steps import approve_from_dm
from tests.integration.harness import CHANNEL, Sandbox

AGENT, APPROVER = "U0AGENT1", "U0LEAD"
WAIT = 10.0


def start_bot_with_meta(sandbox: Sandbox, **env: str) -> MetaGraphStandIn:
    """The bot with X, Facebook and Instagram configured, subscribed to Meta's webhooks."""
    meta = sandbox.meta or sandbox.start_meta()
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER, **env)
    sandbox.connect_meta_webhooks()
    return meta


@contextmanager
def written_ago(meta: MetaGraphStandIn, **ago: float) -> Iterator[None]:
    """What customers do inside happens `ago` in the past (the stand-in's clock is set back,
    its webhooks carry those times); the bot's clock is the real one."""
    meta.advance(**{unit: -amount for unit, amount in ago.items()})
    try:
        yield
    finally:
        meta.advance(**ago)


def root_with(sandbox: Sandbox, text: str) -> dict[str, Any]:
    """The case card (root message) showing `text`, once it is in the channel."""
    slack = sandbox.slack
    return slack.wait_for(
        lambda: next((r for r in sandbox.roots() if text in card_text(sandbox, r)), None), WAIT
    )


def card_text(sandbox: Sandbox, root: dict[str, Any]) -> str:
    """A card as it shows now (it is re-rendered in place)."""
    current = next(m for m in sandbox.roots() if m["ts"] == root["ts"])
    return " ".join(sandbox.slack.message_texts(current))


def modal_text(modal: dict[str, Any]) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(modal.get("blocks"))
    return " ".join(parts)


def draft(
    sandbox: Sandbox, root: dict[str, Any], text: str, visibility: str, *, claimed: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The agent (claiming first unless `claimed`) opens the draft modal and submits `text`;
    returns (the modal as it opened, the bot's answer: {} when saved, errors otherwise)."""
    slack, url = sandbox.slack, sandbox.bot_url
    if not claimed:
        claim(slack, url, CHANNEL, root["ts"], AGENT)
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT)
    return modal, submit_draft(slack, url, AGENT, modal["id"], text, visibility)


def answer(sandbox: Sandbox, root: dict[str, Any], text: str, visibility: str) -> dict[str, Any]:
    """Claim, draft `text` and have the approver approve it from their DM; returns the
    modal as it opened."""
    modal, answered = draft(sandbox, root, text, visibility)
    assert answered == {}, answered
    approve_from_dm(sandbox, APPROVER, containing=text[:40])
    return modal


def refusal(answered: dict[str, Any]) -> str:
    """The modal's inline errors, as one line."""
    assert answered.get("response_action") == "errors", answered
    return " ".join(answered["errors"].values())


def stored_posts(sandbox: Sandbox) -> list[tuple[str, str, int]]:
    """(network, external id, case id) of every stored post."""
    assert sandbox.runtime
    with session_scope(sandbox.runtime.factory) as session:
        rows = session.execute(select(Post.network, Post.external_id, Post.case_id)).all()
        return [(n, e, c) for n, e, c in rows]


def case_count(sandbox: Sandbox) -> int:
    assert sandbox.runtime
    with session_scope(sandbox.runtime.factory) as session:
        return len(session.scalars(select(Case.id)).all())


def brand_messages(meta: MetaGraphStandIn) -> list[dict[str, Any]]:
    """Every private message the brand sent (Messenger, Instagram, private replies)."""
    with meta.lock:
        owners = {meta.page["id"], meta.ig_account["id"]}
        return [
            m for t in meta.threads.values() for m in t["messages"] if m["from"]["id"] in owners
        ]
