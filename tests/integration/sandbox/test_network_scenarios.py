"""The scenario the demo runs on the networks of issue 13: every stand-in started, the
sample customers writing in Spanish and English, and the agent answering one post on each
network that answers — through the real bot and the Slack stand-in."""

from __future__ import annotations

from sandbox.agent_story import play_agent_story
from sandbox.scenarios.networks import NETWORKS, demo_answer, load_samples, seed_samples
from tests.integration.harness import CHANNEL, Sandbox, close_sandbox, open_sandbox

APPROVER = "U0LEAD"


def test_sample_posts_arrive_from_every_network_and_one_is_answered_on_each(sqlite_url) -> None:
    box: Sandbox = open_sandbox(sqlite_url, networks=NETWORKS)
    try:
        posted = {name: seed_samples(box.world(name)) for name in NETWORKS}
        box.start_bot(APPROVER_USER_IDS=APPROVER)
        box.cycle()

        said = "\n".join(
            " ".join(box.slack.message_texts(m))
            for root in box.roots()
            for m in [root, *box.thread_of(root)]
        )
        for name in NETWORKS:
            samples = load_samples(name)
            assert len(posted[name]) == len(samples.posts)
            languages = {p.get("language") for p in samples.personas.values()}
            assert {"es", "en"} <= languages, name
            for post in posted[name].values():
                assert post.text.splitlines()[0][-30:] in said

        for name in ("mastodon", "bluesky", "discourse"):
            world = box.world(name)
            asked, reply = demo_answer(world, posted[name])
            root = next(
                r
                for r in box.roots()
                if asked.splitlines()[-1][-30:] in " ".join(box.slack.message_texts(r))
            )
            play_agent_story(
                box.slack,
                box.bot_url,
                CHANNEL,
                root["ts"],
                agent="U0AGENT1",
                approver=APPROVER,
                text=reply,
                pause=0,
            )
            answered = box.slack.wait_for(
                lambda world=world: [p for p in world.timeline.timeline() if p.from_brand], 10
            )
            assert [p.text for p in answered] == [reply]
    finally:
        close_sandbox(box)
