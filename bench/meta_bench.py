"""What Meta polling costs in Graph calls, and how fast a webhook delivery is answered.

    .venv/bin/python bench/meta_bench.py [--posts 20] [--comments 5] [--conversations 10]

Meta counts calls against per-Page and per-account budgets, so the figure that matters is
calls per poll cycle: a busy first cycle, an idle one (what every tick costs), and one with
a single new comment. Then the time `handle_meta_webhook` takes to check a signature and
parse a delivery (Meta wants the 200 quickly). Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import io
import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.networks.meta import MetaSettings, connect, handle_meta_webhook  # noqa: E402
from sandbox.meta_graph import MetaGraphStandIn  # noqa: E402
from sandbox.meta_state import utc_now  # noqa: E402


def cycle(networks, stand_in: MetaGraphStandIn, cursors: dict[str, str | None]) -> tuple[int, int]:
    """One poll of every stream; returns (Graph calls, posts)."""
    before, posts = len(stand_in.requests), 0
    start = stand_in.now() - timedelta(hours=2)
    for network in networks:
        for stream in network.streams():
            key = f"{network.name}:{stream.name}"
            page = stream.fetch(cursors.get(key), start, None)
            cursors[key] = page.cursor or cursors.get(key)
            posts += len(page.posts)
    return len(stand_in.requests) - before, posts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=20, help="Page posts and IG media")
    parser.add_argument("--comments", type=int, default=5, help="comments on each")
    parser.add_argument("--conversations", type=int, default=10, help="Messenger and IG DMs")
    parser.add_argument("--deliveries", type=int, default=2000)
    args = parser.parse_args()

    stand_in = MetaGraphStandIn()
    frozen = utc_now()
    stand_in.clock = lambda: frozen
    stand_in.start()
    try:
        settings = MetaSettings(
            app_secret=stand_in.app_secret,
            page_id=stand_in.page["id"],
            page_access_token=stand_in.access_token,
            base_url=stand_in.base_url,
            instagram_account_id=stand_in.ig_account["id"],
        )
        networks = connect(settings, 10.0, clock=stand_in.now)
        first_post = None
        for n in range(args.posts):
            post = stand_in.page_post(f"Post {n}")
            media = stand_in.ig_media(f"Media {n}")
            first_post = first_post or post
            for c in range(args.comments):
                stand_in.comment(f"Person {c}", post["id"], f"Comment {c} on {n}")
                stand_in.ig_comment(f"person{c}", media["id"], f"Comment {c} on {n}")
        for n in range(args.conversations):
            stand_in.messenger(f"Customer {n}", "Hello")
            stand_in.ig_dm(f"customer{n}", "Hello")
        cursors: dict[str, str | None] = {}

        started = time.perf_counter()
        busy_calls, busy_posts = cycle(networks, stand_in, cursors)
        busy_time = time.perf_counter() - started
        frozen += timedelta(minutes=10)
        after_calls, after_posts = cycle(networks, stand_in, cursors)
        frozen += timedelta(minutes=10)
        idle_calls, idle_posts = cycle(networks, stand_in, cursors)
        frozen += timedelta(minutes=10)
        assert first_post is not None
        stand_in.comment("Late Person", first_post["id"], "One more question")
        one_calls, one_posts = cycle(networks, stand_in, cursors)

        print(
            f"{args.posts} Page posts + {args.posts} IG media × {args.comments} comments, "
            f"{args.conversations} + {args.conversations} conversations"
        )
        print(f"first cycle: {busy_calls} Graph calls, {busy_posts} posts, {busy_time:.2f} s")
        print(
            f"next cycle (re-reads the 2-minute overlap): {after_calls} Graph calls, "
            f"{after_posts} posts"
        )
        print(f"idle cycle: {idle_calls} Graph calls, {idle_posts} posts")
        print(f"one new comment: {one_calls} Graph calls, {one_posts} posts")
    finally:
        stand_in.stop()

    body = json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": "1",
                    "time": 1784037900,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "item": "comment",
                                "verb": "add",
                                "comment_id": "5_6",
                                "post_id": "1_5",
                                "parent_id": "1_5",
                                "from": {"id": "7", "name": "Bob"},
                                "message": "Open on Sunday?" * 10,
                                "created_time": 1784037900,
                            },
                        }
                    ]
                    * 5,
                }
            ],
        }
    ).encode()
    signature = "sha256=" + hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    timings = []
    for _ in range(args.deliveries):
        environ = {
            "REQUEST_METHOD": "POST",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "HTTP_X_HUB_SIGNATURE_256": signature,
        }
        started = time.perf_counter()
        result = handle_meta_webhook(environ, app_secret="secret", verify_token=None)
        timings.append(time.perf_counter() - started)
        assert result.status == "200 OK" and len(result.posts) == 5
    timings.sort()
    print(
        f"webhook delivery ({len(body)} bytes, 5 comments): median "
        f"{statistics.median(timings) * 1e6:.0f} µs, p99 "
        f"{timings[int(len(timings) * 0.99)] * 1e6:.0f} µs"
    )


if __name__ == "__main__":
    main()
