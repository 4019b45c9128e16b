"""Instagram through the real bot: a reply to a reply is posted on the top-level comment (and
the modal says so), a mention is answered through the mentions edge, a Direct message is
answered privately (SQLite and PostgreSQL)."""

from __future__ import annotations

from sandbox.agent_story import thread_text
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.meta.bot_steps import (
    answer,
    brand_messages,
    root_with,
    start_bot_with_meta,
)
from tests.integration.meta.bot_steps import modal_text as text_of


def brand_comments(meta) -> list[dict]:
    with meta.lock:
        return [c for c in meta.ig_comments.values() if c["from"]["id"] == meta.ig_account["id"]]


def posted_to(meta, edge: str) -> list[str]:
    """Paths of the Graph POSTs that answered, by edge."""
    return [r.path for r in meta.requests if r.method == "POST" and r.path.endswith(edge)]


def test_instagram_answers_land_where_instagram_puts_them(sandbox: Sandbox) -> None:
    meta = start_bot_with_meta(sandbox)
    media = meta.ig_media("Our summer collection")
    top = meta.ig_comment("dana", media["id"], "Is the blue one back in stock?")
    root = root_with(sandbox, "Is the blue one back in stock?")
    meta.ig_comment("eli", top["id"], "asking the same!")
    sandbox.slack.wait_for(
        lambda: "asking the same!" in thread_text(sandbox.slack, CHANNEL, root["ts"]), 10
    )

    modal = answer(sandbox, root, "@eli @dana Yes, since Monday!", "public")

    assert "posted under the top-level comment" in text_of(modal)
    sandbox.slack.wait_for(lambda: brand_comments(meta), 10)
    (reply,) = brand_comments(meta)
    assert (reply["text"], reply["parent_id"]) == ("@eli @dana Yes, since Monday!", top["id"])
    assert posted_to(meta, "/replies") == [f"/v25.0/{top['id']}/replies"]

    mention = meta.ig_mention_in_comment("fran", "@carethread_demo my order is late")
    mentioned = root_with(sandbox, "my order is late")
    answer(sandbox, mentioned, "@fran Sorry! Checking it now.", "public")
    sandbox.slack.wait_for(lambda: len(brand_comments(meta)) == 2, 10)
    on_mention = brand_comments(meta)[-1]
    assert (on_mention["text"], on_mention["parent_id"]) == (
        "@fran Sorry! Checking it now.",
        mention["id"],
    )
    assert posted_to(meta, "/mentions") == [f"/v25.0/{meta.ig_account['id']}/mentions"]

    meta.ig_dm("gus", "Do you ship to Canada?")
    direct = root_with(sandbox, "Do you ship to Canada?")
    answer(sandbox, direct, "We do, in 5 to 7 days.", "private")
    sandbox.slack.wait_for(lambda: brand_messages(meta), 10)
    (dm,) = brand_messages(meta)
    assert dm["message"] == "We do, in 5 to 7 days."
    assert dm["to"]["data"][0]["username"] == "gus" and dm["messaging_type"] == "RESPONSE"
