"""The demo's Meta story against the real bot, and the browser sandbox's Facebook and
Instagram panels over the same stand-in (SQLite: the database is not the subject here)."""

from __future__ import annotations

import pytest
import requests

from sandbox.scenarios.meta import DIRECT_ANSWER, TAKEN_PRIVATE, panels, play_meta_story, seed
from sandbox.web.app import WebSandbox
from sandbox.web.networks import ComposeError, Persona
from sandbox.web.screens import Person
from sandbox.web.server import WebServer
from tests.integration.harness import CHANNEL, Sandbox

AGENT, APPROVER = "U0AGENT1", "U0LEAD"
CARD = "4111 1111 1111 1111"


def test_the_story_takes_a_comment_private_and_answers_a_direct_message(
    sqlite_sandbox: Sandbox,
) -> None:
    sandbox = sqlite_sandbox
    meta = sandbox.start_meta()
    ids = seed(meta)
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    sandbox.connect_meta_webhooks()

    play_meta_story(
        meta, sandbox.slack, sandbox.bot_url, CHANNEL, agent=AGENT, approver=APPROVER, pause=0
    )

    facebook, instagram = panels(meta)
    name, text = TAKEN_PRIVATE
    (to_ana,) = [m for m in facebook.private_messages() if m.recipient.handle == name]
    assert to_ana.sender.handle == meta.page["username"] and "por privado" in to_ana.text
    (to_gus,) = [m for m in instagram.private_messages() if m.sender.handle == "carethread_demo"]
    assert (to_gus.recipient.handle, to_gus.text) == ("gus.travels", DIRECT_ANSWER)
    comment = next(p for p in facebook.timeline() if p.author.handle == name)
    assert comment.text == text and comment.in_reply_to == ids["facebook"]
    # Nothing public was said under Ana's comment; her card number never reached Slack.
    assert [p for p in facebook.timeline() if p.is_brand and p.in_reply_to] == []
    assert all(CARD not in str(root) for root in sandbox.roots())


def test_the_panels_post_as_customers_and_point_links_at_their_posts(
    sqlite_sandbox: Sandbox,
) -> None:
    sandbox = sqlite_sandbox
    meta = sandbox.start_meta()
    ids = seed(meta)
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    sandbox.connect_meta_webhooks()
    facebook, instagram = panels(meta)

    visitor = facebook.compose(Persona(name="Ann Lee", handle=""), "My parcel is late", None)
    comment = facebook.compose(Persona(name="Bob Stone", handle=""), "Same", ids["facebook"])
    mention = instagram.compose(Persona(name="", handle="dana"), "Love @carethread_demo!", None)
    on_post = instagram.compose(Persona(name="", handle="eli"), "Price?", None)

    assert (comment.in_reply_to, on_post.in_reply_to) == (ids["facebook"], ids["instagram"])
    for text in ("My parcel is late", "Same", "Love @carethread_demo!", "Price?"):
        sandbox.slack.wait_for(
            lambda t=text: [r for r in sandbox.roots() if t in str(r)],
            10,
        )
    assert facebook.anchor_for(visitor.url) == f"#facebook-post-{visitor.id}"
    assert facebook.anchor_for(comment.url) == f"#facebook-post-{comment.id}"
    assert instagram.anchor_for(mention.url) == f"#instagram-post-{mention.id}"
    assert facebook.anchor_for("https://x.com/a/status/1") is None
    with pytest.raises(ComposeError, match="Page itself"):
        facebook.compose(Persona(name=meta.page["name"], handle=""), "hi", None)
    with pytest.raises(ComposeError, match="username"):
        instagram.compose(Persona(name="", handle="two words"), "hi", None)


def test_the_web_page_shows_facebook_and_instagram_and_posts_through_them(
    sqlite_sandbox: Sandbox,
) -> None:
    sandbox = sqlite_sandbox
    meta = sandbox.start_meta()
    ids = seed(meta)
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    sandbox.connect_meta_webhooks()
    web = WebSandbox(
        slack=sandbox.slack,
        bot_url=sandbox.bot_url,
        channel=CHANNEL,
        people=[Person(AGENT, "maria", "agent"), Person(APPROVER, "lead", "approver")],
        networks=panels(meta),
    )
    server = WebServer(web)
    server.start()
    try:
        composed = requests.post(
            server.url + "api/compose",
            json={
                "network": "facebook",
                "persona": {"name": "Nadia <K>", "handle": ""},
                "text": "Is <b>this</b> on?",
                "reply_to": ids["facebook"],
            },
            timeout=10,
        )
        assert composed.json()["ok"] is True, composed.text
        regions = requests.get(server.url + "fragments", params={"as": AGENT}, timeout=10).json()[
            "regions"
        ]
    finally:
        server.stop()
    assert "Nadia &lt;K&gt;" in regions["network-facebook"]
    assert "Is &lt;b&gt;this&lt;/b&gt; on?" in regions["network-facebook"]
    assert "Summer plans" in regions["network-instagram"]
    sandbox.slack.wait_for(lambda: [r for r in sandbox.roots() if "this" in str(r)], 10)
