"""README's first command runs the demo: it must show cases arriving and a reply landing on X,
and print the web page's address on a line of its own (outside tests read that line)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

ADDRESS_LINE = re.compile(r"^http://127\.0\.0\.1:(\d+)/$", re.MULTILINE)


@pytest.mark.timeout(180)
def test_demo_runs_the_whole_loop_without_any_credentials(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "X_", "DATABASE_"))}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "demo",
            "--plain",
            "--once",
            "--no-browser",
            "--speed",
            "10",
        ],
        capture_output=True,
        text=True,
        timeout=170,
        cwd=tmp_path,
        env={**env, "COLUMNS": "400"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert len(ADDRESS_LINE.findall(out)) == 1
    assert int(ADDRESS_LINE.search(out).group(1)) > 0
    assert "@lucia_mtz" in out and "Claimed by @maria" in out
    assert "On X: @acmeconecta → @lucia_mtz" in out
    assert "&lt;" not in out and "Ping Test" in out  # escaped for Slack, shown literally here
    # Every other network is listened to, and answered where the story plays.
    assert "Also listening on Mastodon, Bluesky, Facebook (and Messenger), Instagram" in out
    assert "On Mastodon: @acmeconecta → @oliver@fosstodon.example" in out
    assert "On Facebook, privately: @acmeconecta → @Ana Vidal" in out
    assert "On Instagram, privately: @acmeconecta → @gus.travels" in out
    assert "@jose.bsky.social" in out and "@tobias" in out and "Broadband Watch" in out
