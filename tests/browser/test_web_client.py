"""A newcomer answers customers with their own clicks on the sandbox page, in Chromium:
mention → claim → draft → approve on the phone → the reply is on X; a private reply; a
refused one explained in plain words; hostile customer text shown literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from sandbox.web import walkthrough as walk
from sandbox.web.browser import launch
from tests.browser.conftest import Site

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.timeout(150)
def test_a_customer_answered_end_to_end_by_hand(site: Site, chromium: Path, tmp_path: Path):
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 950})
            second = browser.new_page(viewport={"width": 1600, "height": 950})
            for tab in (page, second):
                tab.on("pageerror", lambda error: errors.append(str(error)))
            walk.open_as(page, site.url, walk.AGENT)
            walk.open_as(second, site.url, walk.SECOND_AGENT)

            walk.public_reply(page, second, walk.Shots(tmp_path))
            walk.private_reply(page)
            failed = walk.refused_reply(page)
            expect(failed.get_by_role("button", name="Retry")).to_be_visible()

            hostile = walk.hostile_text(page)
            expect(hostile).to_contain_text("<script>window.__pwned=1</script>")
            expect(hostile).to_contain_text("<!channel>")
            expect(hostile).to_contain_text("<b>Bold</b> <img src=x onerror=window.__pwned=1>")
            expect(hostile.locator(".ctl")).to_have_text("U+202E")
            post = walk.x_timeline(page).locator("li.post").filter(has_text="hostile_h")
            expect(post).to_contain_text("<script>window.__pwned=1</script>")
            expect(post.locator(".ctl")).to_have_text("U+202E")
            assert page.evaluate("window.__pwned") is None
            assert hostile.locator("b:text-is('Bold'), img[src=x]").count() == 0
        finally:
            browser.close()
    assert errors == []
    for name in ("channel-p1-card", "draft-modal-inline-error", "approver-phone"):
        assert (tmp_path / f"{name}.png").read_bytes().startswith(PNG_SIGNATURE)


@pytest.mark.timeout(120)
def test_a_mastodon_customer_answered_end_to_end_by_hand(
    site: Site, chromium: Path, tmp_path: Path
):
    """The same workflow on another network: its panel, its composer, its reply; then
    the agent's own cases, asked for with /carethread typed on the page."""
    shots = tmp_path
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 950})
            page.on("pageerror", lambda error: errors.append(str(error)))
            walk.open_as(page, site.url, walk.AGENT)
            answer = walk.mastodon_public_reply(page)
            expect(answer.locator(".handle")).to_have_text(f"@{walk.BRAND}")
            # The case is in the agent's list, asked for with the slash command.
            walk.slash_command(page, "/carethread mine")
            mine = page.locator("#region-channel article.ephemeral").filter(has_text="My cases")
            expect(mine).to_contain_text("@ines_r", timeout=walk.WAIT_MS)
            page.screenshot(path=str(shots / "mastodon.png"))
        finally:
            browser.close()
    assert errors == []
    brand = [p for p in site.world.others.panels() if p.name == "mastodon"][0]
    (reply,) = [p for p in brand.timeline() if p.is_brand]
    assert reply.text == walk.MASTODON_REPLY and reply.in_reply_to_handle == "ines_r"
