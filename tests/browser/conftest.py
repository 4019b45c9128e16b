"""A running sandbox (the real bot, both stand-ins, the web page) and a real browser.

The browser is the system's Chromium driven by Playwright (`scripts/test.sh` installs
Debian's `chromium` when it is missing). Without it these tests skip locally and fail in
CI, where a silent skip would hide that the page was never tried.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox.demo import DemoWorld, start_world, web_sandbox
from sandbox.web.browser import find_chromium
from sandbox.web.server import WebServer

REQUIRE_BROWSER = os.environ.get("CI") == "true"


@dataclass
class Site:
    world: DemoWorld
    server: WebServer

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def chromium() -> Path:
    found = find_chromium()
    if found is None:
        message = "no Chromium: install Debian's chromium (scripts/test.sh does, as root)"
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        message = "Playwright for Python is missing: bash scripts/setup.sh dev"
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def site() -> Iterator[Site]:
    with tempfile.TemporaryDirectory(prefix="carethread-web-") as workdir:
        world = start_world(Path(workdir), poll_seconds=1)
        server = WebServer(web_sandbox(world, story=None))
        server.start()
        try:
            yield Site(world, server)
        finally:
            server.stop()
            world.stop()
