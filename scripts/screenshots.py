"""Make the README's screenshots (docs/screenshots/*.png) with the browser test's own steps.

    .venv/bin/python scripts/screenshots.py

Runs the demo world (the real bot, both stand-ins, the sample customers), then walks the
page in Chromium exactly as tests/browser does, saving a picture at each step the README
shows: the channel with a P1 card, the draft modal with an inline error, the approver's
phone, and the Mastodon panel with the brand's reply. Emoji need a colour emoji font
(Debian: fonts-noto-color-emoji).
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from sandbox.demo import StoryRunner, feed_samples, slack_message_count, start_world, web_sandbox
from sandbox.web import walkthrough as walk
from sandbox.web.browser import find_chromium, launch
from sandbox.web.server import WebServer

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
VIEWPORT = {"width": 1600, "height": 950}
SAMPLES_SECONDS = 60


def main() -> int:
    chromium = find_chromium()
    if chromium is None:
        print("No Chromium found: apt-get install chromium", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    with tempfile.TemporaryDirectory(prefix="carethread-shots-") as workdir:
        world = start_world(Path(workdir), poll_seconds=1)
        server = WebServer(web_sandbox(world, StoryRunner(world, 1.0, stop)))
        server.start()
        try:
            # The sample customers first, so the channel looks like a morning's work.
            feed_samples(world, speed=50, stop=stop)
            deadline = time.monotonic() + SAMPLES_SECONDS
            while slack_message_count(world) < len(world.samples["posts"]):
                if time.monotonic() > deadline:
                    print("The sample posts did not all reach Slack", file=sys.stderr)
                    return 1
                time.sleep(0.2)
            with sync_playwright() as playwright:
                browser = launch(playwright, chromium)
                page = browser.new_page(viewport=VIEWPORT)
                second = browser.new_page(viewport=VIEWPORT)
                walk.open_as(page, server.url, walk.AGENT)
                walk.open_as(second, server.url, walk.SECOND_AGENT)
                walk.public_reply(page, second, walk.Shots(OUT))
                # Another network, answered the same way: its panel after the reply.
                walk.mastodon_public_reply(page)
                walk.Shots(OUT).element(page.locator(".networks"), "mastodon-panel")
                browser.close()
        finally:
            stop.set()
            server.stop()
            world.stop()
    for shot in sorted(OUT.glob("*.png")):
        print(shot.relative_to(OUT.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
