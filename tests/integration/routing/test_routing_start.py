"""`python -m bot` refuses to start with routing rules it cannot use: exit code 2, each
problem named with its line and field."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from tests.integration.harness import Sandbox

BOT = [sys.executable, "-m", "bot"]


def run_bot(sandbox: Sandbox, policy: Path) -> subprocess.CompletedProcess[str]:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    env = sandbox.subprocess_env(CARETHREAD_CONFIG=str(policy), PORT=str(port))
    return subprocess.run(BOT, env=env, capture_output=True, text=True, timeout=60)


def test_a_bad_routing_rule_exits_2_naming_its_line_and_field(
    sqlite_sandbox: Sandbox, tmp_path: Path
) -> None:
    policy = tmp_path / "carethread.toml"
    policy.write_text(
        """\
[routing.channels]
care = "C0CARE0001"

[[routing.rules]]
intent = "praise"
channel = "C0COMMUNITY1"

[[routing.rules]]
intent = ["complaints", "question"]
channel = "care"
""",
        encoding="utf-8",
    )

    result = run_bot(sqlite_sandbox, policy)

    assert result.returncode == 2
    assert (
        f"Configuration error: CARETHREAD_CONFIG: {policy} line 9: routing.rules[2].intent: "
        "unknown intent 'complaints' (use complaint, question, praise, other)"
    ) in result.stderr
    assert "Traceback" not in result.stderr


def test_a_rule_for_an_account_that_is_not_connected_stops_the_start(
    sqlite_sandbox: Sandbox, tmp_path: Path
) -> None:
    policy = tmp_path / "carethread.toml"
    policy.write_text('[[routing.rules]]\naccount = "x:br"\nchannel = "C0BRAZIL01"\n')

    result = run_bot(sqlite_sandbox, policy)

    assert result.returncode == 2
    assert (
        f"Cannot start: CARETHREAD_CONFIG: {policy} line 1: routing.rules[1].account: no "
        "connected account is called 'x:br' (connected: x); fix the name or configure it."
    ) in result.stderr
    assert "Traceback" not in result.stderr
