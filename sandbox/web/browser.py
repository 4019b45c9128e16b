"""Launching the system's Chromium for Playwright (tests and the screenshot script).

Playwright's own browser download cannot work without internet, so it drives Debian's
`chromium` through `executable_path`, with the flags that keep a headless Chromium from
reaching for Google's servers on a closed network.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> Path | None:
    """The system's Chromium (or Chrome), if one is installed."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def launch(playwright: Playwright, executable: Path) -> Browser:
    """A headless browser with a fresh profile (Playwright makes a new user-data-dir)."""
    return playwright.chromium.launch(
        executable_path=str(executable), headless=True, args=list(CHROMIUM_FLAGS)
    )
